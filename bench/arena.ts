// A fresh file database holding the demo arena, for one in-process run,
// opened through the project's own store (db/sqlite/sqliteStore.ts).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arenaLayout } from '../db/demoVenues';
import type { Synchronous } from '../db/sqlite/connection';
import { SqliteStore } from '../db/sqlite/sqliteStore';
import type { NewEvent } from '../db/store';
import type { IdSource } from '../core/types';

export const EVENT_ID = 'bench-arena';
export const MAX_SEATS_PER_BUYER = 8;

export interface ArenaDb {
  store: SqliteStore;
  eventId: string;
  holdTtlMs: number;
  dispose(): Promise<void>;
}

/**
 * The bench's event: the demo arena (22,212 seats). Its hold TTL is left to the server's default,
 * so each run passes the workload's TTL when it loads the event (`loadLoopState(id, ttl)`).
 */
export function arenaEvent(): NewEvent {
  return {
    id: EVENT_ID,
    name: 'Bench Arena',
    venueName: 'Riverside Arena',
    startsAt: Date.now() + 30 * 24 * 3600 * 1000,
    holdTtlMs: null,
    maxSeatsPerBuyer: MAX_SEATS_PER_BUYER,
    // The workloads name random blocks and every design must see the same outcomes: the no-orphan
    // rule (which only the loop applies) stays off here; bench/bestAvailable.ts measures its cost.
    preventOrphanSeats: false,
    layout: arenaLayout(),
    createdAt: Date.now(),
  };
}

let template: Promise<string> | null = null;

/** The arena is inserted once per process into a template file; each run gets a copy of it. */
function templateFile(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatline-bench-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'template.db');
    const store = SqliteStore.open(path, { synchronous: 'OFF' });
    await store.createEvent(arenaEvent());
    store.handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await store.close();
    return path;
  })();
  return template;
}

export async function createArenaDb(synchronous: Synchronous, holdTtlMs: number): Promise<ArenaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'seatline-bench-'));
  const path = join(dir, 'bench.db');
  copyFileSync(await templateFile(), path);
  const store = SqliteStore.open(path, { synchronous });
  return {
    store,
    eventId: EVENT_ID,
    holdTtlMs,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Unique, cheap ids (the same for every design). Production uses crypto-random ids: see the core variant. */
export function counterIds(prefix = ''): IdSource {
  let n = 0;
  return {
    holdId: () => `h${prefix}${++n}`,
    orderId: () => `o${prefix}${++n}`,
    ticketId: () => `t${prefix}${++n}`,
    ticketCode: () => `c${prefix}${++n}`,
  };
}
