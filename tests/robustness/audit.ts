// Storage audit shared by the robustness suites and scripts/soak.ts: checks,
// with plain SQL on one consistent snapshot of the database file, every
// invariant a crash, a fault or a long run must never break.
//
//   - no seat has two valid tickets; no seat is both held and sold (or blocked)
//   - held_seats rows are exactly the seats of the active holds
//   - every order belongs to a confirmed hold and has one valid ticket per seat of it
//   - held + sold + blocked + available = capacity, per event
//   - the audit log, replayed seat by seat, ends in each seat's current state,
//     and every ended hold has the audit rows of its ending
//   - each seat's history chain (audit_seat_heads → prev_seat_entry) links
//     exactly that seat's audit rows, newest first
import Database from 'better-sqlite3';
import type { Store } from '../../db/store';
import { SqliteStore } from '../../db/sqlite/sqliteStore';
import type { SqlRunner } from '../support/sql';

export type PublicStatus = 'available' | 'held' | 'sold';

export interface EventCounts {
  capacity: number;
  held: number;
  sold: number;
  blocked: number;
  available: number;
}

export interface AuditStats {
  holdsByStatus: Record<string, number>;
  orders: number;
  validTickets: number;
  auditRows: number;
  auditByAction: Record<string, number>;
  events: Record<string, EventCounts & { version: number }>;
}

export interface AuditResult {
  violations: string[];
  stats: AuditStats;
}

interface HoldRow {
  id: string;
  event_id: string;
  buyer_id: string;
  seat_ids_json: string;
  created_at: number;
  expires_at: number;
  extensions: number;
  status: string;
  ended_at: number | null;
}

interface AuditRow {
  id: number;
  event_id: string;
  seat_id: string | null;
  at: number;
  action: string;
  hold_id: string | null;
  order_id: string | null;
  prev_seat_entry: number | null;
}

type SeatState = { s: 'available' } | { s: 'held'; holdId: string } | { s: 'sold'; orderId: string } | { s: 'blocked' };

const MAX_REPORTED = 50;

/** Runs `read` inside one read transaction of a SQLite connection, so concurrent writers cannot tear it. */
async function inSqliteSnapshot<T>(db: Database.Database, read: (sql: SqlRunner) => Promise<T>): Promise<T> {
  const sql: SqlRunner = {
    all: async (query, ...params) => db.prepare(query).all(...params) as never[],
    get: async (query, ...params) => db.prepare(query).get(...params) as never,
    run: async (query, ...params) => void db.prepare(query).run(...params),
  };
  db.exec('BEGIN');
  try {
    return await read(sql);
  } finally {
    db.exec('COMMIT');
  }
}

/** Runs `read` inside one REPEATABLE READ transaction of the store's own PostgreSQL pool. */
async function inPostgresSnapshot<T>(store: Store, read: (sql: SqlRunner) => Promise<T>): Promise<T> {
  type Pg = { begin<R>(options: string, fn: (tx: { unsafe(q: string, p: unknown[]): Promise<unknown[]> }) => Promise<R>): Promise<R> };
  const pg = (store as unknown as { sql: Pg }).sql;
  const { dollarParams } = await import('../support/sql');
  return pg.begin('isolation level repeatable read read only', async (tx) => {
    const all = async (query: string, ...params: unknown[]) => [...(await tx.unsafe(dollarParams(query), params))] as never[];
    return read({ all, get: async (q, ...p) => (await all(q, ...p))[0], run: async (q, ...p) => void (await all(q, ...p)) });
  });
}

/** Runs reads inside one consistent snapshot of a database (see TestDatabase.snapshot). */
export type Snapshot = <T>(read: (sql: SqlRunner) => Promise<T>) => Promise<T>;

/** Audits one consistent snapshot, taken however the caller reaches the database. */
export function auditSnapshotOf(snapshot: Snapshot): Promise<AuditResult> {
  return snapshot(auditSnapshot);
}

/** Opens the file read-only and audits one consistent snapshot of it. */
export async function auditDatabaseFile(path: string): Promise<AuditResult> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return await inSqliteSnapshot(db, auditSnapshot);
  } finally {
    db.close();
  }
}

/** Audits a running server's store (SQLite through its own read-only connection, PostgreSQL in one snapshot). */
export async function auditStore(store: Store): Promise<AuditResult> {
  if (store instanceof SqliteStore) {
    return store.location === ':memory:' ? inSqliteSnapshot(store.handle.sqlite, auditSnapshot) : auditDatabaseFile(store.location);
  }
  return inPostgresSnapshot(store, auditSnapshot);
}

async function auditSnapshot(sql: SqlRunner): Promise<AuditResult> {
  const violations: string[] = [];
  const report = (message: string) => {
    if (violations.length < MAX_REPORTED) violations.push(message);
    else if (violations.length === MAX_REPORTED) violations.push('... (more violations not shown)');
  };
  const all = <T>(query: string, ...params: unknown[]) => sql.all<T>(query, ...params);

  // ---------- row-level integrity ----------
  for (const r of (await all<{ event_id: string; seat_id: string; n: number }>(
    `SELECT event_id, seat_id, COUNT(*) AS n FROM tickets WHERE status = 'valid' GROUP BY event_id, seat_id HAVING COUNT(*) > 1`,
  ))) {
    report(`double sale: ${r.event_id}/${r.seat_id} has ${r.n} valid tickets`);
  }
  for (const r of (await all<{ event_id: string; seat_id: string }>(
    `SELECT h.event_id, h.seat_id FROM held_seats h
     JOIN tickets t ON t.event_id = h.event_id AND t.seat_id = h.seat_id AND t.status = 'valid'`,
  ))) {
    report(`held and sold: ${r.event_id}/${r.seat_id}`);
  }
  for (const r of (await all<{ event_id: string; seat_id: string; what: string }>(
    `SELECT b.event_id, b.seat_id, 'held' AS what FROM blocked_seats b JOIN held_seats h ON h.event_id = b.event_id AND h.seat_id = b.seat_id
     UNION ALL
     SELECT b.event_id, b.seat_id, 'sold' FROM blocked_seats b
       JOIN tickets t ON t.event_id = b.event_id AND t.seat_id = b.seat_id AND t.status = 'valid'`,
  ))) {
    report(`blocked and ${r.what}: ${r.event_id}/${r.seat_id}`);
  }
  for (const r of (await all<{ event_id: string; seat_id: string; what: string }>(
    `SELECT h.event_id, h.seat_id, 'held_seats' AS what FROM held_seats h
       LEFT JOIN seats s ON s.event_id = h.event_id AND s.id = h.seat_id WHERE s.id IS NULL
     UNION ALL
     SELECT t.event_id, t.seat_id, 'tickets' FROM tickets t
       LEFT JOIN seats s ON s.event_id = t.event_id AND s.id = t.seat_id WHERE s.id IS NULL AND t.status = 'valid'`,
  ))) {
    report(`${r.what} row names an unknown seat ${r.event_id}/${r.seat_id}`);
  }

  // ---------- holds vs held_seats ----------
  const holds = (await all<HoldRow>(`SELECT * FROM holds`));
  const holdById = new Map(holds.map((h) => [h.id, h]));
  const heldRows = (await all<{ event_id: string; seat_id: string; hold_id: string }>(`SELECT * FROM held_seats`));
  const heldByHold = new Map<string, string[]>();
  for (const r of heldRows) {
    const hold = holdById.get(r.hold_id);
    if (!hold) report(`held_seats ${r.event_id}/${r.seat_id} names a missing hold ${r.hold_id}`);
    else if (hold.status !== 'active') report(`held_seats ${r.event_id}/${r.seat_id} names ${hold.status} hold ${r.hold_id}`);
    else if (hold.event_id !== r.event_id) report(`held_seats ${r.event_id}/${r.seat_id} names hold ${r.hold_id} of ${hold.event_id}`);
    const list = heldByHold.get(r.hold_id) ?? [];
    list.push(r.seat_id);
    heldByHold.set(r.hold_id, list);
  }
  const seatsOf = (h: HoldRow): string[] => JSON.parse(h.seat_ids_json) as string[];
  const holdsByStatus: Record<string, number> = {};
  for (const h of holds) {
    holdsByStatus[h.status] = (holdsByStatus[h.status] ?? 0) + 1;
    if (h.status === 'active') {
      if (h.ended_at !== null) report(`active hold ${h.id} has ended_at`);
      const want = [...seatsOf(h)].sort().join(',');
      const got = [...(heldByHold.get(h.id) ?? [])].sort().join(',');
      if (want !== got) report(`active hold ${h.id}: held_seats [${got}] != its seats [${want}]`);
    } else if (h.ended_at === null) {
      report(`${h.status} hold ${h.id} has no ended_at`);
    }
  }

  // ---------- orders and tickets ----------
  const orders = (await all<{ id: string; event_id: string; hold_id: string; buyer_id: string; total_cents: number }>(`SELECT * FROM orders`));
  const tickets = (await all<{ id: string; order_id: string; event_id: string; seat_id: string; price_cents: number; status: string }>(
    `SELECT * FROM tickets`,
  ));
  const ticketsByOrder = new Map<string, typeof tickets>();
  for (const t of tickets) {
    const list = ticketsByOrder.get(t.order_id) ?? [];
    list.push(t);
    ticketsByOrder.set(t.order_id, list);
  }
  const orderByHold = new Map<string, string>();
  for (const o of orders) {
    orderByHold.set(o.hold_id, o.id);
    const hold = holdById.get(o.hold_id);
    const mine = ticketsByOrder.get(o.id) ?? [];
    if (!hold) {
      report(`order ${o.id} names a missing hold ${o.hold_id}`);
      continue;
    }
    if (hold.status !== 'confirmed') report(`order ${o.id}: its hold ${hold.id} is ${hold.status}, not confirmed`);
    if (hold.buyer_id !== o.buyer_id || hold.event_id !== o.event_id) report(`order ${o.id} and hold ${hold.id} disagree on buyer/event`);
    const want = [...seatsOf(hold)].sort().join(',');
    const got = mine.map((t) => t.seat_id).sort().join(',');
    if (want !== got) report(`order ${o.id}: tickets [${got}] != seats of its hold [${want}]`);
    const total = mine.reduce((sum, t) => sum + t.price_cents, 0);
    if (total !== o.total_cents) report(`order ${o.id}: total ${o.total_cents} != sum of tickets ${total}`);
    if (mine.some((t) => t.event_id !== o.event_id)) report(`order ${o.id} has a ticket of another event`);
  }
  for (const h of holds) {
    if (h.status === 'confirmed' && !orderByHold.has(h.id)) report(`confirmed hold ${h.id} has no order`);
  }

  // ---------- counts ----------
  const events: AuditStats['events'] = {};
  for (const e of (await all<{ id: string; version: number }>(`SELECT id, version FROM events`))) {
    const one = async (query: string) => (await sql.get<{ n: number }>(query, e.id))!.n;
    const capacity = (await one(`SELECT COUNT(*) AS n FROM seats WHERE event_id = ?`));
    const held = (await one(`SELECT COUNT(*) AS n FROM held_seats WHERE event_id = ?`));
    const sold = (await one(`SELECT COUNT(*) AS n FROM tickets WHERE event_id = ? AND status = 'valid'`));
    const blocked = (await one(`SELECT COUNT(*) AS n FROM blocked_seats WHERE event_id = ?`));
    const available = (await one(
      `SELECT COUNT(*) AS n FROM seats s WHERE s.event_id = ?
         AND NOT EXISTS (SELECT 1 FROM held_seats h WHERE h.event_id = s.event_id AND h.seat_id = s.id)
         AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.event_id = s.event_id AND t.seat_id = s.id AND t.status = 'valid')
         AND NOT EXISTS (SELECT 1 FROM blocked_seats b WHERE b.event_id = s.event_id AND b.seat_id = s.id)`,
    ));
    if (held + sold + blocked + available !== capacity) {
      report(`counts of ${e.id}: held ${held} + sold ${sold} + blocked ${blocked} + available ${available} != capacity ${capacity}`);
    }
    events[e.id] = { capacity, held, sold, blocked, available, version: e.version };
  }

  // ---------- the audit log, replayed ----------
  const audit = (await all<AuditRow>(`SELECT id, event_id, seat_id, at, action, hold_id, order_id, prev_seat_entry FROM audit_log ORDER BY id`));
  checkSeatChains(audit, (await all<{ event_id: string; seat_id: string; last_entry: number }>('SELECT * FROM audit_seat_heads')), report);
  const auditByAction: Record<string, number> = {};
  const replayed = new Map<string, SeatState>(); // `${event}\u0000${seat}`
  const key = (eventId: string, seatId: string) => `${eventId}\u0000${seatId}`;
  const rowsByHold = new Map<string, AuditRow[]>();
  for (const row of audit) {
    auditByAction[row.action] = (auditByAction[row.action] ?? 0) + 1;
    if (row.hold_id) {
      const list = rowsByHold.get(row.hold_id) ?? [];
      list.push(row);
      rowsByHold.set(row.hold_id, list);
    }
    if (row.seat_id === null) continue;
    const k = key(row.event_id, row.seat_id);
    const before = replayed.get(k) ?? { s: 'available' };
    const bad = (why: string) => report(`audit row ${row.id} (${row.action} ${row.event_id}/${row.seat_id}): ${why}`);
    switch (row.action) {
      case 'held':
        if (before.s !== 'available') bad(`seat was ${before.s}`);
        replayed.set(k, { s: 'held', holdId: row.hold_id ?? '?' });
        break;
      case 'released':
      case 'expired':
      case 'admin_released':
        if (before.s !== 'held' || before.holdId !== row.hold_id) bad(`seat was ${describe(before)}, not held by ${row.hold_id}`);
        replayed.set(k, { s: 'available' });
        break;
      case 'sold':
        if (before.s !== 'held' || before.holdId !== row.hold_id) bad(`seat was ${describe(before)}, not held by ${row.hold_id}`);
        replayed.set(k, { s: 'sold', orderId: row.order_id ?? '?' });
        break;
      case 'cancelled':
        if (before.s !== 'sold' || before.orderId !== row.order_id) bad(`seat was ${describe(before)}, not sold by ${row.order_id}`);
        replayed.set(k, { s: 'available' });
        break;
      case 'blocked':
        if (before.s !== 'available') bad(`seat was ${before.s}`);
        replayed.set(k, { s: 'blocked' });
        break;
      case 'unblocked':
        if (before.s !== 'blocked') bad(`seat was ${before.s}`);
        replayed.set(k, { s: 'available' });
        break;
      default:
        bad('unknown action');
    }
  }
  // Current state from the tables, compared with the replay, seat by seat.
  const current = new Map<string, SeatState>();
  for (const r of heldRows) current.set(key(r.event_id, r.seat_id), { s: 'held', holdId: r.hold_id });
  for (const t of tickets) if (t.status === 'valid') current.set(key(t.event_id, t.seat_id), { s: 'sold', orderId: t.order_id });
  for (const b of (await all<{ event_id: string; seat_id: string }>(`SELECT event_id, seat_id FROM blocked_seats`))) {
    current.set(key(b.event_id, b.seat_id), { s: 'blocked' });
  }
  for (const k of new Set([...current.keys(), ...replayed.keys()])) {
    const want = describe(current.get(k) ?? { s: 'available' });
    const got = describe(replayed.get(k) ?? { s: 'available' });
    if (want !== got) report(`audit replay of ${k.replace('\u0000', '/')} ends ${got}, but the seat is ${want}`);
  }
  // Every hold's history: 'held' per seat, then its ending per seat (a confirm is audited as 'sold').
  for (const h of holds) {
    const rows = rowsByHold.get(h.id) ?? [];
    const seats = [...seatsOf(h)].sort().join(',');
    const seatsWith = (action: string) =>
      rows
        .filter((r) => r.action === action)
        .map((r) => r.seat_id)
        .sort()
        .join(',');
    if (seatsWith('held') !== seats) report(`hold ${h.id}: 'held' audit rows [${seatsWith('held')}] != seats [${seats}]`);
    const ending = h.status === 'confirmed' ? 'sold' : h.status;
    if (h.status !== 'active' && seatsWith(ending) !== seats) {
      report(`${h.status} hold ${h.id}: '${ending}' audit rows [${seatsWith(ending)}] != seats [${seats}]`);
    }
    if (h.status !== 'active' && h.status !== 'confirmed' && rows.some((r) => r.action === h.status && r.at !== h.ended_at)) {
      report(`${h.status} hold ${h.id}: audit time differs from ended_at ${h.ended_at}`);
    }
  }

  const validTickets = tickets.filter((t) => t.status === 'valid').length;
  return {
    violations,
    stats: { holdsByStatus, orders: orders.length, validTickets, auditRows: audit.length, auditByAction, events },
  };
}

function describe(state: SeatState): string {
  switch (state.s) {
    case 'held':
      return `held(${state.holdId})`;
    case 'sold':
      return `sold(${state.orderId})`;
    default:
      return state.s;
  }
}

/** The public seat map storage implies (blocked shows as sold), with the event's version, from one snapshot. */
async function publicSeatMap(sql: SqlRunner, eventId: string): Promise<{ version: number; seats: Record<string, PublicStatus> }> {
  const version = (await sql.get<{ version: number }>('SELECT version FROM events WHERE id = ?', eventId))!.version;
  const seats: Record<string, PublicStatus> = {};
  for (const r of await sql.all<{ id: string }>('SELECT id FROM seats WHERE event_id = ?', eventId)) seats[r.id] = 'available';
  for (const r of await sql.all<{ seat_id: string }>('SELECT seat_id FROM held_seats WHERE event_id = ?', eventId)) seats[r.seat_id] = 'held';
  for (const r of await sql.all<{ seat_id: string }>(`SELECT seat_id FROM tickets WHERE event_id = ? AND status = 'valid'`, eventId)) {
    seats[r.seat_id] = 'sold';
  }
  for (const r of await sql.all<{ seat_id: string }>('SELECT seat_id FROM blocked_seats WHERE event_id = ?', eventId)) seats[r.seat_id] = 'sold';
  return { version, seats };
}

/**
 * Compares a running server's /availability with storage (a SQLite file's path, or a store).
 * Both are versioned: when the versions match the maps must be identical; a commit landing
 * between the two reads just means another try. Returns the differences (empty = agree).
 */
export async function availabilityAgrees(baseUrl: string, storage: string | Store | Snapshot, eventId: string, tries = 20): Promise<string[]> {
  const file = typeof storage === 'string' ? new Database(storage, { readonly: true, fileMustExist: true }) : null;
  const readStored = () =>
    file
      ? inSqliteSnapshot(file, (sql) => publicSeatMap(sql, eventId))
      : typeof storage === 'function'
        ? storage((sql) => publicSeatMap(sql, eventId))
        : inPostgresSnapshot(storage as Store, (sql) => publicSeatMap(sql, eventId));
  try {
    for (let i = 0; i < tries; i++) {
      const res = await fetch(`${baseUrl}/api/events/${eventId}/availability`);
      const body = (await res.json()) as { version: number; seats: Record<string, PublicStatus> };
      const stored = await readStored();
      if (body.version !== stored.version) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const diffs: string[] = [];
      for (const seatId of new Set([...Object.keys(body.seats), ...Object.keys(stored.seats)])) {
        if (body.seats[seatId] !== stored.seats[seatId]) diffs.push(`${seatId}: server says ${body.seats[seatId]}, storage ${stored.seats[seatId]}`);
      }
      return diffs.slice(0, MAX_REPORTED);
    }
    return [`availability version never matched storage in ${tries} tries`];
  } finally {
    file?.close();
  }
}

/** Each seat's rows, walked from its head through prev_seat_entry, are exactly its rows newest first. */
function checkSeatChains(
  audit: readonly AuditRow[],
  heads: readonly { event_id: string; seat_id: string; last_entry: number }[],
  report: (violation: string) => void,
): void {
  const expected = new Map<string, number[]>(); // newest last
  for (const row of audit) {
    if (row.seat_id === null) {
      if (row.prev_seat_entry !== null) report(`audit row ${row.id} has no seat but links to ${row.prev_seat_entry}`);
      continue;
    }
    const k = `${row.event_id}/${row.seat_id}`;
    const ids = expected.get(k) ?? [];
    if (row.prev_seat_entry !== (ids.at(-1) ?? null)) report(`audit row ${row.id} of ${k} links to ${row.prev_seat_entry}, not ${ids.at(-1) ?? null}`);
    ids.push(row.id);
    expected.set(k, ids);
  }
  const headOf = new Map(heads.map((h) => [`${h.event_id}/${h.seat_id}`, h.last_entry]));
  for (const [k, ids] of expected) {
    if (headOf.get(k) !== ids.at(-1)) report(`audit head of ${k} is ${headOf.get(k)}, not its newest row ${ids.at(-1)}`);
  }
  for (const k of headOf.keys()) if (!expected.has(k)) report(`audit head of ${k} names a seat without audit rows`);
}
