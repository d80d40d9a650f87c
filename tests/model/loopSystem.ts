// The reservation loop (two events, one in-memory SQLite database, a fake
// clock, fake timers and manual scheduling) driven next to the reference
// model, as fast-check async model-based commands. After every step:
//   - every reply equals the model's answer (commands applied in lane order:
//     the loop serves the high lane — everything but new holds — first),
//   - the committed snapshot equals the model's public seat map, and the
//     version moved on by exactly one iff some seat changed,
//   - the loop's seat book equals the model (seats, holds, orders, counts),
//   - the DATABASE equals the model (active holds and held_seats, ended holds
//     and why, valid and cancelled tickets, orders, blocks, version),
// and a `restart` step rebuilds fresh loops from the database alone.
import { FakeTimers } from '../support/fakeTimers';
import { expect } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type fc from 'fast-check';
import { createBatchWriter } from '../../db/batchWriter';
import { openDatabase, type DatabaseHandle } from '../../db/connection';
import { createEvent } from '../../db/createEvent';
import { loadLoopState } from '../../db/eventStore';
import * as schema from '../../db/schema';
import { generateLayout, type VenueSpec } from '../../lib/venueLayout';
import { ReservationLoop } from '../../server/loop/reservationLoop';
import type { IdSource, Outcome } from '../../server/reservations/types';
import { expectBookMatchesModel, expectSame, plainOutcome } from './compare';
import { outcomeLabel, prefixedIds, T0 } from './coreSystem';
import { KNOWN_BUGS, orderShape, type EventModel, type Expected, type ModelCommand } from './model';
import { TTL, World, toCoreCommand, type BuyerOrAdminStep, type EventSetup } from './steps';

export type LoopStep =
  /** Submit these commands together, then let the loop tick (one batch per event). */
  | { t: 'batch'; items: BuyerOrAdminStep[] }
  /** Move the fake clock; `fire` runs the expiry timers that are due (else they are late). */
  | { t: 'advance'; ms: number; fire: boolean }
  /** Move it to the earliest live deadline + delta (the exact boundary), likewise. */
  | { t: 'toDeadline'; delta: -1 | 0 | 1; fire: boolean }
  /** Stop every loop and start fresh ones from the database. */
  | { t: 'restart' };


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
  loops: ReservationLoop[] = [];

  constructor(
    readonly handle: DatabaseHandle,
    readonly eventIds: string[],
  ) {
    this.ids = eventIds.map((_, i) => prefixedIds('AB'[i]));
    this.loops = eventIds.map((id, i) => this.startLoop(id, i));
  }

  startLoop(eventId: string, index: number): ReservationLoop {
    return new ReservationLoop({
      eventId,
      load: () => loadLoopState(this.handle, eventId, TTL)!,
      writer: createBatchWriter(this.handle.sqlite),
      ids: this.ids[index],
      clock: () => this.clock.now,
      timers: this.timers,
      schedule: (fn) => this.scheduled.push(fn),
      mailboxCapacity: 100,
      maxBatchSize: 100,
      checkInvariants: true,
    });
  }

  runTicks(): number {
    let ticks = 0;
    while (this.scheduled.length) {
      this.scheduled.shift()!();
      ticks++;
    }
    return ticks;
  }

  close(): void {
    for (const loop of this.loops) loop.stop();
    this.handle.close();
  }
}

/**
 * Migrating and seeding a database takes ~50 ms; each run instead starts from
 * an in-memory copy of one seeded template (better-sqlite3 serialize/deserialize).
 */
let template: { image: Buffer; events: EventSetup[] } | null = null;

function freshDatabase(): { handle: DatabaseHandle; events: EventSetup[] } {
  template ??= seedTemplate();
  const sqlite = new Database(template.image);
  sqlite.pragma('foreign_keys = ON');
  const handle: DatabaseHandle = {
    sqlite,
    db: drizzle(sqlite, { schema }),
    path: ':memory:',
    close: () => {
      if (sqlite.open) sqlite.close();
    },
  };
  return { handle, events: template.events };
}

function seedTemplate(): { image: Buffer; events: EventSetup[] } {
  const handle = openDatabase(':memory:', { synchronous: 'OFF' });
  const events: EventSetup[] = venues.map((v) => {
    createEvent(handle, {
      id: v.id,
      name: v.id,
      venueName: 'Hall',
      startsAt: T0 + 86_400_000,
      holdTtlMs: TTL,
      maxSeatsPerBuyer: v.maxSeatsPerBuyer,
      preventOrphanSeats: false, // the reference model does not model the no-orphan rule (tested in tests/core)
      layout: generateLayout(v.venue),
      createdAt: T0,
    });
    handle.sqlite.prepare('UPDATE events SET max_extensions = ? WHERE id = ?').run(v.maxExtensions, v.id);
    const state = loadLoopState(handle, v.id, TTL)!;
    return {
      id: v.id,
      seats: state.seats.map((s) => ({ id: s.id, priceCents: s.priceCents, ...(s.gaArea ? { area: s.gaArea } : {}) })),
      rules: { holdTtlMs: TTL, maxSeatsPerBuyer: v.maxSeatsPerBuyer, maxExtensions: v.maxExtensions },
    };
  });
  const image = handle.sqlite.serialize();
  handle.close();
  return { image, events };
}

export function loopSetup(): { model: World; real: LoopReal } {
  const { handle, events } = freshDatabase();
  const real = new LoopReal(
    handle,
    events.map((e) => e.id),
  );
  real.runTicks(); // start-up ticks
  return { model: new World(events, T0), real };
}

// ---------- comparisons ----------

const coreStatuses = (m: EventModel) => m.seats.map((s) => m.stateOf(s.id).status).join(',');

const statements = new WeakMap<DatabaseHandle, Map<string, Database.Statement>>();

function rows<T>(handle: DatabaseHandle, sql: string, ...params: unknown[]): T[] {
  let cache = statements.get(handle);
  if (!cache) statements.set(handle, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = handle.sqlite.prepare(sql)));
  return statement.all(...params) as T[];
}

/** What the database holds for one event equals the model: what a restart would rebuild. */
export function expectDatabaseMatchesModel(handle: DatabaseHandle, eventId: string, model: EventModel, label: string): void {
  const active = rows<{ id: string; buyer_id: string; seat_ids_json: string; created_at: number; expires_at: number; extensions: number }>(
    handle,
    "SELECT * FROM holds WHERE event_id = ? AND status = 'active' ORDER BY id",
    eventId,
  ).map((h) => ({
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
    rows<{ seat_id: string; hold_id: string }>(handle, 'SELECT seat_id, hold_id FROM held_seats WHERE event_id = ? ORDER BY seat_id', eventId),
    model.holds
      .flatMap((h) => h.seatIds.map((seat_id) => ({ seat_id, hold_id: h.id })))
      .sort((a, b) => (a.seat_id < b.seat_id ? -1 : 1)),
    `${label}: DB held_seats`,
  );
  expectSame(
    Object.fromEntries(
      rows<{ id: string; status: string }>(handle, "SELECT id, status FROM holds WHERE event_id = ? AND status != 'active' ORDER BY id", eventId).map(
        (h) => [h.id, h.status],
      ),
    ),
    Object.fromEntries([...model.ended].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, e]) => [id, e.reason])),
    `${label}: DB ended holds`,
  );
  const tickets = (status: 'valid' | 'cancelled') =>
    rows<{ order_id: string; seat_id: string; price_cents: number }>(
      handle,
      'SELECT order_id, seat_id, price_cents FROM tickets WHERE event_id = ? AND status = ? ORDER BY order_id, seat_id',
      eventId,
      status,
    );
  const modelTickets = (pick: 'tickets' | 'cancelled') =>
    model.orders
      .flatMap((o) => o[pick].map((t) => ({ order_id: o.id, seat_id: t.seatId, price_cents: t.priceCents })))
      .sort((a, b) => (a.order_id + ' ' + a.seat_id < b.order_id + ' ' + b.seat_id ? -1 : 1));
  expectSame(tickets('valid'), modelTickets('tickets'), `${label}: DB valid tickets`);
  expectSame(tickets('cancelled'), modelTickets('cancelled'), `${label}: DB cancelled tickets`);
  expectSame(
    rows(handle, 'SELECT id, hold_id, buyer_id, idempotency_key, total_cents, created_at FROM orders WHERE event_id = ? ORDER BY id', eventId),
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
    rows<{ seat_id: string }>(handle, 'SELECT seat_id FROM blocked_seats WHERE event_id = ? ORDER BY seat_id', eventId).map((r) => r.seat_id),
    [...model.blocked].sort(),
    `${label}: DB blocked seats`,
  );
}

export interface LoopRunStats {
  seen: Set<string>;
  restarts: number;
}

/** Runs one loop step on the real loops and on the model, then compares everything. */
export function runLoopStep(world: World, real: LoopReal, step: LoopStep, stats?: LoopRunStats): void {
  const label = `${JSON.stringify(step)} @+${world.now - T0}ms`;
  const before = world.models.map(coreStatuses);
  const versions = real.loops.map((l) => l.version);
  /** Which events ran a tick in this step (each at most one). */
  const ticked = world.models.map(() => false);

  switch (step.t) {
    case 'batch': {
      const submitted = step.items.map((item) => {
        const cmd = world.resolve(item);
        const box: { outcome?: Outcome } = {};
        real.loops[item.ev].submit(toCoreCommand(cmd), (o) => (box.outcome = o));
        return { ev: item.ev, cmd, box };
      });
      expect(submitted.every((s) => s.box.outcome === undefined), `${label}: a reply came before the commit`).toBe(true);
      real.runTicks();
      // The model: each event that got commands ticks once: expiry first, then the high lane, then new holds.
      const expected = new Map<(typeof submitted)[number], Expected>();
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
      break;
    }
    case 'toDeadline':
    case 'advance': {
      const ms = step.t === 'advance' ? step.ms : world.msToDeadline(step.delta);
      real.clock.now += ms;
      world.now = real.clock.now;
      if (!step.fire) break;
      real.timers.fireDue();
      real.runTicks();
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
      for (const loop of real.loops) loop.stop();
      real.loops = real.eventIds.map((id, i) => real.startLoop(id, i));
      real.loops.forEach((loop, ev) => expect(loop.version, `${label}: version survives a restart`).toBe(versions[ev]));
      real.runTicks();
      // Holds that fell due while "down" are released by the first tick.
      world.models.forEach((model, ev) => {
        ticked[ev] = true;
        model.expireDue(world.now);
      });
      if (stats) stats.restarts++;
      break;
    }
  }

  world.models.forEach((model, ev) => {
    const loop = real.loops[ev];
    const where = `${label} [${loop.eventId}]`;
    const changed = coreStatuses(model) !== before[ev];
    expect(changed && !ticked[ev], `${where}: seats changed without a tick`).toBe(false);
    expectSame(loop.version, versions[ev] + (changed ? 1 : 0), `${where}: version`);
    expectSame(loop.snapshot(), { version: loop.version, seats: Object.fromEntries(model.seats.map((s) => [s.id, model.publicStatus(s.id)])) }, `${where}: snapshot`);
    expectBookMatchesModel(loop.seatBook, model, where);
    expectDatabaseMatchesModel(real.handle, loop.eventId, model, where);
    expectSame(rows(real.handle, 'SELECT version FROM events WHERE id = ?', loop.eventId), [{ version: loop.version }], `${where}: DB version`);
  });
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
    runLoopStep(world, real, this.step, this.stats);
  }
  toString(): string {
    return JSON.stringify(this.step);
  }
}
