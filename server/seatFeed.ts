// The public seat statuses of one event in layout order, for the live feed:
// the compact event:join snapshot (built once per committed version, shared
// by every join of that version) and the seat index of each change.
import { createHash } from 'node:crypto';
import { SEAT_STATUS_CODES, type SeatLayout, type SeatStatus } from '../lib/protocol';
import type { CoreStatusCode } from './events/commitNotice';

/** Layout order: seat ids compared by UTF-16 code unit (ids are ASCII, so byte order; the same as SQLite's BINARY). */
export function sortSeatsInLayoutOrder<T extends { id: string }>(seats: readonly T[]): T[] {
  return [...seats].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A short, stable name for a seat order: clients compare it with the key of the layout they hold. */
export function layoutKeyOf(seats: readonly { id: string }[]): string {
  const hash = createHash('sha256');
  for (const seat of seats) hash.update(seat.id).update('\n');
  return hash.digest('base64url').slice(0, 16);
}

const CODE_BYTE: Record<SeatStatus, number> = {
  available: SEAT_STATUS_CODES.available.charCodeAt(0),
  held: SEAT_STATUS_CODES.held.charCodeAt(0),
  sold: SEAT_STATUS_CODES.sold.charCodeAt(0),
};
/** Core status codes of commit notices → public status bytes (an admin block reads as sold). */
const PUBLIC_BYTE_OF_CORE: Record<CoreStatusCode, number> = { a: CODE_BYTE.available, h: CODE_BYTE.held, s: CODE_BYTE.sold, b: CODE_BYTE.sold };

/** The committed view the feed follows (server/events/committedView.ts). */
export interface StatusSource {
  readonly version: number;
  snapshot(): { version: number; seats: Record<string, SeatStatus> };
}

export class SeatFeed {
  readonly layoutKey: string;
  readonly seatCount: number;
  private readonly indexById = new Map<string, number>();
  /** ASCII status codes in layout order, as of `version`. */
  private readonly codes: Uint8Array;
  private version = -1;
  private cached: { version: number; statuses: string } | null = null;

  /** `seats` must already be in layout order (see sortSeatsInLayoutOrder). */
  constructor(
    seats: readonly SeatLayout[],
    private readonly source: StatusSource,
  ) {
    this.layoutKey = layoutKeyOf(seats);
    this.seatCount = seats.length;
    seats.forEach((seat, i) => this.indexById.set(seat.id, i));
    this.codes = new Uint8Array(seats.length);
    this.resync();
  }

  /** The seat's index in layout order, or undefined for an id not in this layout. */
  indexOf(seatId: string): number | undefined {
    return this.indexById.get(seatId);
  }

  /**
   * Applies one committed version's seat changes (in order, once each), as core status codes.
   * Anything but the next version means a batch was not seen here: start over from the source.
   */
  apply(version: number, seats: readonly (readonly [string, CoreStatusCode])[]): void {
    if (version !== this.version + 1) {
      this.resync();
      return;
    }
    for (const [seatId, code] of seats) {
      const i = this.indexById.get(seatId);
      if (i !== undefined) this.codes[i] = PUBLIC_BYTE_OF_CORE[code];
    }
    this.version = version;
  }

  /** The source started over (a reset): re-read it at the next snapshot. */
  invalidate(): void {
    this.version = -1;
    this.cached = null;
  }

  /**
   * The snapshot of the loop's committed version: built at most once per version (one
   * Latin-1 copy of the codes) and the same string for every join of that version.
   * If the feed lags the loop, it re-reads the loop first: never older statuses under a newer version.
   */
  snapshot(): { version: number; statuses: string } {
    if (this.version !== this.source.version) this.resync();
    if (this.cached?.version !== this.version) {
      this.cached = { version: this.version, statuses: Buffer.from(this.codes.buffer, this.codes.byteOffset, this.codes.length).toString('latin1') };
    }
    return this.cached;
  }

  private resync(): void {
    const snapshot = this.source.snapshot();
    // Seats missing from the loop's map (none, unless layout and loop disagree) are not for sale.
    this.codes.fill(CODE_BYTE.sold);
    for (const [seatId, i] of this.indexById) {
      if (Object.hasOwn(snapshot.seats, seatId)) this.codes[i] = CODE_BYTE[snapshot.seats[seatId]];
    }
    this.version = snapshot.version;
    this.cached = null;
  }
}
