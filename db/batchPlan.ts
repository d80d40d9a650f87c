// Turns one tick's effects (in order) into the row changes they net out to,
// so a network database can write a batch with a handful of set-based
// statements instead of one statement per effect (db/postgres/batchWriter.ts).
//
// The plan is safe to execute in this order, whatever the effects were:
//   1. removals of rows that existed before the batch (held seats of holds
//      that ended, blocks lifted, tickets cancelled) and updates of holds
//      that existed before;
//   2. inserts of rows created by the batch, each already in its final state
//      (a hold created and released in the same batch is inserted as
//      released, with no held seats).
// After step 1 only rows that survive the batch remain; step 2 adds exactly
// the new rows of the final state, which the core guarantees is consistent.
// So no statement ever sees a state that breaks a constraint or trigger.
// Organizer changes to the event itself (configure, layout, retire) are rare
// and order-sensitive: a batch with one of them is written effect by effect.
import type { GeneratedLayout } from '../lib/venueLayout';
import type { Effect, Hold, HoldEndReason } from '../core/types';
import { queuedEmailOf, type QueuedEmail } from './outbox';

export interface AuditEntry {
  seatId: string | null;
  at: number;
  action: string;
  holdId: string | null;
  orderId: string | null;
  buyerId: string | null;
  detail: string | null;
}

export interface HoldInsert {
  hold: Hold;
  status: 'active' | HoldEndReason;
  endedAt: number | null;
}

export interface TicketInsert {
  id: string;
  orderId: string;
  seatId: string;
  priceCents: number;
  code: string;
  cancelledAt: number | null;
  cancelReason: string | null;
  checkIn: DoorAdmission | null;
}

/** An admission at the door. */
export interface DoorAdmission {
  at: number;
  door: string | null;
  by: string;
}

export interface BatchPlan {
  /** Holds that existed before the batch and ended in it: their held seats go, their row is updated (with any extension). */
  endedHolds: { id: string; status: HoldEndReason; endedAt: number; expiresAt: number | null; extensions: number | null }[];
  /** Holds that existed before and were extended (and did not end). */
  extendedHolds: { id: string; expiresAt: number; extensions: number }[];
  /** Tickets that existed before and were admitted at the door (before any cancellation in the batch). */
  admittedTickets: ({ ticketId: string } & DoorAdmission)[];
  /** Tickets that existed before and were cancelled. */
  cancelledTickets: { orderId: string; seatId: string; at: number; reason: string }[];
  /** Blocks that existed before and were lifted (or replaced) in the batch. */
  liftedBlocks: string[];
  newHolds: HoldInsert[];
  /** Seats of new holds that are still live at the end of the batch. */
  newHeldSeats: { seatId: string; holdId: string }[];
  newOrders: Extract<Effect, { kind: 'order_created' }>['order'][];
  newTickets: TicketInsert[];
  newBlocks: { seatId: string; reason: string | null; at: number }[];
  /** Every audit row, in effect order. */
  audit: AuditEntry[];
  /** Emails to queue (written after the orders they name: a cancellation reads its recipient from its order). */
  emails: QueuedEmail[];
}

/** True when the batch must be written effect by effect (it changes the event itself). */
export function needsOrderedWrite(effects: readonly Effect[]): boolean {
  return effects.some((e) => e.kind === 'event_configured' || e.kind === 'layout_replaced' || e.kind === 'event_retired');
}

const detailOf = (actor: string, reason: string | null) => JSON.stringify(reason ? { by: actor, reason } : { by: actor });

/** The audit rows of one effect: the same rows, actions and details as the SQLite writer writes. */
export function auditRowsOf(effect: Effect): AuditEntry[] {
  switch (effect.kind) {
    case 'hold_created': {
      const h = effect.hold;
      return h.seatIds.map((seatId) => ({ seatId, at: h.createdAt, action: 'held', holdId: h.id, orderId: null, buyerId: h.buyerId, detail: null }));
    }
    case 'hold_extended':
      return [
        { seatId: null, at: effect.at, action: 'hold_extended', holdId: effect.holdId, orderId: null, buyerId: effect.buyerId, detail: JSON.stringify({ expiresAt: effect.expiresAt }) },
      ];
    case 'hold_ended':
      // A confirmed hold's seats are audited as 'sold' by its order.
      if (effect.reason === 'confirmed') return [];
      return effect.hold.seatIds.map((seatId) => ({
        seatId,
        at: effect.at,
        action: effect.reason,
        holdId: effect.hold.id,
        orderId: null,
        buyerId: effect.hold.buyerId,
        detail: effect.detail ?? null,
      }));
    case 'order_created': {
      const o = effect.order;
      return o.tickets.map((t) => ({ seatId: t.seatId, at: o.createdAt, action: 'sold', holdId: o.holdId, orderId: o.id, buyerId: o.buyerId, detail: null }));
    }
    case 'seats_blocked':
      return effect.seatIds.map((seatId) => ({ seatId, at: effect.at, action: 'blocked', holdId: null, orderId: null, buyerId: null, detail: detailOf(effect.actor, effect.reason) }));
    case 'seats_unblocked':
      return effect.seatIds.map((seatId) => ({ seatId, at: effect.at, action: 'unblocked', holdId: null, orderId: null, buyerId: null, detail: detailOf(effect.actor, effect.reason) }));
    case 'tickets_cancelled':
      return effect.seatIds.map((seatId) => ({
        seatId,
        at: effect.at,
        action: 'cancelled',
        holdId: null,
        orderId: effect.orderId,
        buyerId: effect.buyerId,
        detail: detailOf(effect.actor, effect.reason),
      }));
    case 'event_configured':
      return [{ seatId: null, at: effect.at, action: 'event_configured', holdId: null, orderId: null, buyerId: null, detail: JSON.stringify({ by: effect.actor, ...effect.rules, ...effect.meta }) }];
    case 'layout_replaced': {
      const { layout } = effect.layout as { layout: GeneratedLayout };
      return [{ seatId: null, at: effect.at, action: 'layout_replaced', holdId: null, orderId: null, buyerId: null, detail: detailOf(effect.actor, `${layout.seats.length} seats`) }];
    }
    case 'event_retired':
      return [{ seatId: null, at: effect.at, action: 'event_deleted', holdId: null, orderId: null, buyerId: null, detail: detailOf(effect.actor, null) }];
    case 'ticket_checked_in':
      return [
        {
          seatId: effect.seatId,
          at: effect.at,
          action: 'checked_in',
          holdId: null,
          orderId: effect.orderId,
          buyerId: effect.buyerId,
          detail: JSON.stringify(effect.door ? { by: effect.actor, door: effect.door } : { by: effect.actor }),
        },
      ];
    default: {
      const unknown: never = effect;
      throw new Error(`auditRowsOf: unknown effect ${JSON.stringify(unknown)}`);
    }
  }
}

/** Nets a batch of seat effects (no event_configured / layout_replaced / event_retired) into row changes. */
export function planBatch(effects: readonly Effect[]): BatchPlan {
  const plan: BatchPlan = {
    endedHolds: [],
    extendedHolds: [],
    admittedTickets: [],
    cancelledTickets: [],
    liftedBlocks: [],
    newHolds: [],
    newHeldSeats: [],
    newOrders: [],
    newTickets: [],
    newBlocks: [],
    audit: [],
    emails: [],
  };
  const newHolds = new Map<string, HoldInsert>();
  const endedBefore = new Map<string, { id: string; status: HoldEndReason; endedAt: number }>();
  const extendedBefore = new Map<string, { id: string; expiresAt: number; extensions: number }>();
  const newTickets = new Map<string, TicketInsert>(); // `${orderId}\0${seatId}`
  /** Per blocked/unblocked seat: did a block row exist before the batch, and the last block if one exists at the end. */
  const blocks = new Map<string, { existedBefore: boolean; final: { reason: string | null; at: number } | null }>();

  for (const effect of effects) {
    for (const row of auditRowsOf(effect)) plan.audit.push(row);
    const email = queuedEmailOf(effect);
    if (email) plan.emails.push(email);
    switch (effect.kind) {
      case 'hold_created':
        newHolds.set(effect.hold.id, { hold: { ...effect.hold, seatIds: [...effect.hold.seatIds] }, status: 'active', endedAt: null });
        break;
      case 'hold_extended': {
        const created = newHolds.get(effect.holdId);
        if (created) created.hold = { ...created.hold, expiresAt: effect.expiresAt, extensions: effect.extensions };
        else extendedBefore.set(effect.holdId, { id: effect.holdId, expiresAt: effect.expiresAt, extensions: effect.extensions });
        break;
      }
      case 'hold_ended': {
        const created = newHolds.get(effect.hold.id);
        if (created) {
          created.status = effect.reason;
          created.endedAt = effect.at;
        } else {
          endedBefore.set(effect.hold.id, { id: effect.hold.id, status: effect.reason, endedAt: effect.at });
        }
        break;
      }
      case 'order_created':
        plan.newOrders.push(effect.order);
        for (const t of effect.order.tickets) {
          newTickets.set(`${effect.order.id}\0${t.seatId}`, {
            id: t.id,
            orderId: effect.order.id,
            seatId: t.seatId,
            priceCents: t.priceCents,
            code: t.code,
            cancelledAt: null,
            cancelReason: null,
            checkIn: null,
          });
        }
        break;
      case 'tickets_cancelled':
        for (const seatId of effect.seatIds) {
          const created = newTickets.get(`${effect.orderId}\0${seatId}`);
          if (created) {
            created.cancelledAt = effect.at;
            created.cancelReason = effect.reason;
          } else {
            plan.cancelledTickets.push({ orderId: effect.orderId, seatId, at: effect.at, reason: effect.reason });
          }
        }
        break;
      case 'ticket_checked_in': {
        const created = newTickets.get(`${effect.orderId}\0${effect.seatId}`);
        const admission = { at: effect.at, door: effect.door, by: effect.actor };
        if (created) created.checkIn = admission;
        else plan.admittedTickets.push({ ticketId: effect.ticketId, ...admission });
        break;
      }
      case 'seats_blocked':
        for (const seatId of effect.seatIds) {
          const entry = blocks.get(seatId) ?? { existedBefore: false, final: null };
          entry.final = { reason: effect.reason, at: effect.at };
          blocks.set(seatId, entry);
        }
        break;
      case 'seats_unblocked':
        for (const seatId of effect.seatIds) {
          const entry = blocks.get(seatId) ?? { existedBefore: true, final: null };
          entry.final = null;
          blocks.set(seatId, entry);
        }
        break;
      case 'event_configured':
      case 'layout_replaced':
      case 'event_retired':
        throw new Error(`planBatch: ${effect.kind} must be written in order (see needsOrderedWrite)`);
      default: {
        const unknown: never = effect;
        throw new Error(`planBatch: unknown effect ${JSON.stringify(unknown)}`);
      }
    }
  }

  for (const [id, ended] of endedBefore) {
    const extended = extendedBefore.get(id);
    plan.endedHolds.push({ ...ended, expiresAt: extended?.expiresAt ?? null, extensions: extended?.extensions ?? null });
    extendedBefore.delete(id);
  }
  plan.extendedHolds.push(...extendedBefore.values());
  for (const insert of newHolds.values()) {
    plan.newHolds.push(insert);
    if (insert.status === 'active') for (const seatId of insert.hold.seatIds) plan.newHeldSeats.push({ seatId, holdId: insert.hold.id });
  }
  plan.newTickets.push(...newTickets.values());
  for (const [seatId, entry] of blocks) {
    if (entry.existedBefore) plan.liftedBlocks.push(seatId);
    if (entry.final) plan.newBlocks.push({ seatId, ...entry.final });
  }
  return plan;
}
