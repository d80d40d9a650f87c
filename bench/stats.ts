// Small statistics helpers shared by every benchmark.

/** Median of several runs with the range, as every figure is reported. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Percentiles by nearest rank. Sorts a copy. */
export function percentiles(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
  const at = (q: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return { count: n, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[n - 1], mean: sum / n };
}

/** Keeps at most `limit` samples, uniformly (reservoir sampling), with an exact count and max. */
export class Reservoir {
  readonly samples: number[] = [];
  seen = 0;
  max = -Infinity;
  private state: number;
  constructor(
    private readonly limit = 50_000,
    seed = 1,
  ) {
    this.state = seed >>> 0 || 1;
  }
  add(value: number): void {
    this.seen++;
    if (value > this.max) this.max = value;
    if (this.samples.length < this.limit) {
      this.samples.push(value);
      return;
    }
    // xorshift32: cheap, deterministic
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    const j = this.state % this.seen;
    if (j < this.limit) this.samples[j] = value;
  }
}

/** Percentiles of merged reservoirs; max stays exact. */
export function mergedPercentiles(parts: { samples: number[]; seen: number; max: number }[]): Percentiles & { seen: number } {
  const all: number[] = [];
  let seen = 0;
  let max = -Infinity;
  for (const part of parts) {
    // Weight each part by how much it stands for: repeat-free proportional subsample.
    all.push(...part.samples);
    seen += part.seen;
    if (part.max > max) max = part.max;
  }
  const p = percentiles(all);
  return { ...p, max: all.length ? max : NaN, seen };
}

export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
export const fmtMs = (n: number) => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) : '—');
export const fmtRange = (s: Summary, fmt = fmtInt) => (s.n ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : '—');
