// Defect 1: a cookie that cannot be URL-decoded must be treated as absent, never
// a 5xx; a Socket.IO handshake carrying one must get a clear connect_error (or
// connect), never hang; no rejection may go unhandled; handshakes are
// rate-limited per address like commands.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newSession } from '../server/adminHelpers';
import { handshake, organizerToken, raw, setCookies, startSecurityServer, type SecurityServer } from './helpers';

const BAD_COOKIES = ['seatline_buyer=%E0%A4%A', 'seatline_admin=%', 'seatline_buyer=%; seatline_admin=%E0%A4%A', 'theme=%zz; seatline_buyer=%E0'];

describe('malformed cookies', () => {
  let server: SecurityServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = await startSecurityServer();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server?.stop();
  });
  afterEach(() => {
    expect(unhandled).toEqual([]);
  });

  it('pages answer normally and issue a fresh buyer session', async () => {
    for (const cookie of BAD_COOKIES) {
      for (const path of ['/', '/events/demo-theatre', '/admin/login']) {
        const res = await raw(server.url, 'GET', path, { headers: { cookie } });
        expect(res.status, `${path} with ${cookie}`).toBe(200);
        expect(setCookies(res).some((c) => /^seatline_buyer=b_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+;/.test(c)), `${path} with ${cookie}`).toBe(true);
      }
      // The organizer gate still redirects (the bad cookie is no session).
      const admin = await raw(server.url, 'GET', '/admin', { headers: { cookie } });
      expect(admin.status, `/admin with ${cookie}`).toBe(302);
      expect(admin.headers.location).toBe('/admin/login?next=%2Fadmin');
    }
  });

  it('API routes treat the cookie as absent: 401, not 500', async () => {
    for (const cookie of BAD_COOKIES) {
      const order = await raw(server.url, 'GET', '/api/orders/o_AAAAAAAAAAAAAAAA', { headers: { cookie } });
      expect(order.status, cookie).toBe(401);
      expect(order.json().error.code).toBe('unauthorized');
      const hold = await raw(server.url, 'POST', '/api/events/demo-theatre/holds', { headers: { cookie }, body: { seatIds: ['SC-A-1'] } });
      expect(hold.status, cookie).toBe(401);
      const me = await raw(server.url, 'GET', '/api/admin/me', { headers: { cookie } });
      expect(me.status, cookie).toBe(401);
      expect(me.json().error.code).toBe('unauthorized');
    }
  });

  it('a good session next to a bad cookie still counts', async () => {
    const { token } = await newSession(server.url);
    const admin = await organizerToken(server.url);
    const page = await raw(server.url, 'GET', '/', { headers: { cookie: `theme=%E0%A4%A; seatline_buyer=${token}` } });
    expect(page.status).toBe(200);
    expect(setCookies(page).filter((c) => c.startsWith('seatline_buyer='))).toEqual([]);
    const me = await raw(server.url, 'GET', '/api/admin/me', { headers: { cookie: `x=%; seatline_admin=${admin}` } });
    expect(me.status).toBe(200);
  });

  it('socket handshakes with a bad cookie and no token get connect_error unauthorized, on both namespaces and transports', async () => {
    for (const cookie of BAD_COOKIES) {
      for (const namespace of ['/', '/admin'] as const) {
        for (const transports of [['websocket'], ['polling']] as ('websocket' | 'polling')[][]) {
          const outcome = await handshake(server.url, { namespace, headers: { cookie }, transports });
          expect(outcome.connected, `${namespace} ${transports} ${cookie}`).toBe(false);
          if (!outcome.connected) expect(outcome.code).toBe('unauthorized');
        }
      }
    }
  });

  it('many such handshakes leave nothing behind on the server', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, () => handshake(server.url, { headers: { cookie: 'seatline_buyer=%E0%A4%A' } })),
    );
    expect(outcomes.every((o) => !o.connected && o.code === 'unauthorized')).toBe(true);
    const preConnect = (server.io.of('/') as unknown as { _preConnectSockets: Map<string, unknown> })._preConnectSockets;
    expect(preConnect.size).toBe(0);
    expect(server.io.of('/').sockets.size).toBe(0);
  });
});

describe('handshake rate limit per address', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    // 2/s sustained, burst 4; a frozen clock so nothing refills during the test.
    server = await startSecurityServer({ env: { RATE_LIMIT_IP_PER_SEC: '2' }, clock: () => 1_800_000_000_000 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('handshakes beyond the address budget get connect_error rate_limited with retryAfterMs', async () => {
    const { token } = await newSession(server.url); // 1 token of the budget
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await handshake(server.url, { auth: { token } }));
    const connected = outcomes.filter((o) => o.connected);
    const limited = outcomes.filter((o) => !o.connected);
    for (const o of connected) if (o.connected) o.socket.close();
    expect(connected.length).toBe(3);
    expect(limited.length).toBe(3);
    for (const o of limited) {
      if (o.connected) continue;
      expect(o.code).toBe('rate_limited');
      expect(o.retryAfterMs).toBeGreaterThan(0);
    }
  });
});
