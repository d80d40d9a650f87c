// The loop adapter with a fake clock and manual scheduling on a real store,
// SQLite and PostgreSQL alike: batching, lanes, backpressure, expiry,
// pipelining (the next batch applied while one commits), recovery from
// storage faults and from a command that throws, restarts.
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../core/types';
import { EVENT, loopHarness, type LoopHarness } from '../support/loopHarness';
import { storeKinds } from '../support/stores';

let open: LoopHarness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

async function setup(kind: Parameters<typeof loopHarness>[0], opts?: Parameters<typeof loopHarness>[1]): Promise<LoopHarness> {
  const h = await loopHarness(kind, opts);
  open.push(h);
  return h;
}

const held = (box: { outcome?: Outcome }) => (box.outcome as Extract<Outcome, { type: 'held' }>).hold;

describe.each(storeKinds())('ReservationLoop on %s', (kind) => {
  it('replies only after the batch committed, and commits a whole batch in one write', async () => {
    const t = await setup(kind);
    const a = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    const b = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(2)] });
    const c = t.submit({ type: 'hold', buyerId: 'b3', seatIds: [t.seat(1)] });
    expect(a.outcome).toBeUndefined(); // nothing is acknowledged before the commit
    await t.drain();
    expect(t.writer.writes).toBe(1);
    expect(a.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(b.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(c.outcome).toMatchObject({ ok: false, code: 'seats_unavailable', seatIds: [t.seat(1)] });
    expect(t.notices).toHaveLength(1);
    expect(t.notices[0].version).toBe(1);
    expect(t.notices[0].seats).toEqual(expect.arrayContaining([[t.seat(1), 'h'], [t.seat(2), 'h']]));
    expect(t.loop.view.snapshot()).toMatchObject({ version: 1, seats: { [t.seat(1)]: 'held', [t.seat(3)]: 'available' } });
    expect(await t.sql.all('SELECT seat_id FROM held_seats ORDER BY seat_id')).toHaveLength(2);
  });

  it('serves the high lane first and answers busy at once when a lane is full', async () => {
    const t = await setup(kind, { capacity: 2, maxBatch: 1 });
    const h1 = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    await t.drain();
    const low1 = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(1)] });
    const low2 = t.submit({ type: 'hold', buyerId: 'b3', seatIds: [t.seat(2)] });
    const low3 = t.submit({ type: 'hold', buyerId: 'b4', seatIds: [t.seat(3)] });
    expect(low3.outcome).toMatchObject({ ok: false, code: 'busy' }); // low lane full: answered immediately
    const release = t.submit({ type: 'release', buyerId: 'b1', holdId: held(h1).id }); // the high lane still has room
    expect(release.outcome).toBeUndefined();
    await t.drain();
    expect(release.outcome).toMatchObject({ ok: true, type: 'released' });
    // The release ran before the queued hold on the same seat, so that hold now succeeds.
    expect(low1.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(low2.outcome).toMatchObject({ ok: true, type: 'held' });
  });

  it('check-ins ride the high lane: a door scan behind a hold storm is answered in the next tick, and changes no seat', async () => {
    const t = await setup(kind, { capacity: 50, maxBatch: 1 });
    const h = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    await t.drain();
    const c = t.submit({ type: 'confirm', buyerId: 'b1', holdId: held(h).id, idempotencyKey: 'key-door-1', buyer: { name: 'Ada', email: 'ada@example.com' } });
    await t.drain();
    const { code } = (c.outcome as Extract<Outcome, { type: 'confirmed' }>).order.tickets[0];
    const version = t.loop.version;

    const storm = Array.from({ length: 40 }, (_, i) => t.submit({ type: 'hold', buyerId: `storm-${i}`, seatIds: [t.seat(2 + (i % 9))] }));
    const scan = t.submit({ type: 'check_in', code, door: 'North', actor: 'organizer' });
    await t.tickOnce(); // one command per tick: the high lane goes first
    expect(scan.outcome).toMatchObject({ ok: true, type: 'checked_in', ticket: { seatId: t.seat(1), buyerName: 'Ada', checkIn: { door: 'North' } } });
    expect(storm.every((s) => s.outcome === undefined)).toBe(true);
    // One committed batch: the version moves on, but no seat changed (viewers get no seats:update for it).
    expect(t.loop.version).toBe(version + 1);
    expect(t.notices.at(-1)).toMatchObject({ seats: [], checkIns: [{ seatId: t.seat(1) }] });
    expect(await t.sql.all('SELECT checked_in_door FROM tickets WHERE code = ?', code)).toEqual([{ checked_in_door: 'North' }]);
    expect(t.loop.view.doorCounts()).toEqual({ checkedIn: 1, expected: 1 });
    await t.drain();
    expect(storm.every((s) => s.outcome !== undefined)).toBe(true);
  });

  it('expires holds from its own timer and publishes the release', async () => {
    const t = await setup(kind);
    t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1), t.seat(2)] });
    await t.drain();
    t.clock.now += 999;
    t.timers.fireDue();
    await t.drain();
    expect(t.loop.view.statusOf(t.seat(1))).toBe('held');
    t.clock.now += 1;
    t.timers.fireDue();
    await t.drain();
    expect(t.loop.view.statusOf(t.seat(1))).toBe('available');
    expect(t.notices.at(-1)!.holdsEnded.map((e) => e.reason)).toEqual(['expired']);
    expect(await t.sql.all('SELECT status FROM holds')).toEqual([{ status: 'expired' }]);
  });

  it('a failed commit answers storage_unavailable, changes nothing, and the loop recovers', async () => {
    const t = await setup(kind);
    t.writer.failNext = 1;
    const failed = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    await t.drain();
    expect(failed.outcome).toMatchObject({ ok: false, code: 'storage_unavailable' });
    expect(t.loop.view.snapshot()).toMatchObject({ version: 0, seats: { [t.seat(1)]: 'available' } });
    expect(t.loop.view.holdsOf('b1')).toEqual([]);
    expect(await t.sql.all('SELECT * FROM holds')).toHaveLength(0);
    const retry = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(1)] });
    await t.drain();
    expect(retry.outcome).toMatchObject({ ok: true, type: 'held' }); // the seat was never taken
    expect(t.loop.version).toBe(1);
  });

  it('a command that throws is rejected alone; earlier and later commands still commit', async () => {
    const t = await setup(kind);
    const ok = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    // A malformed command that slipped past validation: makes the core throw mid-batch.
    const bad = t.submit({ type: 'hold', buyerId: 'b2', seatIds: null as unknown as string[] });
    const after = t.submit({ type: 'hold', buyerId: 'b3', seatIds: [t.seat(3)] });
    await t.drain();
    expect(ok.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(bad.outcome).toMatchObject({ ok: false, code: 'internal' });
    expect(after.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(t.loop.view.snapshot().seats).toMatchObject({ [t.seat(1)]: 'held', [t.seat(3)]: 'held' });
    expect(await t.sql.all('SELECT seat_id FROM held_seats ORDER BY seat_id')).toHaveLength(2);
  });

  it('rebuilds from storage on start: live holds come back, holds expired while down are released', async () => {
    const t = await setup(kind);
    t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    await t.drain();
    t.clock.now += 500;
    t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(2)] });
    await t.drain();
    await t.loop.stop();
    // "Restart" 700 ms later: b1's hold (deadline +1000) is past due, b2's is not.
    t.clock.now += 700;
    const restarted = await t.restart();
    expect(restarted.view.version).toBe(2);
    await t.drain();
    expect(restarted.view.snapshot().seats).toMatchObject({ [t.seat(1)]: 'available', [t.seat(2)]: 'held' });
    expect(restarted.version).toBe(3);
    expect(await t.sql.all('SELECT buyer_id, status FROM holds ORDER BY buyer_id')).toEqual([
      { buyer_id: 'b1', status: 'expired' },
      { buyer_id: 'b2', status: 'active' },
    ]);
  });

  describe('pipelining: the next batch is applied while one commits', () => {
    it('nothing of a batch escapes before its own commit; both land in order', async () => {
      const t = await setup(kind);
      t.writer.hold();
      const first = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
      await t.drain(); // batch 1 is in flight
      expect(t.writer.pending).toBe(1);
      const second = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(2)] });
      const loser = t.submit({ type: 'hold', buyerId: 'b3', seatIds: [t.seat(1)] }); // decided on batch 1's uncommitted state
      await t.drain(); // applied in memory as batch 2, not written yet
      expect([first.outcome, second.outcome, loser.outcome]).toEqual([undefined, undefined, undefined]);
      expect(t.notices).toHaveLength(0);
      // Reads show committed state only: neither hold yet.
      expect(t.loop.view.snapshot()).toMatchObject({ version: 0, seats: { [t.seat(1)]: 'available', [t.seat(2)]: 'available' } });
      expect(t.loop.view.holdsOf('b1')).toEqual([]);
      t.writer.release(); // batch 1 commits; batch 2 goes next
      await t.drain();
      expect(first.outcome).toMatchObject({ ok: true, type: 'held' });
      expect(second.outcome).toMatchObject({ ok: true, type: 'held' });
      expect(loser.outcome).toMatchObject({ ok: false, code: 'seats_unavailable' });
      expect(t.writer.writes).toBe(2);
      expect(t.notices.map((n) => n.version)).toEqual([1, 2]);
      expect(t.loop.view.snapshot()).toMatchObject({ version: 2, seats: { [t.seat(1)]: 'held', [t.seat(2)]: 'held' } });
    });

    it('a failed commit also fails the batch built on it; the book is rebuilt and nothing of either shows', async () => {
      const t = await setup(kind);
      const before = t.submit({ type: 'hold', buyerId: 'b0', seatIds: [t.seat(9)] });
      await t.drain();
      expect(before.outcome).toMatchObject({ ok: true });
      t.writer.hold();
      const first = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
      await t.drain();
      const dependent = t.submit({ type: 'release', buyerId: 'b0', holdId: held(before).id });
      const onFirst = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(1)] }); // refused only because of batch 1
      await t.drain();
      t.writer.failHeld();
      await t.drain();
      expect(first.outcome).toMatchObject({ ok: false, code: 'storage_unavailable' });
      expect(dependent.outcome).toMatchObject({ ok: false, code: 'storage_unavailable' });
      expect(onFirst.outcome).toMatchObject({ ok: false, code: 'storage_unavailable' });
      expect(t.notices.map((n) => n.version)).toEqual([1]);
      expect(await t.sql.all('SELECT buyer_id FROM holds ORDER BY buyer_id')).toEqual([{ buyer_id: 'b0' }]);
      expect(t.loop.view.snapshot()).toMatchObject({ version: 1, seats: { [t.seat(1)]: 'available', [t.seat(9)]: 'held' } });
      // The rebuilt book agrees: seat 1 is free, b0's hold is live.
      const retry = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(1)] });
      const release = t.submit({ type: 'release', buyerId: 'b0', holdId: held(before).id });
      await t.drain();
      expect(retry.outcome).toMatchObject({ ok: true, type: 'held' });
      expect(release.outcome).toMatchObject({ ok: true, type: 'released' });
      expect(t.loop.version).toBe(2);
    });

    it('a commit that failed ambiguously but landed is answered with its real outcome', async () => {
      const t = await setup(kind);
      // The write commits, then the connection "drops" before the client hears COMMIT's answer.
      t.writer.landThenDropNext = 1;
      const a = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
      await t.drain();
      expect(a.outcome).toMatchObject({ ok: true, type: 'held' });
      expect(t.loop.view.snapshot()).toMatchObject({ version: 1, seats: { [t.seat(1)]: 'held' } });
      expect(t.notices.at(-1)?.version).toBe(1);
    });
  });

  describe('an ambiguous commit failure in the distributed mode (epoch 5)', () => {
    it('still the owner: the store version tells, and the callers get their real outcome', async () => {
      const t = await setup(kind, { epoch: 5, ownerEpoch: async () => 5 });
      t.writer.landThenDropNext = 1; // the commit lands; the connection drops before COMMIT's answer
      const a = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
      await t.drain();
      expect(a.outcome).toMatchObject({ ok: true, type: 'held' });
      expect(t.fenced.count).toBe(0);
    });

    it('another process owns the event now: the version no longer tells, so the outcome is unknown and the loop stops', async () => {
      // What the store shows at this version may be the new owner's write, not this batch: an `ok` here
      // could acknowledge a hold that was never written (found by the cluster SIGSTOP test's audit).
      const t = await setup(kind, { epoch: 5, ownerEpoch: async () => 6 });
      t.writer.landThenDropNext = 1; // the commit lands; the connection drops before COMMIT's answer
      const a = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
      await t.drain();
      expect(a.outcome).toMatchObject({ ok: false, code: 'storage_unavailable', message: expect.stringContaining('may or may not have been saved') });
      expect(t.fenced.count).toBe(1);
      const later = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(2)] });
      expect(later.outcome).toMatchObject({ ok: false, code: 'unavailable' });
    });
  });

  it('the database refuses a second sale of a seat even if the core were wrong', async () => {
    const t = await setup(kind);
    await t.sql.run(`INSERT INTO orders VALUES ('o1', ?, 'hx', 'b1', 'A', 'a@x.io', 'key-00001', 1000, 'EUR', 0)`, EVENT);
    await t.sql.run(`INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code) VALUES ('t1', 'o1', ?, 'S-A-1', 1000, 'c1')`, EVENT);
    await expect(t.sql.run(`INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code) VALUES ('t2', 'o1', ?, 'S-A-1', 1000, 'c2')`, EVENT)).rejects.toThrow(
      /UNIQUE|unique/,
    );
    await t.sql.run(`INSERT INTO holds (id, event_id, buyer_id, seat_ids_json, created_at, expires_at) VALUES ('hx', ?, 'b1', '[]', 0, 1)`, EVENT);
    await expect(t.sql.run(`INSERT INTO held_seats VALUES (?, 'S-A-1', 'hx')`, EVENT)).rejects.toThrow(/already sold/);
    t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(2)] });
    await t.drain(); // writes audit rows
    expect(await t.sql.all('SELECT action FROM audit_log WHERE seat_id IS NOT NULL')).toEqual([{ action: 'held' }]);
    await expect(t.sql.run('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.sql.run(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
  });
});
