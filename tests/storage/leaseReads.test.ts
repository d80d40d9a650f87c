// The console's reads of the lease tables, on both stores (db/leaseStore.ts):
// recentInstances shows the live processes and the recently dead ones (by the
// database's clock), recentHistory the latest ownership changes of all events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseRecord, LeaseStore } from '../../db/leaseStore';
import type { Store } from '../../db/store';
import { addSmallEvent } from '../support/smallEvent';
import { openTestStore, storeKinds } from '../support/stores';
import { waitUntil } from '../support/waitUntil';

const LONG = 60_000;

describe.each(storeKinds())('lease reads for the console on %s', (kind) => {
  let store: Store;
  let leases: LeaseStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore(kind));
    leases = store.leases;
    for (const id of ['ev-1', 'ev-2']) await addSmallEvent(store, id);
  });
  afterAll(() => close());

  it('recentInstances: the live ones and those dead within the window, with their meta; liveInstances only the live', async () => {
    await leases.heartbeat('live-a', LONG, { url: 'http://a', pid: 11 });
    await leases.heartbeat('dead-b', 1, { url: 'http://b' });
    await waitUntil(async () => ((await leases.recentInstances(LONG)).find((i) => i.instanceId === 'dead-b')?.expiresInMs ?? 1) <= -50, 'dead-b to be dead for 50 ms');

    const recent = await leases.recentInstances(LONG);
    expect(recent.map((i) => [i.instanceId, i.expiresInMs > 0])).toEqual([
      ['dead-b', false],
      ['live-a', true],
    ]);
    expect(recent.find((i) => i.instanceId === 'dead-b')!.meta).toEqual({ url: 'http://b' });
    expect(recent.find((i) => i.instanceId === 'live-a')!.meta).toEqual({ url: 'http://a', pid: 11 });
    // Dead for longer than the window: left out. A window of 0 is the live ones only.
    expect((await leases.recentInstances(10)).map((i) => i.instanceId)).toEqual(['live-a']);
    expect((await leases.recentInstances(0)).map((i) => i.instanceId)).toEqual(['live-a']);
    expect((await leases.liveInstances()).map((i) => i.instanceId)).toEqual(['live-a']);
    // It comes back to life with its next heartbeat.
    await leases.heartbeat('dead-b', LONG);
    expect((await leases.recentInstances(0)).map((i) => i.instanceId)).toEqual(['dead-b', 'live-a']);
    await expect(leases.recentInstances(-1)).rejects.toThrow(RangeError);
    await expect(leases.recentInstances(1.5)).rejects.toThrow(RangeError);
  });

  it('recentHistory: every event\'s grants and releases, newest first, limited', async () => {
    expect(await leases.recentHistory(10)).toEqual([]);
    const a = await leases.acquire('ev-1', 'A', LONG);
    const b = await leases.acquire('ev-2', 'B', 1);
    expect(a.acquired && b.acquired).toBe(true);
    expect(await leases.release('ev-1', 'A', (a as { lease: LeaseRecord }).lease.epoch)).toBe(true);
    expect(await leases.acquire('ev-1', 'B', LONG)).toMatchObject({ acquired: true, lease: { epoch: 2 } });
    await waitUntil(async () => (await leases.allLeases()).find((l) => l.eventId === 'ev-2')!.expiresInMs <= 0, 'the lease of ev-2 to expire');
    expect(await leases.acquire('ev-2', 'A', LONG)).toMatchObject({ acquired: true, lease: { epoch: 2 } });

    const recent = await leases.recentHistory(10);
    expect(recent.map((h) => [h.eventId, h.reason, h.epoch, h.ownerId])).toEqual([
      ['ev-2', 'takeover', 2, 'A'],
      ['ev-1', 'handoff', 2, 'B'],
      ['ev-1', 'released', 1, 'A'],
      ['ev-2', 'acquired', 1, 'B'],
      ['ev-1', 'acquired', 1, 'A'],
    ]);
    // Times are the database's: in order, and close to its clock now.
    const now = await leases.databaseTimeMs();
    for (let i = 1; i < recent.length; i++) expect(recent[i - 1].at).toBeGreaterThanOrEqual(recent[i].at);
    expect(now - recent[recent.length - 1].at).toBeLessThan(LONG);
    expect((await leases.recentHistory(2)).map((h) => [h.eventId, h.reason])).toEqual([
      ['ev-2', 'takeover'],
      ['ev-1', 'handoff'],
    ]);
    expect(await leases.recentHistory(0)).toEqual([]);
  });
});
