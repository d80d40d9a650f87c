// Words for seats: the accessible names used by the list picker, the canvas
// announcements and the tooltip all come from here so they never disagree.
import type { SeatStatus } from '../protocol';
import { formatPrice } from './format';
import type { GaAreaGroup, SeatIndex } from './seatIndex';

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
