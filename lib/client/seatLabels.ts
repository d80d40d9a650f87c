// Words for seats: the accessible names used by the list picker, the canvas
// announcements and the tooltip all come from here so they never disagree.
import type { HoldView, SeatStatus } from '../protocol';
import { formatDurationWords, formatPrice } from './format';
import type { GaAreaGroup, SeatIndex } from './seatIndex';
import type { HoldChangeKind } from './useEventLive';

export type SeatStatusText = 'available' | 'held by you' | 'held by others' | 'sold';

export function seatStatusText(status: SeatStatus, heldByMe: boolean): SeatStatusText {
  if (status === 'sold') return 'sold';
  if (heldByMe) return 'held by you';
  if (status === 'held') return 'held by others';
  return 'available';
}

/** "Balcony, row C, seat 10, €25, available" / "Section 101, row 4, seat 12, €45, held by others" */
export function seatAccessibleName(index: SeatIndex, seatIndex: number, statusText: SeatStatusText): string {
  const seat = index.seats[seatIndex];
  return `${index.sectionName(seatIndex)}, row ${seat.row}, seat ${seat.number}, ${index.price(seatIndex)}, ${statusText}`;
}

/** "3 of 5 left" / "Full" */
export function gaLeftText(left: number, total: number): string {
  return left === 0 ? 'Full' : `${left} of ${total} left`;
}

/** "Standing pit, general admission, €30, 3 of 5 places left" */
export function gaAreaAccessibleName(index: SeatIndex, area: GaAreaGroup, left: number): string {
  const total = area.seatIndices.length;
  return `${area.name}, general admission, ${formatPrice(area.priceCents, index.currency)}, ${left === 0 ? 'full' : `${left} of ${total} places left`}`;
}

/** "Section B row 4 seat 12 and Section B row 4 seat 13" */
export function joinSeatLabels(index: SeatIndex, seatIds: readonly string[]): string {
  const labels = seatIds.map((id) => {
    const i = index.indexById.get(id);
    return i === undefined ? `seat ${id}` : index.shortLabel(i);
  });
  if (labels.length <= 1) return labels[0] ?? '';
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** "a", "a and b", "a, b and c" */
function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * Seats as people say them, grouped by row and general-admission area:
 * "Stalls row C seats 4 and 5; 2 places in Standing pit".
 */
export function seatListText(index: SeatIndex, seatIds: readonly string[]): string {
  const groups = new Map<string, { head: string; numbers: string[]; places: number }>();
  for (const id of seatIds) {
    const i = index.indexById.get(id);
    if (i === undefined) continue;
    const area = index.gaAreaOf(i);
    const key = area ? `ga:${area.id}` : `${index.sectionOf[i].id}\u0000${index.seats[i].row}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { head: area ? area.name : `${index.sectionName(i)} row ${index.seats[i].row}`, numbers: [], places: 0 }));
    if (area) group.places++;
    else group.numbers.push(index.seats[i].number);
  }
  return [...groups.values()]
    .map((g) => (g.places > 0 ? `${g.places} ${g.places === 1 ? 'place' : 'places'} in ${g.head}` : `${g.head} ${g.numbers.length === 1 ? 'seat' : 'seats'} ${joinWords(g.numbers)}`))
    .join('; ');
}

/** Time left on a hold in words, to the minute once there are minutes (the ack's trip shaves off a few ms). */
function timeLeftWords(ms: number): string {
  return formatDurationWords(ms >= 90_000 ? Math.round(ms / 60_000) * 60_000 : ms);
}

/** What the map's live status says when one of the buyer's holds changes. */
export function holdChangeSentence(index: SeatIndex, kind: HoldChangeKind, hold: HoldView, nowMs: number): string {
  const seats = seatListText(index, hold.seatIds);
  const were = hold.seatIds.length === 1 ? 'was' : 'were';
  switch (kind) {
    case 'held':
      return `Held for you: ${seats}. You have ${timeLeftWords(hold.expiresAt - nowMs)} to check out.`;
    case 'extended':
      return `More time for ${seats}: ${timeLeftWords(hold.expiresAt - nowMs)} left to check out.`;
    case 'bought':
      return `Bought: ${seats}.`;
    case 'released':
      return `Released: ${seats}. ${hold.seatIds.length === 1 ? 'It is' : 'They are'} available to others again.`;
    case 'expired':
      return `Your hold expired: ${seats} ${were} released.`;
    case 'admin_released':
      return `The box office released your hold: ${seats} ${were} released.`;
    default: {
      const _exhaustive: never = kind;
      return String(_exhaustive);
    }
  }
}
