// Timers driven by a fake clock, for loop tests: nothing fires until the
// test advances `clock.now` and calls fireDue().
import type { Timers } from '../../server/loop/reservationLoop';

export class FakeTimers implements Timers {
  private pending = new Map<number, { at: number; fn: () => void }>();
  private nextHandle = 1;

  constructor(private readonly clock: { now: number }) {}

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.clock.now + ms, fn });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  dueTimes(): number[] {
    return [...this.pending.values()].map((t) => t.at).sort((a, b) => a - b);
  }

  /** Fires every timer due at the current fake time; returns how many fired. */
  fireDue(): number {
    let fired = 0;
    for (const [handle, t] of [...this.pending]) {
      if (t.at <= this.clock.now) {
        this.pending.delete(handle);
        t.fn();
        fired++;
      }
    }
    return fired;
  }
}
