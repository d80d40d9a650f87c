'use client';
// The buyer's seat selection (shared by the canvas and the list picker) and
// turning it into a hold. Seats taken by others drop out with a message.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HoldView } from '../../lib/protocol';
import { errorText } from '../../lib/client/errorText';
import { pluralize } from '../../lib/client/format';
import type { SeatIndex } from '../../lib/client/seatIndex';
import { joinSeatLabels } from '../../lib/client/seatLabels';
import type { EventLive } from '../../lib/client/useEventLive';
import { orphanExplanation } from './seatGroupText';

export type NoticeKind = 'info' | 'success' | 'warning' | 'error';
export type Notify = (kind: NoticeKind, text: string) => void;

function takenSentence(index: SeatIndex, seatIds: string[]): string {
  return `${joinSeatLabels(index, seatIds)} ${seatIds.length === 1 ? 'was' : 'were'} just taken.`;
}

export function useSeatSelection(index: SeatIndex | null, live: EventLive, maxSeats: number, notify: Notify) {
  const { store, holds, createHold } = live;
  const [selected, setSelectedState] = useState<string[]>([]);
  const [holding, setHolding] = useState(false);
  /** Seats the last hold attempt would have stranded (orphan_seat): marked until the selection changes. */
  const [stranded, setStranded] = useState<readonly string[]>([]);
  const selectedRef = useRef<string[]>([]);
  const pendingRef = useRef<ReadonlySet<string>>(new Set());

  const setSelected = useCallback((next: string[]) => {
    selectedRef.current = next;
    setSelectedState(next);
    setStranded((current) => (current.length ? [] : current));
  }, []);

  const selectedIds = useMemo(() => new Set(selected), [selected]);
  const mineIds = useMemo(() => new Set(holds.flatMap((h) => h.seatIds)), [holds]);
  const mineRef = useRef(mineIds);
  mineRef.current = mineIds;

  /** Drops selected seats that someone else now holds or bought. */
  const evictTaken = useCallback(() => {
    if (!store || !index) return;
    const current = selectedRef.current;
    const taken = current.filter((id) => !pendingRef.current.has(id) && store.statusById(id) !== 'available');
    if (taken.length === 0) return;
    setSelected(current.filter((id) => !taken.includes(id)));
    notify('warning', `${takenSentence(index, taken)} We removed ${taken.length === 1 ? 'it' : 'them'} from your selection.`);
  }, [store, index, notify, setSelected]);

  useEffect(() => (store ? store.subscribe(evictTaken) : undefined), [store, evictTaken]);

  const toggleSeat = useCallback(
    (seatId: string): string => {
      if (!store || !index) return '';
      const i = index.indexById.get(seatId);
      if (i === undefined) return '';
      if (index.gaAreaOf(i)) return 'General admission places are chosen by quantity, not one by one.';
      const label = index.shortLabel(i);
      const current = selectedRef.current;
      if (current.includes(seatId)) {
        setSelected(current.filter((id) => id !== seatId));
        return `Removed ${label} from your selection.`;
      }
      if (store.version < 0) return 'Seat availability is still loading.';
      if (store.status(i) !== 'available' || mineRef.current.has(seatId)) return `${label} is not available.`;
      if (current.length + mineRef.current.size >= maxSeats) {
        const text = `You can choose up to ${pluralize(maxSeats, 'seat')} for this event.`;
        notify('warning', text);
        return text;
      }
      setSelected([...current, seatId]);
      return `Selected ${label}. ${current.length + 1} of ${pluralize(maxSeats, 'seat')} selected.`;
    },
    [store, index, maxSeats, notify, setSelected],
  );

  const clearSelection = useCallback(() => setSelected([]), [setSelected]);

  const holdSelected = useCallback(async (): Promise<HoldView | null> => {
    const ids = selectedRef.current;
    if (!index || ids.length === 0 || holding) return null;
    pendingRef.current = new Set(ids);
    setHolding(true);
    const res = await createHold(ids);
    pendingRef.current = new Set();
    setHolding(false);
    if (res.ok) {
      setSelected(selectedRef.current.filter((id) => !res.hold.seatIds.includes(id)));
      const n = res.hold.seatIds.length;
      notify('success', `${n === 1 ? 'Your seat is' : `${n} seats are`} held for you. Complete checkout before the timer runs out.`);
      return res.hold;
    }
    if (res.error.code === 'seats_unavailable') {
      const taken = (res.error.seatIds ?? []).filter((id) => selectedRef.current.includes(id));
      const rest = selectedRef.current.filter((id) => !taken.includes(id));
      setSelected(rest);
      const tail = rest.length > 0 ? ' Your other seats are still selected — try holding them again.' : ' Please choose other seats.';
      notify('error', taken.length > 0 ? `${takenSentence(index, taken)}${tail}` : errorText(res.error));
    } else if (res.error.code === 'orphan_seat' && res.error.seatIds?.length) {
      setStranded(res.error.seatIds);
      notify('warning', orphanExplanation(index, res.error.seatIds));
    } else {
      notify('error', errorText(res.error, { maxSeatsPerBuyer: maxSeats }));
    }
    evictTaken();
    return null;
  }, [index, holding, createHold, notify, maxSeats, evictTaken, setSelected]);

  return { selected, selectedIds, mineIds, holding, stranded, toggleSeat, clearSelection, holdSelected };
}

export type SeatSelection = ReturnType<typeof useSeatSelection>;
