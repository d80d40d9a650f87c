// The buyer operations, shared by the Socket.IO gateway and the HTTP API:
// validate raw input with zod, route to the event's loop, shape the reply.
import {
  confirmHoldSchema,
  createHoldSchema,
  fail,
  holdRefSchema,
  invalidRequest,
  type ConfirmAck,
  type HoldAck,
  type ReleaseAck,
} from '../lib/protocol';
import type { EventRegistry, EventRuntime } from './eventRegistry';
import type { Outcome } from '../core/types';
import type { HoldGuard } from './waitingRoom/holdGuard';
import { failView, holdView, orderView } from './views';

const BUSY_RETRY_MS = 1000;

function failureOf(outcome: Outcome & { ok: false }) {
  const retryable = outcome.code === 'busy' || outcome.code === 'storage_unavailable' || outcome.code === 'unavailable' || outcome.code === 'rate_limited';
  return failView(outcome, retryable ? (outcome.retryAfterMs ?? BUSY_RETRY_MS) : undefined);
}

export class BuyerApi {
  constructor(
    private readonly registry: EventRegistry,
    /** The waiting room's admission check and per-address limits in front of the loop (none: holds go straight in). */
    private readonly holdGuard: HoldGuard | null = null,
  ) {}

  /** `address`: the client's, for per-address limits (absent for in-process callers). */
  async createHold(buyerId: string, input: unknown, address?: string): Promise<HoldAck> {
    const parsed = createHoldSchema.safeParse(input);
    if (!parsed.success) return invalidRequest(parsed.error);
    const runtime = this.registry.get(parsed.data.eventId);
    if (!runtime) return fail('not_found', 'No such event.');
    const hold = () =>
      this.registry.execute(runtime, {
        type: 'hold',
        buyerId,
        seatIds: parsed.data.seatIds,
        gaRequests: parsed.data.ga,
        best: parsed.data.best,
        requestId: parsed.data.requestId,
      });
    // Best available counts what it asks for: the per-address limit must see it before the loop picks.
    const seats = parsed.data.seatIds.length + (parsed.data.ga ?? []).reduce((n, r) => n + r.quantity, 0) + (parsed.data.best?.quantity ?? 0);
    const outcome = this.holdGuard
      ? await this.holdGuard.guard(runtime, buyerId, { seats, admission: parsed.data.admission, address }, hold)
      : await hold();
    if (!outcome.ok) return failureOf(outcome);
    if (outcome.type !== 'held') return fail('internal', 'Unexpected outcome.');
    const view = holdView(runtime.eventId, outcome.hold, runtime.view.rules.maxExtensions);
    return outcome.replayed ? { ok: true, hold: view, replayed: true } : { ok: true, hold: view };
  }

  async extendHold(buyerId: string, input: unknown): Promise<HoldAck> {
    const found = await this.holdRuntime(input);
    if ('error' in found) return found.error;
    const outcome = await this.registry.execute(found.runtime, { type: 'extend', buyerId, holdId: found.holdId });
    if (!outcome.ok) return failureOf(outcome);
    if (outcome.type !== 'extended') return fail('internal', 'Unexpected outcome.');
    return { ok: true, hold: holdView(found.runtime.eventId, outcome.hold, found.runtime.view.rules.maxExtensions) };
  }

  async releaseHold(buyerId: string, input: unknown): Promise<ReleaseAck> {
    const found = await this.holdRuntime(input);
    if ('error' in found) return found.error;
    const outcome = await this.registry.execute(found.runtime, { type: 'release', buyerId, holdId: found.holdId });
    if (!outcome.ok) return failureOf(outcome);
    return { ok: true, holdId: found.holdId };
  }

  async confirmHold(buyerId: string, input: unknown): Promise<ConfirmAck> {
    const parsed = confirmHoldSchema.safeParse(input);
    if (!parsed.success) return invalidRequest(parsed.error);
    const runtime = await this.registry.eventOfHold(parsed.data.holdId);
    if (!runtime) return fail('not_found', 'No such hold.');
    const { holdId, buyer, idempotencyKey } = parsed.data;
    const outcome = await this.registry.execute(runtime, { type: 'confirm', buyerId, holdId, buyer, idempotencyKey });
    if (!outcome.ok) return failureOf(outcome);
    if (outcome.type !== 'confirmed') return fail('internal', 'Unexpected outcome.');
    return {
      ok: true,
      order: orderView(outcome.order, runtime.detail.currency, runtime.seatById),
      replayed: outcome.replayed,
    };
  }

  private async holdRuntime(input: unknown): Promise<{ runtime: EventRuntime; holdId: string } | { error: ReturnType<typeof fail> }> {
    const parsed = holdRefSchema.safeParse(input);
    if (!parsed.success) return { error: invalidRequest(parsed.error) };
    const runtime = await this.registry.eventOfHold(parsed.data.holdId);
    if (!runtime) return { error: fail('not_found', 'No such hold.') };
    return { runtime, holdId: parsed.data.holdId };
  }
}
