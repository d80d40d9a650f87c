// Live seat statuses for one event, kept outside React so a 20k-seat map can
// apply deltas without re-rendering. React reads it via useSyncExternalStore
// (subscribe + `revision`); the canvas subscribes to the changed indices.
import type { SeatChange, SeatStatus } from '../protocol';
import type { SeatIndex } from './seatIndex';

export const STATUS_AVAILABLE = 0;
export const STATUS_HELD = 1;
export const STATUS_SOLD = 2;
const CODE_OF: Record<SeatStatus, number> = { available: STATUS_AVAILABLE, held: STATUS_HELD, sold: STATUS_SOLD };
const STATUS_OF: SeatStatus[] = ['available', 'held', 'sold'];

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

  /** Replaces all statuses (seats missing from the snapshot count as available). */
  replaceAll(version: number, seats: Record<string, SeatStatus>): void {
    this.codes.fill(STATUS_AVAILABLE);
    for (const seatId in seats) {
      const i = this.index.indexById.get(seatId);
      if (i !== undefined) this.codes[i] = CODE_OF[seats[seatId]] ?? STATUS_SOLD;
    }
    this.version = version;
    this.emit(null);
  }

  /** Applies one delta batch and moves to `version`. */
  applyChanges(version: number, changes: SeatChange[]): void {
    const changed: number[] = [];
    for (const change of changes) {
      const i = this.index.indexById.get(change.seatId);
      if (i === undefined) continue;
      const code = CODE_OF[change.status] ?? STATUS_SOLD;
      if (this.codes[i] !== code) {
        this.codes[i] = code;
        changed.push(i);
      }
    }
    this.version = version;
    this.emit(changed);
  }

  subscribe = (listener: SeatChangeListener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** For useSyncExternalStore. */
  subscribeRevision = (onChange: () => void): (() => void) => this.subscribe(() => onChange());
  getRevision = (): number => this.revision;

  private emit(changed: number[] | null): void {
    this.revision++;
    for (const listener of this.listeners) listener(changed);
  }
}
