// The reservation loop (two events, one store — SQLite or PostgreSQL — a
// fake clock, fake timers and manual scheduling) driven next to the
// reference model, as fast-check async model-based commands. After every step:
//   - every reply equals the model's answer (commands applied in lane order:
//     the loop serves the high lane — everything but new holds — first),
//   - the committed snapshot equals the model's public seat map, and the
//     version moved on by one per committed batch (at least one iff a seat changed),
//   - the loop's seat book equals the model (seats, holds, orders, counts),
//   - the DATABASE equals the model (active holds and held_seats, ended holds
//     and why, valid and cancelled tickets, orders, blocks, version),
// a `restart` step rebuilds fresh loops from the database alone, and a
// `pipelined` step applies a second batch while the first is still being
// committed — then lets both land, or fails the first (and with it the second).
import { FakeTimers } from '../support/fakeTimers';
import { expect } from 'vitest';
import Database from 'better-sqlite3';
import type fc from 'fast-check';
import { openDatabase, type DatabaseHandle } from '../../db/sqlite/connection';
import { SqliteStore } from '../../db/sqlite/sqliteStore';
import { PostgresStore } from '../../db/postgres/postgresStore';
import type { Store } from '../../db/store';
import { generateLayout, type VenueSpec } from '../../lib/venueLayout';
import { ReservationLoop } from '../../server/loop/reservationLoop';
import type { IdSource, Outcome } from '../../core/types';
import { ControlledWriter } from '../support/loopHarness';
import { sqlOf, type SqlRunner } from '../support/sql';
import { freshPostgresDatabase, type StoreKind } from '../support/stores';
import { expectBookMatchesModel, expectSame, plainOutcome } from './compare';
import { outcomeLabel, prefixedIds, T0 } from './coreSystem';
import { KNOWN_BUGS, orderShape, type EventModel, type Expected, type ModelCommand } from './model';
import { TTL, World, toCoreCommand, type BuyerOrAdminStep, type EventSetup } from './steps';

export type LoopStep =
  /** Submit these commands together, then let the loop tick (one batch per event). */
  | { t: 'batch'; items: BuyerOrAdminStep[] }
  /**
   * Submit `first`, tick (its commit is held in flight), submit `second`, tick (applied in memory
   * on top of `first`), then let both commits land — or fail the first, which must fail both.
   */
  | { t: 'pipelined'; first: BuyerOrAdminStep[]; second: BuyerOrAdminStep[]; failFirst: boolean }
  /** Move the fake clock; `fire` runs the expiry timers that are due (else they are late). */
  | { t: 'advance'; ms: number; fire: boolean }
  /** Move it to the earliest live deadline + delta (the exact boundary), likewise. */
  | { t: 'toDeadline'; delta: -1 | 0 | 1; fire: boolean }
  /** Stop every loop and start fresh ones from the database. */
  | { t: 'restart' };

/** The loop's back-off after a failed commit, in fake time. */
const RETRY_MS = 250;

const venues: { id: string; venue: VenueSpec; maxSeatsPerBuyer: number; maxExtensions: number }[] = [
  {
    id: 'evA',
    maxSeatsPerBuyer: 4,
    maxExtensions: 1,
    venue: {
      categories: [
        { id: 'p', name: 'Premium', priceCents: 6000, color: '#000' },
        { id: 's', name: 'Standard', priceCents: 3500, color: '#111' },
      ],
      sections: [{ kind: 'straight', id: 'A', name: 'A', rows: 2, seatsPerRow: 5, x: 0, y: 0, rowCategories: ['p', 's'] }],
      stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
    },
  },
  {
    id: 'evB',
    maxSeatsPerBuyer: 5,
    maxExtensions: 2,
    venue: {
      categories: [
        { id: 's', name: 'Seated', priceCents: 4000, color: '#000' },
        { id: 'g', name: 'Standing', priceCents: 2000, color: '#111' },
      ],
      sections: [
        { kind: 'straight', id: 'B', name: 'B', rows: 1, seatsPerRow: 6, x: 0, y: 0, rowCategories: ['s'] },
        { kind: 'ga', id: 'G', name: 'Standing', capacity: 4, x: 0, y: 30, width: 40, height: 20, category: 'g' },
      ],
      stage: { x: 0, y: -20, width: 10, height: 5, label: 'STAGE' },
    },
  },
];

export class LoopReal {
  readonly clock = { now: T0 };
  readonly timers = new FakeTimers(this.clock);
  private readonly scheduled: (() => void)[] = [];
  /** One IdSource per event, kept across restarts (ids must never repeat). */
  private readonly ids: IdSource[];
  readonly writers: ControlledWriter[];
  readonly sql: SqlRunner;
  loops: ReservationLoop[] = [];

  constructor(
    readonly store: Store,
    readonly eventIds: string[],
    private readonly cleanup: () => Promise<void>,
  ) {
    this.ids = eventIds.map((_, i) => prefixedIds('AB'[i]));
    this.writers = eventIds.map((id) => {
      const writer = store.batchWriter(id);
      return new ControlledWriter((batch) => writer.write(batch));
    });
    this.sql = sqlOf(store);
  }

  async startLoops(): Promise<void> {
    this.loops = await Promise.all(this.eventIds.map((id, i) => this.startLoop(id, i)));
  }

  startLoop(eventId: string, index: number): Promise<ReservationLoop> {
    return ReservationLoop.start({
      eventId,
      storage: { load: async () => (await this.store.loadLoopState(eventId, TTL))!, write: this.writers[index].write },
      ids: this.ids[index],
      clock: () => this.clock.now,
      timers: this.timers,
      schedule: (fn) => this.scheduled.push(fn),
      mailboxCapacity: 100,
      maxBatchSize: 100,
      storageRetryMs: RETRY_MS,
      checkInvariants: true,
    });
  }

  /** Runs ticks and waits for commits until nothing is scheduled or in flight (held commits stay held). */
  async drain(): Promise<number> {
    let ticks = 0;
    for (let i = 0; i < 10_000; i++) {
      while (this.scheduled.length) {
        this.scheduled.shift()!();
        ticks++;
      }
      const busy = this.loops.filter((l, ev) => l.isBusy && this.writers[ev].pending === 0);
      if (busy.length === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (this.scheduled.length === 0 && this.loops.every((l, ev) => !l.isBusy || this.writers[ev].pending > 0)) return ticks;
        continue;
      }
      await Promise.all(busy.map((l) => l.settled()));
    }
    throw new Error('the loops never settled');
  }

  async close(): Promise<void> {
    for (const loop of this.loops) await loop.stop();
    await this.cleanup();
  }
}

/**
 * Migrating and seeding a database takes a while; each run instead starts from a copy
 * of one seeded template (SQLite: an in-memory image; PostgreSQL: a template database).
 */
let sqliteTemplate: { image: Buffer; events: EventSetup[] } | null = null;
let postgresTemplate: Promise<{ name: string; events: EventSetup[] }> | null = null;

async function seedEvents(store: Store): Promise<EventSetup[]> {
  const events: EventSetup[] = [];
  for (const v of venues) {
    await store.createEvent({
      id: v.id,
      name: v.id,
      venueName: 'Hall',
      startsAt: T0 + 86_400_000,
      holdTtlMs: TTL,
      maxSeatsPerBuyer: v.maxSeatsPerBuyer,
      maxExtensions: v.maxExtensions,
      preventOrphanSeats: false, // the reference model does not model the no-orphan rule (tested in tests/core)
      layout: generateLayout(v.venue),
      createdAt: T0,
    });
    const state = (await store.loadLoopState(v.id, TTL))!;
    events.push({
      id: v.id,
      seats: state.seats.map((s) => ({ id: s.id, priceCents: s.priceCents, ...(s.gaArea ? { area: s.gaArea } : {}) })),
      rules: { holdTtlMs: TTL, maxSeatsPerBuyer: v.maxSeatsPerBuyer, maxExtensions: v.maxExtensions },
    });
  }
  return events;
}

async function freshStore(kind: StoreKind): Promise<{ store: Store; events: EventSetup[]; cleanup: () => Promise<void> }> {
  if (kind === 'sqlite') {
    if (!sqliteTemplate) {
      const seeded = new SqliteStore(openDatabase(':memory:', { synchronous: 'OFF' }));
      const events = await seedEvents(seeded);
      sqliteTemplate = { image: seeded.handle.sqlite.serialize(), events };
      await seeded.close();
    }
    const sqlite = new Database(sqliteTemplate.image);
    sqlite.pragma('foreign_keys = ON');
    const handle: DatabaseHandle = { sqlite, db: undefined as never, path: ':memory:', close: () => sqlite.open && sqlite.close() };
    const store = new SqliteStore(handle);
    return { store, events: sqliteTemplate.events, cleanup: () => store.close() };
  }
  postgresTemplate ??= (async () => {
    const template = await freshPostgresDatabase();
    const seeded = await PostgresStore.open(template.url);
    const events = await seedEvents(seeded);
    await seeded.close();
    return { name: template.url.slice(template.url.lastIndexOf('/') + 1), events };
  })();
  const { name, events } = await postgresTemplate;
  const database = await freshPostgresDatabase(name);
  const store = await PostgresStore.open(database.url, { max: 3 });
  return {
    store,
    events,
    async cleanup() {
      await store.close();
      await database.drop();
    },
  };
}

export async function loopSetup(kind: StoreKind): Promise<{ model: World; real: LoopReal }> {
  const { store, events, cleanup } = await freshStore(kind);
  const real = new LoopReal(
    store,
    events.map((e) => e.id),
    cleanup,
  );
  await real.startLoops();
  await real.drain(); // start-up ticks
  return { model: new World(events, T0), real };
}

// ---------- comparisons ----------

const coreStatuses = (m: EventModel) => m.seats.map((s) => m.stateOf(s.id).status).join(',');

/** Byte order, whatever the database's collation. */
const sortBySeat = <T extends { seat_id: string }>(list: T[]) => list.sort((a, b) => (a.seat_id < b.seat_id ? -1 : a.seat_id > b.seat_id ? 1 : 0));

/** What the database holds for one event equals the model: what a restart would rebuild. */
export async function expectDatabaseMatchesModel(sql: SqlRunner, eventId: string, model: EventModel, label: string): Promise<void> {
  const rows = <T = unknown>(query: string, ...params: unknown[]) => sql.all<T>(query, ...params);
  const active = (await rows<{ id: string; buyer_id: string; seat_ids_json: string; created_at: number; expires_at: number; extensions: number }>(
    "SELECT * FROM holds WHERE event_id = ? AND status = 'active' ORDER BY id",
    eventId,
  )).map((h) => ({
    id: h.id,
    buyerId: h.buyer_id,
    seatIds: JSON.parse(h.seat_ids_json) as string[],
    createdAt: h.created_at,
    expiresAt: h.expires_at,
    extensions: h.extensions,
  }));
  const sortById = <T extends { id: string }>(l: T[]) => [...l].sort((a, b) => (a.id < b.id ? -1 : 1));
  expectSame(active, sortById(model.holds), `${label}: DB active holds`);
  expectSame(
    sortBySeat(await rows<{ seat_id: string; hold_id: string }>('SELECT seat_id, hold_id FROM held_seats WHERE event_id = ?', eventId)),
    model.holds
      .flatMap((h) => h.seatIds.map((seat_id) => ({ seat_id, hold_id: h.id })))
      .sort((a, b) => (a.seat_id < b.seat_id ? -1 : 1)),
    `${label}: DB held_seats`,
  );
  expectSame(
    Object.fromEntries(
      (await rows<{ id: string; status: string }>("SELECT id, status FROM holds WHERE event_id = ? AND status != 'active' ORDER BY id", eventId)).map(
        (h) => [h.id, h.status],
      ),
    ),
    Object.fromEntries([...model.ended].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, e]) => [id, e.reason])),
    `${label}: DB ended holds`,
  );
  const tickets = async (status: 'valid' | 'cancelled') =>
    (await rows<{ order_id: string; seat_id: string; price_cents: number; code: string; checked_in_at: number | null; checked_in_door: string | null }>(
      'SELECT order_id, seat_id, price_cents, code, checked_in_at, checked_in_door FROM tickets WHERE event_id = ? AND status = ?',
      eventId,
      status,
    )).sort((a, b) => (a.order_id + ' ' + a.seat_id < b.order_id + ' ' + b.seat_id ? -1 : 1));
  const modelTickets = (pick: 'tickets' | 'cancelled') =>
    model.orders
      .flatMap((o) =>
        o[pick].map((t) => ({
          order_id: o.id,
          seat_id: t.seatId,
          price_cents: t.priceCents,
          code: t.code,
          checked_in_at: t.checkedIn?.at ?? null,
          checked_in_door: t.checkedIn?.door ?? null,
        })),
      )
      .sort((a, b) => (a.order_id + ' ' + a.seat_id < b.order_id + ' ' + b.seat_id ? -1 : 1));
  expectSame(await tickets('valid'), modelTickets('tickets'), `${label}: DB valid tickets`);
  expectSame(await tickets('cancelled'), modelTickets('cancelled'), `${label}: DB cancelled tickets`);
  expectSame(
    await rows('SELECT id, hold_id, buyer_id, idempotency_key, total_cents, created_at FROM orders WHERE event_id = ? ORDER BY id', eventId),
    sortById(model.orders).map((o) => ({
      id: o.id,
      hold_id: o.holdId,
      buyer_id: o.buyerId,
      idempotency_key: o.idempotencyKey,
      total_cents: o.originalTotalCents,
      created_at: o.createdAt,
    })),
    `${label}: DB orders`,
  );
  expectSame(
    (await rows<{ seat_id: string }>('SELECT seat_id FROM blocked_seats WHERE event_id = ?', eventId)).map((r) => r.seat_id).sort(),
    [...model.blocked].sort(),
    `${label}: DB blocked seats`,
  );
}

export interface LoopRunStats {
  seen: Set<string>;
  restarts: number;
}

interface Submitted {
  ev: number;
  cmd: ReturnType<World['resolve']>;
  box: { outcome?: Outcome };
}

function submitAll(world: World, real: LoopReal, items: readonly BuyerOrAdminStep[]): Submitted[] {
  return items.map((item) => {
    const cmd = world.resolve(item);
    const box: { outcome?: Outcome } = {};
    real.loops[item.ev].submit(toCoreCommand(cmd), (o) => (box.outcome = o));
    return { ev: item.ev, cmd, box };
  });
}

/** The model's answers to one tick per event that got commands: expiry first, then the high lane, then new holds. */
function expectTick(world: World, submitted: Submitted[], label: string, ticked: boolean[], stats?: LoopRunStats): void {
  const expected = new Map<Submitted, Expected>();
  world.models.forEach((model, ev) => {
    const mine = submitted.filter((s) => s.ev === ev);
    if (mine.length === 0) return;
    ticked[ev] = true;
    model.expireDue(world.now);
    const lanes = [...mine.filter((s) => s.cmd.type !== 'hold'), ...mine.filter((s) => s.cmd.type === 'hold')];
    for (const s of lanes) {
      if (!s.box.outcome) throw new Error(`${label}: no reply to ${JSON.stringify(s.cmd)}`);
      expected.set(s, world.applyToModel(ev, s.cmd as ModelCommand, s.box.outcome));
    }
  });
  if (KNOWN_BUGS.repliesShareLiveObjects) {
    const lastExtension = new Map<string, Expected>();
    for (const e of expected.values()) if (e.ok && e.type === 'extended') lastExtension.set(e.hold.id, e);
    for (const [s, e] of expected) {
      if (e.ok && e.type === 'extended') expected.set(s, lastExtension.get(e.hold.id)!);
      if (e.ok && e.type === 'confirmed') expected.set(s, { ...e, order: orderShape(world.models[s.ev].order(e.order.id)!) });
    }
  }
  for (const s of submitted) {
    stats?.seen.add(outcomeLabel(s.box.outcome!));
    expectSame(plainOutcome(s.box.outcome!), expected.get(s), `${label}: reply to ${JSON.stringify(s.cmd)}`);
  }
}

/** Runs one loop step on the real loops and on the model, then compares everything. */
export async function runLoopStep(world: World, real: LoopReal, step: LoopStep, stats?: LoopRunStats): Promise<void> {
  const label = `${JSON.stringify(step)} @+${world.now - T0}ms`;
  const before = world.models.map(coreStatuses);
  const versions = real.loops.map((l) => l.version);
  /** Which events ran a tick that the model mirrored, and how many batches each may have committed. */
  const ticked = world.models.map(() => false);
  const maxBatches = world.models.map(() => 1);

  switch (step.t) {
    case 'batch': {
      const submitted = submitAll(world, real, step.items);
      expect(submitted.every((s) => s.box.outcome === undefined), `${label}: a reply came before the commit`).toBe(true);
      await real.drain();
      expectTick(world, submitted, label, ticked, stats);
      break;
    }
    case 'pipelined': {
      for (const writer of real.writers) writer.hold();
      const first = submitAll(world, real, step.first);
      await real.drain(); // an event whose batch wrote anything now has it in flight
      const firstInFlight = real.writers.map((w) => w.pending > 0);
      const second = submitAll(world, real, step.second);
      await real.drain(); // applied in memory on top of the first (or in flight itself, where the first was not)
      const secondInFlight = real.writers.map((w, ev) => !firstInFlight[ev] && w.pending > 0);
      // Nothing built on a batch in flight may be answered yet.
      for (const s of [...first, ...second]) {
        if (firstInFlight[s.ev] || (secondInFlight[s.ev] && second.includes(s))) {
          expect(s.box.outcome, `${label}: a reply escaped before its commit: ${JSON.stringify(s.cmd)}`).toBeUndefined();
        }
      }
      const ofEvent = (list: Submitted[], ev: number) => list.filter((s) => s.ev === ev);
      if (!step.failFirst) {
        for (const writer of real.writers) writer.release();
        await real.drain();
        expectTick(world, first, `${label} (first)`, ticked, stats);
        expectTick(world, second, `${label} (second)`, ticked, stats);
        world.models.forEach((_, ev) => (maxBatches[ev] = 2));
        break;
      }
      for (const writer of real.writers) writer.failHeld();
      await real.drain();
      const failedInFlight = (list: Submitted[]) => {
        for (const s of list) {
          expect(s.box.outcome, `${label}: reply to ${JSON.stringify(s.cmd)}`).toMatchObject({ ok: false, code: 'storage_unavailable' });
          stats?.seen.add('storage_unavailable');
        }
      };
      world.models.forEach((_, ev) => {
        if (firstInFlight[ev]) return failedInFlight([...ofEvent(first, ev), ...ofEvent(second, ev)]);
        // Its first batch wrote nothing (answered at once); its second failed if it was in flight.
        expectTick(world, ofEvent(first, ev), `${label} (first)`, ticked, stats);
        if (secondInFlight[ev]) failedInFlight(ofEvent(second, ev));
        else expectTick(world, ofEvent(second, ev), `${label} (second)`, ticked, stats);
      });
      // After the back-off the loop expires what fell due meanwhile, as the model does now.
      real.clock.now += RETRY_MS;
      world.now = real.clock.now;
      real.timers.fireDue();
      await real.drain();
      world.models.forEach((model, ev) => {
        const next = model.nextDeadline();
        if (next !== null && next <= world.now) {
          ticked[ev] = true;
          model.expireDue(world.now);
        }
      });
      break;
    }
    case 'toDeadline':
    case 'advance': {
      const ms = step.t === 'advance' ? step.ms : world.msToDeadline(step.delta);
      real.clock.now += ms;
      world.now = real.clock.now;
      if (!step.fire) break;
      real.timers.fireDue();
      await real.drain();
      // A loop's timer is armed for its earliest deadline: it fires (one tick) iff that deadline passed.
      world.models.forEach((model, ev) => {
        const next = model.nextDeadline();
        if (next !== null && next <= world.now) {
          ticked[ev] = true;
          model.expireDue(world.now);
        }
      });
      break;
    }
    case 'restart': {
      for (const loop of real.loops) await loop.stop();
      await real.startLoops();
      real.loops.forEach((loop, ev) => expect(loop.version, `${label}: version survives a restart`).toBe(versions[ev]));
      await real.drain();
      // Holds that fell due while "down" are released by the first tick.
      world.models.forEach((model, ev) => {
        ticked[ev] = true;
        model.expireDue(world.now);
      });
      if (stats) stats.restarts++;
      break;
    }
  }

  for (const [ev, model] of world.models.entries()) {
    const loop = real.loops[ev];
    const where = `${label} [${loop.eventId}]`;
    const changed = coreStatuses(model) !== before[ev];
    expect(changed && !ticked[ev], `${where}: seats changed without a tick`).toBe(false);
    // One version per committed batch that wrote anything (an extension moves it without a seat change).
    const moved = loop.version - versions[ev];
    expect(moved, `${where}: version moved by ${moved}`).toBeGreaterThanOrEqual(changed ? 1 : 0);
    expect(moved, `${where}: version moved by ${moved}`).toBeLessThanOrEqual(ticked[ev] ? maxBatches[ev] : 0);
    expectSame(loop.view.snapshot(), { version: loop.version, seats: Object.fromEntries(model.seats.map((s) => [s.id, model.publicStatus(s.id)])) }, `${where}: snapshot`);
    expectBookMatchesModel(loop.seatBook, model, where);
    await expectDatabaseMatchesModel(real.sql, loop.eventId, model, where);
    expectSame(await real.sql.all('SELECT version FROM events WHERE id = ?', loop.eventId), [{ version: loop.version }], `${where}: DB version`);
  }
}

/** A loop step as a fast-check async model-based command. */
export class LoopCommand implements fc.AsyncCommand<World, LoopReal> {
  constructor(
    readonly step: LoopStep,
    private readonly stats?: LoopRunStats,
  ) {}
  check(): boolean {
    return true;
  }
  async run(world: World, real: LoopReal): Promise<void> {
    await runLoopStep(world, real, this.step, this.stats);
  }
  toString(): string {
    return JSON.stringify(this.step);
  }
}
