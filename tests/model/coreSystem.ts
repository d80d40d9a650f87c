// The seat book (pure core) driven step by step next to the reference model,
// as fast-check model-based commands. Used by seatBook.model.test.ts and by
// the named regression sequences in regressions.test.ts.
import { expect } from 'vitest';
import type fc from 'fast-check';
import { SeatBook } from '../../core/seatBook';
import type { CoreSeatStatus, IdSource, Outcome } from '../../core/types';
import { expectBookMatchesModel, expectSame, plainOutcome } from './compare';
import { coreEvents, describeStep, toCoreCommand, World, type Step } from './steps';

export const T0 = 1_700_000_000_000;

/** Deterministic ids, distinct per event (h/o/t/c counters behind an event prefix). */
export function prefixedIds(prefix: string): IdSource {
  let hold = 0;
  let order = 0;
  let ticket = 0;
  let code = 0;
  return {
    holdId: () => `${prefix}h${++hold}`,
    orderId: () => `${prefix}o${++order}`,
    ticketId: () => `${prefix}t${++ticket}`,
    ticketCode: () => `${prefix}c${++code}`,
  };
}

export interface CoreReal {
  books: SeatBook[];
  /** Per book: every seat's status at the last takeBatch(), to check the reported changes. */
  lastBatch: Map<string, CoreSeatStatus>[];
}

export function coreSetup(): { model: World; real: CoreReal } {
  const events = coreEvents();
  const books = events.map(
    (e, i) =>
      new SeatBook(
        e.id,
        e.seats.map((s) => ({ id: s.id, priceCents: s.priceCents, ...(s.area ? { gaArea: s.area } : {}) })),
        // These seats carry no rows, so the orphan rule could not apply anyway.
        { ...e.rules, saleStatus: 'open', saleOpensAt: null, saleClosesAt: null, preventOrphanSeats: false },
        prefixedIds('AB'[i]),
      ),
  );
  const lastBatch = books.map((b) => new Map([...b.seatEntries()].map(([id, s]) => [id, s.status])));
  return { model: new World(events, T0), real: { books, lastBatch } };
}

export function outcomeLabel(o: Outcome): string {
  if (!o.ok) return o.code;
  return o.type === 'confirmed' && o.replayed ? 'confirmed:replayed' : o.type;
}

/** Runs one step on the real books and on the model, then compares everything. */
export function runCoreStep(world: World, real: CoreReal, step: Step, seen?: Set<string>): void {
  const label = `${describeStep(step)} @+${world.now - T0}ms`;
  switch (step.t) {
    case 'advance':
      world.now += step.ms;
      break;
    case 'toDeadline':
      world.now += world.msToDeadline(step.delta);
      break;
    case 'expire':
      real.books.forEach((book, ev) => {
        const expired = book.expireDue(world.now);
        for (let k = 1; k < expired.length; k++) {
          expect(expired[k].expiresAt, `${label}: expired in deadline order`).toBeGreaterThanOrEqual(expired[k - 1].expiresAt);
        }
        expectSame(expired.map((h) => h.id).sort(), world.models[ev].expireDue(world.now).sort(), `${label}: expired holds`);
      });
      break;
    default: {
      const cmd = world.resolve(step);
      const outcome = real.books[step.ev].apply(toCoreCommand(cmd), world.now);
      const expected = world.applyToModel(step.ev, cmd, outcome);
      seen?.add(outcomeLabel(outcome));
      expectSame(plainOutcome(outcome), expected, `${label}: outcome of ${JSON.stringify(cmd)}`);
    }
  }
  real.books.forEach((book, ev) => {
    expectBookMatchesModel(book, world.models[ev], `${label} [${book.eventId}]`);
    // The batch reports exactly the seats whose status differs from the previous batch.
    const { changes } = book.takeBatch();
    const now = new Map([...book.seatEntries()].map(([id, s]) => [id, s.status]));
    const changed = new Map([...now].filter(([id, status]) => real.lastBatch[ev].get(id) !== status));
    expectSame([...changes].sort(), [...changed].sort(), `${label} [${book.eventId}]: batch changes`);
    real.lastBatch[ev] = now;
  });
}

/** A step as a fast-check model-based command. */
export class CoreStep implements fc.Command<World, CoreReal> {
  constructor(
    readonly step: Step,
    private readonly seen?: Set<string>,
  ) {}
  check(): boolean {
    return true; // every step is meaningful in every state (failures are outcomes too)
  }
  run(world: World, real: CoreReal): void {
    runCoreStep(world, real, this.step, this.seen);
  }
  toString(): string {
    return describeStep(this.step);
  }
}
