// Defects 3 and 5, at the server's page door (server/app.ts servePage) with a
// stand-in for Next that answers like a production build: prerendered pages
// come with `s-maxage=31536000`. No response that sets or depends on a cookie
// may be cacheable by a shared cache; /_next/static stays long-cacheable; every
// page carries a CSP with a fresh nonce that Next is handed on the request, and
// the other security headers. (e2e/security.spec.ts checks the real Next.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSession } from '../server/adminHelpers';
import { organizerToken, raw, setCookies, sharedCacheable, startSecurityServer, type SecurityServer } from './helpers';

const PAGE_ROUTES = ['/', '/events/demo-theatre', '/events/demo-arena', '/orders/o_AAAAAAAAAAAAAAAA', '/admin/login', '/nope'];
const ADMIN_ROUTES = ['/admin', '/admin/events/new', '/admin/events/demo-theatre', '/admin/events/demo-theatre/edit'];

function cspOf(header: string | string[] | undefined): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  return directives;
}

describe('page responses over plain HTTP', () => {
  let server: SecurityServer;
  let admin: string;
  beforeAll(async () => {
    server = await startSecurityServer({ env: { NODE_ENV: 'production' } });
    admin = await organizerToken(server.url);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('no page response is cacheable by a shared cache, whether it sets a cookie or not', async () => {
    const { token } = await newSession(server.url);
    for (const path of PAGE_ROUTES) {
      for (const cookie of [undefined, `seatline_buyer=${token}`]) {
        const res = await raw(server.url, 'GET', path, { headers: cookie ? { cookie } : {} });
        const cc = res.headers['cache-control'];
        expect(sharedCacheable(cc), `${path} (cookie: ${Boolean(cookie)}): ${cc}`).toBe(false);
        expect(cc).toMatch(/private|no-store/);
        if (!cookie) expect(setCookies(res).some((c) => c.startsWith('seatline_buyer=')), path).toBe(true);
      }
    }
    for (const path of ADMIN_ROUTES) {
      const anonymous = await raw(server.url, 'GET', path);
      expect(anonymous.status).toBe(302);
      expect(sharedCacheable(anonymous.headers['cache-control'])).toBe(false);
      const signedIn = await raw(server.url, 'GET', path, { headers: { cookie: `seatline_admin=${admin}` } });
      expect(signedIn.status, path).toBe(200);
      expect(sharedCacheable(signedIn.headers['cache-control']), `${path}: ${signedIn.headers['cache-control']}`).toBe(false);
    }
  });

  it('/_next/static files stay long-cacheable and set no cookie; so do public files like the icon', async () => {
    for (const path of ['/_next/static/chunks/app.js', '/icon.svg']) {
      const res = await raw(server.url, 'GET', path);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control'], path).toMatch(/public.*max-age=31536000|max-age=31536000.*public/);
      expect(res.headers['cache-control']).toContain('immutable');
      expect(setCookies(res), path).toEqual([]);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('every page has a CSP with a fresh nonce that Next was handed on the request, and the other headers', async () => {
    const nonces = new Set<string>();
    for (const path of [...PAGE_ROUTES, '/', '/']) {
      const res = await raw(server.url, 'GET', path, { headers: { 'content-security-policy': "script-src 'nonce-attacker'", 'x-nonce': 'attacker' } });
      const csp = cspOf(res.headers['content-security-policy']);
      const scriptSrc = csp.get('script-src') ?? [];
      const nonce = scriptSrc.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
      expect(nonce, path).toMatch(/^[A-Za-z0-9+/]{22,}={0,2}$/);
      expect(res.headers['x-nonce-seen'], 'Next saw the same nonce').toBe(nonce);
      expect(res.text).toContain(`nonce="${nonce}"`);
      nonces.add(nonce!);
      expect(scriptSrc).toContain("'strict-dynamic'");
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(csp.get('base-uri')).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('form-action')).toEqual(["'self'"]);
      expect(csp.has('upgrade-insecure-requests')).toBe(false); // plain HTTP here
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toBeUndefined(); // plain HTTP: no HSTS
    }
    expect(nonces.size).toBe(PAGE_ROUTES.length + 2);
  });

  it('API responses carry the security headers too (a JSON reply is never a document)', async () => {
    for (const path of ['/api/events', '/api/health', '/api/nope']) {
      const res = await raw(server.url, 'GET', path);
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(cspOf(res.headers['content-security-policy']).get('default-src')).toEqual(["'none'"]);
      expect(cspOf(res.headers['content-security-policy']).get('frame-ancestors')).toEqual(["'none'"]);
    }
  });
});

describe('page responses of the development server', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await startSecurityServer({ env: { NODE_ENV: 'development' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("allow eval (Next's dev tooling), and nothing else more", async () => {
    const res = await raw(server.url, 'GET', '/');
    const scriptSrc = cspOf(res.headers['content-security-policy']).get('script-src') ?? [];
    expect(scriptSrc).toContain("'unsafe-eval'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc.some((s) => s.startsWith("'nonce-"))).toBe(true);
  });
});

describe('page responses when the site is served over HTTPS', () => {
  let server: SecurityServer;
  beforeAll(async () => {
    server = await startSecurityServer({ env: { PUBLIC_URL: 'https://tickets.example.com' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('HSTS, upgrade-insecure-requests and Secure cookies', async () => {
    const res = await raw(server.url, 'GET', '/');
    expect(res.headers['strict-transport-security']).toMatch(/^max-age=\d{8,}/);
    expect(cspOf(res.headers['content-security-policy']).has('upgrade-insecure-requests')).toBe(true);
    const buyer = setCookies(res).find((c) => c.startsWith('seatline_buyer='));
    expect(buyer?.split(';').map((a) => a.trim())).toContain('Secure');
  });
});
