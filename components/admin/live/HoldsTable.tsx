'use client';
// Active holds with live countdowns and a force-release per hold.
import { useState } from 'react';
import type { AdminEventStats } from '../../../lib/adminProtocol';
import type { EventDetail } from '../../../lib/protocol';
import { adminApi } from '../../../lib/client/adminApi';
import { fmtClock, fmtCountdown, fmtInt, shortId } from '../../../lib/client/adminFormat';
import { useAdminUi } from '../ui/AdminUi';
import a from '../admin.module.css';
import d from './dashboard.module.css';

interface Props {
  stats: AdminEventStats;
  detail: EventDetail;
  now: number;
  onSelectSeats(seatIds: string[]): void;
}

export function HoldsTable({ stats, detail, now, onSelectSeats }: Props) {
  const ui = useAdminUi();
  const [releasing, setReleasing] = useState<Set<string>>(new Set());
  const seatById = new Map(detail.seats.map((s) => [s.id, s]));
  const holds = [...stats.activeHolds.list].sort((x, y) => x.expiresAt - y.expiresAt);
  /** "Stalls Right O5–O7", "Balcony D9, E1 +2", "Floor (GA) ×4". */
  const seatsText = (ids: string[]) => {
    const seats = ids.map((id) => seatById.get(id));
    const first = seats[0];
    if (!first || seats.some((s) => !s)) return ids.join(', ');
    if (first.gaArea) return `${first.section} (GA) ×${ids.length}`;
    const sameSection = seats.every((s) => s!.section === first.section);
    const codes = seats.map((s) => `${s!.row}${s!.number}`);
    const nums = seats.map((s) => Number(s!.number));
    const run = sameSection && seats.every((s) => s!.row === first.row) && nums.every((n, i) => i === 0 || Math.abs(n - nums[i - 1]) === 1);
    if (run && ids.length > 1) return `${first.section} ${codes[0]}–${codes[codes.length - 1]}`;
    const head = codes.slice(0, 2).join(', ');
    return `${sameSection ? first.section : 'Mixed'} ${head}${ids.length > 2 ? ` +${ids.length - 2}` : ''}`;
  };

  const release = async (holdId: string, seats: number) => {
    const ok = await ui.confirm({
      title: `Force-release hold ${holdId}?`,
      body: `Its ${seats} seat${seats === 1 ? '' : 's'} go back on sale immediately and the buyer is told the box office released them.`,
      confirmLabel: 'Release hold',
      danger: true,
    });
    if (ok === null) return;
    setReleasing((s) => new Set(s).add(holdId));
    const res = await adminApi.forceRelease(holdId);
    setReleasing((s) => {
      const next = new Set(s);
      next.delete(holdId);
      return next;
    });
    ui.report(res, `Released hold ${holdId}.`, 'Could not release the hold');
  };

  return (
    <section className={a.panel} aria-labelledby="holds-title" data-testid="holds-panel">
      <div className={a.panelHead}>
        <h2 id="holds-title">
          Active holds<span className={a.count} data-testid="holds-count">{fmtInt(stats.activeHolds.total)}</span>
        </h2>
        {stats.activeHolds.truncated && (
          <span className={a.faint}>
            showing {fmtInt(stats.activeHolds.list.length)} of {fmtInt(stats.activeHolds.total)}
          </span>
        )}
      </div>
      <div className={d.scroll}>
        <table className={a.table} data-testid="holds-table">
          <thead>
            <tr>
              <th>Hold</th>
              <th>Buyer session</th>
              <th>Seats</th>
              <th className={a.num}>Created</th>
              <th className={a.num}>Expires in</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {holds.length === 0 && (
              <tr>
                <td colSpan={6} className={a.empty}>
                  No active holds.
                </td>
              </tr>
            )}
            {holds.map((h) => {
              const left = h.expiresAt - now;
              return (
                <tr key={h.id} data-hold-id={h.id}>
                  <td className={a.mono} title={h.id}>
                    {shortId(h.id, 11)}
                  </td>
                  <td className={a.mono} title={h.buyerId}>
                    {shortId(h.buyerId, 9)}
                  </td>
                  <td>
                    <button type="button" className={`${a.btn} ${a.small} ${a.ghost} ${d.seatsButton}`} onClick={() => onSelectSeats(h.seatIds)} title="Select these seats on the map">
                      {seatsText(h.seatIds)}
                    </button>
                  </td>
                  <td className={a.num}>{fmtClock(h.createdAt)}</td>
                  <td className={a.num} style={{ color: left < 60_000 ? 'var(--danger)' : undefined, fontWeight: 600 }}>
                    {fmtCountdown(left)}
                  </td>
                  <td className={a.num}>
                    <button type="button" className={`${a.btn} ${a.small} ${a.danger}`} disabled={releasing.has(h.id)} onClick={() => release(h.id, h.seatIds.length)}>
                      {releasing.has(h.id) ? 'Releasing…' : 'Force release'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
