// PostgreSQL: writes one tick's effects in ONE transaction. The effects are
// netted into row changes (db/batchPlan.ts) and written with one set-based
// statement per kind of change (unnest of arrays), all pipelined on one
// connection: a busy tick of a thousand holds costs three round trips
// (BEGIN, the statements, COMMIT), not thousands. Checks that must abort the
// transaction (an update that did not match exactly the rows it should) run
// inside the server (seatline_expect), since the client only reads the
// results after COMMIT has already been sent.
import type { GeneratedLayout } from '../../lib/venueLayout';
import type { Effect } from '../../core/types';
import { auditRowsOf, needsOrderedWrite, planBatch, type AuditEntry, type BatchPlan } from '../batchPlan';
import { StoreFencedError, type BatchToWrite, type BatchWriter, type WriterOptions } from '../store';
import { AUDIT_ID_BLOCK } from './schema';
import type { Sql } from './connection';

import type postgres from 'postgres';

type Tx = postgres.TransactionSql<{ bigint: number }>;
type Query = postgres.PendingQuery<postgres.Row[]>;

/** The SQLSTATE seatline_fence raises (db/migrations/postgres/0010_lease_triggers.sql). */
const FENCED = 'SLF01';

/** Audit ids come in blocks from audit_log_id_seq; one writer hands them out in order. */
class AuditIds {
  private ranges: [number, number][] = []; // [next, end) in order

  constructor(private readonly sql: Sql) {}

  async reserve(count: number): Promise<void> {
    let available = this.ranges.reduce((n, [next, end]) => n + (end - next), 0);
    if (available >= count) return;
    const blocks = Math.ceil((count - available) / AUDIT_ID_BLOCK);
    const rows = await this.sql<{ v: number }[]>`SELECT nextval('audit_log_id_seq') AS v FROM generate_series(1, ${blocks})`;
    for (const { v } of rows) {
      this.ranges.push([v, v + AUDIT_ID_BLOCK]);
      available += AUDIT_ID_BLOCK;
    }
  }

  take(): number {
    const range = this.ranges[0];
    if (!range) throw new Error('audit ids: none reserved');
    const id = range[0]++;
    if (range[0] >= range[1]) this.ranges.shift();
    return id;
  }
}

export function createPostgresBatchWriter(sql: Sql, eventId: string, options: WriterOptions = {}): BatchWriter {
  const ids = new AuditIds(sql);
  const fence = options.epoch;
  /** seat → newest audit row id, for the seat chains; loaded once, dropped after any failed write. */
  let heads: Map<string, number> | null = null;

  async function loadHeads(): Promise<Map<string, number>> {
    const rows = await sql<{ seat_id: string; last_entry: number }[]>`SELECT seat_id, last_entry FROM audit_seat_heads WHERE event_id = ${eventId}`;
    return new Map(rows.map((r) => [r.seat_id, r.last_entry]));
  }

  /** The audit rows with ids and chain links, and the heads they move (applied to the cache only after COMMIT). */
  function linkAudit(entries: readonly AuditEntry[], cache: Map<string, number>) {
    const moved = new Map<string, number>();
    const rows = entries.map((e) => {
      const id = ids.take();
      let prev: number | null = null;
      if (e.seatId !== null) {
        prev = moved.get(e.seatId) ?? cache.get(e.seatId) ?? null;
        moved.set(e.seatId, id);
      }
      return { ...e, id, prev };
    });
    return { rows, moved };
  }

  function auditStatements(tx: Tx, entries: readonly AuditEntry[], cache: Map<string, number>): { queries: Query[]; moved: Map<string, number> } {
    if (entries.length === 0) return { queries: [], moved: new Map() };
    const { rows, moved } = linkAudit(entries, cache);
    const queries: Query[] = [
      tx`INSERT INTO audit_log (id, event_id, seat_id, at, action, hold_id, order_id, buyer_id, detail, prev_seat_entry)
         SELECT x.id, ${eventId}, x.seat_id, x.at, x.action, x.hold_id, x.order_id, x.buyer_id, x.detail, x.prev
         FROM unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.seatId)}::text[], ${rows.map((r) => r.at)}::bigint[],
                     ${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.holdId)}::text[], ${rows.map((r) => r.orderId)}::text[],
                     ${rows.map((r) => r.buyerId)}::text[], ${rows.map((r) => r.detail)}::text[], ${rows.map((r) => r.prev)}::bigint[])
           AS x(id, seat_id, at, action, hold_id, order_id, buyer_id, detail, prev)` as unknown as Query,
    ];
    if (moved.size > 0) {
      queries.push(
        tx`INSERT INTO audit_seat_heads (event_id, seat_id, last_entry)
           SELECT ${eventId}, x.seat_id, x.last_entry FROM unnest(${[...moved.keys()]}::text[], ${[...moved.values()]}::bigint[]) AS x(seat_id, last_entry)
           ON CONFLICT (event_id, seat_id) DO UPDATE SET last_entry = excluded.last_entry` as unknown as Query,
      );
    }
    return { queries, moved };
  }

  /** The statements of a netted plan, phase 1 (removals, updates of old rows) then phase 2 (inserts). */
  function planStatements(tx: Tx, plan: BatchPlan, currency: string): Query[] {
    const q: Query[] = [];
    const expect = (what: string, n: number, cte: Query) => q.push(tx`${cte} SELECT seatline_expect((SELECT count(*) FROM changed) = ${n}, ${what})` as unknown as Query);
    if (plan.endedHolds.length) {
      const e = plan.endedHolds;
      expect(
        `end ${e.length} holds`,
        e.length,
        tx`WITH changed AS (
             UPDATE holds h SET status = x.status, ended_at = x.ended_at,
               expires_at = COALESCE(x.expires_at, h.expires_at), extensions = COALESCE(x.extensions, h.extensions)
             FROM unnest(${e.map((h) => h.id)}::text[], ${e.map((h) => h.status)}::text[], ${e.map((h) => h.endedAt)}::bigint[],
                         ${e.map((h) => h.expiresAt)}::bigint[], ${e.map((h) => h.extensions)}::int[]) AS x(id, status, ended_at, expires_at, extensions)
             WHERE h.id = x.id AND h.event_id = ${eventId} AND h.status = 'active' RETURNING 1)` as unknown as Query,
      );
      q.push(tx`DELETE FROM held_seats WHERE hold_id = ANY(${e.map((h) => h.id)}::text[])` as unknown as Query);
    }
    if (plan.extendedHolds.length) {
      const e = plan.extendedHolds;
      expect(
        `extend ${e.length} holds`,
        e.length,
        tx`WITH changed AS (
             UPDATE holds h SET expires_at = x.expires_at, extensions = x.extensions
             FROM unnest(${e.map((h) => h.id)}::text[], ${e.map((h) => h.expiresAt)}::bigint[], ${e.map((h) => h.extensions)}::int[]) AS x(id, expires_at, extensions)
             WHERE h.id = x.id AND h.event_id = ${eventId} AND h.status = 'active' RETURNING 1)` as unknown as Query,
      );
    }
    if (plan.admittedTickets.length) {
      // Before cancellations: a ticket may be admitted and then cancelled in one batch, never the reverse.
      const a = plan.admittedTickets;
      expect(
        `check in ${a.length} tickets`,
        a.length,
        tx`WITH changed AS (
             UPDATE tickets t SET checked_in_at = x.at, checked_in_door = x.door, checked_in_by = x.by
             FROM unnest(${a.map((t) => t.ticketId)}::text[], ${a.map((t) => t.at)}::bigint[], ${a.map((t) => t.door)}::text[], ${a.map((t) => t.by)}::text[])
               AS x(id, at, door, by)
             WHERE t.id = x.id AND t.event_id = ${eventId} AND t.status = 'valid' AND t.checked_in_at IS NULL RETURNING 1)` as unknown as Query,
      );
    }
    if (plan.cancelledTickets.length) {
      const c = plan.cancelledTickets;
      expect(
        `cancel ${c.length} tickets`,
        c.length,
        tx`WITH changed AS (
             UPDATE tickets t SET status = 'cancelled', cancelled_at = x.at, cancel_reason = x.reason
             FROM unnest(${c.map((t) => t.orderId)}::text[], ${c.map((t) => t.seatId)}::text[], ${c.map((t) => t.at)}::bigint[], ${c.map((t) => t.reason)}::text[])
               AS x(order_id, seat_id, at, reason)
             WHERE t.order_id = x.order_id AND t.seat_id = x.seat_id AND t.status = 'valid' RETURNING 1)` as unknown as Query,
      );
    }
    if (plan.liftedBlocks.length) {
      expect(
        `unblock ${plan.liftedBlocks.length} seats`,
        plan.liftedBlocks.length,
        tx`WITH changed AS (DELETE FROM blocked_seats WHERE event_id = ${eventId} AND seat_id = ANY(${plan.liftedBlocks}::text[]) RETURNING 1)` as unknown as Query,
      );
    }
    if (plan.newHolds.length) {
      const h = plan.newHolds;
      q.push(
        tx`INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at, extensions, status, ended_at, request_id)
           SELECT x.id, ${eventId}, x.buyer_id, x.seats, x.created_at, x.expires_at, x.extensions, x.status, x.ended_at, x.request_id
           FROM unnest(${h.map((i) => i.hold.id)}::text[], ${h.map((i) => i.hold.buyerId)}::text[], ${h.map((i) => JSON.stringify(i.hold.seatIds))}::text[],
                       ${h.map((i) => i.hold.createdAt)}::bigint[], ${h.map((i) => i.hold.expiresAt)}::bigint[], ${h.map((i) => i.hold.extensions)}::int[],
                       ${h.map((i) => i.status)}::text[], ${h.map((i) => i.endedAt)}::bigint[], ${h.map((i) => i.hold.requestId ?? null)}::text[])
             AS x(id, buyer_id, seats, created_at, expires_at, extensions, status, ended_at, request_id)` as unknown as Query,
      );
    }
    if (plan.newHeldSeats.length) {
      const s = plan.newHeldSeats;
      q.push(
        tx`INSERT INTO held_seats (event_id, seat_id, hold_id)
           SELECT ${eventId}, x.seat_id, x.hold_id FROM unnest(${s.map((r) => r.seatId)}::text[], ${s.map((r) => r.holdId)}::text[]) AS x(seat_id, hold_id)` as unknown as Query,
      );
    }
    if (plan.newOrders.length) {
      const o = plan.newOrders;
      q.push(
        tx`INSERT INTO orders (id, event_id, hold_id, buyer_id, buyer_name, buyer_email, idempotency_key, total_cents, currency, created_at)
           SELECT x.id, ${eventId}, x.hold_id, x.buyer_id, x.name, x.email, x.key, x.total, x.currency, x.created_at
           FROM unnest(${o.map((r) => r.id)}::text[], ${o.map((r) => r.holdId)}::text[], ${o.map((r) => r.buyerId)}::text[], ${o.map((r) => r.buyer.name)}::text[],
                       ${o.map((r) => r.buyer.email)}::text[], ${o.map((r) => r.idempotencyKey)}::text[], ${o.map((r) => r.totalCents)}::int[],
                       ${o.map(() => currency)}::text[], ${o.map((r) => r.createdAt)}::bigint[])
             AS x(id, hold_id, buyer_id, name, email, key, total, currency, created_at)` as unknown as Query,
      );
    }
    if (plan.newTickets.length) {
      const t = plan.newTickets;
      q.push(
        tx`INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code, status, cancelled_at, cancel_reason, checked_in_at, checked_in_door, checked_in_by)
           SELECT x.id, x.order_id, ${eventId}, x.seat_id, x.price, x.code, CASE WHEN x.cancelled_at IS NULL THEN 'valid' ELSE 'cancelled' END,
                  x.cancelled_at, x.reason, x.checked_in_at, x.door, x.by
           FROM unnest(${t.map((r) => r.id)}::text[], ${t.map((r) => r.orderId)}::text[], ${t.map((r) => r.seatId)}::text[], ${t.map((r) => r.priceCents)}::int[],
                       ${t.map((r) => r.code)}::text[], ${t.map((r) => r.cancelledAt)}::bigint[], ${t.map((r) => r.cancelReason)}::text[],
                       ${t.map((r) => r.checkIn?.at ?? null)}::bigint[], ${t.map((r) => r.checkIn?.door ?? null)}::text[], ${t.map((r) => r.checkIn?.by ?? null)}::text[])
             AS x(id, order_id, seat_id, price, code, cancelled_at, reason, checked_in_at, door, by)` as unknown as Query,
      );
    }
    const confirmations = plan.emails.filter((e) => e.kind === 'order_confirmation');
    if (confirmations.length) {
      const c = confirmations;
      q.push(
        tx`INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
           SELECT x.id, 'order_confirmation', x.order_id, x.recipient, x.payload, x.at, x.at, 0
           FROM unnest(${c.map((e) => e.id)}::text[], ${c.map((e) => e.orderId)}::text[], ${c.map((e) => e.recipient)}::text[],
                       ${c.map((e) => e.payloadJson)}::text[], ${c.map((e) => e.at)}::bigint[]) AS x(id, order_id, recipient, payload, at)` as unknown as Query,
      );
    }
    const cancellations = plan.emails.filter((e) => e.kind === 'order_cancellation');
    if (cancellations.length) {
      // The recipient is the order's buyer, read in the same statement (the order may be new in this batch).
      const c = cancellations;
      expect(
        `queue ${c.length} cancellation notices`,
        c.length,
        tx`WITH changed AS (
             INSERT INTO outbox (id, kind, order_id, recipient, payload_json, created_at, next_attempt_at, attempts)
             SELECT x.id, 'order_cancellation', o.id, o.buyer_email, x.payload, x.at, x.at, 0
             FROM unnest(${c.map((e) => e.id)}::text[], ${c.map((e) => e.orderId)}::text[], ${c.map((e) => e.payloadJson)}::text[], ${c.map((e) => e.at)}::bigint[])
               AS x(id, order_id, payload, at)
             JOIN orders o ON o.id = x.order_id RETURNING 1)` as unknown as Query,
      );
    }
    if (plan.newBlocks.length) {
      const b = plan.newBlocks;
      q.push(
        tx`INSERT INTO blocked_seats (event_id, seat_id, reason, blocked_at)
           SELECT ${eventId}, x.seat_id, x.reason, x.at FROM unnest(${b.map((r) => r.seatId)}::text[], ${b.map((r) => r.reason)}::text[], ${b.map((r) => r.at)}::bigint[])
             AS x(seat_id, reason, at)` as unknown as Query,
      );
    }
    return q;
  }

  /** Statements for an organizer's change to the event itself (rare: written one by one, in order). */
  function eventStatements(tx: Tx, effect: Effect): Query[] {
    switch (effect.kind) {
      case 'event_configured': {
        const r = effect.rules;
        const m = effect.meta;
        return [
          tx`UPDATE events SET
               name = COALESCE(${m.name ?? null}::text, name),
               venue_name = COALESCE(${m.venueName ?? null}::text, venue_name),
               starts_at = COALESCE(${m.startsAt ?? null}::bigint, starts_at),
               hold_ttl_ms = CASE WHEN ${effect.holdTtlOverride !== undefined} THEN ${effect.holdTtlOverride ?? null}::bigint ELSE hold_ttl_ms END,
               max_seats_per_buyer = COALESCE(${r.maxSeatsPerBuyer ?? null}::int, max_seats_per_buyer),
               max_extensions = COALESCE(${r.maxExtensions ?? null}::int, max_extensions),
               prevent_orphan_seats = COALESCE(${r.preventOrphanSeats ?? null}::boolean, prevent_orphan_seats),
               sale_status = COALESCE(${r.saleStatus ?? null}::text, sale_status),
               sale_opens_at = CASE WHEN ${'saleOpensAt' in r} THEN ${r.saleOpensAt ?? null}::bigint ELSE sale_opens_at END,
               sale_closes_at = CASE WHEN ${'saleClosesAt' in r} THEN ${r.saleClosesAt ?? null}::bigint ELSE sale_closes_at END
             WHERE id = ${eventId}` as unknown as Query,
        ];
      }
      case 'layout_replaced': {
        const { layout, spec } = effect.layout as { layout: GeneratedLayout; spec: unknown };
        const s = layout.seats;
        const { seats: _seats, ...rest } = layout;
        return [
          tx`DELETE FROM blocked_seats WHERE event_id = ${eventId}` as unknown as Query,
          tx`DELETE FROM seats WHERE event_id = ${eventId}` as unknown as Query,
          tx`INSERT INTO seats (event_id, id, section, row, number, category, price_cents, x, y, accessible, ga_area)
             SELECT ${eventId}, x.id, x.section, x.row, x.number, x.category, x.price, x.x, x.y, x.accessible, x.ga_area
             FROM unnest(${s.map((r) => r.id)}::text[], ${s.map((r) => r.section)}::text[], ${s.map((r) => r.row)}::text[], ${s.map((r) => r.number)}::text[],
                         ${s.map((r) => r.category)}::text[], ${s.map((r) => r.priceCents)}::int[], ${s.map((r) => r.x)}::float8[], ${s.map((r) => r.y)}::float8[],
                         ${s.map((r) => r.accessible ?? null)}::text[], ${s.map((r) => r.gaArea ?? null)}::text[])
               AS x(id, section, row, number, category, price, x, y, accessible, ga_area)` as unknown as Query,
          tx`UPDATE events SET layout_json = ${JSON.stringify({ ...rest, spec })} WHERE id = ${eventId}` as unknown as Query,
        ];
      }
      case 'event_retired':
        return [
          tx`DELETE FROM blocked_seats WHERE event_id = ${eventId}` as unknown as Query,
          tx`DELETE FROM events WHERE id = ${eventId}` as unknown as Query,
        ];
      default:
        throw new Error(`not an event-level effect: ${effect.kind}`);
    }
  }

  return {
    async write(batch: BatchToWrite): Promise<void> {
      const cache = (heads ??= await loadHeads());
      const auditCount = batch.effects.reduce((n, e) => n + auditRowsOf(e).length, 0);
      await ids.reserve(auditCount);
      let moved = new Map<string, number>();
      try {
        // Not an async callback: postgres.js pipelines the queries only when it is handed the array itself.
        await sql.begin(((tx: Tx) => {
          const queries: Query[] = [];
          // The fence comes first: FOR SHARE on the lease row orders this transaction against any takeover.
          if (fence !== undefined) queries.push(tx`SELECT seatline_fence(${eventId}, ${fence}::bigint)` as unknown as Query);
          if (!needsOrderedWrite(batch.effects)) {
            const plan = planBatch(batch.effects);
            queries.push(...planStatements(tx, plan, batch.currency));
            const audit = auditStatements(tx, plan.audit, cache);
            queries.push(...audit.queries);
            moved = audit.moved;
          } else {
            // Seat effects between organizer changes are netted in runs; the changes themselves go in order.
            const working = new Map(cache);
            let run: Effect[] = [];
            const flushRun = () => {
              if (run.length === 0) return;
              const plan = planBatch(run);
              queries.push(...planStatements(tx, plan, batch.currency));
              const audit = auditStatements(tx, plan.audit, working);
              queries.push(...audit.queries);
              for (const [seatId, id] of audit.moved) {
                working.set(seatId, id);
                moved.set(seatId, id);
              }
              run = [];
            };
            for (const effect of batch.effects) {
              if (!needsOrderedWrite([effect])) {
                run.push(effect);
                continue;
              }
              flushRun();
              queries.push(...eventStatements(tx, effect));
              const audit = auditStatements(tx, auditRowsOf(effect), working);
              queries.push(...audit.queries);
            }
            flushRun();
          }
          queries.push(tx`UPDATE events SET version = ${batch.version} WHERE id = ${eventId}` as unknown as Query);
          const beforeCommit = options.beforeCommit;
          if (beforeCommit) return Promise.all(queries).then(() => beforeCommit());
          return queries;
        }) as unknown as (tx: Tx) => Promise<void>);
      } catch (error) {
        heads = null; // the chains may or may not have moved: read them again
        if (fence !== undefined && (error as { code?: unknown }).code === FENCED) throw new StoreFencedError(eventId, fence);
        throw error;
      }
      for (const [seatId, id] of moved) cache.set(seatId, id);
    },
  };
}
