// Plain words for a group of seats, for the best-available result and the
// no-orphan explanation.
import { pluralize } from '../../lib/client/format';
import type { SeatIndex } from '../../lib/client/seatIndex';

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "4 seats together in Stalls Centre, row A" · "6 seats in Section 101, rows C and D" · "5 seats in Floor A and Floor B" */
export function describeSeatGroup(index: SeatIndex, seatIds: readonly string[]): string {
  const bySection = new Map<string, Set<string>>();
  for (const id of seatIds) {
    const i = index.indexById.get(id);
    if (i === undefined) continue;
    const section = index.gaAreaOf(i) ? index.gaAreaOf(i)!.name : index.sectionName(i);
    const rows = bySection.get(section) ?? new Set<string>();
    rows.add(index.seats[i].row);
    bySection.set(section, rows);
  }
  const n = seatIds.length;
  const seats = pluralize(n, 'seat');
  if (bySection.size !== 1) return `${seats} in ${list([...bySection.keys()])}`;
  const [[section, rows]] = [...bySection];
  if (seatIds.every((id) => index.gaAreaOf(index.indexById.get(id) ?? -1))) return `${pluralize(n, 'place')} in ${section}`;
  if (rows.size === 1) return `${n === 1 ? seats : `${seats} together`} in ${section}, row ${[...rows][0]}`;
  return `${seats} in ${section}, rows ${list([...rows])}`;
}

/** "Stalls Centre row A seat 1" / "Stalls Centre row A seat 1 and row C seat 5" */
export function seatList(index: SeatIndex, seatIds: readonly string[]): string {
  return list(seatIds.map((id) => {
    const i = index.indexById.get(id);
    return i === undefined ? `seat ${id}` : index.shortLabel(i);
  }));
}

/** Why an orphan_seat refusal happened, in a shopper's words. */
export function orphanExplanation(index: SeatIndex, stranded: readonly string[]): string {
  const which = seatList(index, stranded);
  return stranded.length === 1
    ? `We can’t leave a single seat empty on its own in a row, and your choice would leave ${which} alone. Add it to your selection, or choose seats that leave it a neighbour.`
    : `We can’t leave single seats empty on their own in a row, and your choice would leave ${which} alone. Add them to your selection, or choose seats that leave each one a neighbour.`;
}

/** The phone bar's words after an orphan refusal: short enough for one line each beside its button. */
export function strandedBarText(index: SeatIndex, stranded: readonly string[]): { title: string; detail: string; action: string } {
  const i = stranded.length === 1 ? index.indexById.get(stranded[0]) : undefined;
  if (i === undefined) {
    return { title: `${pluralize(stranded.length, 'seat')} would be alone`, detail: 'Add them, or choose again', action: `Add ${pluralize(stranded.length, 'seat')}` };
  }
  const seat = index.seats[i];
  return { title: `Seat ${seat.number} would be alone`, detail: `${index.sectionName(i)}, row ${seat.row}`, action: `Add seat ${seat.number}` };
}
