'use client';
// /admin/events/[id]: the on-sale view. Figures come from /admin every
// second; seat statuses from the public feed; actions go through the API.
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { adminApi, type AdminEventListItem } from '../../../lib/client/adminApi';
import { fmtDateTime, fmtDuration } from '../../../lib/client/adminFormat';
import { useAdminStats, useEventDetail, useSeatFeed, useTicker } from '../../../lib/client/adminLive';
import { SaleBadge } from '../ui/SaleBadge';
import { HoldsTable } from './HoldsTable';
import { LiveSeatMap, MapLegend, seatStatusOf, type ActiveHold } from './LiveSeatMap';
import { OrdersPanel } from './OrdersPanel';
import { SaleControls } from './SaleControls';
import { SalesChart } from './SalesChart';
import { SeatInspector } from './SeatInspector';
import { ActivityPanel, CategoryTable, StatTiles } from './StatsPanels';
import a from '../admin.module.css';
import f from '../forms.module.css';
import d from './dashboard.module.css';

const EMPTY: ReadonlySet<string> = new Set();

export function LiveDashboard({ eventId }: { eventId: string }) {
  const { stats, state, error, offsetMs } = useAdminStats(eventId);
  const { detail, error: detailError, reload } = useEventDetail(eventId);
  const [deleted, setDeleted] = useState(false);
  const feed = useSeatFeed(eventId, (n) => (n.change === 'deleted' ? setDeleted(true) : n.change === 'layout' ? reload() : undefined));
  const now = useTicker(offsetMs, 500);
  const [meta, setMeta] = useState<AdminEventListItem | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [saleOverride, setSaleOverride] = useState<string | null>(null);

  useEffect(() => {
    void adminApi.events().then((res) => res.ok && setMeta(res.events.find((e) => e.id === eventId) ?? null));
  }, [eventId]);
  useEffect(() => setSaleOverride(null), [stats?.saleStatus]);

  const blocked = useMemo(() => (stats ? new Set(stats.blockedSeatIds) : EMPTY), [stats]);
  const holdBySeat = useMemo(() => {
    const map = new Map<string, ActiveHold>();
    for (const h of stats?.activeHolds.list ?? []) for (const id of h.seatIds) map.set(id, h);
    return map;
  }, [stats]);
  const statusOf = useCallback((id: string) => seatStatusOf(id, feed.statuses, blocked), [feed.statuses, blocked]);

  const toggleSeat = useCallback((id: string) => {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }, []);
  const addSeats = useCallback((ids: string[]) => setSelected((s) => new Set([...s, ...ids])), []);

  const name = detail?.name ?? meta?.name ?? eventId;
  const currency = detail?.currency ?? 'EUR';
  const saleStatus = saleOverride ?? stats?.saleStatus ?? meta?.saleStatus ?? 'paused';
  const feedState = state === 'live' && feed.state === 'live' ? 'live' : state === 'offline' || feed.state === 'offline' ? 'offline' : 'connecting';

  if (detailError && !detail) {
    return (
      <>
        <div className={a.crumbs}>
          <Link href="/admin">Events</Link>
        </div>
        <div className={f.notice} data-tone="error" role="alert">
          Could not load this event: {detailError}
        </div>
      </>
    );
  }

  return (
    <>
      <div className={a.pageHead}>
        <div>
          <div className={a.crumbs}>
            <Link href="/admin">Events</Link> / <span className={a.mono}>{eventId}</span>
          </div>
          <div className={d.titleRow}>
            <h1>{name}</h1>
            <SaleBadge status={saleStatus} />
            <span className={d.feed} data-state={feedState} data-testid="feed-state">
              {feedState === 'live' ? 'Live' : feedState === 'offline' ? 'Reconnecting…' : 'Connecting…'}
            </span>
          </div>
          <div className={a.meta}>
            {detail && <span>{detail.venueName}</span>}
            {detail && <span>{fmtDateTime(detail.startsAt)}</span>}
            {detail && <span>Holds last {fmtDuration(detail.holdTtlMs)}</span>}
            {detail && <span>Max {detail.maxSeatsPerBuyer} seats per buyer</span>}
            {meta?.saleOpensAt && <span>Sale opens {fmtDateTime(meta.saleOpensAt)}</span>}
            {meta?.saleClosesAt && <span>Sale closes {fmtDateTime(meta.saleClosesAt)}</span>}
          </div>
        </div>
        <div className={a.actions}>
          <SaleControls eventId={eventId} eventName={name} status={saleStatus} onChanged={setSaleOverride} />
          <Link className={a.btn} href={`/admin/events/${encodeURIComponent(eventId)}/waiting-room`}>
            Waiting room
          </Link>
          <Link className={a.btn} href={`/admin/events/${encodeURIComponent(eventId)}/check-in`}>
            Door check-in
          </Link>
          <Link className={a.btn} href={`/admin/events/${encodeURIComponent(eventId)}/edit`}>
            Edit event
          </Link>
          <a className={`${a.btn} ${a.ghost}`} href={`/events/${encodeURIComponent(eventId)}`} target="_blank" rel="noreferrer">
            Public page ↗
          </a>
        </div>
      </div>

      {deleted && (
        <div className={f.notice} data-tone="warning" role="alert" style={{ marginBottom: 12 }}>
          This event was deleted.
        </div>
      )}
      {error && (
        <div className={f.notice} data-tone="error" role="alert" style={{ marginBottom: 12 }}>
          Live figures unavailable: {error}
        </div>
      )}

      {stats ? <StatTiles stats={stats} currency={currency} selfViewers={feed.state === 'live' ? 1 : 0} /> : <div className={d.tiles} aria-busy="true" style={{ height: 74 }} />}

      <div className={d.main}>
        <section className={`${a.panel} ${d.mapPanel}`} aria-labelledby="map-title">
          <div className={a.panelHead}>
            <h2 id="map-title">Seat map</h2>
            {detail && <MapLegend detail={detail} />}
          </div>
          <div className={d.mapBody}>
            {detail ? (
              <LiveSeatMap
                detail={detail}
                statuses={feed.statuses}
                revision={feed.revision}
                blocked={blocked}
                holdBySeat={holdBySeat}
                selected={selected}
                now={now}
                onSeatClick={toggleSeat}
                onBoxSelect={addSeats}
              />
            ) : (
              <div className={`${d.map} skeleton`} />
            )}
            {detail && (
              <SeatInspector eventId={eventId} detail={detail} selected={[...selected]} statusOf={statusOf} holdBySeat={holdBySeat} now={now} onClear={() => setSelected(new Set())} onAdd={addSeats} />
            )}
          </div>
        </section>
        <div className={d.side}>
          {stats && <SalesChart stats={stats} currency={currency} />}
          {stats && detail && <CategoryTable stats={stats} categories={detail.categories} currency={currency} />}
          {stats && <ActivityPanel stats={stats} />}
        </div>
      </div>

      <div className={d.lower}>
        {stats && detail ? <HoldsTable stats={stats} detail={detail} now={now} onSelectSeats={(ids) => setSelected(new Set(ids))} /> : <div />}
        <OrdersPanel eventId={eventId} ordersCount={stats?.orders ?? 0} />
      </div>
    </>
  );
}
