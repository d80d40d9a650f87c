// Defect 4: state-changing HTTP requests and Socket.IO handshakes from another
// origin are refused with a clear error (403 forbidden / connect_error
// forbidden), with cookies or tokens alike; the site's own origin (PUBLIC_URL,
// or the Host it was reached at) and the configured allow-list pass; clients
// that send no Origin (not a browser) keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession } from '../server/adminHelpers';
import { EVIL_ORIGIN, handshake, organizerToken, raw, startSecurityServer, type SecurityServer } from './helpers';

describe('origin checks without PUBLIC_URL (the site is where it was reached)', () => {
  let server: SecurityServer;
  let admin: string;
  let buyer: string;
  let own: string;
  beforeAll(async () => {
    server = await startSecurityServer({ pages: false });
    admin = await organizerToken(server.url);
    buyer = (await newSession(server.url)).token;
    own = new URL(server.url).origin;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const newEvent = (id: string) => ({
    id,
    name: 'Origin night',
    venueName: 'Hall',
    startsAt: Date.now() + 86_400_000,
    venue: {
      categories: [{ id: 'std', name: 'Standard', priceCents: 1000, color: '#2563eb' }],
      sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 1, seatsPerRow: 2, x: 0, y: 40, rowCategories: ['std'] }],
      stage: { x: 0, y: 0, width: 20, height: 10, label: 'STAGE' },
    },
  });

  it('a cross-origin JSON POST to /api/admin/* with a valid cookie is refused and changes nothing', async () => {
    const res = await raw(server.url, 'POST', '/api/admin/events', {
      headers: { cookie: `seatline_admin=${admin}`, origin: EVIL_ORIGIN },
      body: newEvent('evil-one'),
    });
    expect(res.status).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
    expect(res.json().error.message).toMatch(/origin/i);
    expect(server.registry.get('evil-one')).toBeUndefined();
  });

  it('every state-changing method is checked, for buyers, organizers and the login itself', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/api/session', undefined],
      ['POST', '/api/admin/login', { password: 'organizer-secret-pw' }],
      ['POST', '/api/admin/logout', undefined],
      ['POST', '/api/events/demo-theatre/holds', { seatIds: ['SC-A-1'] }],
      ['PATCH', '/api/admin/events/demo-theatre', { name: 'Hijacked' }],
      ['DELETE', '/api/admin/events/demo-arena', undefined],
      ['PUT', '/api/admin/events/demo-theatre/layout', { venue: {} }],
    ];
    for (const origin of [EVIL_ORIGIN, 'null', `${own}.evil.example`, own.replace('http:', 'https:')]) {
      for (const [method, path, body] of cases) {
        const res = await raw(server.url, method, path, {
          headers: { cookie: `seatline_admin=${admin}; seatline_buyer=${buyer}`, origin },
          body,
        });
        expect(res.status, `${method} ${path} from ${origin}`).toBe(403);
        expect(res.json().error.code).toBe('forbidden');
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    }
    // Sec-Fetch-Site says cross-site even without an Origin header: refused too.
    const fetchMeta = await raw(server.url, 'POST', '/api/events/demo-theatre/holds', {
      headers: { cookie: `seatline_buyer=${buyer}`, 'sec-fetch-site': 'cross-site' },
      body: { seatIds: ['SC-A-1'] },
    });
    expect(fetchMeta.status).toBe(403);
    expect((await raw(server.url, 'GET', '/api/events/demo-theatre/availability')).json().seats['SC-A-1']).toBe('available');
    expect(server.registry.get('demo-arena')).toBeDefined();
  });

  it('the same origin, and clients without an Origin (bearer tokens, curl), keep working', async () => {
    const same = await raw(server.url, 'POST', '/api/events/demo-theatre/holds', {
      headers: { cookie: `seatline_buyer=${buyer}`, origin: own, 'sec-fetch-site': 'same-origin' },
      body: { seatIds: ['SC-A-1'] },
    });
    expect(same.status).toBe(201);
    const bearer = await raw(server.url, 'POST', '/api/events/demo-theatre/holds', {
      headers: { authorization: `Bearer ${buyer}` },
      body: { seatIds: ['SC-A-2'] },
    });
    expect(bearer.status).toBe(201);
    const adminBearer = await raw(server.url, 'POST', '/api/admin/events/demo-theatre/sale', { headers: { authorization: `Bearer ${admin}` }, body: { status: 'open' } });
    expect(adminBearer.status).toBe(200);
    // Reads are not state-changing: a cross-origin GET is answered (CORS keeps its body from the other site).
    expect((await raw(server.url, 'GET', '/api/events', { headers: { origin: EVIL_ORIGIN } })).status).toBe(200);
  });

  it('Socket.IO / and /admin refuse a foreign Origin with connect_error forbidden (WebSocket and polling)', async () => {
    for (const transports of [['websocket'], ['polling']] as ('websocket' | 'polling')[][]) {
      const buyerSocket = await handshake(server.url, { auth: { token: buyer }, headers: { origin: EVIL_ORIGIN }, transports });
      expect(buyerSocket.connected, `/ ${transports}`).toBe(false);
      if (!buyerSocket.connected) expect(buyerSocket.code).toBe('forbidden');
      const adminSocket = await handshake(server.url, { namespace: '/admin', auth: { token: admin }, headers: { origin: EVIL_ORIGIN }, transports });
      expect(adminSocket.connected, `/admin ${transports}`).toBe(false);
      if (!adminSocket.connected) expect(adminSocket.code).toBe('forbidden');
      const byCookie = await handshake(server.url, { headers: { origin: EVIL_ORIGIN, cookie: `seatline_buyer=${buyer}` }, transports });
      expect(byCookie.connected).toBe(false);
    }
    for (const headers of [{ origin: own }, {}] as Record<string, string>[]) {
      const ok = await handshake(server.url, { auth: { token: buyer }, headers });
      expect(ok.connected, JSON.stringify(headers)).toBe(true);
      if (ok.connected) ok.socket.close();
      const okAdmin = await handshake(server.url, { namespace: '/admin', auth: { token: admin }, headers });
      expect(okAdmin.connected).toBe(true);
      if (okAdmin.connected) okAdmin.socket.close();
    }
  });
});

describe('origin checks with PUBLIC_URL and ALLOWED_ORIGINS', () => {
  let server: SecurityServer;
  let buyer: string;
  beforeAll(async () => {
    server = await startSecurityServer({
      pages: false,
      env: { PUBLIC_URL: 'https://tickets.example.com/', ALLOWED_ORIGINS: 'https://box-office.example.com, http://localhost:5173' },
    });
    buyer = (await newSession(server.url)).token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('only PUBLIC_URL and the allow-list pass; the Host the request came to does not', async () => {
    const hold = (origin: string, seat: string) =>
      raw(server.url, 'POST', '/api/events/demo-theatre/holds', { headers: { authorization: `Bearer ${buyer}`, origin }, body: { seatIds: [seat] } });
    expect((await hold('https://tickets.example.com', 'SC-B-1')).status).toBe(201);
    expect((await hold('https://box-office.example.com', 'SC-B-2')).status).toBe(201);
    expect((await hold('http://localhost:5173', 'SC-B-3')).status).toBe(201);
    for (const origin of [new URL(server.url).origin, 'http://tickets.example.com', 'https://tickets.example.com:8443', EVIL_ORIGIN]) {
      expect((await hold(origin, 'SC-B-4')).status, origin).toBe(403);
    }
    const socket = await handshake(server.url, { auth: { token: buyer }, headers: { origin: 'https://box-office.example.com' } });
    expect(socket.connected).toBe(true);
    if (socket.connected) socket.socket.close();
    const refused = await handshake(server.url, { auth: { token: buyer }, headers: { origin: new URL(server.url).origin } });
    expect(refused.connected).toBe(false);
  });

  it('a malformed PUBLIC_URL or allow-list entry is a configuration error at start', async () => {
    await expect(startSecurityServer({ pages: false, env: { PUBLIC_URL: 'tickets.example.com' } })).rejects.toThrow(/PUBLIC_URL/);
    await expect(startSecurityServer({ pages: false, env: { ALLOWED_ORIGINS: 'https://ok.example, *' } })).rejects.toThrow(/ALLOWED_ORIGINS/);
    await expect(startSecurityServer({ pages: false, env: { ALLOWED_ORIGINS: 'https://a.example/path' } })).rejects.toThrow(/ALLOWED_ORIGINS/);
  });
});
