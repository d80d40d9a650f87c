// Helpers for the organizer (admin) API suites: a real server started through
// startApp (so tests can pass a logger or a clock), admin login, a small venue
// with a general-admission area, admin sockets and small waiting utilities.
// Kept apart from helpers.ts, which other suites edit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import type { AdminClientToServerEvents, AdminEventStats, AdminServerToClientEvents } from '../../lib/adminProtocol';
import type { ClientToServerEvents, HoldView, OrderView, ServerToClientEvents } from '../../lib/protocol';
import type { VenueSpec } from '../../lib/venueLayout';
import { startApp, type RunningApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import type { Logger } from '../../server/logger';
import { sqlOf, type SqlRunner } from '../support/sql';
import { defaultStore, freshPostgresDatabase } from '../support/stores';
import { LOOPBACK_TEST_LIMITS } from '../support/limits';

export const ADMIN_PASSWORD = 'organizer-secret-pw';

export type BuyerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type AdminSocket = Socket<AdminServerToClientEvents, AdminClientToServerEvents>;

export interface AdminTestServer extends RunningApp {
  dir: string;
  databasePath: string;
  /** Plain SQL on the server's database. */
  sql: SqlRunner;
  /** Closes the server but keeps its database (for restart tests). */
  closeKeepingData(): Promise<void>;
  /** Closes the server and removes its temp directory. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment; set ADMIN_PASSWORD: undefined to start without one. */
  env?: Record<string, string | undefined>;
  clock?: () => number;
  logger?: Logger;
  /** Reuse this directory (and its test.db): a restart on the same database. */
  dir?: string;
}

/** A real server (API + Socket.IO, no Next) on 127.0.0.1, a free port and a temp database; no demo events. */
export async function startAdminServer(options: StartOptions = {}): Promise<AdminTestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'seatline-admin-'));
  const databasePath = join(dir, 'test.db');
  // On PostgreSQL (the `postgres` test project) a fresh database; a restart on the same `dir` reuses it.
  let database = options.dir ? postgresDatabases.get(options.dir) : undefined;
  if (!database && defaultStore() === 'postgres') {
    database = await freshPostgresDatabase('migrated');
    postgresDatabases.set(dir, database);
  }
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    CHECK_INVARIANTS: '1',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    SEED_DEMO: '0',
    ADMIN_PASSWORD,
    ...LOOPBACK_TEST_LIMITS,
    ...options.env,
    DATABASE_PATH: databasePath,
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  const app = await startApp(configFromEnv(clean), { withNext: false, clock: options.clock, logger: options.logger });
  return {
    ...app,
    dir,
    databasePath,
    sql: sqlOf(app.store),
    closeKeepingData: () => app.close(),
    async stop() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      postgresDatabases.delete(dir);
      await database?.drop();
    },
  };
}

/** PostgreSQL databases of admin test servers, by their directory (so a restart finds its data). */
const postgresDatabases = new Map<string, { url: string; drop(): Promise<void> }>();

/** A pino logger that keeps every line (parsed) in memory. */
export function bufferLogger(level = 'info'): { logger: Logger; lines: Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    {
      write(chunk: string) {
        for (const line of chunk.split('\n')) {
          if (!line.trim()) continue;
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
      },
    },
  );
  return { logger, lines, raw };
}

// ---------- HTTP ----------

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  cookie?: string;
}

export async function call<T = any>(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: any = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export async function adminLogin(baseUrl: string, password = ADMIN_PASSWORD): Promise<string> {
  const res = await call(baseUrl, 'POST', '/api/admin/login', { body: { password } });
  if (res.status !== 200 || typeof res.body?.token !== 'string') throw new Error(`admin login failed: ${res.status} ${res.text}`);
  return res.body.token as string;
}

export async function newSession(baseUrl: string): Promise<{ token: string; buyerId: string }> {
  const res = await call(baseUrl, 'POST', '/api/session');
  return { token: res.body.token, buyerId: res.body.buyerId };
}

// ---------- venues and events ----------

/**
 * 15 reserved seats S-A-1..S-C-5 (row A 'front' €50, rows B-C 'back' €30) and a
 * general-admission area GA with 10 places GA-GA-1..GA-GA-10 (€20).
 */
export function smallVenue(): VenueSpec {
  return {
    categories: [
      { id: 'front', name: 'Front', priceCents: 5000, color: '#7c3aed' },
      { id: 'back', name: 'Back', priceCents: 3000, color: '#2563eb' },
      { id: 'floor', name: 'Floor', priceCents: 2000, color: '#0d9488' },
    ],
    sections: [
      { kind: 'straight', id: 'S', name: 'Stalls', rows: 3, seatsPerRow: 5, x: 0, y: 60, rowCategories: ['front', 'back'] },
      { kind: 'ga', id: 'GA', name: 'Standing', capacity: 10, x: 0, y: 120, width: 60, height: 30, category: 'floor' },
    ],
    stage: { x: 0, y: 0, width: 60, height: 20, label: 'STAGE' },
  };
}

/** A different, seated-only venue: T-A-1..T-B-4. */
export function otherVenue(): VenueSpec {
  return {
    categories: [{ id: 'std', name: 'Standard', priceCents: 4000, color: '#d97706' }],
    sections: [{ kind: 'straight', id: 'T', name: 'Tier', rows: 2, seatsPerRow: 4, x: 0, y: 40, rowCategories: ['std'] }],
    stage: { x: 0, y: 0, width: 40, height: 20, label: 'STAGE' },
  };
}

export const SMALL_SEATS = ['A', 'B', 'C'].flatMap((row) => [1, 2, 3, 4, 5].map((n) => `S-${row}-${n}`));
export const GA_UNITS = Array.from({ length: 10 }, (_, i) => `GA-GA-${i + 1}`);

export async function createEvent(
  baseUrl: string,
  adminToken: string,
  fields: Record<string, unknown> = {},
): Promise<{ id: string; capacity: number }> {
  const res = await call(baseUrl, 'POST', '/api/admin/events', {
    token: adminToken,
    body: { name: 'Test night', venueName: 'Test hall', startsAt: Date.now() + 86_400_000, saleStatus: 'open', venue: smallVenue(), ...fields },
  });
  if (res.status !== 201) throw new Error(`create event failed: ${res.status} ${res.text}`);
  return res.body.event;
}

// ---------- sockets ----------

export async function connectBuyerSocket(baseUrl: string, token?: string): Promise<{ socket: BuyerSocket; token: string; buyerId: string }> {
  const session = token ? { token, buyerId: token.slice(0, token.lastIndexOf('.')) } : await newSession(baseUrl);
  const socket: BuyerSocket = connect(baseUrl, { auth: { token: session.token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('buyer socket did not connect within 30 s')), 30_000); // generous: a loaded 2-core CI box
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  return { socket, ...session };
}

export async function connectAdmin(baseUrl: string, token: string): Promise<AdminSocket> {
  const socket: AdminSocket = connect(`${baseUrl}/admin`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('admin socket did not connect within 30 s')), 30_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
  });
  return socket;
}

/** The connect_error an /admin connection gets; rejects if it connects. */
export function adminConnectError(
  baseUrl: string,
  opts: { auth?: Record<string, unknown>; extraHeaders?: Record<string, string> },
  timeoutMs = 5000,
): Promise<Error & { data?: { code?: string } }> {
  const socket: AdminSocket = connect(`${baseUrl}/admin`, {
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}),
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  return new Promise<Error & { data?: { code?: string } }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither connect nor connect_error')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      reject(new Error('connected to /admin without a valid organizer session'));
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      resolve(err as Error & { data?: { code?: string } });
    });
  }).finally(() => socket.close());
}

/** Emits with an ack; resolves with the ack payload. */
export function ask<T = any>(socket: Socket<any, any>, event: string, payload: unknown, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.emit(event, payload, (reply: T) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
}

/** Resolves with the first `event` whose payload matches; attach BEFORE triggering the action. */
export function waitFor<T = any>(socket: Socket<any, any>, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, listener);
  });
}

/** Records every payload of `event` on `socket`. */
export function record<T = any>(socket: Socket<any, any>, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

/** Waits for an admin:stats push that satisfies `match`. */
export function waitForStats(socket: AdminSocket, match: (s: AdminEventStats) => boolean, timeoutMs = 2500): Promise<AdminEventStats> {
  return waitFor<AdminEventStats>(socket, 'admin:stats', match, timeoutMs);
}

export async function holdSeats(socket: BuyerSocket, eventId: string, seatIds: string[], ga?: { areaId: string; quantity: number }[]): Promise<HoldView> {
  const ack = await ask(socket, 'hold:create', { eventId, seatIds, ...(ga ? { ga } : {}) });
  if (!ack.ok) throw new Error(`hold failed: ${JSON.stringify(ack.error)}`);
  return ack.hold;
}

let keyCounter = 0;
export async function confirmHold(socket: BuyerSocket, holdId: string, buyer: { name: string; email: string }): Promise<OrderView> {
  const ack = await ask(socket, 'hold:confirm', { holdId, buyer, idempotencyKey: `admin-test-key-${++keyCounter}-${Date.now()}` });
  if (!ack.ok) throw new Error(`confirm failed: ${JSON.stringify(ack.error)}`);
  return ack.order;
}

/** Buys `seatIds` for a fresh buyer; returns the order and the buyer's connection. */
export async function buy(
  baseUrl: string,
  eventId: string,
  seatIds: string[],
  buyer: { name: string; email: string },
): Promise<{ order: OrderView; socket: BuyerSocket; token: string; buyerId: string }> {
  const conn = await connectBuyerSocket(baseUrl);
  const hold = await holdSeats(conn.socket, eventId, seatIds);
  const order = await confirmHold(conn.socket, hold.id, buyer);
  return { order, ...conn };
}

// ---------- misc ----------

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns true (or throws after timeoutMs). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A small RFC 4180 CSV parser (quoted cells, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export function closeAll(sockets: Iterable<Socket<any, any> | undefined>): void {
  for (const s of sockets) s?.close();
}
