// The edge in front of the loop for new holds (issue 12): while an event's
// waiting room is on, a hold needs a valid admission (signed, this event,
// this buyer, window still open, no checkout since); and an address may hold
// only so many seats of one event at once. A refusal changes nothing: the
// command never reaches the loop.
import type { Failure, Outcome } from '../../core/types';
import type { EventRuntime } from '../eventRegistry';
import { addressKey } from '../http/clientInfo';
import type { AddressHoldLimit } from './addressHolds';
import { REFUSAL_TEXT, type AdmissionTokens } from './admissionTokens';
import type { WaitingRoomDirectory } from './directory';

export interface HoldRequestFacts {
  /** Seats the hold asks for (named seats plus general-admission places). */
  seats: number;
  admission?: string;
  /** The client's address (trusted proxies honoured); absent for in-process callers. */
  address?: string;
}

export interface HoldGuard {
  /** Runs `hold` if this buyer may hold now, else answers why not. */
  guard(runtime: EventRuntime, buyerId: string, facts: HoldRequestFacts, hold: () => Promise<Outcome>): Promise<Outcome>;
}

const notAdmitted = (message: string): Failure => ({ ok: false, code: 'not_admitted', message });

export class WaitingRoomHoldGuard implements HoldGuard {
  constructor(
    private readonly deps: {
      directory: WaitingRoomDirectory;
      tokens: AdmissionTokens;
      /** null = no per-address limit on seats held at once. */
      addressHolds: AddressHoldLimit | null;
      clock: () => number;
    },
  ) {}

  async guard(runtime: EventRuntime, buyerId: string, facts: HoldRequestFacts, hold: () => Promise<Outcome>): Promise<Outcome> {
    const now = this.deps.clock();
    if (this.deps.directory.enabled(runtime.eventId)) {
      const check = this.deps.tokens.verify(facts.admission, runtime.eventId, buyerId, now);
      if (!check.ok) return notAdmitted(REFUSAL_TEXT[check.reason]);
      // Checking out ends the window early (the committed view knows every process's orders).
      const lastOrderAt = runtime.view.lastOrderAt(buyerId);
      if (lastOrderAt !== undefined && lastOrderAt >= check.admittedAt) return notAdmitted(REFUSAL_TEXT.checked_out);
    }
    const limit = this.deps.addressHolds;
    if (!limit || facts.address === undefined) return hold();
    const key = addressKey(facts.address);
    const waitMs = await limit.reserve(runtime.eventId, key, facts.seats, now);
    if (waitMs > 0) {
      return { ok: false, code: 'rate_limited', message: 'Too many seats are held from your network for this event; try again when one of those holds ends.', retryAfterMs: waitMs };
    }
    let outcome: Outcome;
    try {
      outcome = await hold();
    } catch (error) {
      await limit.cancel(runtime.eventId, key, facts.seats);
      throw error;
    }
    if (outcome.ok && outcome.type === 'held' && outcome.replayed) {
      // A retry of a hold already made (and counted when it was): nothing new to count.
      await limit.cancel(runtime.eventId, key, facts.seats);
    } else if (outcome.ok && outcome.type === 'held') {
      // The loop may have picked a different count of GA places than asked: count what it holds.
      if (outcome.hold.seatIds.length !== facts.seats) await limit.cancel(runtime.eventId, key, facts.seats - outcome.hold.seatIds.length);
      await limit.attach(outcome.hold.id, runtime.eventId, key, outcome.hold.seatIds.length, outcome.hold.expiresAt);
    } else {
      await limit.cancel(runtime.eventId, key, facts.seats);
    }
    return outcome;
  }
}
