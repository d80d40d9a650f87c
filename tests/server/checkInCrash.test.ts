// Check-in and kill -9: an acknowledged admission survives a SIGKILL sent the
// moment its ack arrives (a new process on the same database refuses the
// ticket as already checked in, at the same time and door, and counts it);
// an admission whose process died inside its commit was never acknowledged
// and is not there after the restart, so the ticket can be scanned again.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminEventStats, CheckInAck } from '../../lib/adminProtocol';
import type { OrderView } from '../../lib/protocol';
import { ADMIN_PASSWORD, adminLogin, buy, call, closeAll, createEvent, type ApiResponse, type BuyerSocket } from './adminHelpers';
import { startChildServer, tempDir, type ChildServer } from './helpers';

let children: ChildServer[] = [];
let sockets: BuyerSocket[] = [];
let dirs: string[] = [];

afterEach(async () => {
  closeAll(sockets);
  sockets = [];
  await Promise.all(children.map((c) => c.kill()));
  children = [];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

async function child(env: Record<string, string>): Promise<ChildServer> {
  const c = await startChildServer(env);
  children.push(c);
  return c;
}

async function kill9(c: ChildServer): Promise<void> {
  process.kill(c.pid, 'SIGKILL');
  expect((await c.exited).signal).toBe('SIGKILL');
}

const scan = (url: string, token: string, eventId: string, code: string, door?: string): Promise<ApiResponse<CheckInAck>> =>
  call<CheckInAck>(url, 'POST', `/api/admin/events/${eventId}/check-in`, { token, body: door ? { code, door } : { code } });
const doorCounts = async (url: string, token: string, eventId: string) =>
  ((await call(url, 'GET', `/api/admin/events/${eventId}/stats`, { token })).body.stats as AdminEventStats).checkIn;
const codeOf = (o: OrderView, seatId: string) => o.tickets.find((t) => t.seatId === seatId)!.code;

// Child processes start in ~1.5–3 s each; allow for a loaded 2-core box.
describe('check-in and kill -9', { timeout: 120_000 }, () => {
  it('acknowledged admissions survive kill -9; an admission killed inside its commit was never made', async () => {
    const dir = tempDir('seatline-checkin-crash-');
    dirs.push(dir);
    const env = {
      DATABASE_PATH: join(dir, 'crash.db'),
      SEED_DEMO: '0',
      ADMIN_PASSWORD,
      SQLITE_SYNCHRONOUS: 'FULL',
      RATE_LIMIT_IP_PER_SEC: '0',
    };

    // ---- first process: sell, then admit two tickets from many doors at once, kill -9 at the last ack ----
    const first = await child(env);
    let token = await adminLogin(first.url);
    const eventId = (await createEvent(first.url, token, { id: 'crash-door' })).id;
    const a = await buy(first.url, eventId, ['S-A-1', 'S-A-2', 'S-A-3'], { name: 'Grace Hopper', email: 'grace@example.com' });
    const b = await buy(first.url, eventId, ['S-B-1'], { name: 'Alan Turing', email: 'alan@example.com' });
    sockets.push(a.socket, b.socket);
    const scans = await Promise.all(
      Array.from({ length: 20 }, (_, i) => scan(first.url, token, eventId, codeOf(a.order, i % 2 ? 'S-A-1' : 'S-A-2'), `door-${i}`)),
    );
    await kill9(first);
    closeAll(sockets);
    sockets = [];
    const admitted = scans.filter((r) => r.status === 200).map((r) => (r.body.ok ? r.body.ticket : null)!);
    expect(admitted.map((t) => t.seatId).sort()).toEqual(['S-A-1', 'S-A-2']);
    expect(scans.filter((r) => r.status === 409)).toHaveLength(18);

    // ---- second process: both admissions are there, with their time and door; the counts too ----
    const second = await child(env);
    token = await adminLogin(second.url);
    expect(await doorCounts(second.url, token, eventId)).toEqual({ checkedIn: 2, expected: 4 });
    for (const ticket of admitted) {
      const again = await scan(second.url, token, eventId, codeOf(a.order, ticket.seatId), 'late door');
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ ok: false, error: { code: 'already_checked_in', ticket: { checkedInAt: ticket.checkedInAt, door: ticket.door } } });
    }
    const third = await scan(second.url, token, eventId, codeOf(a.order, 'S-A-3'), 'East');
    expect(third.status).toBe(200);
    await kill9(second);

    // ---- a process that dies inside its first commit: the check-in of S-B-1 ----
    const doomed = await child({ ...env, FAULT_KILL_IN_COMMIT: '1' });
    token = await adminLogin(doomed.url);
    expect(await doorCounts(doomed.url, token, eventId)).toEqual({ checkedIn: 3, expected: 4 });
    const lost = await scan(doomed.url, token, eventId, codeOf(b.order, 'S-B-1'), 'West').then(
      (r) => r,
      () => null, // the connection died with the process: no answer, so no promise was made
    );
    expect(lost).toBeNull();
    expect((await doomed.exited).signal).toBe('SIGKILL');

    // ---- the last process: the unacknowledged admission is absent; the ticket scans once more ----
    const last = await child(env);
    token = await adminLogin(last.url);
    expect(await doorCounts(last.url, token, eventId)).toEqual({ checkedIn: 3, expected: 4 });
    const retry = await scan(last.url, token, eventId, codeOf(b.order, 'S-B-1'), 'West');
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ ok: true, ticket: { seatId: 'S-B-1', buyerName: 'Alan Turing', door: 'West' }, counts: { checkedIn: 4, expected: 4 } });
    const audit = await call(last.url, 'GET', `/api/admin/events/${eventId}/seats/S-B-1/history`, { token });
    expect(audit.body.history.map((h: { action: string }) => h.action)).toEqual(['held', 'sold', 'checked_in']);
  });
});
