// Before/after measurements of fixes proposed for server code that the bench
// found by profiling (docs/benchmarks.md, "Profiling"). Each compares the
// shipped code with the proposed change applied in this process only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditWriter, type AuditRow } from '../db/sqlite/auditWriter';
import { openDatabase } from '../db/sqlite/connection';
import { arenaLayout } from '../db/demoVenues';
import { EndedHolds } from '../core/endedHolds';
import { counterIds } from './arena';
import { driveCore } from './inprocess';
import { summarize, type Summary } from './stats';
import { makeWorkload } from './workloads';

export interface FixResult {
  name: string;
  what: string;
  applied: boolean;
  before: Summary;
  after: Summary;
  unit: string;
}

type Remember = (this: unknown, holdId: string, entry: unknown, requestKey?: string) => void;
const proto = EndedHolds.prototype as unknown as { remember: Remember };
const shipped = proto.remember;
/** The code before the fix: one Map of at most 100,000 ended holds, evicting the oldest with keys().next(). */
const oneMapEviction: Remember = function (this: unknown, holdId, entry, requestKey) {
  const self = this as { current: Map<string, unknown>; currentByRequest: Map<string, string> };
  if (self.current.size >= 100_000) self.current.delete(self.current.keys().next().value!);
  self.current.set(holdId, entry);
  if (requestKey !== undefined) self.currentByRequest.set(requestKey, holdId);
};

function endedHoldsEviction(commands: number): FixResult {
  const workload = makeWorkload('uniform');
  const opts = { clients: 2_000, maxCommands: commands, maxMs: 60_000 };
  const rate = (fn: Remember, i: number) => {
    proto.remember = fn;
    try {
      return driveCore(workload, opts, counterIds(`f${i}_`)).perSec;
    } finally {
      proto.remember = shipped;
    }
  };
  rate(shipped, 0); // warm-up
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 1; i <= 3; i++) {
    before.push(rate(oneMapEviction, i));
    after.push(rate(shipped, i + 10));
  }
  return {
    name: 'ended-holds-eviction',
    what: `SeatBook core, uniform workload, ${commands.toLocaleString('en-US')} commands from an empty book: ended holds in one Map evicted with keys().next() → two generations (core/endedHolds.ts)`,
    applied: true,
    before: summarize(before),
    after: summarize(after),
    unit: 'commands/s',
  };
}

function snapshotEncoding(): FixResult {
  const seats = arenaLayout().seats;
  const record: Record<string, string> = {};
  for (const s of seats) record[s.id] = 'available';
  const statusCode = { available: 'a', held: 'h', sold: 's' } as Record<string, string>;
  const time = (fn: () => string) => {
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      fn();
      samples.push(performance.now() - t);
    }
    return summarize(samples);
  };
  // What Socket.IO did per joining socket before: JSON-encode the whole keyed ack.
  const before = time(() => JSON.stringify([{ ok: true, eventId: 'demo-arena', version: 1, seats: record, myHolds: [] }]));
  // Shipped since: one character per seat in layout order (the client already has the layout),
  // built once per committed version (timed separately) and reused by every join.
  const build = time(() => seats.map((s) => statusCode[record[s.id]]).join(''));
  const statuses = seats.map((s) => statusCode[record[s.id]]).join('');
  const after = time(() => JSON.stringify([{ ok: true, eventId: 'demo-arena', version: 1, statuses, myHolds: [] }]));
  return {
    name: 'join-snapshot-encoding',
    what: `Encoding one event:join ack of the ${seats.length.toLocaleString('en-US')}-seat arena, per joining socket: a JSON object keyed by seat id → one status character per seat in layout order (server/seatFeed.ts; building the string costs ${build.median.toFixed(2)} ms once per version)`,
    applied: true,
    before,
    after,
    unit: 'ms',
  };
}

/**
 * The audit log's seat index. Before: an index on (event_id, seat_id) and one INSERT per row
 * (the write path until the seat chains of db/sqlite/auditWriter.ts). After: the shipped AuditWriter.
 * Measured as the time to write one busy tick's seat rows once the log already holds many rows.
 */
function auditLogGrowth(existingRows: number): FixResult {
  const seats = arenaLayout().seats.map((s) => s.id);
  const ROWS_PER_TICK = 2_560; // 512 holds and 512 releases of 2.5 seats on average
  let seed = 7;
  const randomSeat = () => seats[(seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) % seats.length];
  const rowOf = (at: number): AuditRow => ({ eventId: 'arena', seatId: randomSeat(), at, action: 'held', holdId: 'h_0123456789abcdef', orderId: null, buyerId: 'b_0123456789abcdef', detail: null });
  const measure = (legacyIndex: boolean) => {
    const dir = mkdtempSync(join(tmpdir(), 'seatline-bench-audit-'));
    const handle = openDatabase(join(dir, 'audit.db'), { synchronous: 'OFF' });
    try {
      const db = handle.sqlite;
      if (legacyIndex) db.exec('CREATE INDEX audit_event_seat_legacy ON audit_log (event_id, seat_id)');
      const legacyInsert = db.prepare('INSERT INTO audit_log (event_id, seat_id, at, action, hold_id, order_id, buyer_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      const writer = createAuditWriter(db);
      const writeTick = (n: number, at: number) =>
        db.transaction(() => {
          for (let i = 0; i < n; i++) {
            const r = rowOf(at);
            if (legacyIndex) legacyInsert.run(r.eventId, r.seatId, r.at, r.action, r.holdId, r.orderId, r.buyerId, r.detail);
            else writer.append(r);
          }
          if (!legacyIndex) writer.flush();
        }).immediate();
      for (let written = 0; written < existingRows; written += 50_000) writeTick(Math.min(50_000, existingRows - written), 0);
      db.pragma('synchronous = FULL'); // the production default, for the measured ticks
      const samples: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t = performance.now();
        writeTick(ROWS_PER_TICK, i + 1);
        samples.push(performance.now() - t);
      }
      return summarize(samples);
    } finally {
      handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return {
    name: `audit-seat-index-${existingRows}`,
    what: `Writing one busy tick's ${ROWS_PER_TICK.toLocaleString('en-US')} seat audit rows (FULL) once the log holds ${existingRows.toLocaleString('en-US')} rows: index on (event_id, seat_id) → seat chains (db/sqlite/auditWriter.ts)`,
    applied: true,
    before: measure(true),
    after: measure(false),
    unit: 'ms',
  };
}

export async function runFixExperiments(commands: number, auditRows: readonly number[] = [0, 1_000_000]): Promise<FixResult[]> {
  return [endedHoldsEviction(commands), snapshotEncoding(), ...auditRows.map(auditLogGrowth)];
}
