// Helpers for server tests: a real server (API + Socket.IO, no Next) on a
// temp database, and real Socket.IO clients with their own buyer sessions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SeatsUpdate } from '../../lib/protocol';
import { startApp, type RunningApp } from '../../server/app';
import { configFromEnv } from '../../server/config';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer extends RunningApp {
  dir: string;
  databasePath: string;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'seatline-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts a server on 127.0.0.1 and a free port, with a fresh database (or the given one). */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = tempDir();
  const databasePath = env.DATABASE_PATH ?? join(dir, 'test.db');
  const config = configFromEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    CHECK_INVARIANTS: '1',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    ...env,
    DATABASE_PATH: databasePath,
  });
  const app = await startApp(config, { withNext: false });
  return {
    ...app,
    dir,
    databasePath,
    async stop() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
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

/**
 * A viewer that joins an event and keeps a local copy of the seat map by
 * applying seats:update deltas, refetching on any version gap (as real clients do).
 */
export class SeatMapViewer {
  version = -1;
  seats: Record<string, string> = {};
  gaps = 0;
  readonly updates: SeatsUpdate[] = [];

  constructor(
    readonly socket: TestSocket,
    readonly eventId: string,
  ) {
    socket.on('seats:update', (update) => {
      if (update.eventId !== eventId) return;
      this.updates.push(update);
      if (update.version <= this.version) return;
      if (update.version !== this.version + 1) {
        this.gaps++;
        void this.join();
        return;
      }
      for (const change of update.changes) this.seats[change.seatId] = change.status;
      this.version = update.version;
    });
  }

  async join(): Promise<void> {
    const ack = await request(this.socket, 'event:join', { eventId: this.eventId });
    if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
    if (ack.version >= this.version) {
      this.version = ack.version;
      this.seats = { ...ack.seats };
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
