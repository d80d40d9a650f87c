'use client';
// The live seat map: every seat's status (blocked drawn apart from sold),
// hover for who holds what, click or shift-drag to select seats.
import { useCallback } from 'react';
import type { AdminEventStats } from '../../../lib/adminProtocol';
import type { EventDetail, SeatStatus } from '../../../lib/protocol';
import { fmtCountdown, formatPrice, shortId } from '../../../lib/client/adminFormat';
import { AdminMap } from '../map/AdminMap';
import { STATUS_COLORS, type SeatPaint } from '../map/paintMap';
import d from './dashboard.module.css';

export type AdminSeatStatus = SeatStatus | 'blocked';
export type ActiveHold = AdminEventStats['activeHolds']['list'][number];

export function seatStatusOf(seatId: string, statuses: ReadonlyMap<string, SeatStatus>, blocked: ReadonlySet<string>): AdminSeatStatus {
  if (blocked.has(seatId)) return 'blocked';
  return statuses.get(seatId) ?? 'available';
}

const STATUS_PAINT: Record<Exclude<AdminSeatStatus, 'available'>, SeatPaint> = {
  held: { key: 'held', fill: '#fde68a', stroke: '#d97706', mark: 'slash', markColor: '#b45309' },
  sold: { key: 'sold', fill: '#cbd5e1' },
  blocked: { key: 'blocked', fill: STATUS_COLORS.blocked, mark: 'cross', markColor: '#fff' },
};

interface Props {
  detail: EventDetail;
  statuses: ReadonlyMap<string, SeatStatus>;
  revision: number;
  blocked: ReadonlySet<string>;
  holdBySeat: ReadonlyMap<string, ActiveHold>;
  selected: ReadonlySet<string>;
  now: number;
  onSeatClick(seatId: string): void;
  onBoxSelect(seatIds: string[]): void;
}

export function LiveSeatMap({ detail, statuses, revision, blocked, holdBySeat, selected, now, onSeatClick, onBoxSelect }: Props) {
  const colorOf = new Map(detail.categories.map((c) => [c.id, c.color]));
  const paintOf = useCallback(
    (i: number): SeatPaint => {
      const seat = detail.seats[i];
      const status = seatStatusOf(seat.id, statuses, blocked);
      if (status !== 'available') return STATUS_PAINT[status];
      const color = colorOf.get(seat.category) ?? '#64748b';
      return { key: color, fill: color };
    },
    // `revision` is not read inside: it forces a new color function when the map must repaint.
    [detail, statuses, blocked, revision],
  );

  const tooltip = (i: number) => {
    const seat = detail.seats[i];
    const status = seatStatusOf(seat.id, statuses, blocked);
    const hold = status === 'held' ? holdBySeat.get(seat.id) : undefined;
    const category = detail.categories.find((c) => c.id === seat.category);
    return (
      <>
        <strong>
          {seat.section} · row {seat.row} · seat {seat.number}
        </strong>
        <div className={d.tipRow}>
          <span>
            {category?.name ?? seat.category} · {formatPrice(seat.priceCents, detail.currency)}
          </span>
          <span style={{ textTransform: 'capitalize' }}>{status}</span>
        </div>
        {hold && (
          <>
            <div className={d.tipRow}>
              <span className={d.tipMuted}>Hold</span>
              <span>{hold.id}</span>
            </div>
            <div className={d.tipRow}>
              <span className={d.tipMuted}>Buyer</span>
              <span>{shortId(hold.buyerId, 14)}</span>
            </div>
            <div className={d.tipRow}>
              <span className={d.tipMuted}>Time left</span>
              <span>{fmtCountdown(hold.expiresAt - now)}</span>
            </div>
          </>
        )}
        {status === 'held' && !hold && <div className={d.tipMuted}>Hold details not in the latest list</div>}
        <div className={d.tipMuted}>{seat.id}</div>
      </>
    );
  };

  return (
    <AdminMap
      className={d.map}
      layout={detail}
      paintOf={paintOf}
      selected={selected}
      tooltip={tooltip}
      onSeatClick={onSeatClick}
      onBoxSelect={onBoxSelect}
      label={`Live seat map of ${detail.name}`}
    />
  );
}

export function MapLegend({ detail }: { detail: EventDetail }) {
  return (
    <div className={d.legend}>
      {detail.categories.map((c) => (
        <span key={c.id} className={d.legendItem}>
          <span className={d.dot} style={{ background: c.color }} /> {c.name}
        </span>
      ))}
      <span className={d.legendItem}>
        <span className={d.dot} style={{ background: '#fde68a', boxShadow: 'inset 0 0 0 1.5px #d97706' }} /> Held
      </span>
      <span className={d.legendItem}>
        <span className={d.dot} style={{ background: '#cbd5e1' }} /> Sold
      </span>
      <span className={d.legendItem}>
        <span className={d.dot} style={{ background: STATUS_COLORS.blocked }} /> Blocked
      </span>
      <span className={d.legendItem}>
        <span className={d.dot} style={{ boxShadow: `0 0 0 2px ${STATUS_COLORS.selected}` }} /> Selected
      </span>
    </div>
  );
}
