// The loop adapter with a fake clock, manual scheduling and a real SQLite
// database in memory: batching, lanes, backpressure, expiry, and recovery
// from storage faults and from a command that throws.
import { describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/connection';
import { createBatchWriter } from '../../db/batchWriter';
import { createEvent } from '../../db/createEvent';
import { loadLoopState } from '../../db/eventStore';
import { generateLayout } from '../../lib/venueLayout';
import { ReservationLoop, type CommittedBatch } from '../../server/loop/reservationLoop';
import { FakeTimers } from '../support/fakeTimers';
import type { Command, Effect, IdSource, Outcome } from '../../server/reservations/types';

const EVENT = 'ev1';
const TTL = 1000;

function counterIds(): IdSource {
  let n = 0;
  return { holdId: () => `h${++n}`, orderId: () => `o${++n}`, ticketId: () => `t${++n}`, ticketCode: () => `c${++n}` };
}


function setup(opts: { capacity?: number; maxBatch?: number; seats?: number } = {}) {
  const handle: DatabaseHandle = openDatabase(':memory:', { synchronous: 'OFF' });
  createEvent(handle, {
    id: EVENT,
    name: 'Test',
    venueName: 'Hall',
    startsAt: 0,
    holdTtlMs: TTL,
    maxSeatsPerBuyer: 4,
    preventOrphanSeats: false, // these tests name seats freely; the rule has its own tests
    layout: generateLayout({
      categories: [{ id: 'c', name: 'C', priceCents: 1000, color: '#000' }],
      sections: [{ kind: 'straight', id: 'S', name: 'S', rows: 1, seatsPerRow: opts.seats ?? 10, x: 0, y: 0, rowCategories: ['c'] }],
      stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
    }),
    createdAt: 0,
  });
  const clock = { now: 1_000 };
  const timers = new FakeTimers(clock);
  const scheduled: (() => void)[] = [];
  const realWriter = createBatchWriter(handle.sqlite);
  const writer = { failNext: 0, writes: 0, write(e: string, effects: readonly Effect[], v: number, c: string) {
    if (this.failNext > 0) { this.failNext--; throw new Error('SQLITE_FULL: database or disk is full'); }
    this.writes++;
    realWriter.write(e, effects, v, c);
  } };
  const committed: CommittedBatch[] = [];
  const loop = new ReservationLoop({
    eventId: EVENT,
    load: () => loadLoopState(handle, EVENT, TTL)!,
    writer,
    ids: counterIds(),
    clock: () => clock.now,
    timers,
    schedule: (fn) => scheduled.push(fn),
    mailboxCapacity: opts.capacity ?? 100,
    maxBatchSize: opts.maxBatch ?? 100,
    checkInvariants: true,
    observer: { onCommitted: (b) => committed.push(b) },
  });
  const runTicks = () => { while (scheduled.length) scheduled.shift()!(); };
  runTicks(); // the start-up tick
  const submit = (command: Command) => {
    const box: { outcome?: Outcome } = {};
    loop.submit(command, (o) => (box.outcome = o));
    return box;
  };
  const seat = (i: number) => `S-A-${i}`;
  const dbSeatRows = (sql: string) => handle.sqlite.prepare(sql).all();
  return { handle, loop, clock, timers, runTicks, submit, seat, writer, committed, dbSeatRows };
}

describe('ReservationLoop', () => {
  it('replies only after the batch committed, and commits a whole batch in one write', () => {
    const t = setup();
    const a = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    const b = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(2)] });
    const c = t.submit({ type: 'hold', buyerId: 'b3', seatIds: [t.seat(1)] });
    expect(a.outcome).toBeUndefined(); // nothing is acknowledged before the commit
    t.runTicks();
    expect(t.writer.writes).toBe(1);
    expect(a.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(b.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(c.outcome).toMatchObject({ ok: false, code: 'seats_unavailable', seatIds: [t.seat(1)] });
    expect(t.committed).toHaveLength(1);
    expect(t.committed[0].version).toBe(1);
    expect(t.committed[0].changes).toEqual(
      expect.arrayContaining([{ seatId: t.seat(1), status: 'held' }, { seatId: t.seat(2), status: 'held' }]),
    );
    expect(t.loop.snapshot()).toMatchObject({ version: 1, seats: { [t.seat(1)]: 'held', [t.seat(3)]: 'available' } });
    expect(t.dbSeatRows('SELECT seat_id FROM held_seats ORDER BY seat_id')).toHaveLength(2);
  });

  it('serves the high lane first and answers busy at once when a lane is full', () => {
    const t = setup({ capacity: 2, maxBatch: 1 });
    const h1 = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    t.runTicks();
    const holdId = (h1.outcome as Extract<Outcome, { type: 'held' }>).hold.id;
    const low1 = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(1)] });
    const low2 = t.submit({ type: 'hold', buyerId: 'b3', seatIds: [t.seat(2)] });
    const low3 = t.submit({ type: 'hold', buyerId: 'b4', seatIds: [t.seat(3)] });
    expect(low3.outcome).toMatchObject({ ok: false, code: 'busy' }); // low lane full: answered immediately
    const release = t.submit({ type: 'release', buyerId: 'b1', holdId }); // the high lane still has room
    expect(release.outcome).toBeUndefined();
    t.runTicks();
    expect(release.outcome).toMatchObject({ ok: true, type: 'released' });
    // The release ran before the queued hold on the same seat, so that hold now succeeds.
    expect(low1.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(low2.outcome).toMatchObject({ ok: true, type: 'held' });
  });

  it('expires holds from its own timer and publishes the release', () => {
    const t = setup();
    t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1), t.seat(2)] });
    t.runTicks();
    t.clock.now += TTL - 1;
    t.timers.fireDue();
    t.runTicks();
    expect(t.loop.snapshot().seats[t.seat(1)]).toBe('held');
    t.clock.now += 1;
    t.timers.fireDue();
    t.runTicks();
    expect(t.loop.snapshot().seats[t.seat(1)]).toBe('available');
    const last = t.committed.at(-1)!;
    expect(last.endedHolds.map((e) => e.reason)).toEqual(['expired']);
    expect(t.dbSeatRows("SELECT status FROM holds")).toEqual([{ status: 'expired' }]);
  });

  it('a failed commit answers storage_unavailable, changes nothing, and the loop recovers', () => {
    const t = setup();
    t.writer.failNext = 1;
    const failed = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    t.runTicks();
    expect(failed.outcome).toMatchObject({ ok: false, code: 'storage_unavailable' });
    expect(t.loop.snapshot()).toMatchObject({ version: 0, seats: { [t.seat(1)]: 'available' } });
    expect(t.dbSeatRows('SELECT * FROM holds')).toHaveLength(0);
    const retry = t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(1)] });
    t.runTicks();
    expect(retry.outcome).toMatchObject({ ok: true, type: 'held' }); // the seat was never taken
    expect(t.loop.version).toBe(1);
  });

  it('a command that throws is rejected alone; earlier commands in the batch still commit', () => {
    const t = setup();
    const ok = t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    // A malformed command that slipped past validation: makes the core throw mid-batch.
    const bad = t.submit({ type: 'hold', buyerId: 'b2', seatIds: null as unknown as string[] });
    const after = t.submit({ type: 'hold', buyerId: 'b3', seatIds: [t.seat(3)] });
    t.runTicks();
    expect(ok.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(bad.outcome).toMatchObject({ ok: false, code: 'internal' });
    expect(after.outcome).toMatchObject({ ok: true, type: 'held' });
    expect(t.loop.snapshot().seats).toMatchObject({ [t.seat(1)]: 'held', [t.seat(3)]: 'held' });
    expect(t.dbSeatRows('SELECT seat_id FROM held_seats ORDER BY seat_id')).toHaveLength(2);
  });

  it('rebuilds from storage on start: live holds come back, holds expired while down are released', () => {
    const t = setup();
    t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(1)] });
    t.runTicks();
    t.clock.now += 500;
    t.submit({ type: 'hold', buyerId: 'b2', seatIds: [t.seat(2)] });
    t.runTicks();
    t.loop.stop();
    // "Restart" 700 ms later: b1's hold (deadline +1000) is past due, b2's is not.
    t.clock.now += 700;
    const scheduled: (() => void)[] = [];
    const restarted = new ReservationLoop({
      eventId: EVENT,
      load: () => loadLoopState(t.handle, EVENT, TTL)!,
      writer: createBatchWriter(t.handle.sqlite),
      ids: counterIds(),
      clock: () => t.clock.now,
      timers: t.timers,
      schedule: (fn) => scheduled.push(fn),
      checkInvariants: true,
    });
    expect(restarted.version).toBe(2);
    while (scheduled.length) scheduled.shift()!();
    expect(restarted.snapshot().seats).toMatchObject({ [t.seat(1)]: 'available', [t.seat(2)]: 'held' });
    expect(restarted.version).toBe(3);
    expect(t.dbSeatRows("SELECT buyer_id, status FROM holds ORDER BY buyer_id")).toEqual([
      { buyer_id: 'b1', status: 'expired' },
      { buyer_id: 'b2', status: 'active' },
    ]);
  });

  it('the database refuses a second sale of a seat even if the core were wrong', () => {
    const t = setup();
    t.handle.sqlite.prepare("INSERT INTO orders VALUES ('o1','ev1','hx','b1','A','a@x.io','key-00001',1000,'EUR',0)").run();
    t.handle.sqlite.prepare("INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code) VALUES ('t1','o1','ev1','S-A-1',1000,'c1')").run();
    expect(() =>
      t.handle.sqlite.prepare("INSERT INTO tickets (id, order_id, event_id, seat_id, price_cents, code) VALUES ('t2','o1','ev1','S-A-1',1000,'c2')").run(),
    ).toThrow(/UNIQUE/);
    expect(() => t.handle.sqlite.prepare("INSERT INTO held_seats VALUES ('ev1','S-A-1','hx')").run()).toThrow(/already sold|FOREIGN KEY/);
    t.submit({ type: 'hold', buyerId: 'b1', seatIds: [t.seat(2)] });
    t.runTicks(); // writes audit rows
    expect(t.dbSeatRows('SELECT action FROM audit_log WHERE seat_id IS NOT NULL')).toEqual([{ action: 'held' }]);
    expect(() => t.handle.sqlite.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => t.handle.sqlite.prepare("UPDATE audit_log SET action = 'x'").run()).toThrow(/append-only/);
  });
});
