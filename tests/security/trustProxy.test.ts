// Defect 6: behind a reverse proxy every client looked like the proxy. With
// TRUST_PROXY (a hop count or the proxies' addresses), X-Forwarded-For and
// X-Forwarded-Proto are honoured, but only when they come from a trusted proxy;
// without it nothing changes (a spoofed header buys nothing). Rate limits, the
// login limiter, /metrics and socket handshakes all see the real client, and
// cookies are Secure when the site is served over HTTPS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession } from '../server/adminHelpers';
import { ADMIN_PASSWORD, agentFrom, handshake, raw, setCookies, startSecurityServer, type SecurityServer } from './helpers';

const login = (server: SecurityServer, password: string, headers: Record<string, string>, localAddress?: string) =>
  raw(server.url, 'POST', '/api/admin/login', { body: { password }, headers, localAddress });

/** Five failures spend an address's login budget. */
async function spendLoginBudget(server: SecurityServer, headers: Record<string, string>, localAddress?: string) {
  for (let i = 0; i < 5; i++) expect((await login(server, `wrong-${i}`, headers, localAddress)).status).toBe(401);
  expect((await login(server, 'wrong-6', headers, localAddress)).status).toBe(429);
}

describe('TRUST_PROXY=loopback (a proxy on this machine)', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await startSecurityServer({ env: { TRUST_PROXY: 'loopback', RATE_LIMIT_IP_PER_SEC: '5' }, clock: () => 1_800_000_000_000 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the login limiter counts each forwarded client separately', async () => {
    await spendLoginBudget(server, { 'x-forwarded-for': '203.0.113.7' });
    expect((await login(server, ADMIN_PASSWORD, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
    expect((await login(server, ADMIN_PASSWORD, { 'x-forwarded-for': '198.51.100.4' })).status).toBe(200);
  });

  it('the per-address request limit counts each forwarded client separately', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await raw(server.url, 'GET', '/api/events', { headers: { 'x-forwarded-for': '192.0.2.10' } })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect((await raw(server.url, 'GET', '/api/events', { headers: { 'x-forwarded-for': '192.0.2.11' } })).status).toBe(200);
  });

  it('/metrics: a remote client through the proxy is not "loopback"', async () => {
    const remote = await raw(server.url, 'GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.50' } });
    expect(remote.status).toBe(403);
    expect(remote.json().error.code).toBe('forbidden');
    expect((await raw(server.url, 'GET', '/metrics', { headers: { 'x-forwarded-for': '127.0.0.1' } })).status).toBe(200);
  });

  it('socket handshakes see the forwarded address', async () => {
    const { token } = await newSession(server.url);
    const outcome = await handshake(server.url, { auth: { token }, headers: { 'x-forwarded-for': '203.0.113.99' } });
    expect(outcome.connected).toBe(true);
    if (!outcome.connected) return;
    const serverSide = [...server.io.of('/').sockets.values()].find((s) => s.id === outcome.socket.id);
    expect(serverSide?.handshake.address).toBe('203.0.113.99');
    outcome.socket.close();
  });

  it('X-Forwarded-Proto: https from the trusted proxy makes cookies Secure and adds HSTS', async () => {
    const https = await raw(server.url, 'POST', '/api/session', { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.20' } });
    expect(https.status).toBe(201);
    expect(setCookies(https)[0].split(';').map((a) => a.trim())).toContain('Secure');
    expect(https.headers['strict-transport-security']).toMatch(/^max-age=/);
    const admin = await login(server, ADMIN_PASSWORD, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.21' });
    expect(admin.status).toBe(200);
    expect(setCookies(admin).every((c) => c.split(';').map((a) => a.trim()).includes('Secure'))).toBe(true);
    const page = await raw(server.url, 'GET', '/', { headers: { 'x-forwarded-proto': 'https' } });
    expect(setCookies(page)[0].split(';').map((a) => a.trim())).toContain('Secure');
    const plain = await raw(server.url, 'POST', '/api/session', { headers: { 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.22' } });
    expect(setCookies(plain)[0].split(';').map((a) => a.trim())).not.toContain('Secure');
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('TRUST_PROXY with a list that does not include the caller', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await startSecurityServer({ env: { TRUST_PROXY: '10.0.0.1, 10.0.0.0/24' }, pages: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('headers from an untrusted peer are ignored', async () => {
    await spendLoginBudget(server, { 'x-forwarded-for': '203.0.113.7' }, '127.0.0.5');
    // A different forged client address does not buy a fresh budget.
    expect((await login(server, ADMIN_PASSWORD, { 'x-forwarded-for': '198.51.100.4' }, '127.0.0.5')).status).toBe(429);
    const session = await raw(server.url, 'POST', '/api/session', { headers: { 'x-forwarded-proto': 'https' } });
    expect(setCookies(session)[0]).not.toMatch(/Secure/);
  });
});

describe('without TRUST_PROXY nothing changes', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await startSecurityServer({ pages: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('X-Forwarded-For is ignored: spoofing it neither buys a login budget nor reaches /metrics from afar', async () => {
    await spendLoginBudget(server, { 'x-forwarded-for': '203.0.113.7' }, '127.0.0.6');
    expect((await login(server, ADMIN_PASSWORD, { 'x-forwarded-for': '198.51.100.4' }, '127.0.0.6')).status).toBe(429);
    expect((await login(server, ADMIN_PASSWORD, {}, '127.0.0.7')).status).toBe(200);
    const session = await raw(server.url, 'POST', '/api/session', { headers: { 'x-forwarded-proto': 'https' } });
    expect(setCookies(session)[0]).not.toMatch(/Secure/);
  });

  it('socket handshakes see the socket address', async () => {
    const { token } = await newSession(server.url);
    const outcome = await handshake(server.url, { auth: { token }, headers: { 'x-forwarded-for': '203.0.113.99' }, agent: agentFrom('127.0.0.8') });
    expect(outcome.connected).toBe(true);
    if (!outcome.connected) return;
    const serverSide = [...server.io.of('/').sockets.values()].find((s) => s.id === outcome.socket.id);
    expect(serverSide?.handshake.address).toMatch(/127\.0\.0\.8$/);
    outcome.socket.close();
  });
});

describe('TRUST_PROXY as a hop count', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await startSecurityServer({ env: { TRUST_PROXY: '2' }, pages: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('takes the address that many hops back; entries further left (client-supplied) are ignored', async () => {
    // X-Forwarded-For as the inner proxy (the socket peer, hop 0) passes it on: a client-forged entry, the
    // client as the outer proxy saw it, and the outer proxy (hop 1) as the inner one saw it.
    const headers = { 'x-forwarded-for': '6.6.6.6, 203.0.113.30, 10.1.1.1' };
    await spendLoginBudget(server, headers);
    expect((await login(server, ADMIN_PASSWORD, { 'x-forwarded-for': '7.7.7.7, 203.0.113.30, 10.1.1.1' })).status).toBe(429);
    expect((await login(server, ADMIN_PASSWORD, { 'x-forwarded-for': '6.6.6.6, 203.0.113.31, 10.1.1.1' })).status).toBe(200);
  });

  it('rejects a nonsense value at start', async () => {
    await expect(startSecurityServer({ pages: false, env: { TRUST_PROXY: 'yes please' } })).rejects.toThrow(/TRUST_PROXY/);
  });
});
