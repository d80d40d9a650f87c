// In-process throughput: virtual buyers drive one design with a workload's
// intents, no network. Each buyer has one command in flight (closed loop):
// hold → (if won) release / confirm / abandon → next hold. Every reply counts
// as one command. A run stops after `maxCommands` submitted or `maxMs`.
//
// Run as a child process (one per design × workload, so designs never share
// a heap or JIT state):  tsx bench/inprocess.ts '<json spec>'  → IPC result.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { arenaLayout } from '../db/demoVenues';
import { cryptoIds } from '../server/ids';
import { SeatBook } from '../core/seatBook';
import type { Command, IdSource, Outcome } from '../core/types';
import { createArenaDb, counterIds, EVENT_ID, MAX_SEATS_PER_BUYER } from './arena';
import { DESIGNS, type DesignDef, type DesignName } from './baselines';
import { createPgArena } from './pgArena';
import type { Design } from './baselines/design';
import { percentiles, Reservoir, summarize, type Percentiles, type Summary } from './stats';
import { buyerDetails, makeWorkload, type Intent, type Workload, type WorkloadName } from './workloads';

export interface DriveOptions {
  clients: number;
  maxCommands: number;
  maxMs: number;
  /**
   * Open loop: buyers start at this many per second (each a hold, then its follow-up), however
   * many are still waiting for answers; `clients` is then ignored. Closed loop when absent.
   */
  holdsPerSec?: number;
}

export interface RunCounts {
  commands: number;
  elapsedMs: number;
  perSec: number;
  holdsOk: number;
  holdsFailed: number;
  confirms: number;
  releases: number;
  failures: Record<string, number>;
  stats: Record<string, number>;
  /** Submit → reply of every command, ms (absent from results made before it was recorded). */
  latencyMs?: Percentiles;
  /** Open loop only: the hold starts per second asked for. */
  offeredHoldsPerSec?: number;
}

class Counter {
  commands = 0;
  holdsOk = 0;
  holdsFailed = 0;
  confirms = 0;
  releases = 0;
  failures: Record<string, number> = {};
  count(command: Command, outcome: Outcome): void {
    this.commands++;
    if (command.type === 'hold') {
      if (outcome.ok) this.holdsOk++;
      else this.holdsFailed++;
    } else if (outcome.ok) {
      if (command.type === 'confirm') this.confirms++;
      else this.releases++;
    }
    if (!outcome.ok) this.failures[outcome.code] = (this.failures[outcome.code] ?? 0) + 1;
  }
}

/** The command that follows a won hold, or null when the buyer walks away. */
function followUp(intent: Intent, outcome: Outcome, cursor: number): Command | null {
  if (!outcome.ok || outcome.type !== 'held' || intent.then === 'abandon') return null;
  const { buyerId, id: holdId } = outcome.hold;
  if (intent.then === 'release') return { type: 'release', buyerId, holdId };
  return { type: 'confirm', buyerId, holdId, idempotencyKey: `bench-key-${cursor}`, buyer: buyerDetails(cursor) };
}

export function driveDesign(design: Design, workload: Workload, opts: DriveOptions): Promise<RunCounts> {
  const { intents } = workload;
  const counter = new Counter();
  const latency = new Reservoir(100_000, 7);
  const open = opts.holdsPerSec !== undefined;
  let cursor = 0;
  let submitted = 0;
  let inFlight = 0;
  let stopping = false;
  let measuredMs = 0;
  const started = performance.now();
  const deadline = started + opts.maxMs;
  return new Promise((resolve) => {
    const finish = () => {
      // Closed loop: until the last reply. Open loop: over the window the load was offered in
      // (the replies still due when it closed are counted; waiting for them is not).
      const elapsedMs = open ? measuredMs : performance.now() - started;
      resolve({
        ...counter,
        elapsedMs,
        perSec: (counter.commands / elapsedMs) * 1000,
        stats: design.stats(),
        latencyMs: percentiles(latency.samples),
        ...(open ? { offeredHoldsPerSec: opts.holdsPerSec } : {}),
      });
    };
    const done = () => performance.now() >= deadline || submitted >= opts.maxCommands;
    const stop = () => {
      if (!stopping) measuredMs = performance.now() - started;
      stopping = true;
      if (inFlight === 0) finish();
    };
    const send = (command: Command, then: (outcome: Outcome) => void) => {
      submitted++;
      inFlight++;
      const sentAt = performance.now();
      design.submit(command, (outcome) => {
        inFlight--;
        latency.add(performance.now() - sentAt);
        counter.count(command, outcome);
        then(outcome);
      });
    };
    /** One buyer: a hold, then (if won) its follow-up; `after` runs once the buyer is done. */
    const buyer = (after: () => void) => {
      const n = cursor++;
      const intent = intents[n % intents.length];
      send({ type: 'hold', buyerId: `b${n}`, seatIds: intent.seatIds }, (outcome) => {
        const next = followUp(intent, outcome, n);
        if (next && !(stopping && !open)) send(next, after);
        else after();
      });
    };
    if (!open) {
      const nextHold = () => (stopping || done() ? stop() : buyer(nextHold));
      for (let i = 0; i < opts.clients; i++) nextHold();
      return;
    }
    // Open loop: start buyers on a fixed schedule (a timer every few ms starts all that are due).
    const intervalMs = 1000 / opts.holdsPerSec!;
    let startedBuyers = 0;
    const afterBuyer = () => {
      if (stopping && inFlight === 0) finish();
    };
    const timer = setInterval(() => {
      const due = Math.floor((performance.now() - started) / intervalMs) + 1;
      while (startedBuyers < due && !done()) {
        startedBuyers++;
        buyer(afterBuyer);
      }
      if (done()) {
        clearInterval(timer);
        stop();
      }
    }, 2);
  });
}

/** The bare in-memory core: SeatBook.apply in a tight loop, batches taken every 1,024 commands. */
export function driveCore(workload: Workload, opts: DriveOptions, ids: IdSource): RunCounts {
  const specs = arenaLayout().seats.map((s) => ({ id: s.id, priceCents: s.priceCents }));
  const book = new SeatBook(EVENT_ID, specs, {
    holdTtlMs: workload.holdTtlMs,
    maxSeatsPerBuyer: MAX_SEATS_PER_BUYER,
    maxExtensions: 1,
    saleStatus: 'open',
    saleOpensAt: null,
    saleClosesAt: null,
    preventOrphanSeats: false, // these seats carry no places, as in the loop designs' bench arena (rule off)
  }, ids);
  const { intents } = workload;
  const counter = new Counter();
  const pending: (Command | null)[] = new Array(opts.clients).fill(null);
  let cursor = 0;
  let now = Date.now();
  let batches = 0;
  const started = performance.now();
  const deadline = started + opts.maxMs;
  outer: for (;;) {
    for (let c = 0; c < opts.clients; c++) {
      const queued = pending[c];
      if (queued) {
        counter.count(queued, book.apply(queued, now));
        pending[c] = null;
      } else {
        const n = cursor++;
        const intent = intents[n % intents.length];
        const command: Command = { type: 'hold', buyerId: `b${n}`, seatIds: intent.seatIds };
        const outcome = book.apply(command, now);
        counter.count(command, outcome);
        pending[c] = followUp(intent, outcome, n);
      }
      if ((counter.commands & 1023) === 0) {
        book.takeBatch();
        batches++;
        now = Date.now();
        book.expireDue(now);
        if (counter.commands >= opts.maxCommands || performance.now() >= deadline) break outer;
      }
    }
  }
  book.takeBatch();
  const elapsedMs = performance.now() - started;
  return { ...counter, elapsedMs, perSec: (counter.commands / elapsedMs) * 1000, stats: { batches } };
}

// ---------- child-process entry ----------

export interface InProcessSpec {
  design: DesignName;
  workload: WorkloadName;
  runs: number;
  clients: number;
  maxCommands: number;
  maxMs: number;
  redisUrl?: string;
  /** URL of the bench's own PostgreSQL server (PostgreSQL designs only); each run gets a fresh database on it. */
  postgresUrl?: string;
  /** Open loop at this many buyers (holds) per second instead of `clients` in a closed loop. */
  holdsPerSec?: number;
  /** One short unmeasured run first (JIT, page cache). */
  warmup?: boolean;
}

export interface InProcessResult {
  design: DesignName;
  workload: WorkloadName;
  perSec: Summary;
  runs: RunCounts[];
  /** The box's 1-minute load average when this design × workload started and ended (set by run.ts). */
  loadAvg?: { start: number; end: number };
}

async function oneRun(spec: InProcessSpec, workload: Workload, runIndex: number): Promise<RunCounts> {
  const opts: DriveOptions = { clients: spec.clients, maxCommands: spec.maxCommands, maxMs: spec.maxMs, holdsPerSec: spec.holdsPerSec };
  const def: DesignDef = DESIGNS[spec.design];
  const ids = counterIds(`r${runIndex}_`);
  switch (def.kind) {
    case 'core':
      return driveCore(workload, opts, def.cryptoIds ? cryptoIds : ids);
    case 'sqlite': {
      const arena = await createArenaDb(def.synchronous, workload.holdTtlMs);
      return driveOnce(await def.create({ store: arena.store, eventId: arena.eventId, holdTtlMs: workload.holdTtlMs, ids, redisUrl: spec.redisUrl }), workload, opts, arena);
    }
    case 'postgres': {
      if (!spec.postgresUrl) throw new Error(`${spec.design} needs a PostgreSQL server (postgresUrl)`);
      const arena = await createPgArena(spec.postgresUrl, workload.holdTtlMs);
      return driveOnce(await def.create({ store: arena.store, eventId: arena.eventId, holdTtlMs: workload.holdTtlMs, ids }), workload, opts, arena);
    }
    default: {
      const _exhaustive: never = def;
      throw new Error(`unknown design ${JSON.stringify(_exhaustive)}`);
    }
  }
}

async function driveOnce(design: Design, workload: Workload, opts: DriveOptions, arena: { dispose(): Promise<void> }): Promise<RunCounts> {
  try {
    return await driveDesign(design, workload, opts);
  } finally {
    await design.close();
    await arena.dispose();
  }
}

export async function runInProcess(spec: InProcessSpec): Promise<InProcessResult> {
  const workload = makeWorkload(spec.workload);
  const runs: RunCounts[] = [];
  // One short warm-up run (JIT, page cache), then the measured runs, each on a fresh database.
  if (spec.warmup !== false) {
    await oneRun({ ...spec, maxCommands: Math.min(spec.maxCommands, 20_000), maxMs: Math.min(spec.maxMs, 500) }, workload, 0);
  }
  for (let i = 1; i <= spec.runs; i++) {
    runs.push(await oneRun(spec, workload, i));
    global.gc?.();
  }
  return { design: spec.design, workload: spec.workload, perSec: summarize(runs.map((r) => r.perSec)), runs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const spec = JSON.parse(process.argv[2]) as InProcessSpec;
  runInProcess(spec).then(
    (result) => {
      if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
      else {
        console.log(JSON.stringify({ ...result, runs: result.runs.map(({ failures, stats, ...r }) => ({ ...r, failures, stats })) }, null, 1));
        process.exit(0);
      }
    },
    (error: unknown) => {
      process.send?.({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    },
  );
}
