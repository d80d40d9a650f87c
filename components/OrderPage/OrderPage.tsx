'use client';
// The order page: one printable ticket (and QR code) per valid seat, what was
// cancelled and why, and the link that opens it on any device. It opens for
// the browser that bought it, or anywhere with the access key from the
// order's link (`?key=`), and follows organizer changes live.
import { useCallback, useEffect, useState } from 'react';
import type { Fail, OrderView } from '../../lib/protocol';
import { api } from '../../lib/client/api';
import { useOrderLive } from '../../lib/client/useOrderLive';
import { formatEventDate } from '../../lib/client/format';
import { CancellationNotice } from './CancellationNotice';
import { OrderError } from './OrderError';
import { OrderLinkPanel } from './OrderLinkPanel';
import { OrderSummary, type OrderEvent } from './OrderSummary';
import { TicketCard } from './TicketCard';
import styles from './OrderPage.module.css';

interface Loaded {
  order: OrderView;
  event: OrderEvent | null;
  accessKey: string;
}

export function OrderPage({ orderId, accessKey }: { orderId: string; accessKey?: string }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<Fail['error'] | null>(null);
  const [categoryNames, setCategoryNames] = useState<Map<string, string> | null>(null);
  const [announcement, setAnnouncement] = useState('');

  const load = useCallback(
    async (signal?: AbortSignal): Promise<Loaded | null> => {
      const res = await api.order(orderId, accessKey, signal);
      if (!res.ok) {
        setError(res.error);
        return null;
      }
      const next = { order: res.order, event: res.event, accessKey: res.accessKey };
      setError(null);
      setLoaded(next);
      return next;
    },
    [orderId, accessKey],
  );

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const first = await load(controller.signal);
      if (!first) return;
      // Category names (and the event, if the order answer had none) from the event's layout.
      const detail = await api.event(first.order.eventId, controller.signal);
      if (detail.ok) {
        const d = detail.event;
        setCategoryNames(new Map(d.categories.map((c) => [c.id, c.name])));
        setLoaded((l) => (l && !l.event ? { ...l, event: { id: d.id, name: d.name, venueName: d.venueName, startsAt: d.startsAt } } : l));
      }
    })().catch(() => {});
    return () => controller.abort();
  }, [load]);

  const live = useOrderLive(orderId, accessKey, loaded !== null && error === null, (change) => {
    void load().then((next) => {
      if (change !== 'tickets_cancelled' || !next) return;
      setAnnouncement(next.order.status === 'cancelled' ? 'The organizer just cancelled this order.' : 'The organizer just cancelled some tickets of this order.');
    });
  });

  if (error) return <OrderError error={error} onRetry={() => void load()} />;

  if (!loaded) {
    return (
      <div className="page" aria-busy="true" aria-label="Loading order">
        <div className="skeleton" style={{ height: 120 }} />
        <div className="skeleton" style={{ height: 220, marginTop: 20 }} />
      </div>
    );
  }

  const { order, event } = loaded;
  const valid = order.tickets.filter((t) => t.status === 'valid');
  const cancelled = order.tickets.filter((t) => t.status === 'cancelled');
  const card = (ticket: OrderView['tickets'][number]) => (
    <li key={ticket.id}>
      <TicketCard
        ticket={ticket}
        currency={order.currency}
        eventName={event?.name ?? ''}
        eventWhen={event ? `${event.venueName} · ${formatEventDate(event.startsAt)}` : ''}
        categoryName={categoryNames?.get(ticket.category) ?? ''}
      />
    </li>
  );

  return (
    <div className={`page ${styles.page}`} data-live={live ? 'on' : 'off'}>
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      <OrderSummary order={order} event={event} />
      <CancellationNotice order={order} />

      {valid.length > 0 && (
        <>
          <h2 className={styles.ticketsTitle}>Your tickets</h2>
          <ul className={styles.tickets} data-testid="valid-tickets">
            {valid.map(card)}
          </ul>
        </>
      )}

      {valid.length > 0 && <OrderLinkPanel orderId={order.id} accessKey={loaded.accessKey} email={order.buyer.email} />}

      {cancelled.length > 0 && (
        <div className="no-print">
          <h2 className={styles.ticketsTitle}>Cancelled tickets</h2>
          <ul className={styles.tickets} data-testid="cancelled-tickets">
            {cancelled.map(card)}
          </ul>
        </div>
      )}
    </div>
  );
}
