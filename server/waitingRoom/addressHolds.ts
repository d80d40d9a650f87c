// "Seats held at once per event per client address" (issue 12): a count, not
// a rate, so it is not a token bucket. Behind a small interface so that a
// cluster can keep it in Redis; this process's memory is the embedded
// default (after a restart it starts from zero and only counts new holds).
export interface AddressHoldLimit {
  /**
   * Reserves `seats` for `addressKey` in `eventId` before a hold is tried: 0 when within the
   * limit, else how long until the address's earliest hold ends (ms, at least 1 s).
   */
  reserve(eventId: string, addressKey: string, seats: number, now: number): Promise<number>;
  /** The hold was refused: gives the reservation back. */
  cancel(eventId: string, addressKey: string, seats: number): Promise<void>;
  /** The hold was made: the reservation now belongs to it until it ends. */
  attach(holdId: string, eventId: string, addressKey: string, seats: number, expiresAt: number): Promise<void>;
  /** The hold was extended: it counts until its new expiry (and Retry-After says so). */
  extended(holdId: string, expiresAt: number): Promise<void>;
  /** The hold ended (expired, released, confirmed): its seats no longer count. */
  ended(holdId: string): Promise<void>;
}

/** Retry-After when the limit is used by reservations only (holds being made right now). */
export const RETRY_WITHOUT_HOLDS_MS = 60_000;

interface Held {
  eventId: string;
  addressKey: string;
  seats: number;
  expiresAt: number;
}

export class MemoryAddressHoldLimit implements AddressHoldLimit {
  private readonly counts = new Map<string, number>();
  private readonly holds = new Map<string, Held>();
  /** Per address and event, the holds it has (for Retry-After). */
  private readonly holdsOf = new Map<string, Set<string>>();

  constructor(private readonly limit: number) {}

  async reserve(eventId: string, addressKey: string, seats: number, now: number): Promise<number> {
    const key = `${eventId}\u0000${addressKey}`;
    const current = this.counts.get(key) ?? 0;
    if (current + seats > this.limit) {
      let earliest = Infinity;
      for (const holdId of this.holdsOf.get(key) ?? []) earliest = Math.min(earliest, this.holds.get(holdId)?.expiresAt ?? Infinity);
      return Math.max(1000, Number.isFinite(earliest) ? earliest - now : RETRY_WITHOUT_HOLDS_MS);
    }
    this.counts.set(key, current + seats);
    return 0;
  }

  async cancel(eventId: string, addressKey: string, seats: number): Promise<void> {
    this.take(`${eventId}\u0000${addressKey}`, seats);
  }

  async attach(holdId: string, eventId: string, addressKey: string, seats: number, expiresAt: number): Promise<void> {
    const key = `${eventId}\u0000${addressKey}`;
    this.holds.set(holdId, { eventId, addressKey, seats, expiresAt });
    let mine = this.holdsOf.get(key);
    if (!mine) this.holdsOf.set(key, (mine = new Set()));
    mine.add(holdId);
  }

  async extended(holdId: string, expiresAt: number): Promise<void> {
    const held = this.holds.get(holdId);
    if (held) held.expiresAt = expiresAt;
  }

  async ended(holdId: string): Promise<void> {
    const held = this.holds.get(holdId);
    if (!held) return;
    this.holds.delete(holdId);
    const key = `${held.eventId}\u0000${held.addressKey}`;
    const mine = this.holdsOf.get(key);
    mine?.delete(holdId);
    if (mine?.size === 0) this.holdsOf.delete(key);
    this.take(key, held.seats);
  }

  private take(key: string, seats: number): void {
    const next = (this.counts.get(key) ?? 0) - seats;
    if (next > 0) this.counts.set(key, next);
    else this.counts.delete(key);
  }
}
