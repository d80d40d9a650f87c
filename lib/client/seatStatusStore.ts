// Live seat statuses for one event, kept outside React so a 20k-seat map can
// apply deltas without re-rendering. React reads it via useSyncExternalStore
// (subscribe + `revision`); the canvas subscribes to the changed indices.
import { decodeSeatDelta, SEAT_STATUS_CODES, SEAT_STATUSES_PATTERN, type SeatStatus } from '../wireFormat';
import type { SeatIndex } from './seatIndex';

export const STATUS_AVAILABLE = 0;
export const STATUS_HELD = 1;
export const STATUS_SOLD = 2;
const CODE_OF: Record<SeatStatus, number> = { available: STATUS_AVAILABLE, held: STATUS_HELD, sold: STATUS_SOLD };
const STATUS_OF: SeatStatus[] = ['available', 'held', 'sold'];
/** Wire status code (char code) → store code. */
const STORE_CODE: Record<number, number> = Object.fromEntries(
  STATUS_OF.map((status) => [SEAT_STATUS_CODES[status].charCodeAt(0), CODE_OF[status]]),
);

/** `null` means "everything may have changed" (a fresh snapshot). */
export type SeatChangeListener = (changedIndices: number[] | null) => void;

export class SeatStatusStore {
  readonly codes: Uint8Array;
  /** The server's availability version the codes reflect; -1 before the first snapshot. */
  version = -1;
  /** Bumps on every change; the React snapshot value. */
  revision = 0;
  private listeners = new Set<SeatChangeListener>();

  constructor(readonly index: SeatIndex) {
    this.codes = new Uint8Array(index.count);
  }

  status(seatIndex: number): SeatStatus {
    return STATUS_OF[this.codes[seatIndex]] ?? 'sold';
  }

  statusById(seatId: string): SeatStatus | undefined {
    const i = this.index.indexById.get(seatId);
    return i === undefined ? undefined : this.status(i);
  }

  counts(): { available: number; held: number; sold: number } {
    const totals = [0, 0, 0];
    for (let i = 0; i < this.codes.length; i++) totals[this.codes[i]]++;
    return { available: totals[0], held: totals[1], sold: totals[2] };
  }

  /** How many of these seats are available (a GA area's places left). */
  freeCount(indices: readonly number[]): number {
    let n = 0;
    for (const i of indices) if (this.codes[i] === STATUS_AVAILABLE) n++;
    return n;
  }

  /**
   * Replaces all statuses from an event:join snapshot (one code per seat, in layout order).
   * Returns false, changing nothing, if it does not fit this layout.
   */
  replaceStatuses(version: number, statuses: string): boolean {
    if (statuses.length !== this.codes.length || !SEAT_STATUSES_PATTERN.test(statuses)) return false;
    for (let i = 0; i < statuses.length; i++) this.codes[i] = STORE_CODE[statuses.charCodeAt(i)];
    this.version = version;
    this.emit(null);
    return true;
  }

  /** Applies one seats:update delta and moves to `version`; false (nothing applied) if it is malformed. */
  applyDelta(version: number, delta: string): boolean {
    const changed: number[] = [];
    const ok = decodeSeatDelta(delta, this.codes.length, (i, status) => {
      const code = CODE_OF[status];
      if (this.codes[i] !== code) {
        this.codes[i] = code;
        changed.push(i);
      }
    });
    if (!ok) return false;
    this.version = version;
    this.emit(changed);
    return true;
  }

  subscribe = (listener: SeatChangeListener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * For useSyncExternalStore: at most one notification per animation frame. A busy on-sale
   * commits hundreds of versions a second; re-rendering React components for each of them
   * starved the browser's frames (the canvas repaints changed seats through `subscribe`).
   */
  subscribeRevision = (onChange: () => void): (() => void) => {
    let frame: number | null = null;
    const unsubscribe = this.subscribe(() => {
      if (frame !== null) return;
      frame = nextFrame(() => {
        frame = null;
        onChange();
      });
    });
    return () => {
      unsubscribe();
      if (frame !== null) cancelFrame(frame);
      frame = null;
    };
  };
  getRevision = (): number => this.revision;

  private emit(changed: number[] | null): void {
    this.revision++;
    for (const listener of this.listeners) listener(changed);
  }
}

// requestAnimationFrame where there is one (the browser); a timer elsewhere (tests, server rendering).
const nextFrame = (fn: () => void): number =>
  typeof requestAnimationFrame === 'function' ? requestAnimationFrame(fn) : (setTimeout(fn, 16) as unknown as number);
const cancelFrame = (id: number): void =>
  typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(id) : clearTimeout(id as unknown as ReturnType<typeof setTimeout>);
