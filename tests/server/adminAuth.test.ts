// Organizer authentication and authorization on a real server: every admin
// route refuses anonymous callers (401), buyers (403) and forged / expired /
// logged-out organizer tokens (401) without changing anything; the /admin
// socket namespace does the same; login is rate limited, its cookie is
// locked down, and a generated password is logged exactly once.
import { createHmac, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_SESSION_TTL_MS } from '../../server/admin/adminAuth';
import {
  ADMIN_PASSWORD,
  adminConnectError,
  adminLogin,
  ask,
  bufferLogger,
  call,
  closeAll,
  connectAdmin,
  connectBuyerSocket,
  createEvent,
  holdSeats,
  buy,
  newSession,
  otherVenue,
  smallVenue,
  startAdminServer,
  type AdminTestServer,
  type BuyerSocket,
} from './adminHelpers';

/** Every file that registers organizer routes. */
const ROUTE_FILES = ['adminRoutes.ts', 'orderAccessRoutes.ts', 'clusterRoutes.ts'].map((f) => fileURLToPath(new URL(`../../server/admin/${f}`, import.meta.url)));

interface RouteCase {
  method: string;
  /** The route as registered, e.g. /api/admin/events/:id/block */
  route: string;
  path: string;
  body?: unknown;
}

describe('authorization matrix: every admin route', () => {
  let server: AdminTestServer;
  let admin: string;
  let buyerToken: string;
  let loggedOut: string;
  const sockets: BuyerSocket[] = [];
  let E1: string;
  let E2: string;
  let holdId: string;
  let orderId: string;
  let ticketCode: string;
  let cases: RouteCase[];

  const sql = <T = any>(query: string, ...params: unknown[]) => server.sql.all<T>(query, ...params);
  /**
   * Signs a token body as the server does: HMAC-SHA256 under a key bound to the session secret and
   * to the scrypt hash of the organizer password (salt persisted), so a password change ends sessions.
   */
  let signingKey: Buffer | null = null;
  const signLikeServer = async (body: string) => {
    if (!signingKey) {
      const setting = async (key: string) => (await sql<{ value: string }>(`SELECT value FROM settings WHERE key = ?`, key))[0].value;
      const passwordHash = scryptSync(ADMIN_PASSWORD, Buffer.from(await setting('admin_password_salt'), 'base64url'), 32);
      signingKey = createHmac('sha256', await setting('admin_session_secret')).update('seatline admin signing key\0').update(passwordHash).digest();
    }
    return `${body}.${createHmac('sha256', signingKey).update(`admin:${body}`).digest('base64url')}`;
  };

  /** Everything an admin route could change, read as a real organizer and straight from SQLite. */
  async function snapshot() {
    const adminEvents = await call(server.url, 'GET', '/api/admin/events', { token: admin });
    expect(adminEvents.status).toBe(200);
    const publicEvents = await call(server.url, 'GET', '/api/events');
    const perEvent: Record<string, unknown> = {};
    for (const e of publicEvents.body.events as { id: string }[]) {
      const availability = await call(server.url, 'GET', `/api/events/${e.id}/availability`);
      const detail = await call(server.url, 'GET', `/api/events/${e.id}`);
      perEvent[e.id] = { availability: availability.body, detail: detail.body };
    }
    return {
      adminEvents: adminEvents.body,
      publicEvents: publicEvents.body,
      perEvent,
      events: (await sql('SELECT * FROM events ORDER BY id')),
      seats: (await sql('SELECT event_id, count(*) AS n FROM seats GROUP BY event_id ORDER BY event_id')),
      holds: (await sql('SELECT id, status, expires_at, ended_at FROM holds ORDER BY id')),
      heldSeats: (await sql('SELECT * FROM held_seats ORDER BY event_id, seat_id')),
      orders: (await sql('SELECT * FROM orders ORDER BY id')),
      tickets: (await sql('SELECT id, seat_id, status, cancelled_at, cancel_reason, checked_in_at, checked_in_door FROM tickets ORDER BY id')),
      blocked: (await sql('SELECT event_id, seat_id, reason FROM blocked_seats ORDER BY event_id, seat_id')),
      audit: (await sql('SELECT count(*) AS n, max(id) AS last FROM audit_log')),
      orderAccess: (await sql('SELECT * FROM order_access ORDER BY order_id')),
      // Emails queued (sending them changes sent_at, which no admin route touches).
      outbox: (await sql('SELECT id, kind, order_id, recipient FROM outbox ORDER BY id')),
    };
  }

  beforeAll(async () => {
    server = await startAdminServer();
    admin = await adminLogin(server.url);
    E1 = (await createEvent(server.url, admin, { id: 'matrix-one' })).id;
    E2 = (await createEvent(server.url, admin, { id: 'matrix-two', venue: otherVenue() })).id;
    const holder = await connectBuyerSocket(server.url);
    sockets.push(holder.socket);
    holdId = (await holdSeats(holder.socket, E1, ['S-A-1'])).id;
    const bought = await buy(server.url, E1, ['S-B-1', 'S-B-2'], { name: 'Grace Hopper', email: 'Grace@Example.com' });
    sockets.push(bought.socket);
    orderId = bought.order.id;
    ticketCode = bought.order.tickets.find((t) => t.seatId === 'S-B-2')!.code;
    const blocked = await call(server.url, 'POST', `/api/admin/events/${E1}/block`, { token: admin, body: { seatIds: ['S-C-5'], reason: 'camera' } });
    expect(blocked.status).toBe(200);
    buyerToken = (await newSession(server.url)).token;
    loggedOut = await adminLogin(server.url);
    expect((await call(server.url, 'POST', '/api/admin/logout', { token: loggedOut })).status).toBe(200);

    // Every mutation carries a body that WOULD succeed for an organizer (checked in the last test),
    // so "nothing changed" is meaningful. Ordered so that, replayed by an organizer, each succeeds.
    cases = [
      { method: 'GET', route: '/api/admin/me', path: '/api/admin/me' },
      { method: 'GET', route: '/api/admin/events', path: '/api/admin/events' },
      { method: 'GET', route: '/api/admin/events/:id/layout', path: `/api/admin/events/${E1}/layout` },
      { method: 'GET', route: '/api/admin/events/:id/stats', path: `/api/admin/events/${E1}/stats` },
      { method: 'GET', route: '/api/admin/events/:id/orders', path: `/api/admin/events/${E1}/orders` },
      { method: 'GET', route: '/api/admin/events/:id/orders.csv', path: `/api/admin/events/${E1}/orders.csv` },
      { method: 'GET', route: '/api/admin/events/:id/seats/:seatId/history', path: `/api/admin/events/${E1}/seats/S-B-1/history` },
      { method: 'GET', route: '/api/admin/orders', path: '/api/admin/orders?q=grace%40example.com' },
      { method: 'GET', route: '/api/admin/orders/:id', path: `/api/admin/orders/${orderId}` },
      { method: 'GET', route: '/api/admin/cluster', path: '/api/admin/cluster' },
      {
        method: 'POST',
        route: '/api/admin/events',
        path: '/api/admin/events',
        body: { id: 'matrix-new', name: 'Sneaky', venueName: 'Nowhere', startsAt: Date.now() + 1e7, saleStatus: 'open', venue: smallVenue() },
      },
      { method: 'PATCH', route: '/api/admin/events/:id', path: `/api/admin/events/${E1}`, body: { name: 'Renamed', maxSeatsPerBuyer: 1, holdTtlMs: 5000 } },
      { method: 'POST', route: '/api/admin/events/:id/sale', path: `/api/admin/events/${E1}/sale`, body: { status: 'closed' } },
      { method: 'POST', route: '/api/admin/events/:id/block', path: `/api/admin/events/${E1}/block`, body: { seatIds: ['S-C-1', 'S-C-2'], reason: 'x' } },
      { method: 'POST', route: '/api/admin/events/:id/unblock', path: `/api/admin/events/${E1}/unblock`, body: { seatIds: ['S-C-5'] } },
      { method: 'POST', route: '/api/admin/events/:id/check-in', path: `/api/admin/events/${E1}/check-in`, body: { code: ticketCode, door: 'North' } },
      { method: 'DELETE', route: '/api/admin/holds/:id', path: `/api/admin/holds/${holdId}` },
      { method: 'POST', route: '/api/admin/orders/:id/cancel', path: `/api/admin/orders/${orderId}/cancel`, body: { seatIds: ['S-B-1'], reason: 'refund' } },
      { method: 'GET', route: '/api/admin/orders/:id/access', path: `/api/admin/orders/${orderId}/access` },
      { method: 'POST', route: '/api/admin/orders/:id/access/revoke', path: `/api/admin/orders/${orderId}/access/revoke`, body: { emailBuyer: true } },
      { method: 'PUT', route: '/api/admin/events/:id/layout', path: `/api/admin/events/${E2}/layout`, body: { venue: smallVenue() } },
      { method: 'DELETE', route: '/api/admin/events/:id', path: `/api/admin/events/${E2}` },
    ];
  });

  afterAll(async () => {
    closeAll(sockets);
    await server?.stop();
  });

  it('the matrix names every admin route registered in server/admin (except login/logout)', () => {
    const source = ROUTE_FILES.map((f) => readFileSync(f, 'utf8')).join('\n');
    const registered = [...source.matchAll(/router\.add\(\s*'([A-Z]+)',\s*'([^']+)'/g)]
      .map(([, method, route]) => `${method} ${route}`)
      .filter((r) => !r.endsWith('/api/admin/login') && !r.endsWith('/api/admin/logout'))
      .sort();
    expect(registered.length).toBeGreaterThanOrEqual(19);
    expect(registered.every((r) => r.split(' ')[1].startsWith('/api/admin/'))).toBe(true);
    expect(cases.map((c) => `${c.method} ${c.route}`).sort()).toEqual(registered);
  });

  it('a token signed like the server does is accepted (so the forged/expired variants below are precise)', async () => {
    const token = await signLikeServer(`probe${Date.now()}.${Date.now() + 60_000}`);
    const me = await call(server.url, 'GET', '/api/admin/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ ok: true, role: 'organizer' });
  });

  it('anonymous → 401, buyer → 403, forged / tampered / expired / logged-out organizer tokens → 401; nothing changes', async () => {
    const sign = signLikeServer;
    const [sessionId, expiresAt, signature] = admin.split('.');
    const credentials: { name: string; opts: { token?: string; cookie?: string }; status: number; code: string }[] = [
      { name: 'anonymous', opts: {}, status: 401, code: 'unauthorized' },
      { name: 'buyer bearer', opts: { token: buyerToken }, status: 403, code: 'forbidden' },
      { name: 'buyer cookie', opts: { cookie: `seatline_buyer=${buyerToken}` }, status: 403, code: 'forbidden' },
      { name: 'forged', opts: { token: `AAAAAAAAAAAAAAAA.${Date.now() + 3_600_000}.${'A'.repeat(43)}` }, status: 401, code: 'unauthorized' },
      { name: 'tampered expiry', opts: { token: `${sessionId}.${Number(expiresAt) + 1_000_000}.${signature}` }, status: 401, code: 'unauthorized' },
      { name: 'tampered signature', opts: { token: `${sessionId}.${expiresAt}.${signature.slice(0, -2)}AA` }, status: 401, code: 'unauthorized' },
      { name: 'expired (correctly signed)', opts: { token: await sign(`expiredsess.${Date.now() - 1000}`) }, status: 401, code: 'unauthorized' },
      { name: 'logged out', opts: { token: loggedOut }, status: 401, code: 'unauthorized' },
      { name: 'forged cookie', opts: { cookie: `seatline_admin=${sessionId}.${Number(expiresAt) + 5}.${signature}` }, status: 401, code: 'unauthorized' },
      { name: 'oversized', opts: { token: 'x'.repeat(500) }, status: 401, code: 'unauthorized' },
    ];

    const before = await snapshot();
    const failures: string[] = [];
    for (const c of cases) {
      for (const cred of credentials) {
        const res = await call(server.url, c.method, c.path, { ...cred.opts, body: c.body });
        if (res.status !== cred.status || res.body?.ok !== false || res.body?.error?.code !== cred.code) {
          failures.push(`${c.method} ${c.path} as ${cred.name}: ${res.status} ${res.text.slice(0, 120)}`);
        }
        // No data leaks in the refusal.
        expect(res.text).not.toContain('Grace');
        expect(res.headers.get('set-cookie')).toBeNull();
      }
    }
    expect(failures).toEqual([]);
    const after = await snapshot();
    expect(after).toEqual(before);
    expect((after.events as unknown[]).length).toBe(2);
  });

  it('the /admin socket namespace refuses missing, buyer, forged, expired and logged-out tokens', async () => {
    const expired = await signLikeServer(`expiredsess.${Date.now() - 1}`);
    const [sessionId, expiresAt, signature] = admin.split('.');
    const refused: { name: string; auth?: Record<string, unknown>; extraHeaders?: Record<string, string> }[] = [
      { name: 'no token' },
      { name: 'buyer token', auth: { token: buyerToken } },
      { name: 'buyer cookie', extraHeaders: { cookie: `seatline_buyer=${buyerToken}` } },
      { name: 'forged', auth: { token: `${sessionId}.${Number(expiresAt) + 1}.${signature}` } },
      { name: 'expired', auth: { token: expired } },
      { name: 'logged out', auth: { token: loggedOut } },
      { name: 'not a string', auth: { token: 12345 } },
      { name: 'forged cookie', extraHeaders: { cookie: `seatline_admin=${sessionId}.${expiresAt}.${'B'.repeat(43)}` } },
    ];
    for (const r of refused) {
      const err = await adminConnectError(server.url, r);
      expect(err.message, r.name).toBe('unauthorized');
      expect(err.data?.code, r.name).toBe('unauthorized');
    }
    // The real organizer connects, by auth token and by its cookie.
    const byToken = await connectAdmin(server.url, admin);
    const watched = await ask(byToken, 'admin:watch', { eventId: E1 });
    expect(watched.ok).toBe(true);
    expect(watched.stats.eventId).toBe(E1);
    byToken.close();
    const { io } = await import('socket.io-client');
    const byCookie = io(`${server.url}/admin`, {
      extraHeaders: { cookie: `seatline_admin=${admin}` },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      byCookie.once('connect', () => resolve());
      byCookie.once('connect_error', reject);
    });
    byCookie.close();
  });

  it('the same requests succeed for an organizer (the matrix was not vacuous)', async () => {
    const statuses: string[] = [];
    for (const c of cases) {
      const res = await call(server.url, c.method, c.path, { token: admin, body: c.body });
      statuses.push(`${c.method} ${c.path} ${res.status >= 200 && res.status < 300 ? 'ok' : `${res.status} ${res.text.slice(0, 120)}`}`);
    }
    expect(statuses.filter((s) => !s.endsWith(' ok'))).toEqual([]);
    const events = (await call(server.url, 'GET', '/api/events')).body.events.map((e: { id: string }) => e.id).sort();
    expect(events).toEqual(['matrix-new', 'matrix-one']);
    expect(await sql(`SELECT status FROM holds WHERE id = ?`, holdId)).toEqual([{ status: 'admin_released' }]);
    expect(await sql(`SELECT seat_id, status, checked_in_door FROM tickets WHERE order_id = ? ORDER BY seat_id`, orderId)).toEqual([
      { seat_id: 'S-B-1', status: 'cancelled', checked_in_door: null },
      { seat_id: 'S-B-2', status: 'valid', checked_in_door: 'North' },
    ]);
    expect(await sql(`SELECT generation FROM order_access WHERE order_id = ?`, orderId)).toEqual([{ generation: 2 }]);
  });
});

describe('organizer login, logout and session expiry', () => {
  let server: AdminTestServer;
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;

  beforeAll(async () => {
    server = await startAdminServer({ clock });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('wrong password → 401 unauthorized; malformed → 400; the right one → token + locked-down cookie', async () => {
    const wrong = await call(server.url, 'POST', '/api/admin/login', { body: { password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect(wrong.body.token).toBeUndefined();
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const malformed = await call(server.url, 'POST', '/api/admin/login', { body: { password: 42 } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_request');

    const before = clock();
    const ok = await call(server.url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.body.ok).toBe(true);
    expect(typeof ok.body.token).toBe('string');
    expect(ok.body.expiresAt).toBeGreaterThanOrEqual(before + ADMIN_SESSION_TTL_MS);
    expect(ok.body.expiresAt).toBeLessThanOrEqual(clock() + ADMIN_SESSION_TTL_MS);
    const cookies = ok.headers.getSetCookie();
    // The session cookie, and the device cookie the login throttle recognises (only sent to the login route).
    expect(cookies.map((c) => c.split('=')[0]).sort()).toEqual(['seatline_admin', 'seatline_device']);
    const device = cookies.find((c) => c.startsWith('seatline_device='))!.split(';').map((p) => p.trim().toLowerCase());
    expect(device).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/api/admin/login']));
    const cookie = cookies.find((c) => c.startsWith('seatline_admin=')) ?? '';
    const attrs = cookie.split(';').map((p) => p.trim());
    expect(attrs[0]).toBe(`seatline_admin=${ok.body.token}`);
    expect(attrs.map((a) => a.toLowerCase())).toContain('httponly');
    expect(attrs.map((a) => a.toLowerCase())).toContain('samesite=strict');
    expect(attrs).toContain('Path=/');
    const maxAge = attrs.find((a) => /^max-age=/i.test(a));
    expect(maxAge).toBeDefined();
    expect(Number(maxAge!.split('=')[1])).toBe(ADMIN_SESSION_TTL_MS / 1000);
    // The cookie alone authenticates.
    const me = await call(server.url, 'GET', '/api/admin/me', { cookie: `seatline_admin=${ok.body.token}` });
    expect(me.status).toBe(200);
  });

  it('logout revokes exactly that session (HTTP and socket), and clears the cookie', async () => {
    const t1 = await adminLogin(server.url);
    const t2 = await adminLogin(server.url);
    expect((await call(server.url, 'GET', '/api/admin/me', { token: t1 })).status).toBe(200);
    const out = await call(server.url, 'POST', '/api/admin/logout', { token: t1 });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^seatline_admin=;.*Max-Age=0/);
    const after = await call(server.url, 'GET', '/api/admin/me', { token: t1 });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
    expect((await adminConnectError(server.url, { auth: { token: t1 } })).message).toBe('unauthorized');
    // Another session is unaffected.
    expect((await call(server.url, 'GET', '/api/admin/me', { token: t2 })).status).toBe(200);
    // Logout through the cookie works too.
    expect((await call(server.url, 'POST', '/api/admin/logout', { cookie: `seatline_admin=${t2}` })).status).toBe(200);
    expect((await call(server.url, 'GET', '/api/admin/me', { token: t2 })).status).toBe(401);
  });

  it('5 wrong passwords from one address → 429 rate_limited with retryAfterMs; even the right one waits for the window', async () => {
    await adminLogin(server.url); // a success resets this address's bucket
    for (let i = 0; i < 5; i++) {
      const res = await call(server.url, 'POST', '/api/admin/login', { body: { password: `wrong-${i}` } });
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const limited = await call(server.url, 'POST', '/api/admin/login', { body: { password: 'wrong-6' } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    const retryAfterMs = limited.body.error.retryAfterMs as number;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(Number(limited.headers.get('retry-after'))).toBe(Math.ceil(retryAfterMs / 1000));

    const rightButLimited = await call(server.url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD } });
    expect(rightButLimited.status).toBe(429);
    expect(rightButLimited.body.error.code).toBe('rate_limited');
    expect(rightButLimited.body.token).toBeUndefined();

    offsetMs += Math.floor(retryAfterMs / 2);
    expect((await call(server.url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD } })).status).toBe(429);

    offsetMs += retryAfterMs; // the window has passed
    const ok = await call(server.url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD } });
    expect(ok.status).toBe(200);
    expect(typeof ok.body.token).toBe('string');
  });

  it('a session expires after its TTL (HTTP and socket)', async () => {
    const token = await adminLogin(server.url);
    expect((await call(server.url, 'GET', '/api/admin/me', { token })).status).toBe(200);
    const socket = await connectAdmin(server.url, token);
    socket.close();
    offsetMs += ADMIN_SESSION_TTL_MS + 1000;
    const me = await call(server.url, 'GET', '/api/admin/me', { token });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('unauthorized');
    expect((await adminConnectError(server.url, { auth: { token } })).message).toBe('unauthorized');
  });
});

describe('generated organizer password', () => {
  it('without ADMIN_PASSWORD: one warn line carries the password, exactly once, and it logs in', async () => {
    const { logger, lines, raw } = bufferLogger('info');
    const server = await startAdminServer({ env: { ADMIN_PASSWORD: undefined }, logger });
    try {
      const withPassword = lines.filter((l) => 'adminPassword' in l);
      expect(withPassword).toHaveLength(1);
      expect(withPassword[0].level).toBe(40); // pino's warn
      const password = withPassword[0].adminPassword as string;
      expect(typeof password).toBe('string');
      expect(password.length).toBeGreaterThanOrEqual(16);
      const login = await call(server.url, 'POST', '/api/admin/login', { body: { password } });
      expect(login.status).toBe(200);
      expect((await call(server.url, 'GET', '/api/admin/me', { token: login.body.token })).status).toBe(200);
      expect((await call(server.url, 'POST', '/api/admin/login', { body: { password: ADMIN_PASSWORD } })).status).toBe(401);
      // Printed once, and never stored.
      expect(raw.filter((line) => line.includes(password))).toHaveLength(1);
      const stored = await server.sql.all<{ value: string }>('SELECT value FROM settings');
      expect(stored.some((s) => s.value.includes(password))).toBe(false);
    } finally {
      await server.stop();
    }
  });

  it('with ADMIN_PASSWORD set: no password is logged', async () => {
    const { logger, lines, raw } = bufferLogger('info');
    const server = await startAdminServer({ logger });
    try {
      expect(lines.some((l) => l.msg === 'seatline listening')).toBe(true); // the logger was used
      expect(lines.filter((l) => 'adminPassword' in l)).toHaveLength(0);
      expect(raw.some((line) => line.includes(ADMIN_PASSWORD))).toBe(false);
    } finally {
      await server.stop();
    }
  });
});
