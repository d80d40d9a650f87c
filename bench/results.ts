// The shape of a results JSON, and the helpers every report module reads it with.
import type { DesignName } from './baselines';
import type { ClusterResult } from './cluster';
import type { BroadcastResult } from './broadcastCost';
import type { FanoutLevel } from './fanout';
import type { FixResult } from './fixes';
import type { InProcessResult } from './inprocess';
import type { Machine } from './machine';
import type { MemoryResult } from './memory';
import type { AdmissionResult } from './admissionTick';
import type { PgProfile } from './pgProfile';
import type { BestAvailableResult } from './bestAvailable';
import type { QueueLoadResult } from './queueLoad';
import type { SeatMapResult } from './seatmap';
import type { LevelResult } from './socketLoad';
import type { WorkloadName } from './workloads';

export interface BenchResults {
  version: 1;
  smoke: boolean;
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: Machine;
  inprocess?: {
    results: InProcessResult[];
    /** PostgreSQL designs in an open loop at one rate they all sustain (absent from older results). */
    openLoop?: InProcessResult[];
    /** One profiled run per PostgreSQL design of interest (pg_stat_statements). */
    postgresProfiles?: PgProfile[];
    skipped: Record<string, string>;
    clients: number;
    maxMs: number;
    runs: number;
    mixedMaxCommands: number;
  };
  fixes?: FixResult[];
  /** Best available and the no-orphan rule in the core (bench/bestAvailable.ts). */
  best?: BestAvailableResult;
  socket?: LevelResult[];
  memory?: MemoryResult;
  fanout?: FanoutLevel[];
  /** What one broadcast costs per socket: Socket.IO against a raw write (bench/broadcastCost.ts). */
  broadcast?: BroadcastResult;
  seatmap?: SeatMapResult;
  /** The waiting room (issue 12): admission steps in the store, join storms and queue:update fan-out over the network. */
  waitingRoom?: { admission: AdmissionResult; queue: QueueLoadResult; postgresSkipped?: string };
  /** The distributed mode (issue 11): N processes on PostgreSQL + Redis (bench/cluster.ts). */
  cluster?: ClusterResult;
  /** Set when sections of an earlier results file were kept (run.ts --merge). */
  mergedFrom?: string;
  /** Wall time of all the sections in this file (summed over merged runs). */
  durationMs?: number;
  /** Sections that failed (the run exits non-zero). */
  errors?: string[];
  /** The 1-minute load average sampled every 5 s during each section (absent from older results). */
  load?: Record<string, { min: number; mean: number; max: number }>;
}

export function inproc(r: BenchResults, design: DesignName, workload: WorkloadName): InProcessResult | undefined {
  return r.inprocess?.results.find((x) => x.design === design && x.workload === workload);
}

/** Ratio of medians, measured in the same run. */
export function ratio(r: BenchResults, a: DesignName, b: DesignName, w: WorkloadName): number {
  const x = inproc(r, a, w)?.perSec.median;
  const y = inproc(r, b, w)?.perSec.median;
  return x && y ? x / y : NaN;
}
export const fmtRatio = (n: number) => (Number.isFinite(n) ? `${n >= 10 ? n.toFixed(0) : n.toFixed(1)}×` : '—');

export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function loadSpread(results: InProcessResult[]): string {
  const starts = results.map((x) => x.loadAvg?.start).filter((v): v is number => v !== undefined);
  if (starts.length === 0) return '';
  return `\n\nThe 1-minute load average when each design × workload started ranged from ${Math.min(...starts).toFixed(1)} to ${Math.max(...starts).toFixed(1)} (see Machine): rows measured at very different loads compare less well than their ratios suggest.`;
}

/** One goal of the bench, what this run measured, and whether it was met (null: not measured). */
export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}
