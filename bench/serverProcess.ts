// The server under test, in its own process: the real app (API + Socket.IO,
// optionally Next) on 127.0.0.1, a fresh database with the demo events.
// The parent talks to it over IPC: memory after GC, per-window tick stats
// (batch size and commit time of every tick), commit time of each version
// of the arena (for fan-out staleness), and stop.
//   fork('bench/serverProcess.ts', [json spec], { execArgv: ['--import', 'tsx', '--expose-gc'] })
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApp } from '../server/app';
import { configFromEnv } from '../server/config';
import type { SqliteStore } from '../db/sqlite/sqliteStore';
import type { Store } from '../db/store';
import { TickStats } from './baselines/design';

export interface ServerSpec {
  synchronous: 'NORMAL' | 'FULL';
  withNext?: boolean;
  /** Record the commit time of every version of this event (fan-out staleness). */
  trackEvent?: string;
  /** Organizer password (the waiting-room bench configures rooms through the admin API). */
  adminPassword?: string;
  /** The waiting rooms' admission step (default: the server's, 1 s). */
  waitingRoomStepMs?: number;
}

export type ServerRequest =
  | { type: 'memory' }
  | { type: 'seed-queue'; eventId: string; count: number }
  | { type: 'window-start' }
  | { type: 'window-end' }
  | { type: 'stop' };

export interface WindowReport {
  ticks: Record<string, number>;
  /** [version, epoch ms with sub-ms precision] of the tracked event. */
  commits: [number, number][];
  cpuMs: number;
  wallMs: number;
}

export interface MemoryReport {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  sockets: number;
}

const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Puts `count` more people at the end of an open waiting room, written straight into the store in
 * one transaction (numbered as arrivals, the way takeNumber would): the join storms measure joining
 * over HTTP; this only makes the queue as long as the bench needs. Embedded SQLite store only.
 */
function seedQueue(store: Store, eventId: string, count: number): { seeded: number; ms: number } {
  if (store.dialect !== 'sqlite') throw new Error('seed-queue needs the embedded SQLite store');
  const started = performance.now();
  const db = (store as SqliteStore).handle.sqlite;
  db.transaction(() => {
    const { next_number: next } = db.prepare('SELECT next_number FROM waiting_rooms WHERE event_id = ?').get(eventId) as { next_number: number };
    const insert = db.prepare('INSERT INTO waiting_room_entries (event_id, buyer_id, joined_at, shuffle_key, number) VALUES (?, ?, ?, ?, ?)');
    const now = Date.now();
    for (let i = 1; i <= count; i++) insert.run(eventId, `b_seeded${String(next + i).padStart(8, '0')}`, now, '', next + i);
    db.prepare('UPDATE waiting_rooms SET next_number = ? WHERE event_id = ?').run(next + count, eventId);
  })();
  return { seeded: count, ms: performance.now() - started };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
  const dir = mkdtempSync(join(tmpdir(), 'seatline-bench-server-'));
  const config = configFromEnv({
    // Every simulated buyer comes from 127.0.0.1: the per-address limits (issue 12) stay off here.
    LIMIT_SESSIONS_PER_ADDRESS_PER_HOUR: '0',
    LIMIT_QUEUE_ENTRIES_PER_ADDRESS_PER_HOUR: '0',
    LIMIT_HELD_SEATS_PER_ADDRESS: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: join(dir, 'bench.db'),
    SEED_DEMO: '1',
    SQLITE_SYNCHRONOUS: spec.synchronous,
    // Every bench client comes from 127.0.0.1: the per-address limit would measure itself.
    RATE_LIMIT_SOCKET_PER_SEC: '0',
    RATE_LIMIT_IP_PER_SEC: '0',
    CHECK_INVARIANTS: '0',
    // One socket is one buyer; open-loop clients have several holds in flight, so the
    // per-buyer limit (default 8 seats) would be what the bench measures.
    MAX_SEATS_PER_BUYER: '50',
    NEXT_TELEMETRY_DISABLED: '1',
    ...(spec.adminPassword ? { ADMIN_PASSWORD: spec.adminPassword } : {}),
    ...(spec.waitingRoomStepMs ? { WAITING_ROOM_STEP_MS: String(spec.waitingRoomStepMs) } : {}),
  });
  const app = await startApp(config, { withNext: spec.withNext === true });

  // Taps on the loop's own per-tick metrics: exact values, no change to the server.
  let ticks = new TickStats();
  let lastTickAt = 0;
  const batchSize = app.metrics.batchSize;
  const observeBatch = batchSize.observe.bind(batchSize);
  batchSize.observe = ((value: number) => {
    lastTickAt = wallNow();
    ticks.add(value, 0);
    observeBatch(value);
  }) as typeof batchSize.observe;
  const commitDuration = app.metrics.commitDuration;
  const observeCommit = commitDuration.observe.bind(commitDuration);
  commitDuration.observe = ((seconds: number) => {
    ticks.addCommit(seconds * 1000);
    observeCommit(seconds);
  }) as typeof commitDuration.observe;
  let commits: [number, number][] = [];
  app.registry.onCommitted((runtime, notice) => {
    // Every notice is a new committed version; onTick (the batch tap) runs right after the commit and before this listener.
    if (runtime.eventId === spec.trackEvent) commits.push([notice.version, lastTickAt]);
  });

  let windowCpu = process.cpuUsage();
  let windowStart = performance.now();
  const reply = (message: unknown) => process.send?.(message);
  process.on('message', (raw) => {
    const request = raw as ServerRequest & { id: number };
    const answer = (body: unknown) => reply({ id: request.id, body });
    switch (request.type) {
      case 'memory': {
        global.gc?.();
        global.gc?.();
        const m = process.memoryUsage();
        answer({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, sockets: app.io.engine.clientsCount } satisfies MemoryReport);
        return;
      }
      case 'seed-queue':
        answer(seedQueue(app.store, request.eventId, request.count));
        return;
      case 'window-start':
        ticks = new TickStats();
        commits = [];
        windowCpu = process.cpuUsage();
        windowStart = performance.now();
        answer({ ok: true });
        return;
      case 'window-end': {
        const cpu = process.cpuUsage(windowCpu);
        answer({
          ticks: ticks.summary(),
          commits,
          cpuMs: (cpu.user + cpu.system) / 1000,
          wallMs: performance.now() - windowStart,
        } satisfies WindowReport);
        return;
      }
      case 'stop':
        void app.close().finally(() => {
          rmSync(dir, { recursive: true, force: true });
          answer({ ok: true });
          setTimeout(() => process.exit(0), 50);
        });
        return;
    }
  });
  process.on('disconnect', () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  reply({ type: 'ready', url: app.url, pid: process.pid });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
