// The console's cluster view (server/admin/clusterStatus.ts). Distributed, on
// both stores through LeaseStore itself: two processes heartbeat with meta, hold
// leases, one dies and the other takes its event over → the dead one shows
// live:false owning nothing, the change shows as a takeover, mailbox depths and
// viewers come from the meta of the current tenure only. Embedded: one process
// owning every event at epoch 0. And the meta parser drops what does not fit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseRecord, LeaseStore } from '../../db/leaseStore';
import type { Store } from '../../db/store';
import { embeddedClusterStatus, parseInstanceMeta, storedClusterStatus, type HostedEvent, type InstanceMeta } from '../../server/admin/clusterStatus';
import { addSmallEvent } from '../support/smallEvent';
import { openTestStore, storeKinds } from '../support/stores';
import { waitUntil } from '../support/waitUntil';

const LONG = 60_000;
const NAMES = new Map([
  ['ev-1', 'Gala'],
  ['ev-2', 'Matinee'],
  ['ev-3', 'Late show'],
]);

const epochOf = (result: Awaited<ReturnType<LeaseStore['acquire']>>): number => {
  expect(result.acquired).toBe(true);
  return (result as { lease: LeaseRecord }).lease.epoch;
};

describe.each(storeKinds())('storedClusterStatus on %s', (kind) => {
  let store: Store;
  let leases: LeaseStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore(kind));
    leases = store.leases;
    for (const [id, name] of NAMES) await addSmallEvent(store, id, name);
    // ev-4 exists but is not in the names the process knows: it shows by its id.
    await addSmallEvent(store, 'ev-4');
  });
  afterAll(() => close());

  it('processes, owned events with epochs and depths, leases, and a takeover as it happens; a dead process shows dead', async () => {
    const status = storedClusterStatus({ leases, instanceId: 'proc-a', eventNames: () => NAMES, mailboxCapacity: 500 });

    // B runs ev-2, then dies (its heartbeat and lease lapse: TTL 1 ms).
    const metaB: InstanceMeta = { url: 'http://10.0.0.2:3000', pid: 202, sockets: 9, viewers: { 'ev-2': 5 }, ownedEvents: [{ eventId: 'ev-2', epoch: 1, mailboxDepth: 9 }] };
    await leases.heartbeat('proc-b', 1, metaB as Record<string, unknown>);
    expect(epochOf(await leases.acquire('ev-2', 'proc-b', 1))).toBe(1);
    await waitUntil(async () => (await leases.allLeases()).every((l) => l.expiresInMs <= 0) && (await leases.liveInstances()).length === 0, 'proc-b and its lease to lapse');

    // A takes ev-2 over, and runs ev-1 and ev-4.
    expect(epochOf(await leases.acquire('ev-1', 'proc-a', LONG))).toBe(1);
    expect(epochOf(await leases.acquire('ev-2', 'proc-a', LONG))).toBe(2);
    expect(epochOf(await leases.acquire('ev-4', 'proc-a', LONG))).toBe(1);
    const metaA: InstanceMeta = {
      url: 'http://10.0.0.1:3000',
      pid: 101,
      sockets: 7,
      viewers: { 'ev-1': 4, 'ev-2': 2 },
      ownedEvents: [
        { eventId: 'ev-1', epoch: 1, mailboxDepth: 3 },
        { eventId: 'ev-2', epoch: 2, mailboxDepth: 5 },
      ],
    };
    await leases.heartbeat('proc-a', LONG, metaA as Record<string, unknown>);

    const first = await status();
    expect(first).toMatchObject({ mode: 'distributed', instanceId: 'proc-a', mailboxCapacity: 500 });
    expect(first.instances.map((i) => [i.instanceId, i.live])).toEqual([
      ['proc-a', true],
      ['proc-b', false],
    ]);
    const [a, b] = first.instances;
    expect(a).toMatchObject({ url: 'http://10.0.0.1:3000', pid: 101, sockets: 7, viewers: 6 });
    expect(a.ownedEvents).toEqual([
      { eventId: 'ev-1', eventName: 'Gala', epoch: 1, mailboxDepth: 3, viewers: 4 },
      { eventId: 'ev-2', eventName: 'Matinee', epoch: 2, mailboxDepth: 5, viewers: 2 },
      // Owned by its lease although A did not report it (yet): no depth known.
      { eventId: 'ev-4', eventName: 'ev-4', epoch: 1, mailboxDepth: 0, viewers: 0 },
    ]);
    // The dead one owns nothing, and its sockets and viewers are gone; who it was stays visible.
    expect(b).toMatchObject({ url: 'http://10.0.0.2:3000', pid: 202, sockets: 0, viewers: 0, ownedEvents: [] });
    // Times are on the database's clock, the one generatedAt is on.
    expect(first.generatedAt - a.heartbeatAt).toBeGreaterThanOrEqual(0);
    expect(first.generatedAt - a.heartbeatAt).toBeLessThan(LONG);
    expect(b.heartbeatAt).toBeLessThanOrEqual(a.heartbeatAt);

    expect(first.leases.map((l) => [l.eventId, l.eventName, l.ownerId, l.epoch, l.released, l.expiresInMs > 0])).toEqual([
      ['ev-1', 'Gala', 'proc-a', 1, false, true],
      ['ev-2', 'Matinee', 'proc-a', 2, false, true],
      ['ev-4', 'ev-4', 'proc-a', 1, false, true],
    ]);
    expect(first.changes.map((c) => [c.eventId, c.reason, c.epoch, c.ownerId])).toEqual([
      ['ev-4', 'acquired', 1, 'proc-a'],
      ['ev-2', 'takeover', 2, 'proc-a'],
      ['ev-1', 'acquired', 1, 'proc-a'],
      ['ev-2', 'acquired', 1, 'proc-b'],
    ]);
    expect(first.changes[1].eventName).toBe('Matinee');

    // A hands ev-1 off and takes it straight back (a new tenure): the depth it reported for
    // epoch 1 no longer counts; the released lease of ev-4 shows released and expired.
    expect(await leases.release('ev-4', 'proc-a', 1)).toBe(true);
    expect(epochOf(await leases.acquire('ev-1', 'proc-a', LONG))).toBe(2);
    const second = await status();
    expect(second.instances[0].ownedEvents.map((e) => [e.eventId, e.epoch, e.mailboxDepth])).toEqual([
      ['ev-1', 2, 0],
      ['ev-2', 2, 5],
    ]);
    const ev4 = second.leases.find((l) => l.eventId === 'ev-4')!;
    expect(ev4.released).toBe(true);
    expect(ev4.expiresInMs).toBeLessThanOrEqual(0);
    expect(second.changes.slice(0, 2).map((c) => [c.eventId, c.reason, c.epoch])).toEqual([
      ['ev-1', 'reacquired', 2],
      ['ev-4', 'released', 1],
    ]);

    // A dead process drops off the page once it has been dead longer than the window.
    const narrow = storedClusterStatus({ leases, instanceId: 'proc-a', eventNames: async () => NAMES, deadVisibleMs: 0, changesLimit: 1 });
    const third = await narrow();
    expect(third.instances.map((i) => i.instanceId)).toEqual(['proc-a']);
    expect(third.changes).toHaveLength(1);
    expect(third.mailboxCapacity).toBeNull();
  });
});

describe('embeddedClusterStatus', () => {
  it('one live process owning every event at epoch 0, with mailbox depths and viewers', async () => {
    let now = 1_000;
    const events: HostedEvent[] = [
      { eventId: 'b-event', detail: { name: 'Second' }, loop: { mailboxDepth: 12 } },
      { eventId: 'a-event', detail: { name: 'First' }, loop: null },
    ];
    const status = embeddedClusterStatus({
      registry: { list: () => events },
      viewersOf: (id) => (id === 'b-event' ? 3 : 1),
      sockets: () => 6,
      url: () => 'http://localhost:3000',
      clock: () => now,
      mailboxCapacity: 1000,
      pid: 4242,
    });
    now = 5_000;
    expect(await status()).toEqual({
      mode: 'embedded',
      instanceId: 'embedded',
      generatedAt: 5_000,
      mailboxCapacity: 1000,
      instances: [
        {
          instanceId: 'embedded',
          live: true,
          startedAt: 1_000,
          heartbeatAt: 5_000,
          url: 'http://localhost:3000',
          pid: 4242,
          sockets: 6,
          viewers: 4,
          ownedEvents: [
            { eventId: 'a-event', eventName: 'First', epoch: 0, mailboxDepth: 0, viewers: 1 },
            { eventId: 'b-event', eventName: 'Second', epoch: 0, mailboxDepth: 12, viewers: 3 },
          ],
        },
      ],
      leases: [],
      changes: [],
    });
  });
});

describe('parseInstanceMeta', () => {
  it('keeps what fits, field by field and item by item, and drops the rest', () => {
    const parsed = parseInstanceMeta({
      url: 'javascript:alert(1)',
      pid: -3,
      sockets: 2.5,
      extra: { anything: true },
      ownedEvents: [{ eventId: 'ev-1', epoch: 3, mailboxDepth: 4 }, { eventId: 5 }, null, { eventId: 'ev-2', epoch: -1, mailboxDepth: 0 }],
      viewers: { 'ev-1': 2, 'ev-2': 'many', 'ev-3': -1 },
    });
    expect(parsed).toEqual({ url: undefined, pid: undefined, sockets: undefined, ownedEvents: [{ eventId: 'ev-1', epoch: 3, mailboxDepth: 4 }], viewers: new Map([['ev-1', 2]]) });
    expect(parseInstanceMeta({ url: 'https://seatline.example/', pid: 7, sockets: 0 })).toMatchObject({ url: 'https://seatline.example/', pid: 7, sockets: 0 });
    for (const junk of [null, 'x', 42, [], { ownedEvents: 'no', viewers: [1, 2] }]) {
      expect(parseInstanceMeta(junk)).toMatchObject({ ownedEvents: [], viewers: new Map() });
    }
  });
});
