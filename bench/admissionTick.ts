// The waiting room's admission ticker (issue 12) with many people waiting:
// the cost of opening the room (numbering the pre-queue in shuffle order)
// and of one admission step, with 10,000 and 100,000 in the queue, through
// the project's store (SQLite FULL, and PostgreSQL when the bench has one).
// The ticker is the real one (server/waitingRoom/admissionTicker.ts), driven
// step by step with a fake clock; a proxy on the store times each call, so
// the step's cost can be split by statement.
//   tsx bench/admissionTick.ts '<json spec>'   (child process: result over IPC)
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { WaitingRoomStore } from '../db/waitingRoomStore';
import type { Store } from '../db/store';
import type { SqliteStore } from '../db/sqlite/sqliteStore';
import type { PostgresStore } from '../db/postgres/postgresStore';
import { AdmissionTicker } from '../server/waitingRoom/admissionTicker';
import { AdmissionTokens } from '../server/waitingRoom/admissionTokens';
import { newSeed, seedCommitment, shuffleKey } from '../server/waitingRoom/shuffle';
import { createArenaDb } from './arena';
import { createPgArena } from './pgArena';
import { percentiles, type Percentiles } from './stats';

export interface AdmissionSpec {
  /** Queue lengths per store (PostgreSQL only when the bench has a server). */
  waiting: { sqlite: number[]; postgres: number[] };
  steps: number;
  admitPerMinute: number;
  /** The bench's PostgreSQL server, when it has one. */
  postgresUrl?: string;
}

export interface AdmissionCase {
  store: 'sqlite' | 'postgres';
  waiting: number;
  /** Filling the queue (bulk SQL, not measured as joins): for the record. */
  fillMs: number;
  /** The first step: numbers the whole pre-queue in shuffle order (db/waitingRoomOpening.ts). */
  openMs: number;
  /** Every later step (each admits `admittedPerStep`). */
  stepMs: Percentiles;
  admittedPerStep: number;
  /** Mean ms per step spent in each store call, largest first. */
  breakdown: [string, number][];
  /** Bytes of the queue:update the step broadcasts (JSON). */
  updateBytes: number;
}

export interface AdmissionResult {
  cases: AdmissionCase[];
  admitPerMinute: number;
  stepIntervalMs: number;
}

const STEP_INTERVAL_MS = 1000;
const T0 = Date.UTC(2026, 0, 1);

/** Times every call of the room store's methods (cumulative ms per method). */
function timed(rooms: WaitingRoomStore): { rooms: WaitingRoomStore; totals: Map<string, number>; reset(): void } {
  const totals = new Map<string, number>();
  const proxy = new Proxy(rooms, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        } finally {
          totals.set(String(name), (totals.get(String(name)) ?? 0) + performance.now() - started);
        }
      };
    },
  });
  return { rooms: proxy, totals, reset: () => totals.clear() };
}

/** Puts `count` buyers in the pre-queue with the keys the product gives them, in bulk. */
async function fill(store: Store, eventId: string, seed: string, count: number): Promise<void> {
  const CHUNK = 10_000;
  for (let from = 0; from < count; from += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, count - from) }, (_, i) => `b_bench${String(from + i).padStart(7, '0')}`);
    const keys = ids.map((id) => shuffleKey(seed, id));
    if (store.dialect === 'sqlite') {
      const db = (store as SqliteStore).handle.sqlite;
      const insert = db.prepare('INSERT INTO waiting_room_entries (event_id, buyer_id, joined_at, shuffle_key) VALUES (?, ?, ?, ?)');
      db.transaction(() => ids.forEach((id, i) => insert.run(eventId, id, T0, keys[i])))();
    } else {
      const sql = (store as PostgresStore).sql;
      await sql`INSERT INTO waiting_room_entries (event_id, buyer_id, joined_at, shuffle_key)
                SELECT ${eventId}, x.id, ${T0}, x.key FROM unnest(${ids}::text[], ${keys}::text[]) AS x(id, key)`;
    }
  }
}

async function oneCase(kind: 'sqlite' | 'postgres', waiting: number, spec: AdmissionSpec): Promise<AdmissionCase> {
  const arena = kind === 'sqlite' ? await createArenaDb('FULL', 60_000) : await createPgArena(spec.postgresUrl!, 60_000);
  const store: Store = arena.store;
  try {
    const seed = newSeed();
    const opensAt = T0 + STEP_INTERVAL_MS;
    await store.waitingRooms.configure(
      arena.eventId,
      { enabled: true, admitPerMinute: spec.admitPerMinute, maxActiveShoppers: null, shoppingWindowMs: 15 * 60_000, opensAt, paused: false, powRequired: false },
      { seed, commitment: seedCommitment(seed), stepToken: randomBytes(9).toString('base64url') },
      T0,
    );
    const fillStarted = performance.now();
    await fill(store, arena.eventId, (await store.waitingRooms.room(arena.eventId))!.shuffleSeed, waiting);
    const fillMs = performance.now() - fillStarted;
    let now = opensAt;
    let admitted = 0;
    let updateBytes = 0;
    const probe = timed(store.waitingRooms);
    const ticker = new AdmissionTicker({
      eventId: arena.eventId,
      rooms: probe.rooms,
      tokens: new AdmissionTokens(randomBytes(32).toString('base64url')),
      clock: () => now,
      // Never started: the bench calls step() itself.
      timers: { setTimeout: () => null, clearTimeout: () => {} },
      seatCounts: () => ({ available: 1_000, held: 0 }),
      broadcast: {
        update: (update) => void (updateBytes = Buffer.byteLength(JSON.stringify(update))),
        admitted: () => void admitted++,
      },
      onError: (message, error) => {
        throw new Error(`${message}: ${String(error)}`);
      },
      stepMs: STEP_INTERVAL_MS,
    });
    const openStarted = performance.now();
    await ticker.step();
    const openMs = performance.now() - openStarted;
    probe.reset();
    admitted = 0;
    const samples: number[] = [];
    for (let i = 0; i < spec.steps; i++) {
      now += STEP_INTERVAL_MS;
      const started = performance.now();
      await ticker.step();
      samples.push(performance.now() - started);
    }
    const breakdown = [...probe.totals].map(([name, ms]) => [name, ms / spec.steps] as [string, number]).sort((a, b) => b[1] - a[1]);
    return { store: kind, waiting, fillMs, openMs, stepMs: percentiles(samples), admittedPerStep: admitted / spec.steps, breakdown, updateBytes };
  } finally {
    await arena.dispose();
  }
}

export async function runAdmissionTicks(spec: AdmissionSpec): Promise<AdmissionResult> {
  const cases: AdmissionCase[] = [];
  for (const kind of ['sqlite', 'postgres'] as const) {
    if (kind === 'postgres' && !spec.postgresUrl) continue;
    for (const waiting of spec.waiting[kind]) cases.push(await oneCase(kind, waiting, spec));
  }
  return { cases, admitPerMinute: spec.admitPerMinute, stepIntervalMs: STEP_INTERVAL_MS };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const spec = JSON.parse(process.argv[2]) as AdmissionSpec;
  runAdmissionTicks(spec).then(
    (result) => {
      if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
      else {
        console.log(JSON.stringify(result, null, 1));
        process.exit(0);
      }
    },
    (error: unknown) => {
      process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}
