// Defect 2: one address flooding the login must not lock every organizer out.
// Attempts refused for their address charge nothing else; failures back off per
// address; the account-wide budget (against distributed guessing) does not apply
// to browsers that signed in before (a device cookie), so a flood of many
// addresses cannot lock out an organizer either.
// Addresses: 127.0.0.x are all loopback on Linux, so each is a distinct client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, raw, setCookies, startSecurityServer, type SecurityServer } from './helpers';

const ATTACKER = '127.0.0.2';
const ORGANIZER = '127.0.0.3';

function login(server: SecurityServer, password: string, localAddress: string, cookie?: string) {
  return raw(server.url, 'POST', '/api/admin/login', { body: { password }, localAddress, headers: cookie ? { cookie } : {} });
}

describe('one address floods the login', () => {
  let server: SecurityServer;
  // The server's clock moves only when the test moves it: no refill depends on how fast this machine is.
  const startedAt = Date.now();
  let offsetMs = 0;
  beforeAll(async () => {
    server = await startSecurityServer({ clock: () => startedAt + offsetMs, pages: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('40 wrong passwords from one address, then ~1/s for two minutes: the organizer from a clean address still gets in', async () => {
    for (let i = 0; i < 40; i++) {
      const res = await login(server, `wrong-${i}`, ATTACKER);
      expect([401, 429]).toContain(res.status);
    }
    expect((await login(server, 'wrong-again', ATTACKER)).status).toBe(429);
    const first = await login(server, ADMIN_PASSWORD, ORGANIZER);
    expect(first.status).toBe(200);

    for (let second = 0; second < 120; second++) {
      offsetMs += 1000;
      await login(server, `wrong-${second}`, ATTACKER);
      if (second % 30 === 29) {
        const res = await login(server, ADMIN_PASSWORD, ORGANIZER);
        expect(res.status, `organizer at ${second + 1} s`).toBe(200);
      }
    }
  });

  it('the flooding address itself backs off: refused while its budget is spent, even with the right password', async () => {
    const res = await login(server, ADMIN_PASSWORD, ATTACKER);
    expect(res.status).toBe(429);
    expect(res.json().error.code).toBe('rate_limited');
    expect(res.json().error.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('many addresses guess the password together', () => {
  let server: SecurityServer;
  // The server's clock moves only when the test moves it: no refill depends on how fast this machine is.
  const startedAt = Date.now();
  let offsetMs = 0;
  beforeAll(async () => {
    server = await startSecurityServer({ clock: () => startedAt + offsetMs, pages: false });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the account-wide budget slows them down, but a browser that signed in before is not locked out', async () => {
    // The organizer signed in once from this browser (before the attack): it keeps a device cookie.
    const before = await login(server, ADMIN_PASSWORD, ORGANIZER);
    expect(before.status).toBe(200);
    const device = setCookies(before).find((c) => c.startsWith('seatline_device='));
    expect(device, 'a device cookie is set on sign-in').toBeDefined();
    const attrs = device!.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=strict');
    const deviceCookie = device!.split(';')[0];

    // 40 addresses × 5 guesses each: more than the account-wide budget allows.
    const statuses: number[] = [];
    for (let a = 10; a < 50; a++) {
      for (let i = 0; i < 5; i++) statuses.push((await login(server, `guess-${a}-${i}`, `127.0.0.${a}`)).status);
    }
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused, 'the account-wide budget refused some distributed guesses').toBeGreaterThan(0);
    // A fresh address without a device cookie is refused while the account budget is spent…
    const fresh = await login(server, ADMIN_PASSWORD, '127.0.0.60');
    expect(fresh.status).toBe(429);
    // …but the organizer's browser, with its device cookie, gets in, from any address.
    const known = await login(server, ADMIN_PASSWORD, '127.0.0.61', deviceCookie);
    expect(known.status).toBe(200);
    // A forged device cookie is no exemption.
    const forged = await login(server, ADMIN_PASSWORD, '127.0.0.62', `${deviceCookie.slice(0, -3)}AAA`);
    expect(forged.status).toBe(429);
  });
});
