// Fenced ownership in storage, on both stores (db/leaseStore.ts): instances
// live by heartbeats; a lease is granted only while free, expired, released or
// already the caller's, each grant with a new epoch, judged by the database's
// clock alone; renewals and releases need the current epoch; the history of
// grants is written by the database and cannot be changed; of many contenders
// exactly one wins; and a batch writer holding an old epoch can never commit.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SqlLeaseStore, type LeaseRecord, type LeaseStore } from '../../db/leaseStore';
import { PostgresStore } from '../../db/postgres/postgresStore';
import { dollarParams } from '../../db/postgres/placeholders';
import { StoreFencedError, type BatchToWrite, type Store } from '../../db/store';
import type { Effect } from '../../core/types';
import { generateLayout } from '../../lib/venueLayout';
import { sqlOf, type SqlRunner } from '../support/sql';
import { freshPostgresDatabase, openSharedTestStores, openTestStore, storeKinds } from '../support/stores';
import { waitUntil } from '../support/waitUntil';

const T0 = 1_700_000_000_000;
const LONG = 60_000;

async function addEvent(store: Store, id: string): Promise<void> {
  await store.createEvent({
    id,
    name: `Event ${id}`,
    venueName: 'Hall',
    startsAt: T0 + 86_400_000,
    layout: generateLayout({
      categories: [{ id: 'std', name: 'Standard', priceCents: 2000, color: '#2563eb' }],
      sections: [{ kind: 'straight', id: 'S', name: 'Stalls', rows: 1, seatsPerRow: 4, x: 0, y: 0, rowCategories: ['std'] }],
      stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
    }),
    createdAt: T0,
  });
}

/** A batch holding one seat: enough to see whether a write landed. */
function holdBatch(eventId: string, holdId: string, seatId: string, version: number): BatchToWrite {
  const effect: Effect = {
    kind: 'hold_created',
    hold: { id: holdId, eventId, buyerId: 'buyer-1', seatIds: [seatId], createdAt: T0, expiresAt: T0 + LONG, extensions: 0 },
  };
  return { effects: [effect], version, currency: 'EUR' };
}

/** Lets the lease lapse by the database's clock: renewed for 1 ms, then waited out. */
async function expire(leases: LeaseStore, eventId: string, ownerId: string, epoch: number): Promise<void> {
  expect(await leases.renew(eventId, ownerId, epoch, 1)).toBe('ok');
  await waitUntil(async () => (await leases.allLeases()).find((l) => l.eventId === eventId)!.expiresInMs <= 0, `the lease of ${eventId} to expire`);
}

async function versionOf(sql: SqlRunner, eventId: string): Promise<number> {
  return Number((await sql.get<{ version: number }>('SELECT version FROM events WHERE id = ?', eventId))!.version);
}

async function holdExists(sql: SqlRunner, holdId: string): Promise<boolean> {
  return (await sql.get('SELECT id FROM holds WHERE id = ?', holdId)) !== undefined;
}

describe.each(storeKinds())('leases on %s', (kind) => {
  let store: Store;
  let leases: LeaseStore;
  let sql: SqlRunner;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await openTestStore(kind));
    leases = store.leases;
    sql = sqlOf(store);
    for (const id of ['ev-1', 'ev-2', 'ev-3', 'ev-gone']) await addEvent(store, id);
  });
  afterAll(() => close());

  it('instances: live while their heartbeats last, by the database clock; leave ends it at once', async () => {
    const first = await leases.heartbeat('inst-a', LONG, { url: 'http://127.0.0.1:1' });
    expect(first.map((i) => i.instanceId)).toEqual(['inst-a']);
    expect(first[0].meta).toEqual({ url: 'http://127.0.0.1:1' });
    expect(first[0].expiresInMs).toBeGreaterThan(0);
    expect(first[0].expiresInMs).toBeLessThanOrEqual(LONG);
    const live = await leases.heartbeat('inst-b', LONG);
    expect(live.map((i) => i.instanceId)).toEqual(['inst-a', 'inst-b']);
    // A second heartbeat moves heartbeatAt on, never startedAt.
    const again = (await leases.heartbeat('inst-a', LONG)).find((i) => i.instanceId === 'inst-a')!;
    expect(again.startedAt).toBe(first[0].startedAt);
    expect(again.heartbeatAt).toBeGreaterThanOrEqual(first[0].heartbeatAt);

    await leases.heartbeat('inst-short', 1);
    await waitUntil(async () => !(await leases.liveInstances()).some((i) => i.instanceId === 'inst-short'), 'inst-short to expire');
    await leases.leave('inst-b');
    expect((await leases.liveInstances()).map((i) => i.instanceId)).toEqual(['inst-a']);
    await leases.leave('inst-a');
    await expect(leases.heartbeat('inst-a', 0)).rejects.toThrow(RangeError);
  });

  it('the process clock plays no part: a lease taken while Date says another year is judged by the database', async () => {
    const dbNow = await leases.databaseTimeMs();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(dbNow + 365 * 86_400_000); // a process a year ahead
      const granted = await leases.acquire('ev-3', 'skewed', LONG);
      expect(granted.acquired).toBe(true);
      const lease = (granted as { lease: LeaseRecord }).lease;
      expect(Math.abs(lease.acquiredAt - dbNow)).toBeLessThan(30_000);
      expect(lease.expiresAt - lease.acquiredAt).toBe(LONG);
      // A process a year behind cannot take it either: it is live by the only clock that counts.
      vi.setSystemTime(dbNow - 365 * 86_400_000);
      expect((await leases.acquire('ev-3', 'other', LONG)).acquired).toBe(false);
      expect(await leases.release('ev-3', 'skewed', lease.epoch)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('acquire, renew, release and takeover: every grant a new epoch, renewals and releases only with the current one', async () => {
    const a1 = await leases.acquire('ev-1', 'A', LONG);
    expect(a1).toMatchObject({ acquired: true, lease: { eventId: 'ev-1', ownerId: 'A', epoch: 1, releasedAt: null, expiresInMs: LONG } });
    // Live and someone else's: refused, and told who has it.
    expect(await leases.acquire('ev-1', 'B', LONG)).toMatchObject({ acquired: false, holder: { ownerId: 'A', epoch: 1 } });
    expect(await leases.renew('ev-1', 'A', 1, LONG)).toBe('ok');
    expect(await leases.renew('ev-1', 'B', 1, LONG)).toBe('lost');
    expect(await leases.renew('ev-1', 'A', 2, LONG)).toBe('lost');

    // A graceful handoff: expired at once, the epoch kept; renewing or releasing it again is refused.
    expect(await leases.release('ev-1', 'B', 1)).toBe(false);
    expect(await leases.release('ev-1', 'A', 1)).toBe(true);
    const released = (await leases.allLeases()).find((l) => l.eventId === 'ev-1')!;
    expect(released).toMatchObject({ ownerId: 'A', epoch: 1 });
    expect(released.releasedAt).not.toBeNull();
    expect(released.expiresInMs).toBeLessThanOrEqual(0);
    expect(await leases.release('ev-1', 'A', 1)).toBe(false);
    expect(await leases.renew('ev-1', 'A', 1, LONG)).toBe('lost');

    expect(await leases.acquire('ev-1', 'B', LONG)).toMatchObject({ acquired: true, lease: { ownerId: 'B', epoch: 2, releasedAt: null } });

    // Expired by the database's clock: renewing still works while nobody took it (nobody else wrote) …
    await expire(leases, 'ev-1', 'B', 2);
    expect(await leases.renew('ev-1', 'B', 2, 1)).toBe('ok');
    await waitUntil(async () => (await leases.allLeases()).find((l) => l.eventId === 'ev-1')!.expiresInMs <= 0, 'ev-1 to expire again');
    // … and once another process took it over, the old epoch is lost for good.
    expect(await leases.acquire('ev-1', 'A', LONG)).toMatchObject({ acquired: true, lease: { ownerId: 'A', epoch: 3 } });
    expect(await leases.renew('ev-1', 'B', 2, LONG)).toBe('lost');
    expect(await leases.release('ev-1', 'B', 2)).toBe(false);
    // Acquiring what one already holds is a new tenure: a new epoch, the old one retired.
    expect(await leases.acquire('ev-1', 'A', LONG)).toMatchObject({ acquired: true, lease: { ownerId: 'A', epoch: 4 } });
    expect(await leases.renew('ev-1', 'A', 3, LONG)).toBe('lost');

    expect((await leases.history('ev-1', 10)).map((h) => [h.reason, h.epoch, h.ownerId])).toEqual([
      ['reacquired', 4, 'A'],
      ['takeover', 3, 'A'],
      ['handoff', 2, 'B'],
      ['released', 1, 'A'],
      ['acquired', 1, 'A'],
    ]);
    expect((await leases.history('ev-1', 2)).map((h) => h.epoch)).toEqual([4, 3]);

    // An event that does not exist has no lease to grant.
    expect(await leases.acquire('no-such-event', 'A', LONG)).toEqual({ acquired: false, holder: null });
  });

  it('lease, leasesOf, allLeases and renewMany see the same rows; renewMany renews only current epochs', async () => {
    const g2 = await leases.acquire('ev-2', 'A', LONG);
    expect(g2.acquired).toBe(true);
    const epoch2 = (g2 as { lease: LeaseRecord }).lease.epoch;
    expect((await leases.leasesOf('A')).map((l) => [l.eventId, l.epoch])).toEqual([
      ['ev-1', 4],
      ['ev-2', epoch2],
    ]);
    expect((await leases.leasesOf('nobody')).length).toBe(0);
    expect(await leases.lease('ev-2')).toMatchObject({ eventId: 'ev-2', ownerId: 'A', epoch: epoch2 });
    expect(await leases.lease('ev-gone')).toBeNull();
    expect((await leases.allLeases()).map((l) => l.eventId)).toEqual(['ev-1', 'ev-2', 'ev-3']);
    expect(await leases.eventIds()).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-gone']);
    const renewed = await leases.renewMany(
      'A',
      [
        { eventId: 'ev-1', epoch: 4 },
        { eventId: 'ev-2', epoch: epoch2 + 1 },
        { eventId: 'ev-3', epoch: 1 },
      ],
      LONG,
    );
    expect(renewed).toEqual(['ev-1']);
    expect(await leases.renewMany('A', [], LONG)).toEqual([]);
    // More than one chunk of pairs.
    const many = [{ eventId: 'ev-2', epoch: epoch2 }, ...Array.from({ length: 900 }, (_, i) => ({ eventId: `missing-${i}`, epoch: 1 }))];
    expect(await leases.renewMany('A', many, LONG)).toEqual(['ev-2']);
  });

  it('the database keeps the guarantees itself: history is append-only, an epoch never goes back, none is granted twice', async () => {
    await expect(sql.run(`UPDATE lease_history SET owner_id = 'X'`)).rejects.toThrow(/append-only/);
    await expect(sql.run(`DELETE FROM lease_history`)).rejects.toThrow(/append-only/);
    await expect(sql.run(`UPDATE event_leases SET epoch = 1 WHERE event_id = 'ev-1'`)).rejects.toThrow(/only grows/);
    // Even if the lease row were deleted by hand, the next grant continues from the history.
    await sql.run(`DELETE FROM event_leases WHERE event_id = 'ev-1'`);
    expect(await leases.acquire('ev-1', 'C', LONG)).toMatchObject({ acquired: true, lease: { epoch: 5 } });
    // Retiring an event takes its lease with it; the history stays.
    await leases.acquire('ev-gone', 'A', LONG);
    await store.batchWriter('ev-gone').write({ effects: [{ kind: 'event_retired', at: T0, actor: 'admin' }], version: 1, currency: 'EUR' });
    expect((await leases.allLeases()).some((l) => l.eventId === 'ev-gone')).toBe(false);
    expect((await leases.history('ev-gone', 5)).map((h) => h.reason)).toEqual(['acquired']);
  });
});

describe.each(storeKinds())('fencing and contention on %s (several connections to one database)', (kind) => {
  let stores: Store[];
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ stores, close } = await openSharedTestStores(kind, 4));
    for (const id of ['race-new', 'fence-1', 'fence-2']) await addEvent(stores[0], id);
  });
  afterAll(() => close());

  it('of many contenders for one lease exactly one wins, round after round (first grant, handoff and takeover)', async () => {
    const rounds = kind === 'postgres' ? 120 : 30;
    let holder: { ownerId: string; epoch: number } | null = null;
    for (let round = 0; round < rounds; round++) {
      if (holder) {
        // Free it for the next race: a release (handoff) or an expiry (takeover), in turn.
        if (round % 2 === 0) expect(await stores[0].leases.release('race-new', holder.ownerId, holder.epoch)).toBe(true);
        else await expire(stores[0].leases, 'race-new', holder.ownerId, holder.epoch);
      }
      const contenders = stores.flatMap((s, i) => [`p${i}a`, `p${i}b`].map((id) => ({ id, leases: s.leases })));
      const results = await Promise.all(contenders.map((c) => c.leases.acquire('race-new', c.id, LONG)));
      const winners = results.flatMap((r) => (r.acquired ? [r.lease] : []));
      expect(winners.length, `round ${round}`).toBe(1);
      expect(winners[0].epoch).toBe(round + 1);
      for (const r of results) if (!r.acquired) expect(r.holder).toMatchObject({ ownerId: winners[0].ownerId, epoch: round + 1 });
      holder = winners[0];
    }
    const grants = (await stores[1].leases.history('race-new', 1000)).filter((h) => h.reason !== 'released');
    expect(grants.map((h) => h.epoch)).toEqual(Array.from({ length: rounds }, (_, i) => rounds - i));
  });

  it('a writer with a stale epoch is refused with StoreFencedError and writes nothing; the current epoch writes', async () => {
    const [a, b] = stores;
    const sql = sqlOf(b);
    const granted = await a.leases.acquire('fence-1', 'A', LONG);
    const epochA = (granted as { lease: LeaseRecord }).lease.epoch;
    const writerA = a.batchWriter('fence-1', { epoch: epochA });
    await writerA.write(holdBatch('fence-1', 'h-a1', 'S-A-1', 1));

    // Expired but not taken over: the old owner may still commit (nobody else can have written).
    await expire(a.leases, 'fence-1', 'A', epochA);
    await writerA.write(holdBatch('fence-1', 'h-a2', 'S-A-2', 2));

    const takeover = await b.leases.acquire('fence-1', 'B', LONG);
    expect(takeover).toMatchObject({ acquired: true, lease: { epoch: epochA + 1 } });
    const refused = writerA.write(holdBatch('fence-1', 'h-a3', 'S-A-3', 3));
    await expect(refused).rejects.toBeInstanceOf(StoreFencedError);
    await expect(refused).rejects.toMatchObject({ eventId: 'fence-1', epoch: epochA });
    expect(await versionOf(sql, 'fence-1')).toBe(2);
    expect(await holdExists(sql, 'h-a3')).toBe(false);
    // Refused again: not once, ever.
    await expect(writerA.write(holdBatch('fence-1', 'h-a4', 'S-A-4', 3))).rejects.toBeInstanceOf(StoreFencedError);

    // The new owner rebuilds from what the old one committed and goes on from there.
    const state = (await b.loadLoopState('fence-1', LONG))!;
    expect(state.version).toBe(2);
    expect(state.restored.holds.map((h) => h.id).sort()).toEqual(['h-a1', 'h-a2']);
    await b.batchWriter('fence-1', { epoch: epochA + 1 }).write(holdBatch('fence-1', 'h-b1', 'S-A-3', 3));
    expect(await versionOf(sql, 'fence-1')).toBe(3);

    // A writer for an epoch that never existed, or for an event without a lease, is refused too.
    await expect(b.batchWriter('fence-1', { epoch: epochA + 5 }).write(holdBatch('fence-1', 'h-x', 'S-A-4', 4))).rejects.toBeInstanceOf(StoreFencedError);
    await expect(b.batchWriter('fence-2', { epoch: 1 }).write(holdBatch('fence-2', 'h-y', 'S-A-1', 1))).rejects.toBeInstanceOf(StoreFencedError);
    expect(await holdExists(sql, 'h-y')).toBe(false);
    // Without an epoch (the embedded mode) nothing is fenced.
    await b.batchWriter('fence-2').write(holdBatch('fence-2', 'h-z', 'S-A-1', 1));
    expect(await holdExists(sql, 'h-z')).toBe(true);
  });
});

// The order of a takeover and an old owner's open transaction, with two connections (PostgreSQL:
// the fence reads the lease FOR SHARE; SQLite needs no proof, BEGIN IMMEDIATE serializes writers).
describe.runIf(storeKinds().includes('postgres'))('the fence orders takeovers and commits on PostgreSQL', () => {
  let stores: PostgresStore[];
  let close: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openSharedTestStores('postgres', 2);
    stores = opened.stores as PostgresStore[];
    close = opened.close;
    for (const id of ['order-1', 'order-2']) await addEvent(stores[0], id);
  });
  afterAll(() => close());

  /** Backends of this database waiting for a lock (the statement blocked behind the other connection). */
  const lockWaiters = async (store: PostgresStore) =>
    Number(
      (await sqlOf(store).get<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))!
        .n,
    );

  it('a takeover waits for the old owner\'s open batch: the batch commits first and the new owner rebuilds from it', async () => {
    const [a, b] = stores;
    const granted = await a.leases.acquire('order-1', 'A', LONG);
    const epochA = (granted as { lease: LeaseRecord }).lease.epoch;
    await expire(a.leases, 'order-1', 'A', epochA);

    let enterTransaction!: () => void;
    const inTransaction = new Promise<void>((resolve) => (enterTransaction = resolve));
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // The PostgreSQL writer awaits what beforeCommit returns: the transaction stays open, fence lock held.
    const beforeCommit = (() => {
      enterTransaction();
      return gate;
    }) as () => void;
    const write = a.batchWriter('order-1', { epoch: epochA, beforeCommit }).write(holdBatch('order-1', 'h-old', 'S-A-1', 1));
    await inTransaction;

    let takeoverSettled = false;
    const takeover = b.leases.acquire('order-1', 'B', LONG).finally(() => (takeoverSettled = true));
    await waitUntil(async () => (await lockWaiters(b)) === 1, 'the takeover to wait for the lease row lock');
    expect(takeoverSettled).toBe(false);

    openGate();
    await write; // committed: the takeover had not happened yet
    expect(await takeover).toMatchObject({ acquired: true, lease: { ownerId: 'B', epoch: epochA + 1 } });
    const state = (await b.loadLoopState('order-1', LONG))!;
    expect(state.version).toBe(1);
    expect(state.restored.holds.map((h) => h.id)).toEqual(['h-old']);
    await expect(a.batchWriter('order-1', { epoch: epochA }).write(holdBatch('order-1', 'h-late', 'S-A-2', 2))).rejects.toBeInstanceOf(StoreFencedError);
    expect(await holdExists(sqlOf(b), 'h-late')).toBe(false);
  });

  it('an old owner\'s batch that starts during an uncommitted takeover waits for it, then is fenced and writes nothing', async () => {
    const [a, b] = stores;
    const granted = await a.leases.acquire('order-2', 'A', LONG);
    const epochA = (granted as { lease: LeaseRecord }).lease.epoch;
    await expire(a.leases, 'order-2', 'A', epochA);

    // The real acquire statement, inside a transaction of B's own connection that is not committed yet.
    const connection = await b.sql.reserve();
    try {
      await connection`BEGIN`;
      const inTransaction = new SqlLeaseStore({ all: async (q, ...p) => [...(await connection.unsafe(dollarParams(q), p as never[]))] as never[], atomically: async () => {} }, 'postgres');
      expect(await inTransaction.acquire('order-2', 'B', LONG)).toMatchObject({ acquired: true, lease: { epoch: epochA + 1 } });

      let writeSettled = false;
      const write = a.batchWriter('order-2', { epoch: epochA }).write(holdBatch('order-2', 'h-stale', 'S-A-1', 1));
      write.then(
        () => (writeSettled = true),
        () => (writeSettled = true),
      );
      await waitUntil(async () => (await lockWaiters(b)) === 1, 'the stale batch to wait at the fence');
      expect(writeSettled).toBe(false);
      await connection`COMMIT`;
      await expect(write).rejects.toBeInstanceOf(StoreFencedError);
    } finally {
      connection.release();
    }
    const sql = sqlOf(b);
    expect(await versionOf(sql, 'order-2')).toBe(0);
    expect(await holdExists(sql, 'h-stale')).toBe(false);
    expect(Number((await sql.get<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE event_id = 'order-2' AND seat_id IS NOT NULL`))!.n)).toBe(0);
  });
});

// A process frozen inside a batch transaction (SIGSTOP, a pause, a half-sent pipeline) holds the fence's
// FOR SHARE lock on the lease row; no server timeout ends a transaction stuck mid-message. The takeover
// must not wait for it to wake: the lease statements run with a lock timeout, and a timed-out acquire
// ends the expired owner's transactions that began before its lease expired (they roll back).
describe.runIf(storeKinds().includes('postgres'))('a frozen owner cannot block a takeover on PostgreSQL', () => {
  it('the first attempt times out on the lock and ends the frozen transaction; the next wins; the frozen batch never commits', async () => {
    const database = await freshPostgresDatabase('migrated');
    const a = await PostgresStore.open(database.url, { applicationName: 'seatline:A' });
    const b = await PostgresStore.open(database.url, { applicationName: 'seatline:B' });
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    try {
      await addEvent(a, 'frozen-1');
      const granted = await a.leases.acquire('frozen-1', 'A', 300);
      const epochA = (granted as { lease: LeaseRecord }).lease.epoch;
      let enterTransaction!: () => void;
      const inTransaction = new Promise<void>((resolve) => (enterTransaction = resolve));
      const beforeCommit = (() => {
        enterTransaction();
        return gate;
      }) as () => void;
      const write = a.batchWriter('frozen-1', { epoch: epochA, beforeCommit }).write(holdBatch('frozen-1', 'h-frozen', 'S-A-1', 1));
      const settled = write.then(
        () => 'committed',
        () => 'failed',
      );
      await inTransaction;
      // The lease expires (300 ms) while the transaction stays open.
      await waitUntil(async () => ((await b.leases.allLeases()).find((l) => l.eventId === 'frozen-1')?.expiresInMs ?? 1) <= 0, 'the lease to expire');
      await expect(b.leases.acquire('frozen-1', 'B', LONG)).rejects.toThrow(/ended 1 stale/);
      expect(await settled).toBe('failed');
      expect(await b.leases.acquire('frozen-1', 'B', LONG)).toMatchObject({ acquired: true, lease: { ownerId: 'B', epoch: epochA + 1 } });
      expect(await holdExists(sqlOf(b), 'h-frozen')).toBe(false);
      expect(await versionOf(sqlOf(b), 'frozen-1')).toBe(0);
    } finally {
      openGate();
      await a.close();
      await b.close();
      await database.drop();
    }
  });
});
