// The manager's step-down, deterministically: a fake monotonic clock and fake
// timers drive it over the embedded store. A lease is believed until the send
// time of its last successful grant or renewal + TTL − margin, whether or not
// the timer has fired yet; when renewals hang, the owner is told at that
// deadline; the event is then taken again only under a new epoch; and the
// late renewal of the old epoch changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../db/leaseStore';
import { SqliteStore } from '../../db/sqlite/sqliteStore';
import { generateLayout } from '../../lib/venueLayout';
import { OwnershipManager, type LoseReason } from '../../server/cluster/ownership';
import { FakeTimers } from '../support/fakeTimers';

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('an ownership manager stepping down on its own clock', () => {
  let store: SqliteStore;
  const clock = { now: 0 };
  let timers: FakeTimers;
  let gate: { hold: boolean; waiting: (() => void)[] };
  let told: { kind: 'acquire' | 'lose'; eventId: string; epoch?: number; reason?: LoseReason }[];
  let manager: OwnershipManager;

  /** Advances the fake clock to `at`, firing every timer due on the way, letting the store calls finish. */
  async function runTo(at: number): Promise<void> {
    while (clock.now < at) {
      const next = Math.min(at, ...timers.dueTimes().filter((t) => t > clock.now));
      clock.now = next;
      await settle();
      while (timers.fireDue() > 0) await settle();
    }
    await settle();
    while (timers.fireDue() > 0) await settle();
  }

  beforeEach(async () => {
    store = SqliteStore.open(':memory:', { synchronous: 'OFF' });
    for (const id of ['ev-a', 'ev-b']) {
      await store.createEvent({
        id,
        name: id,
        venueName: 'Hall',
        startsAt: Date.now() + 86_400_000,
        layout: generateLayout({
          categories: [{ id: 'std', name: 'Standard', priceCents: 2000, color: '#2563eb' }],
          sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 1, seatsPerRow: 2, x: 0, y: 0, rowCategories: ['std'] }],
          stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
        }),
        createdAt: Date.now(),
      });
    }
    clock.now = 0;
    timers = new FakeTimers(clock);
    gate = { hold: false, waiting: [] };
    told = [];
    const leases = store.leases;
    // Renewals can be held back (a slow or cut-off database), then let through.
    const gated: LeaseStore = Object.assign(Object.create(leases) as LeaseStore, {
      renewMany: async (...args: Parameters<LeaseStore['renewMany']>) => {
        if (gate.hold) await new Promise<void>((resolve) => gate.waiting.push(resolve));
        return leases.renewMany(...args);
      },
    });
    manager = new OwnershipManager({
      store: gated,
      instanceId: 'solo',
      leaseTtlMs: 3000,
      checkIntervalMs: 500,
      heartbeatMs: 1000,
      stepDownMarginMs: 500,
      clock: () => clock.now,
      timers,
      owner: {
        onAcquire: (eventId, epoch) => void told.push({ kind: 'acquire', eventId, epoch }),
        onLose: (eventId, reason) => void told.push({ kind: 'lose', eventId, reason }),
      },
    });
  });

  afterEach(async () => {
    gate.hold = false;
    for (const go of gate.waiting) go();
    await manager.stop({ graceful: false });
    await store.close();
  });

  it('believes a lease until last renewal sent + TTL − margin; hung renewals make it step down exactly then', async () => {
    manager.start();
    await runTo(0);
    expect(told).toEqual([
      { kind: 'acquire', eventId: 'ev-a', epoch: 1 },
      { kind: 'acquire', eventId: 'ev-b', epoch: 1 },
    ]);
    // Renewals every 500 ms push the deadline on.
    await runTo(1000);
    expect(manager.ownedEvents().map((o) => o.eventId)).toEqual(['ev-a', 'ev-b']);

    // The renewal sent at 1500 hangs: the one sent at 1000 was the last to succeed → deadline 1000 + 3000 − 500.
    gate.hold = true;
    await runTo(3499);
    expect(manager.ownedEvents().length).toBe(2);
    expect(told.filter((t) => t.kind === 'lose')).toEqual([]);
    clock.now = 3500; // before any timer fires, the clock alone ends the belief
    expect(manager.ownedEvents()).toEqual([]);
    expect(manager.epochOf('ev-a')).toBeNull();
    await runTo(3500);
    expect(told.slice(2, 4)).toEqual([
      { kind: 'lose', eventId: 'ev-a', reason: 'renewal_timeout' },
      { kind: 'lose', eventId: 'ev-b', reason: 'renewal_timeout' },
    ]);

    // Still its own in the store, so the next check takes the events again: under new epochs, after the step-down.
    await runTo(4000);
    expect(told.slice(4)).toEqual([
      { kind: 'acquire', eventId: 'ev-a', epoch: 2 },
      { kind: 'acquire', eventId: 'ev-b', epoch: 2 },
    ]);
    // The hung renewal of epoch 1 finally gets through: refused (the epoch moved on) and ignored; epoch 2 stands.
    gate.hold = false;
    for (const go of gate.waiting.splice(0)) go();
    await runTo(5000);
    expect(told.length).toBe(6);
    expect(manager.ownedEvents().map((o) => [o.eventId, o.epoch])).toEqual([
      ['ev-a', 2],
      ['ev-b', 2],
    ]);
    expect(await store.leases.renew('ev-a', 'solo', 1, 3000)).toBe('lost');
  });

  it('refuses timings under which renewals could never be in time', () => {
    const base = { store: store.leases, instanceId: 'x', owner: { onAcquire: () => {}, onLose: () => {} } };
    expect(() => new OwnershipManager({ ...base, leaseTtlMs: 1000, checkIntervalMs: 500, stepDownMarginMs: 500 })).toThrow(RangeError);
    expect(() => new OwnershipManager({ ...base, stepDownMarginMs: -1 })).toThrow(RangeError);
  });
});
