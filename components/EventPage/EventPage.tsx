'use client';
// The event page: loads the static layout, connects live, and composes the
// map, the list picker, the selection and the buyer's holds.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Ack, EventDetail, Fail, HoldView, StatusesSnapshot } from '../../lib/protocol';
import { api } from '../../lib/client/api';
import { SeatIndex } from '../../lib/client/seatIndex';
import { useEventLive, type HoldGoneListener } from '../../lib/client/useEventLive';
import { Legend } from '../SeatMap/Legend';
import { SeatMap } from '../SeatMap/SeatMap';
import { BestSeatsPanel } from './BestSeatsPanel';
import { EventHeader } from './EventHeader';
import { EventPageSkeleton } from './EventPageSkeleton';
import { GaPanel, gaQuantityInputId } from './GaPanel';
import { HoldPanel } from './HoldPanel';
import { MobileActionBar } from './MobileActionBar';
import { NoticeBanner, type Notice } from './NoticeBanner';
import { addStranded, freeStranded, OrphanFix } from './OrphanFix';
import { seatMapHints } from './seatMapHints';
import { SeatListPicker } from './SeatListPicker';
import { SelectionPanel } from './SelectionPanel';
import { useSeatSelection, type Notify } from './useSeatSelection';
import { useWaitingRoom, type RoomGate } from '../../lib/client/useWaitingRoom';
import { AdmissionNeeded, ShoppingWindow } from '../WaitingRoom/ShoppingWindow';
import { WaitingRoom } from '../WaitingRoom/WaitingRoom';
import styles from './EventPage.module.css';

const SALE_BLOCKED: Record<EventDetail['saleStatus'], string | null> = {
  open: null,
  paused: 'Sales are paused for the moment. You can still browse the seat map.',
  closed: 'Sales for this event have closed.',
};

/** The page's single-column layout (EventPage.module.css): the map above the panels, the phone's sticky bar. */
const ONE_COLUMN_QUERY = '(max-width: 980px)';

/** The page-load availability request; `result` is set once it has settled. */
interface EarlyAvailability {
  pending: Promise<Ack<StatusesSnapshot> | null>;
  result?: Ack<StatusesSnapshot> | null;
}

type ShopGate = Extract<RoomGate, { kind: 'shop' }>;

/** The event page: the waiting room while the event has one and the buyer is not admitted, else the seat map. */
export function EventPage({ eventId }: { eventId: string }) {
  const { gate, rejoin, recheck } = useWaitingRoom(eventId);
  /** Whether this page showed the queue: then admission is news, and the shopping window takes focus. */
  const waited = useRef(false);
  if (gate.kind === 'queue') waited.current = true;
  if (gate.kind === 'queue') return <WaitingRoom eventId={eventId} gate={gate} onRejoin={rejoin} />;
  // While the room is being checked the shop shows its skeleton: the very element it shows
  // while the event loads, so the map frame the early script drew into it stays on screen.
  return <EventShop eventId={eventId} gate={gate.kind === 'shop' ? gate : null} justAdmitted={waited.current} onJoinQueue={recheck} />;
}

/** `gate` null: the waiting room is still being checked (the skeleton shows; nothing connects yet). */
function EventShop({
  eventId,
  gate,
  justAdmitted,
  onJoinQueue,
}: {
  eventId: string;
  gate: ShopGate | null;
  justAdmitted: boolean;
  /** Leaves the seat map for the event's waiting room. */
  onJoinQueue(): void;
}) {
  const admission = gate?.admission ?? null;
  const admittedUntil = gate?.admittedUntil ?? null;
  const router = useRouter();
  const [event, setEvent] = useState<EventDetail | null>(null);
  const [loadError, setLoadError] = useState<Fail['error'] | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  // Bumped when an organizer changes the event, so its details (sale status, layout) are fetched again.
  const [detailsRevision, setDetailsRevision] = useState(0);
  /** The availability snapshot requested with the page (first load only), to draw before the live join answers. */
  const earlyAvailability = useRef<EarlyAvailability | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const load = async () => {
      if (detailsRevision > 0) {
        earlyAvailability.current = null; // from page-load time: no use for a changed event
        return api.event(eventId, controller.signal);
      }
      performance.mark('seatline-event-page-mounted'); // a milestone for bench/seatmap.ts
      // On a full page load the inline script in <head> has usually fetched and parsed both already.
      if (!earlyAvailability.current) {
        // Kept across StrictMode's effect re-run in development (the preload is taken only once).
        const early: EarlyAvailability = { pending: api.preloadedStatuses(eventId) };
        void early.pending.then((res) => (early.result = res));
        earlyAvailability.current = early;
      }
      return (await api.preloadedEvent(eventId)) ?? (await api.event(eventId, controller.signal));
    };
    load()
      .then((res) => {
        if (controller.signal.aborted) return;
        if (res.ok) setEvent(res.event);
        else setLoadError(res.error);
      })
      .catch(() => {});
    return () => controller.abort();
  }, [eventId, detailsRevision]);

  // Set when an organizer replaced the layout: the next details build a new seat index.
  const layoutReplaced = useRef(false);
  const indexRef = useRef<SeatIndex | null>(null);
  const index = useMemo(() => {
    if (!event) return null;
    const current = indexRef.current;
    // A details-only change (sale status, name, TTL) keeps the seat index, and with it the live
    // store and socket: rebuilding them reconnected the socket, and an event:changed sent in
    // that window (e.g. the sale reopening right after a pause) was missed.
    if (current && !layoutReplaced.current && current.event.id === event.id && current.event.layoutKey === event.layoutKey) {
      current.updateDetails(event);
      return current;
    }
    layoutReplaced.current = false;
    const built = new SeatIndex(event);
    indexRef.current = built;
    performance.mark('seatmap-layout-indexed');
    return built;
  }, [event]);
  const notify = useCallback<Notify>((kind, text) => setNotice({ kind, text, key: Date.now() }), []);

  const onHoldGone = useCallback<HoldGoneListener>(
    (_hold, reason) => {
      if (reason === 'expired') notify('warning', 'Your hold expired; the seats were released.');
      else if (reason === 'admin_released') notify('warning', 'Your hold was released by the box office; the seats are no longer reserved for you.');
      else notify('info', 'Your hold was released.');
    },
    [notify],
  );

  const onEventChanged = useCallback((change: 'details' | 'layout' | 'deleted') => {
    if (change === 'deleted') return setLoadError({ code: 'not_found', message: 'This event is no longer available.' });
    if (change === 'layout') layoutReplaced.current = true;
    setDetailsRevision((n) => n + 1);
  }, []);

  /** A new hold was refused for want of an admission (the room was switched on, or the window ended). */
  const [notAdmitted, setNotAdmitted] = useState(false);
  const onNotAdmitted = useCallback(() => setNotAdmitted(true), []);
  // Live seats (and with them the page) only once the buyer may shop.
  const live = useEventLive(eventId, gate ? index : null, onHoldGone, onEventChanged, admission, onNotAdmitted);

  // Draw the page-load snapshot at once rather than after the socket has connected and
  // joined (several round trips after the layout is ready). It is a real, versioned
  // snapshot; the join's newer one replaces it, and the map says "Loading live
  // availability…" until then. Skipped if the join already answered. A layout effect,
  // so that the map's first draw (in its mount effect) comes before the socket is set up.
  useLayoutEffect(() => {
    const store = live.store;
    const early = earlyAvailability.current;
    if (!store || !early) return;
    const apply = (res: Ack<StatusesSnapshot> | null) => {
      earlyAvailability.current = null;
      if (!res?.ok || res.eventId !== eventId || store.version >= 0) return;
      // Only statuses in this layout's order (the store also refuses a wrong length or code).
      if (res.layoutKey !== store.index.event.layoutKey) return;
      store.replaceStatuses(res.version, res.statuses);
    };
    if (early.result !== undefined) return apply(early.result);
    let cancelled = false;
    void early.pending.then((res) => cancelled || apply(res));
    return () => {
      cancelled = true;
    };
  }, [eventId, live.store]);
  const maxSeats = event?.maxSeatsPerBuyer ?? 0;
  const selection = useSeatSelection(index, live, maxSeats, notify);
  const [focusHoldId, setFocusHoldId] = useState<string | null>(null);
  const [checkoutRequest, setCheckoutRequest] = useState({ holdId: '', serial: 0 });
  const requestCheckout = useCallback((holdId: string) => setCheckoutRequest((r) => ({ holdId, serial: r.serial + 1 })), []);
  /** The seats best available last held, while that hold lives: the map zooms to them. */
  const [bestSeatIds, setBestSeatIds] = useState<readonly string[] | null>(null);
  /** A best-available hold on one column: the map, above the panels, is scrolled into view instead of the hold. */
  const [mapRevealFor, setMapRevealFor] = useState<string | null>(null);
  const mapAreaRef = useRef<HTMLElement>(null);
  const onBestHeld = useCallback((hold: HoldView) => {
    setFocusHoldId(hold.id);
    setBestSeatIds(hold.seatIds);
    setMapRevealFor(window.matchMedia(ONE_COLUMN_QUERY).matches ? hold.id : null);
  }, []);
  useEffect(() => {
    // The result is shown on the map; the phone's sticky bar keeps the countdown and checkout in reach.
    if (mapRevealFor) mapAreaRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [mapRevealFor]);
  const holdSelected = useCallback(async () => {
    const hold = await selection.holdSelected();
    if (hold) setFocusHoldId(hold.id);
  }, [selection]);
  const pickArea = useCallback(
    (areaId: string) => {
      const input = document.getElementById(gaQuantityInputId(areaId));
      input?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      input?.focus({ preventScroll: true });
      const area = index?.gaAreas.find((a) => a.id === areaId);
      return area ? `${area.name}: general admission. Choose how many places.` : '';
    },
    [index],
  );
  const goToOrder = useCallback((orderId: string) => router.push(`/orders/${encodeURIComponent(orderId)}`), [router]);

  if (loadError) {
    return (
      <div className="page">
        <div className="card empty-state" role="alert">
          <h1>{loadError.code === 'not_found' ? 'We couldn’t find this event' : 'This event is unavailable right now'}</h1>
          <p>{loadError.code === 'not_found' ? 'It may have been removed or the link is mistyped.' : loadError.message}</p>
          <Link href="/" className="button button--primary">
            See all events
          </Link>
        </div>
      </div>
    );
  }

  if (!event || !index || !live.store) return <EventPageSkeleton />;

  const saleBlocked = SALE_BLOCKED[event.saleStatus];
  const blockedReason =
    saleBlocked ?? (notAdmitted ? 'Holding seats needs your turn in the queue.' : live.connection === 'live' ? null : 'Reconnecting to live availability…');
  const mapHints = seatMapHints(bestSeatIds, live.holds, selection.stranded);
  const strandedFree = freeStranded(live.store, selection.stranded);

  return (
    <div className="page">
      <EventHeader event={event} connection={live.connection} />
      {notAdmitted ? (
        <AdmissionNeeded wasAdmitted={admittedUntil !== null} onJoinQueue={onJoinQueue} />
      ) : (
        admittedUntil !== null && <ShoppingWindow until={admittedUntil} onQueueAgain={onJoinQueue} justAdmitted={justAdmitted} />
      )}
      {saleBlocked && <p className={`notice notice--warning ${styles.saleNotice}`}>{saleBlocked}</p>}

      <div className={styles.layout}>
        <section ref={mapAreaRef} className={styles.mapArea} aria-label="Seat map">
          <SeatMap
            index={index}
            store={live.store}
            selectedIds={selection.selectedIds}
            mineIds={selection.mineIds}
            onToggleSeat={selection.toggleSeat}
            onPickArea={pickArea}
            holdChange={live.holdChange}
            {...mapHints}
          />
          {!live.synced && <p className={styles.mapLoading}>Loading live availability…</p>}
          <Legend categories={event.categories} currency={event.currency} />
        </section>

        <aside className={styles.sidebar} aria-label="Your seats">
          {notice && <NoticeBanner notice={notice} onDismiss={() => setNotice(null)} />}
          {live.holds.map((hold) => (
            <HoldPanel
              key={hold.id}
              index={index}
              hold={hold}
              live={live}
              notify={notify}
              onOrder={goToOrder}
              autoFocus={hold.id === focusHoldId}
              scrollOnFocus={hold.id !== mapRevealFor}
              checkoutRequest={hold.id === checkoutRequest.holdId ? checkoutRequest.serial : 0}
            />
          ))}
          {index.sections.length > 0 && (
            <BestSeatsPanel
              index={index}
              live={live}
              heldCount={selection.mineIds.size}
              maxSeats={maxSeats}
              blockedReason={blockedReason}
              notify={notify}
              onHeld={onBestHeld}
            />
          )}
          {index.gaAreas.length > 0 && (
            <GaPanel
              index={index}
              store={live.store}
              live={live}
              heldCount={selection.mineIds.size}
              maxSeats={maxSeats}
              blockedReason={blockedReason}
              notify={notify}
              onHeld={(hold) => setFocusHoldId(hold.id)}
            />
          )}
          {selection.stranded.length > 0 && (
            <OrphanFix index={index} store={live.store} stranded={selection.stranded} onToggleSeat={selection.toggleSeat} notify={notify} />
          )}
          <SelectionPanel
            index={index}
            selected={selection.selected}
            heldCount={selection.mineIds.size}
            maxSeats={maxSeats}
            holding={selection.holding}
            blockedReason={blockedReason}
            onRemove={selection.toggleSeat}
            onClear={selection.clearSelection}
            onHold={holdSelected}
          />
        </aside>

        <div className={styles.pickerArea}>
          <SeatListPicker
            index={index}
            store={live.store}
            selectedIds={selection.selectedIds}
            mineIds={selection.mineIds}
            onToggleSeat={selection.toggleSeat}
          />
        </div>
      </div>
      {live.connection === 'reconnecting' && (
        <p className={styles.reconnectToast} aria-hidden="true">
          <span className={styles.connectionDot} /> Reconnecting to live seat updates…
        </p>
      )}
      <MobileActionBar
        index={index}
        selected={selection.selected}
        holds={live.holds}
        holding={selection.holding}
        blocked={blockedReason !== null}
        onHold={holdSelected}
        onCheckout={requestCheckout}
        stranded={strandedFree.length > 0 ? { seatIds: strandedFree, onAdd: () => addStranded(index, strandedFree, selection.toggleSeat, notify) } : null}
      />
    </div>
  );
}
