// Defect 7: a logged-out organizer token must stay dead after kill -9 and a
// restart; changing ADMIN_PASSWORD must end every organizer session signed
// under the old one (a generated password, new on every start, does too); an
// unchanged password keeps sessions across restarts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../server/helpers';
import { bufferLogger } from '../server/adminHelpers';
import { raw, startSecurityServer } from './helpers';

const PASSWORD = 'first-organizer-password';

const me = async (url: string, token: string) => (await raw(url, 'GET', '/api/admin/me', { headers: { authorization: `Bearer ${token}` } })).status;
const login = async (url: string, password: string) => {
  const res = await raw(url, 'POST', '/api/admin/login', { body: { password } });
  expect(res.status, res.text).toBe(200);
  return res.json().token as string;
};

describe('organizer sessions across kill -9 and restarts', () => {
  let dir: string;
  let server: ChildServer | undefined;
  const restart = async (password: string) => {
    await server?.kill();
    server = await startChildServer({ DATABASE_PATH: join(dir, 'test.db'), SEED_DEMO: '0', SQLITE_SYNCHRONOUS: 'NORMAL', ADMIN_PASSWORD: password });
    return server.url;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seatline-sessions-'));
  });
  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logout survives kill -9; other sessions survive a restart with the same password', async () => {
    let url = await restart(PASSWORD);
    const loggedOut = await login(url, PASSWORD);
    const kept = await login(url, PASSWORD);
    expect((await raw(url, 'POST', '/api/admin/logout', { headers: { authorization: `Bearer ${loggedOut}` } })).status).toBe(200);
    expect(await me(url, loggedOut)).toBe(401);

    url = await restart(PASSWORD); // kill -9, then start again on the same database
    expect(await me(url, loggedOut)).toBe(401);
    expect(await me(url, kept)).toBe(200);
  });

  it('changing ADMIN_PASSWORD ends the sessions signed under the old one; the new password works', async () => {
    let url = await restart(PASSWORD);
    const old = await login(url, PASSWORD);
    url = await restart('second-organizer-password');
    expect(await me(url, old)).toBe(401);
    expect((await raw(url, 'POST', '/api/admin/login', { body: { password: PASSWORD } })).status).toBe(401);
    const fresh = await login(url, 'second-organizer-password');
    expect(await me(url, fresh)).toBe(200);
    // Going back to the first password does not revive sessions of the second.
    url = await restart(PASSWORD);
    expect(await me(url, fresh)).toBe(401);
  });
});

describe('a generated password (no ADMIN_PASSWORD) lasts one run, and so do its sessions', () => {
  let dir: string | undefined;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const generatedPassword = (lines: Record<string, unknown>[]) => {
    const line = lines.find((l) => typeof l.adminPassword === 'string');
    if (!line) throw new Error('no generated password in the log');
    return line.adminPassword as string;
  };

  it('after a restart the old session is refused, and the new run\'s password works', async () => {
    const first = bufferLogger('warn');
    let server = await startSecurityServer({ env: { ADMIN_PASSWORD: undefined }, logger: first.logger, pages: false });
    dir = server.dir;
    const token = await login(server.url, generatedPassword(first.lines));
    expect(await me(server.url, token)).toBe(200);
    await server.closeKeepingData();
    const second = bufferLogger('warn');
    server = await startSecurityServer({ env: { ADMIN_PASSWORD: undefined }, logger: second.logger, pages: false, dir });
    try {
      expect(await me(server.url, token)).toBe(401);
      expect(generatedPassword(second.lines)).not.toBe(generatedPassword(first.lines));
      expect(await me(server.url, await login(server.url, generatedPassword(second.lines)))).toBe(200);
    } finally {
      await server.closeKeepingData();
    }
  });
});
