// At most one log line per kind of trouble per interval: a Redis outage or a
// stream of bad messages must not turn into a log line per request.

export class LogThrottle {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly intervalMs = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Whether to log `key` now. Returns null to stay quiet, else how many lines of that key were
   * suppressed since the last one. Keys are a small fixed set (kinds of trouble), so the map stays small.
   */
  allow(key: string): number | null {
    const now = this.clock();
    const entry = this.last.get(key);
    if (entry && now - entry.atMs < this.intervalMs) {
      entry.suppressed++;
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(key, { atMs: now, suppressed: 0 });
    return suppressed;
  }

  /** The trouble is over: the next occurrence logs at once. */
  clear(key: string): void {
    this.last.delete(key);
  }
}
