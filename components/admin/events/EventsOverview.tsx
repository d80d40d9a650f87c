'use client';
// /admin: every event with its sale status and live figures, refreshed every few seconds.
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import type { Fail } from '../../../lib/protocol';
import { adminApi, type AdminEventListItem } from '../../../lib/client/adminApi';
import { fmtDateTime, fmtDuration, fmtInt, fmtPercent } from '../../../lib/client/adminFormat';
import { SaleBadge } from '../ui/SaleBadge';
import a from '../admin.module.css';
import f from '../forms.module.css';
import s from './events.module.css';

const REFRESH_MS = 4000;

export function EventsOverview() {
  const [events, setEvents] = useState<AdminEventListItem[] | null>(null);
  const [error, setError] = useState<Fail['error'] | null>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);

  const load = useCallback(async () => {
    const res = await adminApi.events();
    if (res.ok) {
      setEvents([...res.events].sort((x, y) => x.startsAt - y.startsAt));
      setError(null);
      setUpdatedAt(Date.now());
    } else setError(res.error);
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const totals = (events ?? []).reduce(
    (t, e) => ({
      onSale: t.onSale + (e.saleStatus === 'open' ? 1 : 0),
      capacity: t.capacity + e.capacity,
      sold: t.sold + e.counts.sold,
      held: t.held + e.counts.held,
      viewers: t.viewers + e.viewers,
    }),
    { onSale: 0, capacity: 0, sold: 0, held: 0, viewers: 0 },
  );

  return (
    <>
      <div className={a.pageHead}>
        <div>
          <h1>Events</h1>
          <div className={a.meta}>
            <span>{events ? `${events.length} events · ${totals.onSale} on sale` : 'Loading…'}</span>
            {updatedAt && <span className={s.live}>Live · refreshes every {REFRESH_MS / 1000} s</span>}
          </div>
        </div>
        <div className={a.actions}>
          <Link href="/admin/events/new" className={`${a.btn} ${a.primary}`}>
            + New event
          </Link>
        </div>
      </div>

      {error && (
        <div className={f.notice} data-tone="error" role="alert" style={{ marginBottom: 12 }}>
          Could not load the events: {error.message}
        </div>
      )}

      {events && (
        <div className={s.summary}>
          <Figure label="Total capacity" value={fmtInt(totals.capacity)} />
          <Figure label="Sold or blocked" value={fmtInt(totals.sold)} sub={fmtPercent(totals.capacity ? totals.sold / totals.capacity : null)} />
          <Figure label="Held right now" value={fmtInt(totals.held)} />
          <Figure label="Viewers right now" value={fmtInt(totals.viewers)} />
        </div>
      )}

      <section className={a.panel} aria-label="Events">
        <div className={s.tableWrap}>
          <table className={a.table} data-testid="events-table">
            <thead>
              <tr>
                <th>Event</th>
                <th>Venue</th>
                <th>Starts</th>
                <th>Sale</th>
                <th className={a.num}>Capacity</th>
                <th className={a.num}>Available</th>
                <th className={a.num}>Held</th>
                <th className={a.num} title="Sold tickets plus seats blocked by the box office">
                  Sold / blocked
                </th>
                <th className={a.num}>Viewers</th>
                <th className={a.num}>Hold TTL</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {events === null && !error && (
                <tr>
                  <td colSpan={11} className={a.empty}>
                    Loading events…
                  </td>
                </tr>
              )}
              {events?.length === 0 && (
                <tr>
                  <td colSpan={11} className={a.empty}>
                    No events yet. <Link href="/admin/events/new">Create the first one</Link>.
                  </td>
                </tr>
              )}
              {events?.map((e) => (
                <tr key={e.id} data-event-id={e.id}>
                  <td>
                    <Link href={`/admin/events/${encodeURIComponent(e.id)}`} className={s.eventName}>
                      {e.name}
                    </Link>
                    <div className={`${a.mono} ${a.faint}`}>{e.id}</div>
                  </td>
                  <td>{e.venueName}</td>
                  <td className={s.nowrap}>{fmtDateTime(e.startsAt)}</td>
                  <td>
                    <SaleBadge status={e.saleStatus} />
                  </td>
                  <td className={a.num}>{fmtInt(e.capacity)}</td>
                  <td className={a.num}>{fmtInt(e.counts.available)}</td>
                  <td className={a.num}>{e.counts.held > 0 ? <strong className={s.held}>{fmtInt(e.counts.held)}</strong> : 0}</td>
                  <td className={a.num}>
                    <span className={s.soldCell}>
                      <span className={s.bar} aria-hidden="true">
                        <span style={{ width: `${e.capacity ? (e.counts.sold / e.capacity) * 100 : 0}%` }} />
                      </span>
                      {fmtInt(e.counts.sold)}
                    </span>
                  </td>
                  <td className={a.num}>{fmtInt(e.viewers)}</td>
                  <td className={a.num}>
                    {fmtDuration(e.holdTtlMs)}
                    {e.holdTtlOverride === null && <span className={a.faint}> (default)</span>}
                  </td>
                  <td className={s.rowActions}>
                    <Link href={`/admin/events/${encodeURIComponent(e.id)}`} className={`${a.btn} ${a.small}`}>
                      Live view
                    </Link>
                    <Link href={`/admin/events/${encodeURIComponent(e.id)}/edit`} className={`${a.btn} ${a.small} ${a.ghost}`}>
                      Edit
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

function Figure({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div className={s.figure}>
      <div className={s.figureLabel}>{label}</div>
      <div className={s.figureValue}>
        {value}
        {sub && <span className={s.figureSub}>{sub}</span>}
      </div>
    </div>
  );
}
