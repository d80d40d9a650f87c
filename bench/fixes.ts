// Before/after measurements of fixes proposed for server code that the bench
// found by profiling (docs/benchmarks.md, "Profiling"). Each compares the
// shipped code with the proposed change applied in this process only.
import { arenaLayout } from '../db/demoVenues';
import { SeatBook } from '../server/reservations/seatBook';
import { counterIds } from './arena';
import { driveCore } from './inprocess';
import { summarize, type Summary } from './stats';
import { makeWorkload } from './workloads';

export interface FixResult {
  name: string;
  what: string;
  applied: boolean;
  before: Summary;
  after: Summary;
  unit: string;
}

type Remember = (this: unknown, holdId: string, entry: unknown) => void;
const proto = SeatBook.prototype as unknown as { rememberEnded: Remember };
const shipped = proto.rememberEnded;
/** Proposed: two generations of at most 50,000 ended holds each; O(1), no Map iteration. */
const twoGenerations: Remember = function (this: unknown, holdId, entry) {
  const self = this as { endedHolds: Map<string, unknown>; previousEndedHolds?: Map<string, unknown> };
  self.endedHolds.set(holdId, entry);
  if (self.endedHolds.size >= 50_000) {
    self.previousEndedHolds = self.endedHolds;
    self.endedHolds = new Map();
  }
};

function endedHoldsEviction(commands: number): FixResult {
  const workload = makeWorkload('uniform');
  const opts = { clients: 2_000, maxCommands: commands, maxMs: 60_000 };
  const rate = (fn: Remember, i: number) => {
    proto.rememberEnded = fn;
    try {
      return driveCore(workload, opts, counterIds(`f${i}_`)).perSec;
    } finally {
      proto.rememberEnded = shipped;
    }
  };
  // Once the fix is in the code there is nothing to patch: measure the shipped code only.
  const applied = !shipped.toString().includes('keys().next()');
  rate(shipped, 0); // warm-up
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 1; i <= 3; i++) {
    before.push(rate(shipped, i));
    if (!applied) after.push(rate(twoGenerations, i + 10));
  }
  return {
    name: 'ended-holds-eviction',
    what: `SeatBook core, uniform workload, ${commands.toLocaleString('en-US')} commands from an empty book`,
    applied,
    before: summarize(before),
    after: summarize(applied ? before : after),
    unit: 'commands/s',
  };
}

function snapshotEncoding(): FixResult {
  const seats = arenaLayout().seats;
  const record: Record<string, string> = {};
  for (const s of seats) record[s.id] = 'available';
  const statusCode = { available: 'a', held: 'h', sold: 's' } as Record<string, string>;
  const time = (fn: () => string) => {
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      fn();
      samples.push(performance.now() - t);
    }
    return summarize(samples);
  };
  // What socket.io does per joining socket today: JSON-encode the whole ack.
  const before = time(() => JSON.stringify([{ ok: true, eventId: 'demo-arena', version: 1, seats: record, myHolds: [] }]));
  // Proposed: one character per seat in layout order (the client already has the layout),
  // built once per committed version (timed separately) and reused by every join.
  const build = time(() => seats.map((s) => statusCode[record[s.id]]).join(''));
  const statuses = seats.map((s) => statusCode[record[s.id]]).join('');
  const after = time(() => JSON.stringify([{ ok: true, eventId: 'demo-arena', version: 1, statuses, myHolds: [] }]));
  return {
    name: 'join-snapshot-encoding',
    what: `Encoding one event:join ack of the ${seats.length.toLocaleString('en-US')}-seat arena, per joining socket (the compact string costs ${build.median.toFixed(2)} ms once per version)`,
    applied: false,
    before,
    after,
    unit: 'ms',
  };
}

export async function runFixExperiments(commands: number): Promise<FixResult[]> {
  return [endedHoldsEviction(commands), snapshotEncoding()];
}
