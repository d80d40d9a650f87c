// What one committed batch changed, as plain data: the owner of an event
// builds one after every commit and every process applies it to its
// committed view of the event (server/events/committedView.ts). It is the
// only thing a read model learns from, on the owner and, in distributed
// mode, on every other process (so it has a zod schema: it crosses Redis).
// It carries what reads need, never secrets (no ticket codes, no emails).
import { z } from 'zod';
import type { CoreSeatStatus, Effect, EventRules, HoldEndReason } from '../../core/types';

export const CORE_STATUS_CODES = { available: 'a', held: 'h', sold: 's', blocked: 'b' } as const satisfies Record<CoreSeatStatus, string>;
export type CoreStatusCode = (typeof CORE_STATUS_CODES)[CoreSeatStatus];
export const CORE_STATUS_OF_CODE: Record<CoreStatusCode, CoreSeatStatus> = { a: 'available', h: 'held', s: 'sold', b: 'blocked' };

const id = z.string().min(1).max(128);
const epochMs = z.number().int().min(0);

const liveHoldSchema = z.object({
  id,
  buyerId: id,
  seatIds: z.array(id),
  createdAt: epochMs,
  expiresAt: epochMs,
  extensions: z.number().int().min(0),
});
export type LiveHold = z.infer<typeof liveHoldSchema>;

const rulesSchema = z
  .object({
    holdTtlMs: z.number().int().positive(),
    maxSeatsPerBuyer: z.number().int().positive(),
    maxExtensions: z.number().int().min(0),
    saleStatus: z.enum(['open', 'paused', 'closed']),
    saleOpensAt: epochMs.nullable(),
    saleClosesAt: epochMs.nullable(),
    preventOrphanSeats: z.boolean(),
  })
  .partial();

export const commitNoticeSchema = z.object({
  eventId: id,
  /** The event's version after this batch: exactly one more than the batch before. */
  version: z.number().int().positive(),
  /** The ownership epoch of the loop that committed it (0 in the embedded mode). */
  epoch: z.number().int().min(0),
  /** Seats whose status the batch changed, with the new core status code. */
  seats: z.array(z.tuple([id, z.enum(['a', 'h', 's', 'b'])])),
  holdsCreated: z.array(liveHoldSchema),
  holdsExtended: z.array(z.object({ id, expiresAt: epochMs, extensions: z.number().int().min(0) })),
  holdsEnded: z.array(
    z.object({ id, buyerId: id, seatIds: z.array(id), reason: z.enum(['released', 'expired', 'confirmed', 'admin_released']), at: epochMs }),
  ),
  ordersCreated: z.array(z.object({ id, buyerId: id, createdAt: epochMs, tickets: z.number().int().min(0), totalCents: z.number().int().min(0) })),
  ticketsCancelled: z.array(
    z.object({ orderId: id, buyerId: id, seatIds: z.array(id).min(1), refundedCents: z.number().int().min(0), orderCreatedAt: epochMs, at: epochMs }),
  ),
  /** Tickets admitted at the door. */
  checkIns: z.array(z.object({ ticketId: id, orderId: id, seatId: id })),
  /** Rules an organizer changed in this batch (merged over the previous ones). */
  rules: rulesSchema.nullable(),
  /** The event itself changed: reload its details or layout, or forget it. */
  eventChange: z.enum(['details', 'layout', 'deleted']).nullable(),
});
export type CommitNotice = z.infer<typeof commitNoticeSchema>;

/** The notice of one committed batch, from its effects and its net seat changes. */
export function noticeOf(
  eventId: string,
  version: number,
  epoch: number,
  effects: readonly Effect[],
  seatChanges: Iterable<[string, CoreSeatStatus]>,
): CommitNotice {
  const notice: CommitNotice = {
    eventId,
    version,
    epoch,
    seats: [],
    holdsCreated: [],
    holdsExtended: [],
    holdsEnded: [],
    ordersCreated: [],
    ticketsCancelled: [],
    checkIns: [],
    rules: null,
    eventChange: null,
  };
  for (const [seatId, status] of seatChanges) notice.seats.push([seatId, CORE_STATUS_CODES[status]]);
  for (const effect of effects) {
    switch (effect.kind) {
      case 'hold_created': {
        const h = effect.hold;
        notice.holdsCreated.push({ id: h.id, buyerId: h.buyerId, seatIds: h.seatIds, createdAt: h.createdAt, expiresAt: h.expiresAt, extensions: h.extensions });
        break;
      }
      case 'hold_extended':
        notice.holdsExtended.push({ id: effect.holdId, expiresAt: effect.expiresAt, extensions: effect.extensions });
        break;
      case 'hold_ended':
        notice.holdsEnded.push({ id: effect.hold.id, buyerId: effect.hold.buyerId, seatIds: effect.hold.seatIds, reason: effect.reason, at: effect.at });
        break;
      case 'order_created': {
        const o = effect.order;
        notice.ordersCreated.push({ id: o.id, buyerId: o.buyerId, createdAt: o.createdAt, tickets: o.tickets.length, totalCents: o.totalCents });
        break;
      }
      case 'tickets_cancelled':
        notice.ticketsCancelled.push({
          orderId: effect.orderId,
          buyerId: effect.buyerId,
          seatIds: effect.seatIds,
          refundedCents: effect.refundedCents,
          orderCreatedAt: effect.orderCreatedAt,
          at: effect.at,
        });
        break;
      case 'event_configured':
        notice.rules = { ...(notice.rules ?? {}), ...(effect.rules as Partial<EventRules>) };
        if (notice.eventChange === null) notice.eventChange = 'details';
        break;
      case 'layout_replaced':
        if (notice.eventChange !== 'deleted') notice.eventChange = 'layout';
        break;
      case 'event_retired':
        notice.eventChange = 'deleted';
        break;
      case 'ticket_checked_in':
        notice.checkIns.push({ ticketId: effect.ticketId, orderId: effect.orderId, seatId: effect.seatId });
        break;
      case 'seats_blocked':
      case 'seats_unblocked':
        break; // seen through the seat changes
      default: {
        const unknown: never = effect;
        throw new Error(`noticeOf: unknown effect ${JSON.stringify(unknown)}`);
      }
    }
  }
  return notice;
}

/** Why holds ended, for notices to their owners: only these two are news to a holder. */
export function isNoticeToHolder(reason: HoldEndReason): reason is 'expired' | 'admin_released' {
  return reason === 'expired' || reason === 'admin_released';
}
