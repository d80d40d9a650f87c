// Helpers for server tests: a real server (API + Socket.IO, no Next) on a
// temp database, and real Socket.IO clients with their own buyer sessions.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { io as connect, type Socket } from 'socket.io-client';
import {
  seatChangesOf,
  seatStatusesOf,
  updateAction,
  type ClientToServerEvents,
  type EventDetail,
  type JoinAck,
  type SeatChange,
  type SeatStatus,
  type ServerToClientEvents,
  type SeatsUpdate,
} from '../../lib/protocol';
import { seedDemoIfEmpty } from '../../db/seed';
import { PostgresStore } from '../../db/postgres/postgresStore';
import { SqliteStore } from '../../db/sqlite/sqliteStore';
import { sqlOf, type SqlRunner } from '../support/sql';
import { defaultStore, freshPostgresDatabase, type StoreKind } from '../support/stores';
import { startApp, type RunningApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import { LOOPBACK_TEST_LIMITS } from '../support/limits';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer extends RunningApp {
  dir: string;
  databasePath: string;
  /** Plain SQL on the server's database. */
  sql: SqlRunner;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'seatline-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestServerOptions {
  /**
   * Start from a copy of a demo database seeded once per test file (SQLite) or per run
   * (PostgreSQL) instead of seeding a fresh one (~0.2 s instead of ~1.5–2 s per server).
   * Ignored when DATABASE_PATH or DATABASE_URL is given or SEED_DEMO is off.
   */
  seededCopy?: boolean;
  /** The store to run on (default SQLite). */
  store?: StoreKind;
  /**
   * false: the demo events start with the no-orphan rule off (it is on in production). For
   * tests that name seats at random and whose checks do not model the rule; the rule has
   * its own tests (tests/core/orphanRule*, tests/server/bestAvailable.test.ts). Implies a
   * seeded copy.
   */
  preventOrphanSeats?: boolean;
}

/** Starts a server on 127.0.0.1 and a free port, with a fresh database (or the given one). */
export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dir = tempDir();
  const given = env.DATABASE_PATH !== undefined || env.DATABASE_URL !== undefined;
  const useCopy = (options.seededCopy || options.preventOrphanSeats === false) && !given && !['0', 'false'].includes(env.SEED_DEMO ?? '1');
  let dropDatabase = async () => {};
  if ((options.store ?? defaultStore()) === 'postgres' && !given) {
    // The PostgreSQL demo templates were seeded with 8 seats per buyer; other limits are seeded here.
    const maxSeats = env.MAX_SEATS_PER_BUYER ?? '8';
    const template = options.preventOrphanSeats === false ? 'demo-free' : 'demo';
    const database = await freshPostgresDatabase(useCopy && maxSeats === '8' ? template : 'migrated');
    if (useCopy && maxSeats !== '8') {
      const store = await PostgresStore.open(database.url);
      await seedDemoIfEmpty(store, Date.now(), Number(maxSeats), { preventOrphanSeats: options.preventOrphanSeats });
      await store.close();
    }
    env = { ...env, DATABASE_URL: database.url };
    dropDatabase = database.drop;
  }
  const databasePath =
    env.DATABASE_PATH ??
    (useCopy && !env.DATABASE_URL
      ? await seededDatabaseCopy(dir, env.MAX_SEATS_PER_BUYER, 'test.db', { preventOrphanSeats: options.preventOrphanSeats })
      : join(dir, 'test.db'));
  const config = configFromEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    CHECK_INVARIANTS: '1',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    ...LOOPBACK_TEST_LIMITS,
    ...env,
    DATABASE_PATH: databasePath,
  });
  let app: RunningApp;
  try {
    app = await startApp(config, { withNext: false });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase();
    throw error;
  }
  return {
    ...app,
    dir,
    databasePath,
    sql: sqlOf(app.store),
    async stop() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      await dropDatabase();
    },
  };
}

export async function newBuyerToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/session`, { method: 'POST' });
  const body = (await res.json()) as { token: string };
  return body.token;
}

/** A connected Socket.IO client with its own buyer session. */
export async function connectBuyer(baseUrl: string, token?: string): Promise<{ socket: TestSocket; token: string }> {
  const buyerToken = token ?? (await newBuyerToken(baseUrl));
  const socket: TestSocket = connect(baseUrl, {
    auth: { token: buyerToken },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return { socket, token: buyerToken };
}

/** Emits with an ack and resolves with the ack payload. */
export function request<E extends keyof ClientToServerEvents>(
  socket: TestSocket,
  event: E,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket.emit as (...args: unknown[]) => void)(event, payload, (reply: never) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

/** The layout's seat ids in layout order: what snapshot and delta indices refer to. */
export async function layoutOf(baseUrl: string, eventId: string): Promise<{ layoutKey: string; seatIds: string[] }> {
  const res = await fetch(`${baseUrl}/api/events/${eventId}`);
  const body = (await res.json()) as { ok: boolean; event: EventDetail };
  if (!body.ok || !body.event.layoutKey) throw new Error(`no layout for ${eventId}`);
  return { layoutKey: body.event.layoutKey, seatIds: body.event.seats.map((s) => s.id) };
}

/** The statuses of a join ack, by seat id (decoded against the event's layout). */
export async function joinedSeats(baseUrl: string, ack: JoinAck): Promise<Record<string, SeatStatus>> {
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
  const layout = await layoutOf(baseUrl, ack.eventId);
  if (layout.layoutKey !== ack.layoutKey) throw new Error('join ack and layout disagree on the seat order');
  const seats = seatStatusesOf(ack.statuses, layout.seatIds);
  if (!seats) throw new Error('snapshot does not fit the layout');
  return seats;
}

/** A seats:update with its delta decoded against the layout. */
export type DecodedUpdate = SeatsUpdate & { changes: SeatChange[] };

/**
 * A viewer that joins an event and keeps a local copy of the seat map by
 * applying seats:update deltas, refetching on any version gap (as real clients do).
 */
export class SeatMapViewer {
  version = -1;
  seats: Record<string, string> = {};
  gaps = 0;
  readonly updates: DecodedUpdate[] = [];
  seatIds: string[] = [];
  private layoutKey = '';

  constructor(
    readonly socket: TestSocket,
    readonly eventId: string,
    readonly baseUrl: string,
  ) {
    socket.on('seats:update', (update) => {
      // Before the first snapshot and layout arrived there is nothing to apply it to (the snapshot covers it).
      if (update.eventId !== eventId || this.seatIds.length === 0) return;
      const changes = seatChangesOf(update.delta, this.seatIds);
      if (!changes) throw new Error(`malformed delta ${update.delta}`);
      this.updates.push({ ...update, changes });
      const action = updateAction(this.version, update);
      if (action === 'ignore') return;
      if (action === 'resync') {
        this.gaps++;
        void this.join();
        return;
      }
      for (const change of changes) this.seats[change.seatId] = change.status;
      this.version = update.version;
    });
    // The server re-read the event (distributed mode): behind its version, take a snapshot.
    socket.on('seats:resync', (notice) => {
      if (notice.eventId !== eventId || notice.version <= this.version) return;
      this.gaps++;
      void this.join();
    });
  }

  async join(): Promise<void> {
    const ack = await request(this.socket, 'event:join', { eventId: this.eventId });
    if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
    if (ack.layoutKey !== this.layoutKey) {
      ({ layoutKey: this.layoutKey, seatIds: this.seatIds } = await layoutOf(this.baseUrl, this.eventId));
      if (ack.layoutKey !== this.layoutKey) throw new Error('join ack and layout disagree on the seat order');
    }
    if (ack.version >= this.version) {
      const seats = seatStatusesOf(ack.statuses, this.seatIds);
      if (!seats) throw new Error('snapshot does not fit the layout');
      this.version = ack.version;
      this.seats = seats;
    }
  }

  /** Waits until this viewer has reached at least `version`. */
  async waitForVersion(version: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.version < version) {
      if (Date.now() > deadline) throw new Error(`viewer stuck at version ${this.version}, wanted ${version}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Resolves with the first update (from now on) that `predicate` accepts. */
  nextUpdate(predicate: (update: DecodedUpdate) => boolean, timeoutMs = 10_000): Promise<DecodedUpdate> {
    const seen = this.updates.length;
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const poll = () => {
        const found = this.updates.slice(seen).find(predicate);
        if (found) return resolve(found);
        if (Date.now() > deadline) return reject(new Error('no matching seats:update'));
        setTimeout(poll, 5);
      };
      poll();
    });
  }
}

export async function getJson<T = any>(url: string, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as T };
}

export async function sendJson<T = any>(
  method: string,
  url: string,
  body: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------- additions for the race / expiry / crash / contract suites ----------

/**
 * Resolves with the first `event` on `socket` whose payload satisfies `match`.
 * Rejects after `timeoutMs`, or when the socket disconnects first. The listener
 * is attached at call time, so create the promise before triggering the action
 * that causes the event. A promise that is never awaited (the test failed
 * earlier) does not become an unhandled rejection.
 */
export function waitForEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  type Payload = Parameters<ServerToClientEvents[E]>[0];
  const promise = new Promise<Payload>((resolve, reject) => {
    const on = socket.on.bind(socket) as (e: string, fn: (p: Payload) => void) => void;
    const off = socket.off.bind(socket) as (e: string, fn: (p: Payload) => void) => void;
    const cleanup = () => {
      clearTimeout(timer);
      off(event, listener);
      socket.off('disconnect', onDisconnect);
    };
    const listener = (payload: Payload) => {
      if (!match(payload)) return;
      cleanup();
      resolve(payload);
    };
    const onDisconnect = (reason: string) => {
      cleanup();
      reject(new Error(`socket disconnected (${reason}) while waiting for ${event}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    on(event, listener);
    socket.on('disconnect', onDisconnect);
  });
  promise.catch(() => undefined); // awaiting it still throws
  return promise;
}

/** Resolves with the connect_error a socket gets (or rejects if it connects / nothing happens). */
export function expectConnectError(
  baseUrl: string,
  auth: Record<string, unknown> | undefined,
  timeoutMs = 5_000,
): Promise<Error & { data?: { code?: string; message?: string } }> {
  const socket: TestSocket = connect(baseUrl, {
    ...(auth ? { auth } : {}),
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  return new Promise<Error & { data?: { code?: string; message?: string } }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither connect nor connect_error')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('connected without a valid session'));
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err as Error & { data?: { code?: string; message?: string } });
    });
  }).finally(() => socket.close());
}

/** Opens connected buyers in parallel (each with its own session). */
export async function connectBuyers(baseUrl: string, n: number): Promise<{ socket: TestSocket; token: string }[]> {
  return Promise.all(Array.from({ length: n }, () => connectBuyer(baseUrl)));
}

/** Disconnects every socket (already-closed ones are fine). */
export function closeSockets(sockets: Iterable<TestSocket | undefined>): void {
  for (const socket of sockets) socket?.close();
}

/** The Stalls Centre seats of demo-theatre in row-major order: SC-A-1 .. SC-A-16, SC-B-1, .. SC-P-16. */
export function stallsCentreSeats(): string[] {
  const rows = 'ABCDEFGHIJKLMNOP'.split('');
  return rows.flatMap((row) => Array.from({ length: 16 }, (_, i) => `SC-${row}-${i + 1}`));
}

export { seededRandom } from '../support/random';

// ---------- a server in its own process (for kill -9) ----------

export interface ChildServer {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited (with its exit code / signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the child wrote on stderr so far (for failure messages). */
  stderr(): string;
  /** The last 200 kB the child wrote on stdout (its log, when LOG_LEVEL is not silent). */
  stdout(): string;
  /** SIGKILL (kill -9) and wait for the exit. Safe to call twice. */
  kill(): Promise<void>;
}

const childServerEntry = fileURLToPath(new URL('./fixtures/childServer.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Spawns tests/server/fixtures/childServer.ts (`node --import tsx`), or another
 * fixture printing the same line, with the given environment and waits for its
 * {"url","pid"} line. Always on 127.0.0.1, port 0.
 */
export async function startChildServer(env: Record<string, string>, timeoutMs = 30_000, entry = childServerEntry): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      CHECK_INVARIANTS: '1',
      ...LOOPBACK_TEST_LIMITS,
      ...env,
      HOST: '127.0.0.1',
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
  };
  try {
    const info = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child server did not start within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      let buffered = '';
      let found = false;
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
        stdout = (stdout + chunk).slice(-200_000);
        if (found) return;
        buffered += chunk;
        // Log lines (a LOG_LEVEL other than silent) may come first: the start line is the one without a level.
        for (let newline = buffered.indexOf('\n'); newline >= 0 && !found; newline = buffered.indexOf('\n')) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          let parsed: { url?: string; pid?: number; level?: unknown };
          try {
            parsed = JSON.parse(line) as typeof parsed;
          } catch (error) {
            clearTimeout(timer);
            return reject(new Error(`child server printed ${line}: ${String(error)}`));
          }
          if (parsed.level !== undefined) continue;
          found = true;
          clearTimeout(timer);
          resolve(parsed as { url: string; pid: number });
        }
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`child server exited early (code ${code}, signal ${signal})\n${stderr}`));
      });
    });
    if (info.pid !== child.pid) throw new Error(`child server reports pid ${info.pid}, spawned ${child.pid}`);
    return { url: info.url, pid: info.pid, child, exited, stderr: () => stderr, stdout: () => stdout, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}

const seededImages = new Map<string, Buffer>();

/**
 * Writes a database already seeded with the demo events (demo-theatre, demo-arena)
 * into `dir` and returns its path. The seeded image is built once per test file
 * (per MAX_SEATS_PER_BUYER, which seeding stores in the events) in memory, so
 * nothing is left behind on disk.
 */
export async function seededDatabaseCopy(dir: string, maxSeatsPerBuyer = '8', name = 'test.db', options: { preventOrphanSeats?: boolean } = {}): Promise<string> {
  const preventOrphanSeats = options.preventOrphanSeats ?? true;
  const key = `${maxSeatsPerBuyer}/${preventOrphanSeats}`;
  let image = seededImages.get(key);
  if (!image) {
    const store = SqliteStore.open(':memory:');
    try {
      await seedDemoIfEmpty(store, Date.now(), Number(maxSeatsPerBuyer), { preventOrphanSeats });
      image = store.handle.sqlite.serialize();
    } finally {
      await store.close();
    }
    seededImages.set(key, image);
  }
  const path = join(dir, name);
  writeFileSync(path, image);
  return path;
}

/** Opens a database file read-only (works while a server has it open in WAL mode). */
export function openReadOnly(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}
