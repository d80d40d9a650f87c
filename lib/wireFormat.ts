// The part of the wire contract that needs no zod: limits, the compact seat
// status codes and deltas, version ordering and prices. lib/protocol.ts
// re-exports all of it beside the zod schemas. The browser imports it from here,
// so that what runs before the seat map's first frame (lib/client/earlyMap)
// does not load zod.

/** Largest number of seats one hold request may name (the per-buyer limit is usually lower). */
export const MAX_SEATS_PER_REQUEST = 50;

/** What any buyer may see about a seat. Admin blocks show as 'sold' (simply unavailable) to buyers. */
export const SEAT_STATUSES = ['available', 'held', 'sold'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];

export interface SeatChange {
  seatId: string;
  status: SeatStatus;
}

// ---------- compact live seat statuses (event:join snapshot, seats:update deltas) ----------
//
// Both address a seat by its index in `EventDetail.seats`, whose order is the
// event's *layout order*: fixed for a given layout (the same on every request
// and after restarts) and identified by `EventDetail.layoutKey`. Only an
// organizer's layout change (announced with `event:changed` 'layout') gives a
// new order and a new key. Statuses are one ASCII character each.

/** One character per public status: 'a' available, 'h' held, 's' sold (admin blocks read as sold). */
export const SEAT_STATUS_CODES = { available: 'a', held: 'h', sold: 's' } as const satisfies Record<SeatStatus, string>;
export type SeatStatusCode = (typeof SEAT_STATUS_CODES)[SeatStatus];
const STATUS_BY_CODE: Record<string, SeatStatus | undefined> = { a: 'available', h: 'held', s: 'sold' };

/** Snapshot: character i is the status code of `EventDetail.seats[i]` (protocol.ts: seatStatusesSchema). */
export const SEAT_STATUSES_PATTERN = /^[ahs]*$/;
/** Delta: entries `<distance><code>`, in ascending seat index; see `encodeSeatDelta` (protocol.ts: seatDeltaSchema). */
export const SEAT_DELTA_PATTERN = /^(?:\d{1,7}[ahs])*$/;

export function seatStatusOfCode(code: string): SeatStatus | undefined {
  return STATUS_BY_CODE[code];
}

/**
 * Encodes seat changes as a delta string. `indices` must be distinct seat indices;
 * `codes[k]` is the status code of `indices[k]`. Entries are sorted by index and each
 * carries its distance from the previous entry's index (the first: from 0), so a busy
 * batch costs ~2–3 bytes per change: seats 5→held, 7→available, 120→sold is "5h2a113s".
 */
export function encodeSeatDelta(indices: ArrayLike<number>, codes: ArrayLike<string>): string {
  const order = Array.from({ length: indices.length }, (_, k) => k).sort((a, b) => indices[a] - indices[b]);
  let out = '';
  let previous = 0;
  for (const k of order) {
    out += `${indices[k] - previous}${codes[k]}`;
    previous = indices[k];
  }
  return out;
}

/**
 * Calls `visit(seatIndex, status)` for every entry of a delta. Returns false (having
 * visited nothing) when the delta is malformed or names an index ≥ `seatCount`.
 */
export function decodeSeatDelta(delta: string, seatCount: number, visit: (seatIndex: number, status: SeatStatus) => void): boolean {
  if (!SEAT_DELTA_PATTERN.test(delta)) return false;
  const entries: number[] = [];
  let index = 0;
  let distance = 0;
  for (let i = 0; i < delta.length; i++) {
    const c = delta.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      distance = distance * 10 + (c - 48);
      continue;
    }
    index += distance;
    distance = 0;
    if (index >= seatCount || (entries.length > 0 && entries[entries.length - 2] >= index)) return false;
    entries.push(index, c);
  }
  for (let k = 0; k < entries.length; k += 2) visit(entries[k], STATUS_BY_CODE[String.fromCharCode(entries[k + 1])]!);
  return true;
}

/** Seat changes by id, from a delta and the layout's seat ids (tests and tools; the map works with indices). */
export function seatChangesOf(delta: string, seatIds: readonly string[]): SeatChange[] | null {
  const changes: SeatChange[] = [];
  return decodeSeatDelta(delta, seatIds.length, (i, status) => changes.push({ seatId: seatIds[i], status })) ? changes : null;
}

/** Statuses by seat id, from a snapshot string and the layout's seat ids; null if they do not match. */
export function seatStatusesOf(statuses: string, seatIds: readonly string[]): Record<string, SeatStatus> | null {
  if (statuses.length !== seatIds.length || !SEAT_STATUSES_PATTERN.test(statuses)) return null;
  const out: Record<string, SeatStatus> = {};
  for (let i = 0; i < seatIds.length; i++) out[seatIds[i]] = STATUS_BY_CODE[statuses[i]]!;
  return out;
}

/**
 * What a client at `myVersion` does with a seats:update: 'apply' it, 'ignore' an old one, or
 * 'resync' (re-join for a fresh snapshot) because versions between are missing. An update
 * starting at or before `myVersion + 1` can be applied: its statuses are absolute, so
 * re-applying changes the client already has leaves them as they are.
 */
export function updateAction(myVersion: number, update: { fromVersion: number; version: number }): 'apply' | 'ignore' | 'resync' {
  if (update.version <= myVersion) return 'ignore';
  return update.fromVersion <= myVersion + 1 ? 'apply' : 'resync';
}

export function formatPrice(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-IE', {
    style: 'currency',
    currency,
    minimumFractionDigits: cents % 100 === 0 ? 0 : 2,
  }).format(cents / 100);
}
