// The audit log's seat chains: rows of a seat link newest → oldest through
// prev_seat_entry, audit_seat_heads names the newest, across batches, writer
// restarts, rolled-back transactions and the migration from the old index.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../db/sqlite/sqliteStore';
import { createAuditWriter, type AuditRow } from '../../db/sqlite/auditWriter';
import { openDatabase, type DatabaseHandle } from '../../db/sqlite/connection';

/** The store's seat history over a handle (the store's own read, as the organizer's API serves it). */
const seatHistory = (h: DatabaseHandle, eventId: string, seatId: string) => new SqliteStore(h).seatHistory(eventId, seatId);

const EVENT = 'ev-1';
let dir: string;
let handle: DatabaseHandle;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seatline-audit-'));
  handle = openDatabase(join(dir, 'test.db'));
});
afterEach(() => {
  handle.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (seatId: string | null, action = 'held', at = 1): AuditRow => ({
  eventId: EVENT,
  seatId,
  at,
  action,
  holdId: 'h1',
  orderId: null,
  buyerId: 'b1',
  detail: null,
});

function commit(writer: ReturnType<typeof createAuditWriter>, rows: AuditRow[]): void {
  handle.sqlite.transaction(() => {
    for (const r of rows) writer.append(r);
    writer.flush();
  })();
}

const chainRows = () =>
  handle.sqlite.prepare('SELECT id, seat_id, prev_seat_entry FROM audit_log ORDER BY id').all() as {
    id: number;
    seat_id: string | null;
    prev_seat_entry: number | null;
  }[];
const headOf = (seatId: string) =>
  handle.sqlite.prepare('SELECT last_entry FROM audit_seat_heads WHERE event_id = ? AND seat_id = ?').pluck().get(EVENT, seatId);

describe('audit writer', async () => {
  it('links each seat to its previous row, within a batch and across batches; event rows link nothing', async () => {
    const writer = createAuditWriter(handle.sqlite);
    commit(writer, [row('A'), row('B'), row(null, 'event_configured'), row('A', 'released')]);
    commit(writer, [row('B', 'released'), row('A', 'held')]);
    expect(chainRows()).toEqual([
      { id: 1, seat_id: 'A', prev_seat_entry: null },
      { id: 2, seat_id: 'B', prev_seat_entry: null },
      { id: 3, seat_id: null, prev_seat_entry: null },
      { id: 4, seat_id: 'A', prev_seat_entry: 1 },
      { id: 5, seat_id: 'B', prev_seat_entry: 2 },
      { id: 6, seat_id: 'A', prev_seat_entry: 4 },
    ]);
    expect(headOf('A')).toBe(6);
    expect(headOf('B')).toBe(5);
    expect((await seatHistory(handle, EVENT, 'A')).map((h) => [h.id, h.action])).toEqual([
      [1, 'held'],
      [4, 'released'],
      [6, 'held'],
    ]);
    expect(await seatHistory(handle, EVENT, 'C')).toEqual([]);
  });

  it('a new writer (a restart) continues the chains from the heads in the table', () => {
    commit(createAuditWriter(handle.sqlite), [row('A'), row('B')]);
    commit(createAuditWriter(handle.sqlite), [row('A', 'released')]);
    expect(chainRows().at(-1)).toEqual({ id: 3, seat_id: 'A', prev_seat_entry: 1 });
    expect(headOf('A')).toBe(3);
  });

  it('after a rolled-back transaction, new rows link to committed rows only', () => {
    const writer = createAuditWriter(handle.sqlite);
    commit(writer, [row('A')]);
    expect(() =>
      handle.sqlite.transaction(() => {
        writer.append(row('A', 'released'));
        writer.flush();
        throw new Error('disk full');
      })(),
    ).toThrow('disk full');
    writer.reset();
    commit(writer, [row('A', 'expired')]);
    expect(chainRows()).toEqual([
      { id: 1, seat_id: 'A', prev_seat_entry: null },
      { id: 2, seat_id: 'A', prev_seat_entry: 1 },
    ]);
  });

  it('writes batches larger than one multi-row INSERT, keeping order and links', async () => {
    const writer = createAuditWriter(handle.sqlite);
    const rows = Array.from({ length: 150 }, (_, i) => row(`S${i % 7}`, 'held', i));
    commit(writer, rows);
    const stored = handle.sqlite.prepare('SELECT id, seat_id, at, prev_seat_entry FROM audit_log ORDER BY id').all() as {
      id: number;
      seat_id: string;
      at: number;
      prev_seat_entry: number | null;
    }[];
    expect(stored.map((r) => r.at)).toEqual(rows.map((r) => r.at));
    stored.forEach((r, i) => expect(r.prev_seat_entry).toBe(i >= 7 ? i + 1 - 7 : null));
    for (let s = 0; s < 7; s++) expect(await seatHistory(handle, EVENT, `S${s}`)).toHaveLength(Math.ceil((150 - s) / 7));
  });

  it('seat history is the newest 1,000 changes, oldest first', async () => {
    const writer = createAuditWriter(handle.sqlite);
    commit(writer, Array.from({ length: 1_200 }, (_, i) => row('A', i % 2 ? 'released' : 'held', i)));
    const history = await seatHistory(handle, EVENT, 'A');
    expect(history).toHaveLength(1_000);
    expect(history[0].at).toBe(200);
    expect(history.at(-1)!.at).toBe(1_199);
  });

  it('the audit log stays append-only', () => {
    commit(createAuditWriter(handle.sqlite), [row('A')]);
    expect(() => handle.sqlite.prepare('UPDATE audit_log SET prev_seat_entry = NULL').run()).toThrow(/append-only/);
    expect(() => handle.sqlite.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });
});

describe('migration 0002 (audit seat chains)', async () => {
  it('links the rows written before it and fills the heads', async () => {
    // A database at migration 0001, with audit rows written the old way.
    const migrations = fileURLToPath(new URL('../../db/migrations/sqlite', import.meta.url));
    const oldMigrations = join(dir, 'migrations-0001');
    cpSync(migrations, oldMigrations, { recursive: true });
    const journalPath = join(oldMigrations, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag < '0002');
    writeFileSync(journalPath, JSON.stringify(journal));
    const path = join(dir, 'old.db');
    const old = new Database(path);
    migrate(drizzle(old), { migrationsFolder: oldMigrations });
    const insert = old.prepare('INSERT INTO audit_log (event_id, seat_id, at, action) VALUES (?, ?, ?, ?)');
    const script: [string, string | null][] = [
      [EVENT, 'A'],
      [EVENT, 'B'],
      [EVENT, null],
      ['ev-2', 'A'],
      [EVENT, 'A'],
      [EVENT, 'A'],
    ];
    script.forEach(([e, s], i) => insert.run(e, s, i, s ? 'held' : 'event_created'));
    old.close();

    const migrated = openDatabase(path);
    try {
      const rows = migrated.sqlite.prepare('SELECT id, prev_seat_entry FROM audit_log ORDER BY id').all();
      expect(rows).toEqual([
        { id: 1, prev_seat_entry: null },
        { id: 2, prev_seat_entry: null },
        { id: 3, prev_seat_entry: null },
        { id: 4, prev_seat_entry: null },
        { id: 5, prev_seat_entry: 1 },
        { id: 6, prev_seat_entry: 5 },
      ]);
      expect(migrated.sqlite.prepare('SELECT * FROM audit_seat_heads ORDER BY event_id, seat_id').all()).toEqual([
        { event_id: EVENT, seat_id: 'A', last_entry: 6 },
        { event_id: EVENT, seat_id: 'B', last_entry: 2 },
        { event_id: 'ev-2', seat_id: 'A', last_entry: 4 },
      ]);
      expect(() => migrated.sqlite.prepare('UPDATE audit_log SET action = 1').run()).toThrow(/append-only/);
      // New rows continue the migrated chains.
      migrated.sqlite.transaction(() => {
        const writer = createAuditWriter(migrated.sqlite);
        writer.append(row('A', 'released'));
        writer.flush();
      })();
      expect((await seatHistory(migrated, EVENT, 'A')).map((h) => h.id)).toEqual([1, 5, 6, 7]);
    } finally {
      migrated.close();
    }
  });
});
