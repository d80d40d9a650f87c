// What the seat book remembers of ended holds, to answer a late command about one with
// "expired" or "already confirmed" rather than "not found", and a retried hold request
// (same buyer, same requestId) with what became of its hold.
import type { BuyerId, HoldEndReason, HoldId, OrderId } from './types';

/**
 * Kept in two generations of this size: when the current one fills, it becomes the
 * previous one. O(1) per hold; evicting one entry at a time from a Map walks over its
 * deleted holes and was the core's main cost under load.
 */
export const ENDED_HOLD_GENERATION = 50_000;

export interface EndedHold {
  reason: HoldEndReason;
  buyerId: BuyerId;
  orderId?: OrderId;
}

export class EndedHolds {
  private current = new Map<HoldId, EndedHold>();
  private previous = new Map<HoldId, EndedHold>();
  /** Request keys (buyer + requestId) of ended holds: they age out with their holds. */
  private currentByRequest = new Map<string, HoldId>();
  private previousByRequest = new Map<string, HoldId>();

  constructor(private readonly generationSize = ENDED_HOLD_GENERATION) {}

  remember(holdId: HoldId, entry: EndedHold, requestKey?: string): void {
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
      this.previousByRequest = this.currentByRequest;
      this.currentByRequest = new Map();
    }
    this.current.set(holdId, entry);
    if (requestKey !== undefined) this.currentByRequest.set(requestKey, holdId);
  }

  /** A request key read back from the store on restore (its hold is remembered separately). */
  rememberRequest(requestKey: string, holdId: HoldId): void {
    this.currentByRequest.set(requestKey, holdId);
  }

  get(holdId: HoldId): EndedHold | undefined {
    return this.current.get(holdId) ?? this.previous.get(holdId);
  }

  holdOfRequest(requestKey: string): HoldId | undefined {
    return this.currentByRequest.get(requestKey) ?? this.previousByRequest.get(requestKey);
  }
}
