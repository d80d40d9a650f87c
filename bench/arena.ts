// A fresh file database holding the demo arena, for one in-process run.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseHandle, type Synchronous } from '../db/connection';
import { createEvent } from '../db/createEvent';
import { arenaLayout } from '../db/demoVenues';
import type { IdSource } from '../core/types';

export const EVENT_ID = 'bench-arena';
export const MAX_SEATS_PER_BUYER = 8;

export interface ArenaDb {
  handle: DatabaseHandle;
  eventId: string;
  holdTtlMs: number;
  dispose(): void;
}

let template: { dir: string; path: string } | null = null;

/** The arena is inserted once per process into a template file; each run gets a copy of it. */
function templateFile(): string {
  if (template) return template.path;
  const dir = mkdtempSync(join(tmpdir(), 'seatline-bench-template-'));
  const path = join(dir, 'template.db');
  const handle = openDatabase(path, { synchronous: 'OFF' });
  createEvent(handle, {
    id: EVENT_ID,
    name: 'Bench Arena',
    venueName: 'Riverside Arena',
    startsAt: Date.now() + 30 * 24 * 3600 * 1000,
    holdTtlMs: 60_000,
    maxSeatsPerBuyer: MAX_SEATS_PER_BUYER,
    // The workloads name random blocks and every design must see the same outcomes: the no-orphan
    // rule (which only the loop applies) stays off here; bench/bestAvailable.ts measures its cost.
    preventOrphanSeats: false,
    layout: arenaLayout(),
    createdAt: Date.now(),
  });
  handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  handle.close();
  template = { dir, path };
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return path;
}

export function createArenaDb(synchronous: Synchronous, holdTtlMs: number): ArenaDb {
  const dir = mkdtempSync(join(tmpdir(), 'seatline-bench-'));
  const path = join(dir, 'bench.db');
  copyFileSync(templateFile(), path);
  const handle = openDatabase(path, { synchronous });
  handle.sqlite.prepare('UPDATE events SET hold_ttl_ms = ? WHERE id = ?').run(holdTtlMs, EVENT_ID);
  return {
    handle,
    eventId: EVENT_ID,
    holdTtlMs,
    dispose() {
      handle.close();
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
