// "Before/after" of docs/benchmarks.md: headline figures of an earlier full run
// (bench/baseline/, committed, measured on the same machine before a round of
// fixes) next to the same figures of this run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir } from './children';
import type { BenchResults } from './results';
import { fmtRatio, inproc, ratio } from './results';
import { fmtInt, fmtMs } from './stats';

export const BASELINE_FILE = join(benchDir, 'baseline', 'before-2026-11-23.json');

interface Figure {
  name: string;
  unit: string;
  value(r: BenchResults): number | undefined;
  /** true when a larger number is better. */
  higherIsBetter: boolean;
  fmt?: (n: number) => string;
}

// A function, not a constant: report.ts imports this module and this module imports report.ts.
const figures = (): Figure[] => [
  { name: 'In-memory core, uniform', unit: 'commands/s', higherIsBetter: true, value: (r) => inproc(r, 'core', 'uniform')?.perSec.median },
  { name: 'Reservation loop FULL, uniform', unit: 'commands/s', higherIsBetter: true, value: (r) => inproc(r, 'loop-full', 'uniform')?.perSec.median },
  { name: 'Reservation loop FULL, hot', unit: 'commands/s', higherIsBetter: true, value: (r) => inproc(r, 'loop-full', 'hot')?.perSec.median },
  { name: 'Reservation loop NORMAL, hot', unit: 'commands/s', higherIsBetter: true, value: (r) => inproc(r, 'loop-normal', 'hot')?.perSec.median },
  { name: 'Loop ÷ transaction per request, hot, FULL', unit: '', higherIsBetter: true, value: (r) => ratio(r, 'loop-full', 'txn-full', 'hot'), fmt: fmtRatio },
  { name: 'Loop ÷ transaction per request, hot, NORMAL', unit: '', higherIsBetter: true, value: (r) => ratio(r, 'loop-normal', 'txn-normal', 'hot'), fmt: fmtRatio },
  {
    name: 'End-to-end, 1,000 clients, closed loop',
    unit: 'holds/s',
    higherIsBetter: true,
    value: (r) => {
      const s = r.socket?.find((l) => l.clients === 1_000)?.saturation;
      return s ? (s.okHoldsPerSec ?? s.holdsPerSec).median : undefined;
    },
  },
  { name: 'End-to-end, 1,000 clients, p99 at half capacity', unit: 'ms', higherIsBetter: false, value: (r) => r.socket?.find((l) => l.clients === 1_000)?.moderate?.p99.median, fmt: fmtMs },
  { name: 'Join storm, 10,000 viewers', unit: 's', higherIsBetter: false, value: (r) => fanout(r)?.joinMs, fmt: (n) => (n / 1000).toFixed(1) },
  { name: 'Fan-out staleness p99, 10,000 viewers', unit: 'ms', higherIsBetter: false, value: (r) => fanout(r)?.p99.median, fmt: fmtMs },
  { name: 'Heap per idle socket, 10,000 sockets', unit: 'KB', higherIsBetter: false, value: (r) => r.memory?.levels.find((l) => l.sockets >= 9_000)?.heapPerSocketKb, fmt: (n) => n.toFixed(1) },
  { name: 'Seat map, navigation → first full render', unit: 'ms', higherIsBetter: false, value: (r) => r.seatmap?.firstRenderMs?.median, fmt: fmtMs },
];

function fanout(r: BenchResults) {
  return r.fanout?.find((l) => l.viewers === 10_000 && !l.skipped);
}

export function loadBaseline(): BenchResults | null {
  return existsSync(BASELINE_FILE) ? (JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as BenchResults) : null;
}

/** Markdown rows: figure, before, after, change. Figures missing from either run are left out. */
export function comparisonRows(before: BenchResults, after: BenchResults): string[][] {
  const rows: string[][] = [];
  for (const f of figures()) {
    const a = f.value(before);
    const b = f.value(after);
    if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) continue;
    const fmt = f.fmt ?? fmtInt;
    const better = f.higherIsBetter ? b / a : a / b;
    const change = better >= 1.05 ? `${fmtRatio(better)} better` : better <= 0.95 ? `${fmtRatio(1 / better)} worse` : 'about the same';
    rows.push([f.name, `${fmt(a)} ${f.unit}`.trim(), `${fmt(b)} ${f.unit}`.trim(), change]);
  }
  return rows;
}
