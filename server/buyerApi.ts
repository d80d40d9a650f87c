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
import type { Outcome } from './reservations/types';
import { failView, holdView, orderView } from './views';

const BUSY_RETRY_MS = 1000;

function failureOf(outcome: Outcome & { ok: false }) {
  return failView(outcome, outcome.code === 'busy' || outcome.code === 'storage_unavailable' ? BUSY_RETRY_MS : undefined);
}

export class BuyerApi {
  constructor(private readonly registry: EventRegistry) {}

  async createHold(buyerId: string, input: unknown): Promise<HoldAck> {
    const parsed = createHoldSchema.safeParse(input);
    if (!parsed.success) return invalidRequest(parsed.error);
    const runtime = this.registry.get(parsed.data.eventId);
    if (!runtime) return fail('not_found', 'No such event.');
    const outcome = await runtime.loop.execute({
      type: 'hold',
      buyerId,
      seatIds: parsed.data.seatIds,
      gaRequests: parsed.data.ga,
      best: parsed.data.best,
    });
    if (!outcome.ok) return failureOf(outcome);
    if (outcome.type !== 'held') return fail('internal', 'Unexpected outcome.');
    return { ok: true, hold: holdView(outcome.hold, runtime.loop.rules.maxExtensions) };
  }

  async extendHold(buyerId: string, input: unknown): Promise<HoldAck> {
    const found = this.holdRuntime(input);
    if ('error' in found) return found.error;
    const outcome = await found.runtime.loop.execute({ type: 'extend', buyerId, holdId: found.holdId });
    if (!outcome.ok) return failureOf(outcome);
    if (outcome.type !== 'extended') return fail('internal', 'Unexpected outcome.');
    return { ok: true, hold: holdView(outcome.hold, found.runtime.loop.rules.maxExtensions) };
  }

  async releaseHold(buyerId: string, input: unknown): Promise<ReleaseAck> {
    const found = this.holdRuntime(input);
    if ('error' in found) return found.error;
    const outcome = await found.runtime.loop.execute({ type: 'release', buyerId, holdId: found.holdId });
    if (!outcome.ok) return failureOf(outcome);
    return { ok: true, holdId: found.holdId };
  }

  async confirmHold(buyerId: string, input: unknown): Promise<ConfirmAck> {
    const parsed = confirmHoldSchema.safeParse(input);
    if (!parsed.success) return invalidRequest(parsed.error);
    const runtime = this.registry.eventOfHold(parsed.data.holdId);
    if (!runtime) return fail('not_found', 'No such hold.');
    const { holdId, buyer, idempotencyKey } = parsed.data;
    const outcome = await runtime.loop.execute({ type: 'confirm', buyerId, holdId, buyer, idempotencyKey });
    if (!outcome.ok) return failureOf(outcome);
    if (outcome.type !== 'confirmed') return fail('internal', 'Unexpected outcome.');
    return {
      ok: true,
      order: orderView(outcome.order, runtime.detail.currency, runtime.seatById),
      replayed: outcome.replayed,
    };
  }

  private holdRuntime(input: unknown): { runtime: EventRuntime; holdId: string } | { error: ReturnType<typeof fail> } {
    const parsed = holdRefSchema.safeParse(input);
    if (!parsed.success) return { error: invalidRequest(parsed.error) };
    const runtime = this.registry.eventOfHold(parsed.data.holdId);
    if (!runtime) return { error: fail('not_found', 'No such hold.') };
    return { runtime, holdId: parsed.data.holdId };
  }
}
