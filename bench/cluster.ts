// The distributed mode (issue 11) on this box: N real server processes on a
// private PostgreSQL and Redis (bench/clusterRig.ts), for N in processCounts.
// Per N:
//   holds   — closed loop, buyers spread evenly over the processes (one loadWorker
//             each, connected to its process): on the arena alone, then on several
//             arenas at once. Acked holds/s, latency at the client, CPU per process.
//   fan-out — light viewers (bench/lightViewer.ts) spread evenly over the processes,
//             joined to the arena, while the buyers churn holds (open loop, hold then
//             release) through every process. Staleness = the owner's commit of a
//             version → a viewer receiving the seats:update that carries it (every
//             10th viewer records receipts), split by viewers on the owner and on
//             the other processes; also commit → the notice reached a replica (the Redis hop).
// On the last N (≥ 2): failover trials (bench/clusterFailover.ts) while the buyers
// churn and the viewers watch; then every acknowledged hold and order is audited
// against the database.
import { join } from 'node:path';
import { auditAcks, failoverTrial, type AckAudit, type AckedHold, type FailoverTrial } from './clusterFailover';
import { ARENA, startClusterServices, startRig, type Member, type Rig } from './clusterRig';
import type { ClusterWindowReport } from './clusterServer';
import { benchDir, forkTs, type Child } from './children';
import { mergedPercentiles, percentiles, summarize, type Percentiles, type Summary } from './stats';

export interface ProcessFigures {
  instanceId: string;
  /** Events whose loop this process ran in the window. */
  owns: string[];
  cpuPct: number;
  rssMb: number;
  sockets: number;
}

export interface ClusterHolds {
  events: number;
  buyers: number;
  holdsPerSec: Summary;
  okHoldsPerSec: Summary;
  p50: Summary;
  p99: Summary;
  max: Summary;
  timeouts: number;
  failures: Record<string, number>;
  /** One event: latency of buyers on the owner (local) and on the others (routed through Redis), median run. */
  local?: Percentiles;
  routed?: Percentiles;
  processes: ProcessFigures[];
}

export interface ClusterFanoutRun {
  staleness: Percentiles;
  onOwner: Percentiles;
  onReplicas: Percentiles;
  /** Owner's commit → the notice reached a replica process (the Redis stream hop). */
  replicaApply: Percentiles;
  framesPerSec: number;
  versionsPerSec: number;
  churnHoldsPerSec: number;
  churnP99: number;
  /** Churned holds granted, and the refusals by code (a churn that is refused commits nothing to fan out). */
  churnOkPerSec: number;
  churnFailures: Record<string, number>;
  alive: number;
  processes: ProcessFigures[];
}

export interface ClusterLevel {
  processes: number;
  viewers: number;
  joined: number;
  joinMs: number;
  connectMs: number;
  /** Where each event's loop ran (instance id). */
  owners: Record<string, string>;
  holds: ClusterHolds[];
  fanout: { p50: Summary; p99: Summary; max: Summary; onOwnerP99: Summary; onReplicasP99: Summary; replicaApplyP99: Summary; runs: ClusterFanoutRun[] };
  /** Leases lost and event-loop lag, summed / maxed over the level's processes (from /metrics at its end): a cluster that thrashes shows here. */
  health?: { ownershipLost: number; ownershipAcquired: number; eventLoopLagMaxMs: number };
  failoverError?: string;
  failover?: { trials: FailoverTrial[]; firstHoldMs: Summary; ownerSeenMs: Summary; audit: AckAudit; leaseTtlMs: number };
  skipped?: string;
}

export interface ClusterResult {
  levels: ClusterLevel[];
  postgres: string;
  churnHoldsPerSec: number;
  windowMs: number;
  runs: number;
}

export interface ClusterOptions {
  processCounts: number[];
  viewers: number;
  runs: number;
  windowMs: number;
  churnHoldsPerSec: number;
  buyers: number;
  arenaCopies: number;
  /** Arenas in the several-events holds run (taken in turn from each process's own). */
  severalEvents: number;
  failoverTrials: number;
  fdLimit: number;
  log: (s: string) => void;
}

interface WorkerHolds {
  holdAcks: number;
  holdsOk: number;
  timeouts: number;
  failures: Record<string, number>;
  elapsedMs: number;
  latency: { samples: number[]; seen: number; max: number };
}

interface Attached {
  member: Member;
  buyers: Child;
  viewers: Child[];
}

const VIEWERS_PER_WORKER = 5_000;
/** The product's default lease (LEASE_TTL_MS): the failover measured is the one a deployment gets. */
const LEASE_TTL_MS = 3_000;

/** `count` of the arenas, taken in turn from each process's own (so that every process runs about as many of their loops). */
function spreadEvents(arenaIds: string[], owners: Record<string, string>, instanceIds: string[], count: number): string[] {
  const queues = instanceIds.map((id) => arenaIds.filter((e) => owners[e] === id));
  const out: string[] = [];
  while (out.length < count && queues.some((q) => q.length)) for (const q of queues) if (q.length && out.length < count) out.push(q.shift()!);
  return out;
}

/** A figure from a process's /metrics (summed over its labels when `label` matches), or NaN. */
async function metric(member: Member, name: string, label = ''): Promise<number> {
  try {
    const text = await (await fetch(`${member.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    return text
      .split('\n')
      .filter((line) => (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) && line.includes(label))
      .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  } catch {
    return NaN;
  }
}

async function levelHealth(rig: Rig): Promise<NonNullable<ClusterLevel['health']>> {
  const live = rig.live();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    ownershipLost: sum(await Promise.all(live.map((m) => metric(m, 'seatline_ownership_changes_total', 'change="lost"')))),
    ownershipAcquired: sum(await Promise.all(live.map((m) => metric(m, 'seatline_ownership_changes_total', 'change="acquired"')))),
    eventLoopLagMaxMs: 1000 * Math.max(...(await Promise.all(live.map((m) => metric(m, 'seatline_nodejs_eventloop_lag_max_seconds'))))),
  };
}

const share = (total: number, parts: number, i: number) => Math.floor(total / parts) + (i < total % parts ? 1 : 0);

async function attach(member: Member, buyers: number): Promise<Attached> {
  const worker = forkTs(join(benchDir, 'loadWorker.ts'), [], { maxOldSpaceMb: 2048 });
  await worker.next('ready');
  await worker.request({ type: 'connect', url: member.url, count: buyers }, 600_000);
  return { member, buyers: worker, viewers: [] };
}

async function stopAttached(a: Attached): Promise<void> {
  await Promise.all([a.buyers.stop(), ...a.viewers.map((v) => v.stop())]);
}

async function healthOwners(rig: Rig): Promise<Record<string, string>> {
  const owners: Record<string, string> = {};
  for (const m of rig.live()) for (const e of (await rig.health(m))?.ownedEvents ?? []) owners[e] = m.instanceId;
  return owners;
}

function figures(reports: ClusterWindowReport[], owners: Record<string, string>): ProcessFigures[] {
  return reports.map((r) => ({
    instanceId: r.instanceId,
    owns: Object.keys(owners).filter((e) => owners[e] === r.instanceId),
    cpuPct: (100 * r.cpuMs) / r.wallMs,
    rssMb: r.rssMb,
    sockets: r.sockets,
  }));
}

/** One window of holds on the attached buyers' workers, with every live process's report. */
async function holdsWindow(rig: Rig, attached: Attached[], spec: Record<string, unknown>) {
  await rig.windowStart();
  const parts = await Promise.all(attached.map((a, i) => a.buyers.request<WorkerHolds>({ type: 'holds', seed: i + 1, ...spec }, 300_000)));
  const reports = await rig.windowEnd();
  return { parts, reports };
}

async function holdsRuns(rig: Rig, attached: Attached[], eventIds: string[], opts: ClusterOptions, owners: Record<string, string>): Promise<ClusterHolds> {
  const spec = { mode: 'closed', workload: 'uniform', eventIds };
  await holdsWindow(rig, attached, { ...spec, durationMs: 1_000 }); // warm-up
  const windows: { parts: WorkerHolds[]; reports: ClusterWindowReport[] }[] = [];
  for (let r = 0; r < opts.runs; r++) windows.push(await holdsWindow(rig, attached, { ...spec, durationMs: opts.windowMs }));
  const perWindow = windows.map(({ parts }) => {
    const seconds = Math.max(...parts.map((p) => p.elapsedMs)) / 1000;
    return { acks: parts.reduce((n, p) => n + p.holdAcks, 0) / seconds, ok: parts.reduce((n, p) => n + p.holdsOk, 0) / seconds, latency: mergedPercentiles(parts.map((p) => p.latency)) };
  });
  const median = windows[windows.map((_, i) => i).sort((a, b) => perWindow[a].ok - perWindow[b].ok)[windows.length >> 1]];
  const failures: Record<string, number> = {};
  for (const w of windows) for (const p of w.parts) for (const [k, v] of Object.entries(p.failures)) failures[k] = (failures[k] ?? 0) + v;
  const ownerOfArena = owners[ARENA];
  const byRole = (local: boolean) => {
    const parts = median.parts.filter((_, i) => (attached[i].member.instanceId === ownerOfArena) === local);
    return parts.length ? mergedPercentiles(parts.map((p) => p.latency)) : undefined;
  };
  return {
    events: eventIds.length,
    buyers: opts.buyers,
    holdsPerSec: summarize(perWindow.map((w) => w.acks)),
    okHoldsPerSec: summarize(perWindow.map((w) => w.ok)),
    p50: summarize(perWindow.map((w) => w.latency.p50)),
    p99: summarize(perWindow.map((w) => w.latency.p99)),
    max: summarize(perWindow.map((w) => w.latency.max)),
    timeouts: windows.reduce((n, w) => n + w.parts.reduce((m, p) => m + p.timeouts, 0), 0),
    failures,
    ...(eventIds.length === 1 ? { local: byRole(true), routed: byRole(false) } : {}),
    processes: figures(median.reports, owners),
  };
}

/** One fan-out window: viewers record receipts while the buyers churn at `churnHoldsPerSec` in all. */
async function fanoutRun(rig: Rig, attached: Attached[], opts: ClusterOptions, durationMs: number, owners: Record<string, string>): Promise<ClusterFanoutRun> {
  const viewerWorkers = attached.flatMap((a) => a.viewers.map((v) => ({ member: a.member, v })));
  await Promise.all(viewerWorkers.map(({ v }) => v.request({ type: 'view-start' })));
  const churn = await holdsWindow(rig, attached, { mode: 'open', ratePerSocket: opts.churnHoldsPerSec / opts.buyers, durationMs, workload: 'uniform', eventIds: [ARENA] });
  const ends = await Promise.all(viewerWorkers.map(({ v }) => v.request<{ alive: number; frames: number; receipts: number[] }>({ type: 'view-end' }, 300_000)));
  const commitAt = new Map(churn.reports.flatMap((r) => r.commits));
  const ownerId = owners[ARENA];
  const onOwner: number[] = [];
  const onReplicas: number[] = [];
  ends.forEach((end, i) => {
    const into = viewerWorkers[i].member.instanceId === ownerId ? onOwner : onReplicas;
    for (let k = 0; k < end.receipts.length; k += 2) {
      const at = commitAt.get(end.receipts[k]);
      if (at !== undefined) into.push(end.receipts[k + 1] - at);
    }
  });
  const apply: number[] = [];
  for (const r of churn.reports) {
    for (const [version, at] of r.applied) {
      const committed = commitAt.get(version);
      if (committed !== undefined) apply.push(at - committed);
    }
  }
  const seconds = durationMs / 1000;
  return {
    staleness: percentiles([...onOwner, ...onReplicas]),
    onOwner: percentiles(onOwner),
    onReplicas: percentiles(onReplicas),
    replicaApply: percentiles(apply),
    framesPerSec: ends.reduce((n, e) => n + e.frames, 0) / seconds,
    versionsPerSec: commitAt.size / seconds,
    churnHoldsPerSec: churn.parts.reduce((n, p) => n + p.holdAcks, 0) / seconds,
    churnP99: mergedPercentiles(churn.parts.map((p) => p.latency)).p99,
    churnOkPerSec: churn.parts.reduce((n, p) => n + p.holdsOk, 0) / seconds,
    churnFailures: churn.parts.reduce<Record<string, number>>((all, p) => {
      for (const [k, v] of Object.entries(p.failures)) all[k] = (all[k] ?? 0) + v;
      return all;
    }, {}),
    alive: ends.reduce((n, e) => n + e.alive, 0),
    processes: figures(churn.reports, owners),
  };
}

async function failovers(rig: Rig, attached: Attached[], opts: ClusterOptions, eventIds: string[]): Promise<NonNullable<ClusterLevel['failover']>> {
  const trials: FailoverTrial[] = [];
  const acked: AckedHold[] = [];
  for (let t = 0; t < opts.failoverTrials; t++) {
    const victim = await rig.ownerOf(ARENA);
    const survivors = attached.filter((a) => a.member.alive && a.member !== victim);
    // The churn runs through the processes that survive (the victim's buyers would only time out).
    const churn = Promise.all(
      survivors.map((a, i) => a.buyers.request({ type: 'holds', seed: 100 + i, mode: 'open', ratePerSocket: opts.churnHoldsPerSec / opts.buyers, durationMs: 8_000, workload: 'uniform', eventIds: [ARENA] }, 300_000)),
    );
    const { trial, acked: mine } = await failoverTrial(rig, { leadMs: 1_500, tailMs: 500, timeoutMs: 30_000 });
    await churn;
    trials.push(trial);
    acked.push(...mine);
    opts.log(`    failover ${t + 1}: kill -9 ${trial.victim} → ${trial.newOwner} owns the arena after ${trial.ownerSeenMs.toFixed(0)} ms, first hold after ${trial.firstHoldMs.toFixed(0)} ms`);
    // Replace the dead process (a new instance id) and give it its share of the buyers.
    const dead = attached.findIndex((a) => !a.member.alive);
    if (dead >= 0) {
      await stopAttached(attached[dead]);
      const member = await rig.add();
      attached[dead] = await attach(member, share(opts.buyers, attached.length, dead));
    }
    await rig.settled(eventIds);
  }
  const audit = await auditAcks(rig.databaseUrl, acked);
  opts.log(`    audit: ${audit.holdsAcked} acknowledged holds, ${audit.ordersAcked} orders; lost ${audit.lostHolds.length} holds, ${audit.lostOrders.length} orders; ${audit.duplicateRequests} duplicate requests`);
  return {
    trials,
    firstHoldMs: summarize(trials.map((t) => t.firstHoldMs)),
    ownerSeenMs: summarize(trials.map((t) => t.ownerSeenMs)),
    audit,
    leaseTtlMs: LEASE_TTL_MS,
  };
}

/** Stops what a running cluster bench started (for run.ts's signal handler: PostgreSQL runs detached). */
let stopRunning: (() => Promise<void>) | null = null;
export async function stopClusterBench(): Promise<void> {
  await stopRunning?.();
}

export async function runCluster(opts: ClusterOptions): Promise<ClusterResult> {
  const services = await startClusterServices(opts.arenaCopies);
  let rigNow: Rig | null = null;
  stopRunning = async () => {
    await rigNow?.stop();
    await services.stop();
  };
  const eventIds = [...services.arenaIds, 'demo-theatre'];
  const levels: ClusterLevel[] = [];
  try {
    for (const [index, n] of opts.processCounts.entries()) {
      if (opts.viewers / n + 500 > opts.fdLimit) {
        levels.push({ processes: n, skipped: `open-file limit ${opts.fdLimit}` } as ClusterLevel);
        continue;
      }
      const rig = await startRig(services, n, { leaseTtlMs: LEASE_TTL_MS });
      rigNow = rig;
      const attached: Attached[] = [];
      try {
        await rig.settled(eventIds);
        const owners = await healthOwners(rig);
        opts.log(`  ${n} process(es): ${Object.entries(owners).map(([e, i]) => `${e}@${i}`).join(', ')}`);
        attached.push(...(await Promise.all(rig.members.map((m, i) => attach(m, share(opts.buyers, n, i))))));
        const several = spreadEvents(services.arenaIds, owners, rig.members.map((m) => m.instanceId), opts.severalEvents);
        const holds = [await holdsRuns(rig, attached, [ARENA], opts, owners), await holdsRuns(rig, attached, several, opts, owners)];
        for (const h of holds) opts.log(`    holds on ${h.events} event(s): ${Math.round(h.okHoldsPerSec.median)} holds/s, p99 ${h.p99.median.toFixed(1)} ms`);
        // Viewers, evenly over the processes, in workers of at most 5,000 each.
        const mine = (i: number) => share(opts.viewers, n, i);
        for (const [i, a] of attached.entries()) {
          const workers = Math.max(1, Math.ceil(mine(i) / VIEWERS_PER_WORKER));
          for (let w = 0; w < workers; w++) a.viewers.push(forkTs(join(benchDir, 'loadWorker.ts'), [], { maxOldSpaceMb: 2048 }));
        }
        await Promise.all(attached.flatMap((a) => a.viewers.map((v) => v.next('ready'))));
        const connectStarted = performance.now();
        await Promise.all(
          attached.flatMap((a, i) =>
            a.viewers.map((v, w) => v.request({ type: 'connect-light', url: a.member.url, count: share(mine(i), a.viewers.length, w) }, 900_000)),
          ),
        );
        const connectMs = performance.now() - connectStarted;
        const joinStarted = performance.now();
        const joins = await Promise.all(attached.flatMap((a) => a.viewers.map((v) => v.request<{ joined: number }>({ type: 'join', eventId: ARENA }, 900_000))));
        const joinMs = performance.now() - joinStarted;
        const joined = joins.reduce((s, j) => s + j.joined, 0);
        opts.log(`    ${joined} of ${opts.viewers} viewers joined (connect ${(connectMs / 1000).toFixed(1)} s, join ${(joinMs / 1000).toFixed(1)} s)`);
        await fanoutRun(rig, attached, opts, 1_000, owners); // warm-up
        const runs: ClusterFanoutRun[] = [];
        for (let r = 0; r < opts.runs; r++) runs.push(await fanoutRun(rig, attached, opts, opts.windowMs, owners));
        const pick = (f: (r: ClusterFanoutRun) => number) => summarize(runs.map(f));
        const level: ClusterLevel = {
          processes: n,
          viewers: opts.viewers,
          joined,
          joinMs,
          connectMs,
          owners,
          holds,
          fanout: {
            p50: pick((r) => r.staleness.p50),
            p99: pick((r) => r.staleness.p99),
            max: pick((r) => r.staleness.max),
            onOwnerP99: pick((r) => r.onOwner.p99),
            onReplicasP99: pick((r) => r.onReplicas.p99),
            replicaApplyP99: pick((r) => r.replicaApply.p99),
            runs,
          },
        };
        opts.log(`    fan-out: staleness p50 ${level.fanout.p50.median.toFixed(1)} ms, p99 ${level.fanout.p99.median.toFixed(1)} ms, max ${level.fanout.max.median.toFixed(0)} ms`);
        level.health = await levelHealth(rig);
        opts.log(`    leases lost ${level.health.ownershipLost}, acquired ${level.health.ownershipAcquired}; event-loop lag max ${level.health.eventLoopLagMaxMs.toFixed(0)} ms`);
        levels.push(level);
        if (n >= 2 && index === opts.processCounts.length - 1 && opts.failoverTrials > 0) {
          try {
            level.failover = await failovers(rig, attached, opts, eventIds);
          } catch (error) {
            opts.log(`    failover trials FAILED: ${error instanceof Error ? error.message : String(error)}`);
            level.failoverError = `failover trials failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`;
          }
        }
      } catch (error) {
        // A level that fails is recorded and the next one still runs.
        opts.log(`    level of ${n} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        if (!levels.some((l) => l.processes === n)) levels.push({ processes: n, skipped: `failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}` } as ClusterLevel);
      } finally {
        await Promise.all(attached.map(stopAttached));
        await rig.stop();
        rigNow = null;
      }
    }
  } finally {
    stopRunning = null;
    await services.stop();
  }
  return { levels, postgres: services.postgresVersion, churnHoldsPerSec: opts.churnHoldsPerSec, windowMs: opts.windowMs, runs: opts.runs };
}
