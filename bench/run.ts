// npm run bench [-- --smoke] [-- --only inprocess,best,socket,fanout,broadcast,memory,waitingroom,seatmap,fixes,cluster]
//               [-- --designs loop-full,txn-full] [-- --workloads hot] [-- --no-docs]
// Runs the benchmark suite, prints a table, writes bench/results/<timestamp>.json
// and regenerates docs/benchmarks.md from it (bench/report.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { AdmissionResult, AdmissionSpec } from './admissionTick';
import type { BestAvailableResult, BestAvailableSpec } from './bestAvailable';
import { benchDir, forkTs } from './children';
import { DESIGN_NAMES, DESIGNS, type DesignDef, type DesignName } from './baselines';
import { runCluster, stopClusterBench } from './cluster';
import type { BroadcastResult } from './broadcastCost';
import { runFanout } from './fanout';
import { runFixExperiments } from './fixes';
import { runInProcess, type InProcessResult, type InProcessSpec } from './inprocess';
import { describeMachine } from './machine';
import { startBenchPostgres, type BenchPostgres } from './pgArena';
import { profilePostgres, type PgProfile, type PgProfileSpec } from './pgProfile';
import { runMemory } from './memory';
import { startRedis, type RedisHandle } from './redisServer';
import { printTable, writeDocs } from './report';
import type { BenchResults } from './results';
import { runQueueLoad } from './queueLoad';
import { runSeatMap } from './seatmap';
import { runSocketLoad } from './socketLoad';
import { summarize } from './stats';
import { WORKLOADS, type WorkloadName } from './workloads';

const SECTIONS = ['inprocess', 'best', 'socket', 'fanout', 'broadcast', 'memory', 'waitingroom', 'seatmap', 'fixes', 'cluster'] as const;
type Section = (typeof SECTIONS)[number];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const smoke = process.argv.includes('--smoke');
const only = (arg('only')?.split(',') ?? SECTIONS) as Section[];
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Re-runs this command with the open-file limit raised to the hard limit (for 10,000 sockets). */
function fdLimits(): { soft: number; hard: number } {
  const out = execFileSync('sh', ['-c', 'ulimit -n; ulimit -Hn'], { encoding: 'utf8' }).trim().split('\n');
  const num = (s: string) => (s === 'unlimited' ? 1_048_576 : Number(s));
  return { soft: num(out[0]), hard: num(out[1]) };
}
const limits = fdLimits();
if (limits.soft < Math.min(limits.hard, 65_536) && !process.env.BENCH_ULIMIT_RAISED) {
  const target = Math.min(limits.hard, 65_536);
  const child = spawnSync('sh', ['-c', `ulimit -n ${target} && exec "$@"`, 'sh', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_ULIMIT_RAISED: '1' },
  });
  process.exit(child.status ?? 1);
}

const SIZES = smoke
  ? {
      inprocess: { runs: 1, openRuns: 1, clients: 200, maxCommands: 3_000, maxMs: 400, coreCommands: 20_000, warmup: false },
      best: { picks: 20, manualHolds: 5_000 },
      socket: { levels: [20], runs: 1, windowMs: 500, offeredRate: 500 },
      memory: [50, 100],
      fanout: { levels: [20], runs: 1, windowMs: 500, churnHoldsPerSec: 100 },
      broadcast: { sizes: [100], broadcasts: 4, gapMs: 50 },
      seatmap: { runs: 1, windowMs: 1000, seatUpdatesPerSec: 200 },
      fixes: { commands: 50_000, auditRows: [0, 20_000] },
      admission: { waiting: { sqlite: [300], postgres: [300] }, steps: 2, admitPerMinute: 6_000 },
      queue: { preQueue: 100, arrivals: 100, seeded: 1_000, socketLevels: [20], windowMs: 1_500, runs: 1, admitPerMinute: 600 },
      cluster: { processCounts: [2], viewers: 300, runs: 1, windowMs: 1_000, churnHoldsPerSec: 50, buyers: 20, arenaCopies: 1, severalEvents: 2, failoverTrials: 1 },
    }
  : {
      inprocess: { runs: 5, openRuns: 3, clients: 2_000, maxCommands: 400_000, maxMs: 2_000, coreCommands: 2_000_000, warmup: true },
      best: { picks: 2_000, manualHolds: 400_000 },
      socket: { levels: [100, 1_000, 5_000], runs: 3, windowMs: 5_000, offeredRate: 20_000 },
      memory: [1_000, 10_000],
      fanout: { levels: [1_000, 10_000], runs: 3, windowMs: 5_000, churnHoldsPerSec: 220 },
      broadcast: { sizes: [1_000, 5_000, 10_000], broadcasts: 30, gapMs: 250 },
      seatmap: { runs: 5, windowMs: 5_000, seatUpdatesPerSec: 1_000 },
      fixes: { commands: 600_000, auditRows: [0, 250_000, 1_000_000] },
      admission: { waiting: { sqlite: [10_000, 100_000], postgres: [10_000, 100_000] }, steps: 20, admitPerMinute: 6_000 },
      // 60 a minute: one admission per step keeps an update going out every step while the queue stays long.
      queue: { preQueue: 5_000, arrivals: 5_000, seeded: 90_000, socketLevels: [1_000, 10_000], windowMs: 5_000, runs: 3, admitPerMinute: 60 },
      // The fan-out section's churn (220 holds/s) and viewers, spread over 1, 2 and 3 processes; failovers on 3.
      // Three arenas (each process keeps a replica of every event). With 9, two processes on this loaded box
      // lost and re-took leases all the time (see docs/benchmarks.md, Cluster).
      cluster: { processCounts: [1, 2, 3], viewers: 10_000, runs: 3, windowMs: 5_000, churnHoldsPerSec: 220, buyers: 200, arenaCopies: 2, severalEvents: 3, failoverTrials: 5 },
    };

/** Mixed sells seats for good: bound it so the arena never sells out within a run. */
const MIXED_MAX_COMMANDS = smoke ? 3_000 : 60_000;

/** One design × workload: in this process for smoke runs, else in a child of its own. */
async function runSpec(spec: InProcessSpec): Promise<InProcessResult> {
  const start = loadavg()[0];
  let result: InProcessResult;
  if (smoke) result = await runInProcess(spec);
  else {
    // One process per design × workload: no shared heap, JIT state or page cache of another design.
    const child = forkTs(join(benchDir, 'inprocess.ts'), [JSON.stringify(spec)], { maxOldSpaceMb: 8192 });
    result = (await child.next<{ type: string; result: InProcessResult }>('result', 600_000).finally(() => child.stop())).result;
  }
  return { ...result, loadAvg: { start, end: loadavg()[0] } };
}

interface Services {
  redisUrl?: string;
  redisSkip?: string;
  postgresUrl?: string;
  postgresSkip?: string;
}

async function inProcessSection(services: Services) {
  const designs = (arg('designs')?.split(',') as DesignName[] | undefined) ?? DESIGN_NAMES;
  const workloads = (arg('workloads')?.split(',') as WorkloadName[] | undefined) ?? WORKLOADS;
  // Smoke: every design once on the mixed workload (holds, confirms, releases, expiries), the loop on all three.
  const wanted = (design: DesignName, workload: WorkloadName) => !smoke || workload === 'mixed' || design === 'loop-normal';
  const sz = SIZES.inprocess;
  const results: InProcessResult[] = [];
  const openLoop: InProcessResult[] = [];
  const skipped: Record<string, string> = {};
  const specOf = (design: DesignName, workload: WorkloadName): InProcessSpec => {
    const def = DESIGNS[design];
    return {
      design,
      workload,
      runs: sz.runs,
      clients: sz.clients,
      maxCommands: def.kind === 'core' ? sz.coreCommands : workload === 'mixed' ? MIXED_MAX_COMMANDS : sz.maxCommands,
      maxMs: def.kind === 'core' ? 3 * sz.maxMs : sz.maxMs,
      redisUrl: services.redisUrl,
      postgresUrl: services.postgresUrl,
      warmup: sz.warmup,
    };
  };
  for (const workload of workloads) {
    for (const design of designs) {
      const def: DesignDef = DESIGNS[design];
      if (!wanted(design, workload)) continue;
      if (def.kind === 'sqlite' && def.needsRedis && !services.redisUrl) {
        skipped[design] = services.redisSkip ?? 'no redis-server';
        continue;
      }
      if (def.kind === 'postgres' && !services.postgresUrl) {
        skipped[design] = services.postgresSkip ?? 'no PostgreSQL';
        continue;
      }
      const result = await runSpec(specOf(design, workload));
      results.push(result);
      log(`  ${workload.padEnd(8)} ${design.padEnd(15)} ${Math.round(result.perSec.median).toLocaleString('en-US').padStart(11)} cmd/s`);
    }
    // PostgreSQL: latency at one rate every PostgreSQL design sustains (half the slowest one's closed-loop hold rate).
    const pgDone = results.filter((r) => r.workload === workload && DESIGNS[r.design].kind === 'postgres');
    if (pgDone.length === 0) continue;
    const holdRate = (r: InProcessResult) => summarize(r.runs.map((x) => ((x.holdsOk + x.holdsFailed) / x.elapsedMs) * 1000)).median;
    const holdsPerSec = Math.max(10, Math.round((0.5 * Math.min(...pgDone.map(holdRate))) / 10) * 10);
    for (const done of pgDone) {
      const result = await runSpec({ ...specOf(done.design, workload), holdsPerSec, runs: sz.openRuns });
      openLoop.push(result);
      const p = result.runs[result.runs.length >> 1]?.latencyMs;
      log(`  ${workload.padEnd(8)} ${done.design.padEnd(15)} open loop ${holdsPerSec} holds/s: p50 ${p?.p50.toFixed(1)} ms, p99 ${p?.p99.toFixed(1)} ms`);
    }
  }
  // Where PostgreSQL's time goes: one more run of the loop on every workload and of the row-lock design on hot,
  // with pg_stat_statements, pg_stat_activity samples and WAL timing on (bench/pgProfile.ts).
  const postgresProfiles: PgProfile[] = [];
  const profiled: [DesignName, WorkloadName][] = smoke
    ? [['pg-loop', 'mixed'], ['pg-txn', 'mixed']]
    : [['pg-txn', 'hot'], ['pg-loop', 'uniform'], ['pg-loop', 'hot'], ['pg-loop', 'mixed']];
  for (const [design, workload] of profiled) {
    if (!services.postgresUrl || !results.some((r) => r.design === design && r.workload === workload)) continue;
    const spec: PgProfileSpec = { postgresUrl: services.postgresUrl, design, workload, clients: sz.clients, maxCommands: workload === 'mixed' ? MIXED_MAX_COMMANDS : sz.maxCommands, maxMs: sz.maxMs };
    let profile: PgProfile;
    if (smoke) profile = await profilePostgres(spec);
    else {
      const child = forkTs(join(benchDir, 'pgProfile.ts'), [JSON.stringify(spec)], { maxOldSpaceMb: 4096 });
      profile = (await child.next<{ type: string; result: PgProfile }>('result', 600_000).finally(() => child.stop())).result;
    }
    postgresProfiles.push(profile);
    log(`  profile ${design} ${workload}: PostgreSQL executed statements for ${Math.round(profile.serverMs)} ms of a ${Math.round(profile.wallMs)} ms run`);
  }
  return { results, openLoop, postgresProfiles, skipped, clients: sz.clients, maxMs: sz.maxMs, runs: sz.runs, mixedMaxCommands: MIXED_MAX_COMMANDS };
}

async function main(): Promise<void> {
  const started = new Date();
  const results: BenchResults = {
    version: 1,
    smoke,
    startedAt: started.toISOString(),
    finishedAt: '',
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: describeMachine(limits.soft >= 65_536 || process.env.BENCH_ULIMIT_RAISED ? fdLimits().soft : limits.soft),
  };
  const fd = results.machine.fdLimit;
  log(`seatline bench${smoke ? ' (smoke)' : ''}: ${only.join(', ')}; ${results.machine.cpus} × ${results.machine.cpuModel}`);
  let redis: RedisHandle | null = null;
  let postgres: BenchPostgres | null = null;
  let postgresSkip: string | null = null;
  /** One private PostgreSQL for every section that needs it, started on first use, stopped at the end. */
  const ensurePostgres = async (): Promise<BenchPostgres | { skipped: string }> => {
    if (postgres) return postgres;
    if (postgresSkip) return { skipped: postgresSkip };
    const started = await startBenchPostgres();
    if ('skipped' in started) {
      postgresSkip = started.skipped;
      log(`  PostgreSQL skipped: ${started.skipped}`);
      return started;
    }
    postgres = started;
    results.machine.postgres = started.version;
    return started;
  };
  const errors: string[] = [];
  /** A section that throws is recorded and the others still run; the exit code says it failed. */
  const section = async (name: Section, run: () => Promise<void>) => {
    if (!only.includes(name)) return;
    // The box is shared: the 1-minute load average every 5 s says how much of it this section had.
    const samples = [loadavg()[0]];
    const sampler = setInterval(() => samples.push(loadavg()[0]), 5_000);
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push(`${name}: ${message}`);
      log(`  ${name} FAILED: ${message}`);
    } finally {
      clearInterval(sampler);
      samples.push(loadavg()[0]);
      const round = (n: number) => Math.round(n * 100) / 100;
      (results.load ??= {})[name] = { min: round(Math.min(...samples)), mean: round(samples.reduce((a, b) => a + b, 0) / samples.length), max: round(Math.max(...samples)) };
    }
  };
  // Stopped by a signal: stop the servers this run started (PostgreSQL runs detached from this process).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`bench: ${signal}, stopping its servers`);
      void Promise.allSettled([redis?.stop(), postgres?.stop(), stopClusterBench()]).finally(() => process.exit(130));
    });
  }
  try {
    await section('inprocess', async () => {
      log('in-process throughput');
      const services: Services = {};
      const chosen = (arg('designs')?.split(',') as DesignName[] | undefined) ?? DESIGN_NAMES;
      if (chosen.some((d) => d.startsWith('redis'))) {
        const started = await startRedis(log);
        if ('skipped' in started) {
          services.redisSkip = started.skipped;
          log(`  Redis baseline skipped: ${started.skipped}`);
        } else {
          redis = started;
          services.redisUrl = started.url;
          results.machine.redis = started.version;
        }
      }
      if (chosen.some((d) => DESIGNS[d].kind === 'postgres')) {
        const started = await ensurePostgres();
        if ('skipped' in started) services.postgresSkip = started.skipped;
        else services.postgresUrl = started.url;
      }
      results.inprocess = await inProcessSection(services);
      await redis?.stop();
      redis = null;
    });
    await section('best', async () => {
      log('best available and the no-orphan rule, in the core');
      const spec: BestAvailableSpec = SIZES.best;
      const child = forkTs(join(benchDir, 'bestAvailable.ts'), [JSON.stringify(spec)], { maxOldSpaceMb: 2048 });
      const message = await child.next<{ type: string; result: BestAvailableResult }>('result', 600_000).finally(() => child.stop());
      results.best = message.result;
      for (const s of results.best.scenarios) log(`  ${s.name.padEnd(70)} p50 ${s.pickUs.p50.toFixed(0)} µs, p99 ${s.pickUs.p99.toFixed(0)} µs`);
    });
    await section('fixes', async () => {
      log('proposed fixes, before/after');
      results.fixes = await runFixExperiments(SIZES.fixes.commands, SIZES.fixes.auditRows);
    });
    await section('socket', async () => {
      log('end-to-end over Socket.IO');
      results.socket = await runSocketLoad({ ...SIZES.socket, synchronous: 'FULL', fdLimit: fd, log });
    });
    await section('broadcast', async () => {
      log('broadcast cost per socket (Socket.IO vs a raw write)');
      const child = forkTs(join(benchDir, 'broadcastCost.ts'), [JSON.stringify(SIZES.broadcast)], { maxOldSpaceMb: 2048 });
      results.broadcast = (await child.next<{ type: string; result: BroadcastResult }>('result', 900_000).finally(() => child.stop())).result;
    });
    await section('memory', async () => {
      log('memory per socket');
      results.memory = await runMemory(SIZES.memory, fd, log);
    });
    await section('fanout', async () => {
      log('fan-out');
      results.fanout = await runFanout({ ...SIZES.fanout, fdLimit: fd, log });
    });
    await section('waitingroom', async () => {
      log('waiting room: admission steps with many waiting, join storms, queue:update fan-out');
      const pg = await ensurePostgres();
      const spec: AdmissionSpec = { ...SIZES.admission, postgresUrl: 'url' in pg ? pg.url : undefined };
      const child = forkTs(join(benchDir, 'admissionTick.ts'), [JSON.stringify(spec)], { maxOldSpaceMb: 4096 });
      const admission = (await child.next<{ type: string; result: AdmissionResult }>('result', 1_800_000).finally(() => child.stop())).result;
      for (const c of admission.cases) log(`  ${c.store} ${c.waiting} waiting: opening ${(c.openMs / 1000).toFixed(1)} s, step p50 ${c.stepMs.p50.toFixed(1)} ms`);
      const queue = await runQueueLoad({ ...SIZES.queue, fdLimit: fd, log });
      results.waitingRoom = { admission, queue, postgresSkipped: 'skipped' in pg ? pg.skipped : undefined };
    });
    await section('cluster', async () => {
      log('cluster: N server processes on PostgreSQL + Redis (fan-out, holds across processes, failover)');
      // --cluster-processes 1,2: other process counts (failover trials run on the last one when it is ≥ 2).
      const processCounts = arg('cluster-processes')?.split(',').map(Number) ?? SIZES.cluster.processCounts;
      results.cluster = await runCluster({ ...SIZES.cluster, processCounts, fdLimit: fd, log });
      results.machine.postgres ??= results.cluster.postgres;
    });
    await section('seatmap', async () => {
      log('seat map in headless Chromium');
      results.seatmap = await runSeatMap({ ...SIZES.seatmap, log });
      if (results.seatmap.skipped) log(`  skipped: ${results.seatmap.skipped}`);
    });
  } finally {
    await (redis as RedisHandle | null)?.stop();
    await (postgres as BenchPostgres | null)?.stop();
  }
  results.errors = errors;
  // --merge <results.json>: keep that file's other sections (re-running one section of a full run).
  const mergeFile = arg('merge');
  if (mergeFile) {
    const base = JSON.parse(readFileSync(mergeFile, 'utf8')) as BenchResults;
    for (const name of SECTIONS) {
      const key = name === 'waitingroom' ? 'waitingRoom' : name;
      if (!only.includes(name) && base[key] !== undefined) (results as unknown as Record<string, unknown>)[key] = base[key];
      if (!only.includes(name) && base.load?.[name]) (results.load ??= {})[name] = base.load[name];
    }
    results.machine = { ...base.machine, ...results.machine, redis: results.machine.redis ?? base.machine.redis, postgres: results.machine.postgres ?? base.machine.postgres };
    results.mergedFrom = `${mergeFile.split('/').pop()} (${base.startedAt}), re-ran: ${only.join(', ')}`;
    const span = (x: BenchResults) => x.durationMs ?? Date.parse(x.finishedAt) - Date.parse(x.startedAt);
    results.durationMs = span(base) + (Date.now() - started.getTime());
  }
  results.finishedAt = new Date().toISOString();
  const dir = join(benchDir, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().replace(/[:.]/g, '-')}${smoke ? '-smoke' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 1)}\n`);
  process.stdout.write(printTable(results));
  log(`results: ${file}`);
  const partial = ['--designs', '--workloads'].some((a) => process.argv.includes(a)) || (process.argv.includes('--only') && !mergeFile);
  if (smoke || partial || process.argv.includes('--no-docs')) {
    log(`docs/benchmarks.md not regenerated (${smoke ? 'smoke' : 'partial'} run); to use this file: npx tsx bench/report.ts ${file}`);
  } else if (errors.length) log('docs/benchmarks.md not regenerated: a section failed');
  else log(`docs: ${writeDocs(results, file)}`);
  if (errors.length) throw new Error(`${errors.length} section(s) failed:\n${errors.join('\n')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
