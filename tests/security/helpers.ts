// Helpers for the security suites: raw HTTP with full control over headers and
// the client's source address (127.0.0.x are all loopback on Linux, so a test
// can be "several addresses"), Socket.IO handshakes that report how they ended,
// and a stand-in for Next's request handler that answers like a production
// build does (static pages with s-maxage, immutable /_next/static files).
import { mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { startApp, type AppOptions, type RunningApp } from '../../server/app';
import { configFromEnv } from '../../server/config';
import type { Logger } from '../../server/logger';
import { seededDatabaseCopy } from '../server/helpers';
import { LOOPBACK_TEST_LIMITS } from '../support/limits';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): any;
}

export interface RawOptions {
  headers?: Record<string, string>;
  body?: unknown;
  /** Source address of the TCP connection (127.0.0.2, …). */
  localAddress?: string;
}

export function raw(baseUrl: string, method: string, path: string, options: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
          ...options.headers,
        },
        agent: false,
        localAddress: options.localAddress,
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The Set-Cookie lines of a response (always an array). */
export function setCookies(res: RawResponse): string[] {
  return res.headers['set-cookie'] ?? [];
}

/** True when a shared cache (CDN, proxy) may store this response. */
export function sharedCacheable(cacheControl: string | undefined): boolean {
  const directives = (cacheControl ?? '').toLowerCase().split(',').map((d) => d.trim());
  if (directives.includes('private') || directives.includes('no-store')) return false;
  return directives.some((d) => d === 'public' || d.startsWith('s-maxage') || (d.startsWith('max-age') && d !== 'max-age=0'));
}

export type HandshakeOutcome = { connected: true; socket: Socket } | { connected: false; message: string; code?: string; retryAfterMs?: number };

export interface HandshakeOptions {
  namespace?: '/' | '/admin';
  auth?: Record<string, unknown>;
  headers?: Record<string, string>;
  transports?: ('websocket' | 'polling')[];
  timeoutMs?: number;
  /** An http.Agent bound to a source address (see agentFrom). */
  agent?: http.Agent;
}

/**
 * Opens one Socket.IO connection and reports how it ended: connected (the caller
 * closes it) or connect_error with its code. Rejects if neither happens in time:
 * the server must always answer a handshake.
 */
export function handshake(baseUrl: string, options: HandshakeOptions = {}): Promise<HandshakeOutcome> {
  const socket = connect(`${baseUrl}${options.namespace === '/admin' ? '/admin' : ''}`, {
    ...(options.auth ? { auth: options.auth } : {}),
    extraHeaders: options.headers,
    transports: options.transports ?? ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: options.timeoutMs ?? 5_000,
    ...(options.agent ? { agent: options.agent as never } : {}),
  });
  return new Promise<HandshakeOutcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('the handshake got neither connect nor connect_error'));
    }, options.timeoutMs ?? 5_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ connected: true, socket });
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string; retryAfterMs?: number } }) => {
      clearTimeout(timer);
      socket.close();
      resolve({ connected: false, message: err.message, code: err.data?.code, retryAfterMs: err.data?.retryAfterMs });
    });
  });
}

/** An agent whose connections come from `localAddress`. */
export function agentFrom(localAddress: string): http.Agent {
  return new http.Agent({ localAddress, keepAlive: false });
}

export const EVIL_ORIGIN = 'http://evil.example';

/** A stand-in for Next's request handler, answering the way a production build does. */
export async function fakeNextPages(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path.startsWith('/_next/static/')) {
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.setHeader('content-type', 'application/javascript; charset=UTF-8');
    res.end('console.log(1)');
    return;
  }
  if (path === '/icon.svg') {
    res.setHeader('cache-control', 'public, immutable, no-transform, max-age=31536000');
    res.setHeader('content-type', 'image/svg+xml');
    res.end('<svg xmlns="http://www.w3.org/2000/svg"/>');
    return;
  }
  // A prerendered page: Next marks it cacheable by shared caches for a year.
  const csp = String(req.headers['content-security-policy'] ?? '');
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  res.statusCode = path === '/nope' ? 404 : 200;
  res.setHeader('cache-control', 's-maxage=31536000');
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('x-nonce-seen', nonce ?? '');
  res.end(`<!doctype html><html><head><script${nonce ? ` nonce="${nonce}"` : ''}>1</script></head><body>${path}</body></html>`);
}

// ---------- servers ----------

export const ADMIN_PASSWORD = 'organizer-secret-pw';

export interface SecurityServer extends RunningApp {
  dir: string;
  databasePath: string;
  /** Closes the server, keeping its database (for restarts). */
  closeKeepingData(): Promise<void>;
  stop(): Promise<void>;
}

export interface SecurityServerOptions {
  /** Extra environment; a key set to undefined is removed (e.g. ADMIN_PASSWORD). */
  env?: Record<string, string | undefined>;
  clock?: () => number;
  logger?: Logger;
  /** Serve pages through fakeNextPages (default) or not at all. */
  pages?: boolean;
  /** Reuse this directory and its database (a restart). */
  dir?: string;
}

/** A real server (API + Socket.IO + stand-in pages) on 127.0.0.1, a free port and a temp database with the demo events. */
export async function startSecurityServer(options: SecurityServerOptions = {}): Promise<SecurityServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'seatline-sec-'));
  const databasePath = join(dir, 'test.db');
  if (!options.dir) await seededDatabaseCopy(dir);
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    CHECK_INVARIANTS: '1',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    ADMIN_PASSWORD,
    ...LOOPBACK_TEST_LIMITS,
    ...options.env,
    DATABASE_PATH: databasePath,
  };
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  let app: RunningApp;
  try {
    app = await startApp(configFromEnv(clean), {
      withNext: false,
      clock: options.clock,
      logger: options.logger,
      ...(options.pages === false ? {} : { pageHandler: fakeNextPages }),
    } as AppOptions);
  } catch (error) {
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...app,
    dir,
    databasePath,
    closeKeepingData: () => app.close(),
    async stop() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Logs in as the organizer; returns the token. */
export async function organizerToken(baseUrl: string, password = ADMIN_PASSWORD, localAddress?: string): Promise<string> {
  const res = await raw(baseUrl, 'POST', '/api/admin/login', { body: { password }, localAddress });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.json().token as string;
}
