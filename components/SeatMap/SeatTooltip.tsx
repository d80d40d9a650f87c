'use client';
import { useSyncExternalStore } from 'react';
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { SeatStatusStore } from '../../lib/client/seatStatusStore';
import { gaLeftText, seatStatusText } from '../../lib/client/seatLabels';
import styles from './SeatMap.module.css';

interface SeatTooltipProps {
  index: SeatIndex;
  store: SeatStatusStore;
  seatIndex: number;
  mineIds: ReadonlySet<string>;
  /** Anchor point (top centre of the seat), CSS px within the map viewport. */
  x: number;
  y: number;
}

const ACCESSIBLE_TEXT = { wheelchair: 'Wheelchair space', companion: 'Companion seat' } as const;

/** Hover/focus card for one seat; re-renders when live statuses change. */
export function SeatTooltip({ index, store, seatIndex, mineIds, x, y }: SeatTooltipProps) {
  useSyncExternalStore(store.subscribeRevision, store.getRevision, store.getRevision);
  const seat = index.seats[seatIndex];
  const area = index.gaAreaOf(seatIndex);
  const left = area ? store.freeCount(area.seatIndices) : 0;
  const status = seatStatusText(store.status(seatIndex), mineIds.has(seat.id));
  const category = index.categoryNames[index.categoryOf[seatIndex]];
  const below = y < 90;
  return (
    <div
      className={`${styles.tooltip} ${below ? styles.tooltipBelow : ''}`}
      style={{ left: x, top: below ? y + 26 : y - 8 }}
      aria-hidden="true"
    >
      <div className={styles.tooltipTitle}>
        {area ? `${area.name} · General admission` : `${index.sectionName(seatIndex)} · Row ${seat.row} · Seat ${seat.number}`}
      </div>
      <div className={styles.tooltipMeta}>
        <span>{category}</span>
        <strong>{index.price(seatIndex)}</strong>
      </div>
      {area ? (
        <div className={styles.tooltipStatus} data-status={left > 0 ? 'available' : 'sold'}>
          {gaLeftText(left, area.seatIndices.length)}
          {left > 0 ? ' · click to choose how many' : ''}
        </div>
      ) : (
        <div className={styles.tooltipStatus} data-status={status}>
          {status === 'available' ? 'Available' : status[0].toUpperCase() + status.slice(1)}
          {seat.accessible ? ` · ${ACCESSIBLE_TEXT[seat.accessible]}` : ''}
        </div>
      )}
    </div>
  );
}
