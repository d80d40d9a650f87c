// Best available and the no-orphan rule in the bare core (no I/O): how long one
// best-available hold command takes on the 22,212-seat arena with half of its
// seats sold in a scattered pattern, and what the rule costs a manual hold.
//
// Each pick is one SeatBook.apply of a `best` hold (pick + hold + effects),
// timed alone; the hold is then released (not timed), so every pick sees the
// same half-sold arena. "Sold" seats are restored as admin blocks: the picker
// treats every taken seat alike.
//
// Run as a child process:  tsx bench/bestAvailable.ts '<json spec>'  → IPC result.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { arenaLayout } from '../db/demoVenues';
import { coreSeatsOf } from '../lib/venueLayout';
import { SeatBook } from '../core/seatBook';
import type { BestSeatsRequest, Command, EventRules, SeatSpec } from '../core/types';
import { counterIds } from './arena';
import { percentiles, summarize, type Percentiles } from './stats';
import { makeWorkload, mulberry32 } from './workloads';

export interface BestAvailableSpec {
  /** Timed picks per scenario (after as many warm-up picks). */
  picks: number;
  /** Manual holds per rule setting for the rule's overhead. */
  manualHolds: number;
}

export interface BestScenarioResult {
  name: string;
  quantity: number;
  /** Seats taken before the picks (sold in a scattered pattern). */
  taken: number;
  /** Per-pick time, microseconds. */
  pickUs: Percentiles;
  /** How the pick was made (bestAvailable.ts tiers), and how many seats of it. */
  tier: string;
}

export interface BestAvailableResult {
  seats: number;
  scenarios: BestScenarioResult[];
  /** Manual holds (1–4 adjacent seats anywhere, each released again), commands/s with the rule off and on (median of 5 alternating runs). */
  manualHoldsPerSec: { ruleOff: number; ruleOn: number };
}

const RULES: EventRules = {
  holdTtlMs: 600_000,
  maxSeatsPerBuyer: 50,
  maxExtensions: 1,
  saleStatus: 'open',
  saleOpensAt: null,
  saleClosesAt: null,
  preventOrphanSeats: true,
};

function arena(): { seats: SeatSpec[]; stage: ReturnType<typeof arenaLayout>['stage'] } {
  const layout = arenaLayout();
  return { seats: coreSeatsOf(layout.seats, layout.sections), stage: layout.stage };
}

/** Each seat taken with probability `share` (seeded), or every other seat of every row. */
function takenSeats(seats: SeatSpec[], pattern: number | 'alternate'): string[] {
  if (pattern === 'alternate') return seats.filter((s) => Number(s.place!.number) % 2 === 0).map((s) => s.id);
  const rand = mulberry32(2026);
  return seats.filter(() => rand() < pattern).map((s) => s.id);
}

function scenario(name: string, pattern: number | 'alternate', request: BestSeatsRequest, picks: number): BestScenarioResult {
  const { seats, stage } = arena();
  const taken = takenSeats(seats, pattern);
  const book = new SeatBook('bench-best', seats, RULES, counterIds('best'), { holds: [], orders: [], blockedSeatIds: taken }, stage);
  const now = Date.now();
  const times = new Float64Array(picks);
  let tier = '';
  for (let i = -picks; i < picks; i++) {
    const command: Command = { type: 'hold', buyerId: 'bench', seatIds: [], best: request };
    const started = performance.now();
    const outcome = book.apply(command, now);
    const elapsed = performance.now() - started;
    if (!outcome.ok || outcome.type !== 'held') throw new Error(`best available failed in ${name}: ${outcome.ok ? outcome.type : outcome.message}`);
    if (i >= 0) times[i] = elapsed * 1000;
    if (i === 0) tier = describePick(outcome.hold.seatIds);
    book.apply({ type: 'release', buyerId: 'bench', holdId: outcome.hold.id }, now);
    book.takeBatch();
  }
  return { name, quantity: request.quantity, taken: taken.length, pickUs: percentiles(times), tier };
}

/** "one row: Section 101 row A" or "3 rows" — read back from the ids (section-row-number). */
function describePick(seatIds: string[]): string {
  const rows = new Set(seatIds.map((id) => id.slice(0, id.lastIndexOf('-'))));
  const sections = new Set(seatIds.map((id) => id.split('-')[0]));
  if (rows.size === 1) return `one row (${[...rows][0]})`;
  return `${rows.size} rows in ${sections.size} section${sections.size === 1 ? '' : 's'}`;
}

/** Manual holds of the uniform workload (1–4 adjacent seats, released again), rule off vs on. */
function manualHolds(count: number): BestAvailableResult['manualHoldsPerSec'] {
  const { seats, stage } = arena();
  const { intents } = makeWorkload('uniform');
  const run = (preventOrphanSeats: boolean) => {
    const book = new SeatBook('bench-manual', seats, { ...RULES, preventOrphanSeats }, counterIds(preventOrphanSeats ? 'on' : 'off'), undefined, stage);
    const now = Date.now();
    let commands = 0;
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const outcome = book.apply({ type: 'hold', buyerId: `b${i}`, seatIds: intents[i % intents.length].seatIds }, now);
      commands++;
      if (outcome.ok && outcome.type === 'held') {
        book.apply({ type: 'release', buyerId: `b${i}`, holdId: outcome.hold.id }, now);
        commands++;
      }
      if ((i & 1023) === 0) book.takeBatch();
    }
    return (commands / (performance.now() - started)) * 1000;
  };
  run(false); // warm-up
  run(true);
  // Alternating runs, so both settings see the same machine noise; the median of each.
  const off: number[] = [];
  const on: number[] = [];
  for (let i = 0; i < 5; i++) {
    off.push(run(false));
    on.push(run(true));
  }
  return { ruleOff: summarize(off).median, ruleOn: summarize(on).median };
}

export function runBestAvailable(spec: BestAvailableSpec): BestAvailableResult {
  const fewer = Math.max(10, spec.picks / 10);
  const scenarios = [
    scenario('8 seats, half sold (scattered)', 0.5, { quantity: 8 }, spec.picks),
    scenario('8 seats, Upper Tier only, half sold (scattered)', 0.5, { quantity: 8, categoryIds: ['upper'] }, spec.picks),
    scenario('2 seats, half sold (scattered)', 0.5, { quantity: 2 }, spec.picks),
    // Fallbacks: no row has the group together.
    scenario('20 seats, half sold (scattered)', 0.5, { quantity: 20 }, fewer),
    scenario('8 seats, 70 % sold (scattered)', 0.7, { quantity: 8 }, fewer),
    scenario('8 seats, every other seat sold', 'alternate', { quantity: 8 }, fewer),
  ];
  return { seats: arena().seats.length, scenarios, manualHoldsPerSec: manualHolds(spec.manualHolds) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const spec = JSON.parse(process.argv[2]) as BestAvailableSpec;
  try {
    const result = runBestAvailable(spec);
    if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
    else console.log(JSON.stringify(result, null, 1));
  } catch (error) {
    process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  }
}
