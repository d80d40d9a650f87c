// The audit log's write path. Rows about a seat are linked into a chain: each
// names the previous row of the same event and seat (prev_seat_entry), and
// audit_seat_heads names the newest. Appends stay sequential, where an index
// on (event_id, seat_id) took a random insert into an ever-growing b-tree per
// seat change (commits slowed the longer a sale ran; docs/benchmarks.md).
// Rows are buffered during a transaction and written with multi-row INSERTs,
// with ids assigned here so the chain can link rows of the same batch.
import type Database from 'better-sqlite3';

export interface AuditRow {
  eventId: string;
  /** null for rows about the event as a whole. */
  seatId: string | null;
  at: number;
  action: string;
  holdId: string | null;
  orderId: string | null;
  buyerId: string | null;
  detail: string | null;
}

export interface AuditWriter {
  /** Queues one row. Call inside the write transaction; flush() before COMMIT. */
  append(row: AuditRow): void;
  /** Inserts the queued rows and moves the heads of the seats they touched. */
  flush(): void;
  /** Drops queued rows and cached heads after a rolled-back transaction. */
  reset(): void;
}

const COLUMNS = 'id, event_id, seat_id, at, action, hold_id, order_id, buyer_id, detail, prev_seat_entry';
const PARAMS_PER_ROW = 10;
const ROWS_PER_INSERT = 64; // 640 parameters, well under SQLite's limit

export function createAuditWriter(sqlite: Database.Database): AuditWriter {
  const tuple = `(${new Array(PARAMS_PER_ROW).fill('?').join(', ')})`;
  const insertOne = sqlite.prepare(`INSERT INTO audit_log (${COLUMNS}) VALUES ${tuple}`);
  const insertMany = sqlite.prepare(`INSERT INTO audit_log (${COLUMNS}) VALUES ${new Array(ROWS_PER_INSERT).fill(tuple).join(', ')}`);
  const lastId = sqlite
    .prepare(`SELECT max(coalesce((SELECT max(id) FROM audit_log), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'), 0))`)
    .pluck();
  const readHead = sqlite.prepare('SELECT last_entry FROM audit_seat_heads WHERE event_id = ? AND seat_id = ?').pluck();
  const writeHead = sqlite.prepare(
    `INSERT INTO audit_seat_heads (event_id, seat_id, last_entry) VALUES (?, ?, ?)
     ON CONFLICT (event_id, seat_id) DO UPDATE SET last_entry = excluded.last_entry`,
  );

  // eventId → seatId → newest committed-or-queued row id (filled lazily from audit_seat_heads).
  let heads = new Map<string, Map<string, number | null>>();
  let queued: unknown[] = []; // flat parameters, PARAMS_PER_ROW per row
  let touched = new Map<string, Map<string, number>>(); // heads moved by the queued rows
  let nextId = 0; // 0: read from the table at the first append of a transaction

  function headsOf(eventId: string): Map<string, number | null> {
    let m = heads.get(eventId);
    if (!m) heads.set(eventId, (m = new Map()));
    return m;
  }

  return {
    append(row) {
      if (nextId === 0) nextId = (lastId.get() as number) + 1;
      const id = nextId++;
      let prev: number | null = null;
      if (row.seatId !== null) {
        const eventHeads = headsOf(row.eventId);
        const cached = eventHeads.get(row.seatId);
        prev = cached !== undefined ? cached : ((readHead.get(row.eventId, row.seatId) as number | undefined) ?? null);
        eventHeads.set(row.seatId, id);
        let t = touched.get(row.eventId);
        if (!t) touched.set(row.eventId, (t = new Map()));
        t.set(row.seatId, id);
      }
      queued.push(id, row.eventId, row.seatId, row.at, row.action, row.holdId, row.orderId, row.buyerId, row.detail, prev);
    },
    flush() {
      const perInsert = ROWS_PER_INSERT * PARAMS_PER_ROW;
      let i = 0;
      for (; i + perInsert <= queued.length; i += perInsert) insertMany.run(queued.slice(i, i + perInsert));
      for (; i < queued.length; i += PARAMS_PER_ROW) insertOne.run(queued.slice(i, i + PARAMS_PER_ROW));
      for (const [eventId, seats] of touched) for (const [seatId, id] of seats) writeHead.run(eventId, seatId, id);
      queued = [];
      touched = new Map();
      nextId = 0;
    },
    reset() {
      heads = new Map();
      queued = [];
      touched = new Map();
      nextId = 0;
    },
  };
}
