// Several ownership managers in one process, each with its own connection
// pool to one real PostgreSQL database (as separate processes would be), with
// short TTLs. Throughout every test a sampler checks, every few milliseconds,
// that no two managers believe they own the same event at the same instant;
// every grant any of them gets is checked to be unique and increasing per
// event. The tests: the events spread by rendezvous with exactly one owner
// each; a joiner takes its share; a partitioned manager steps down before its
// leases can expire, the others take its events over with higher epochs, and
// it comes back and takes its share again; a crashed manager's events are taken
// over once its leases expire; a graceful stop hands everything off.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../db/leaseStore';
import type { Store } from '../../db/store';
import { generateLayout } from '../../lib/venueLayout';
import { OwnershipManager, type LoseReason } from '../../server/cluster/ownership';
import { rendezvousOwner } from '../../server/cluster/rendezvous';
import { openSharedTestStores, storeKinds } from '../support/stores';
import { waitUntil } from '../support/waitUntil';

const EVENTS = Array.from({ length: 24 }, (_, i) => `ev-${String(i).padStart(2, '0')}`);
const TIMING = { leaseTtlMs: 2000, checkIntervalMs: 250, heartbeatMs: 500, stepDownMarginMs: 500 };

/** Cuts a manager off from the database: its calls hang until healed, then fail (a partition, or a SIGSTOP seen from inside). */
class Partition {
  private healed: Promise<void> | null = null;
  private heal_: () => void = () => {};

  cut(): void {
    this.healed = new Promise((resolve) => (this.heal_ = resolve));
  }

  heal(): void {
    this.healed = null;
    this.heal_();
  }

  wrap(store: LeaseStore): LeaseStore {
    return new Proxy(store, {
      get: (target, name, receiver) => {
        const value: unknown = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const cut = this.healed;
          if (cut) {
            await cut;
            throw new Error('partitioned');
          }
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
  }
}

interface Happening {
  at: number;
  instanceId: string;
  kind: 'acquire' | 'lose';
  eventId: string;
  epoch?: number;
  reason?: LoseReason;
}

describe.runIf(storeKinds().includes('postgres'))('ownership managers on one PostgreSQL', () => {
  let stores: Store[];
  let closeStores: () => Promise<void>;
  const happenings: Happening[] = [];
  const overlaps: string[] = [];
  const managers = new Map<string, { manager: OwnershipManager; partition: Partition }>();
  let sampler: NodeJS.Timeout;

  beforeAll(async () => {
    ({ stores, close: closeStores } = await openSharedTestStores('postgres', 5));
    for (const id of EVENTS) {
      await stores[0].createEvent({
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
    // The safety property, sampled all along: at no instant do two managers both believe they own an event.
    sampler = setInterval(() => {
      const owners = new Map<string, string>();
      for (const [id, { manager }] of managers) {
        for (const { eventId } of manager.ownedEvents()) {
          const other = owners.get(eventId);
          if (other) overlaps.push(`${eventId}: ${other} and ${id}`);
          owners.set(eventId, id);
        }
      }
    }, 3);
  });

  afterEach(() => {
    expect(overlaps).toEqual([]);
    // Every grant is unique, and an event's grants come in increasing epochs.
    const grants = happenings.filter((h) => h.kind === 'acquire');
    const seen = new Set<string>();
    const last = new Map<string, number>();
    for (const g of grants) {
      const key = `${g.eventId}@${g.epoch}`;
      expect(seen.has(key), `${key} granted twice`).toBe(false);
      seen.add(key);
      expect(g.epoch!).toBeGreaterThan(last.get(g.eventId) ?? 0);
      last.set(g.eventId, g.epoch!);
    }
  });

  afterAll(async () => {
    clearInterval(sampler);
    for (const { manager, partition } of managers.values()) {
      partition.heal();
      await manager.stop({ graceful: false });
    }
    await closeStores();
  });

  function startManager(instanceId: string, storeIndex: number): OwnershipManager {
    const partition = new Partition();
    const manager = new OwnershipManager({
      store: partition.wrap(stores[storeIndex].leases),
      instanceId,
      ...TIMING,
      owner: {
        onAcquire: (eventId, epoch) => void happenings.push({ at: performance.now(), instanceId, kind: 'acquire', eventId, epoch }),
        onLose: (eventId, reason) => void happenings.push({ at: performance.now(), instanceId, kind: 'lose', eventId, reason }),
      },
    });
    managers.set(instanceId, { manager, partition });
    manager.start();
    return manager;
  }

  /** Event → its owner now; every event owned once, by the instance rendezvous names among `ids`, nothing in handoff. */
  function settledOn(ids: readonly string[]): boolean {
    const owners = new Map<string, string>();
    for (const id of ids) {
      for (const owned of managers.get(id)!.manager.ownedEvents()) {
        if (owned.handingOff) return false;
        owners.set(owned.eventId, id);
      }
    }
    return EVENTS.every((eventId) => owners.get(eventId) === rendezvousOwner(eventId, ids));
  }

  const ownerOf = (eventId: string, ids: readonly string[]) => ids.find((id) => managers.get(id)!.manager.epochOf(eventId) !== null) ?? null;

  it('three managers started at once settle on one owner per event, as rendezvous spreads them', async () => {
    for (const [i, id] of ['m1', 'm2', 'm3'].entries()) startManager(id, i);
    await waitUntil(() => settledOn(['m1', 'm2', 'm3']), 'the three managers to settle');
    for (const id of ['m1', 'm2', 'm3']) expect(managers.get(id)!.manager.ownedEvents().length).toBeGreaterThan(0);
    expect(managers.get('m1')!.manager.liveInstances()).toEqual(['m1', 'm2', 'm3']);
    // Every manager's directory names the same owner and epoch for every event (after the next read of the leases).
    await waitUntil(
      () =>
        EVENTS.every((eventId) => {
          const owner = ownerOf(eventId, ['m1', 'm2', 'm3'])!;
          const epoch = managers.get(owner)!.manager.epochOf(eventId);
          return ['m1', 'm2', 'm3'].every((id) => {
            const seen = managers.get(id)!.manager.ownerOf(eventId);
            return seen?.instanceId === owner && seen.epoch === epoch;
          });
        }),
      'every manager to know every owner',
    );
  });

  it('a manager that joins takes its share; only events it now wins move, each handed off gracefully', async () => {
    const before = new Map(EVENTS.map((e) => [e, ownerOf(e, ['m1', 'm2', 'm3'])]));
    const since = happenings.length;
    startManager('m4', 3);
    const all = ['m1', 'm2', 'm3', 'm4'];
    await waitUntil(() => settledOn(all), 'the joiner to get its share');
    const moved = EVENTS.filter((e) => ownerOf(e, all) !== before.get(e));
    expect(moved.length).toBeGreaterThan(0);
    for (const eventId of moved) expect(ownerOf(eventId, all)).toBe('m4');
    const losses = happenings.slice(since).filter((h) => h.kind === 'lose');
    expect(losses.every((h) => h.reason === 'rebalanced' && moved.includes(h.eventId))).toBe(true);
    const history = await stores[4].leases.history(moved[0], 1);
    expect(history[0]).toMatchObject({ reason: 'handoff', ownerId: 'm4' });
  });

  it('a partitioned manager steps down before its leases can expire; the others take over with higher epochs; healed, it takes its share back', async () => {
    const all = ['m1', 'm2', 'm3', 'm4'];
    const victim = managers.get('m2')!;
    const held = victim.manager.ownedEvents();
    expect(held.length).toBeGreaterThan(0);
    const cutAt = performance.now();
    victim.partition.cut();
    const rest = ['m1', 'm3', 'm4'];
    await waitUntil(() => held.every(({ eventId }) => ownerOf(eventId, rest) !== null), 'the partitioned manager\'s events to be taken over');
    const takenOverAt = performance.now();
    for (const { eventId, epoch } of held) {
      const stepDown = happenings.find((h) => h.instanceId === 'm2' && h.kind === 'lose' && h.eventId === eventId && h.at >= cutAt)!;
      const takeover = happenings.find((h) => h.kind === 'acquire' && h.eventId === eventId && h.at >= cutAt)!;
      expect(stepDown.reason).toBe('renewal_timeout');
      expect(stepDown.at).toBeLessThan(takeover.at);
      expect(takeover.epoch!).toBeGreaterThan(epoch);
    }
    console.log(`partition → all ${held.length} events owned elsewhere: ${Math.round(takenOverAt - cutAt)} ms (lease TTL ${TIMING.leaseTtlMs} ms, check ${TIMING.checkIntervalMs} ms)`);
    await waitUntil(() => settledOn(rest), 'the three others to settle');

    victim.partition.heal();
    await waitUntil(() => settledOn(all), 'the healed manager to take its share back');
  });

  it('a crashed manager\'s events are taken over once its leases expire, with higher epochs', async () => {
    const victim = managers.get('m3')!.manager;
    const held = victim.ownedEvents();
    const crashAt = performance.now();
    await victim.stop({ graceful: false }); // no release, no goodbye: its leases and heartbeat just stop
    managers.delete('m3');
    const rest = ['m1', 'm2', 'm4'];
    await waitUntil(() => held.every(({ eventId }) => ownerOf(eventId, rest) !== null), 'the crashed manager\'s events to be taken over');
    const takenOverAt = performance.now();
    for (const { eventId, epoch } of held) {
      expect(happenings.find((h) => h.kind === 'acquire' && h.eventId === eventId && h.at >= crashAt)!.epoch!).toBeGreaterThan(epoch);
      expect((await stores[4].leases.history(eventId, 1))[0].reason).toBe('takeover');
    }
    console.log(`crash → all ${held.length} events owned elsewhere: ${Math.round(takenOverAt - crashAt)} ms (lease TTL ${TIMING.leaseTtlMs} ms + check ${TIMING.checkIntervalMs} ms)`);
    await waitUntil(() => settledOn(rest), 'the survivors to settle');
  });

  it('a graceful stop hands its events off at once (no waiting for expiry); a fenced loop gives its event up', async () => {
    const leaving = managers.get('m4')!.manager;
    const held = leaving.ownedEvents();
    expect(held.length).toBeGreaterThan(0);
    const stopAt = performance.now();
    await leaving.stop();
    managers.delete('m4');
    expect(leaving.ownedEvents()).toEqual([]);
    await waitUntil(() => settledOn(['m1', 'm2']), 'the two remaining managers to own everything');
    console.log(`graceful stop → ${held.length} events owned elsewhere: ${Math.round(performance.now() - stopAt)} ms`);
    for (const { eventId } of held) expect((await stores[4].leases.history(eventId, 1))[0].reason).toBe('handoff');

    // The owner's loop was refused by the fence: the manager drops the event (and tells the owner).
    const m1 = managers.get('m1')!.manager;
    const [first] = m1.ownedEvents();
    m1.reportFenced(first.eventId, first.epoch + 1); // not its epoch: ignored
    expect(m1.epochOf(first.eventId)).toBe(first.epoch);
    m1.reportFenced(first.eventId, first.epoch);
    expect(m1.epochOf(first.eventId)).toBeNull();
    expect(happenings.at(-1)).toMatchObject({ instanceId: 'm1', kind: 'lose', eventId: first.eventId, reason: 'fenced' });
  });
});
