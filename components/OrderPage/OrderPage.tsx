'use client';
// Order confirmation with one printable ticket (and QR code) per seat.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { EventDetail, Fail, OrderView } from '../../lib/protocol';
import { api, getJson } from '../../lib/client/api';
import { formatDateTime, formatEventDate, formatPrice, pluralize } from '../../lib/client/format';
import { TicketCard } from './TicketCard';
import styles from './OrderPage.module.css';

interface OrderEvent {
  id: string;
  name: string;
  venueName: string;
  startsAt: number;
}

/** Names for section and category ids, taken from the event layout. */
interface EventNames {
  sections: Map<string, string>;
  categories: Map<string, string>;
}

export function OrderPage({ orderId }: { orderId: string }) {
  const [order, setOrder] = useState<OrderView | null>(null);
  const [event, setEvent] = useState<OrderEvent | null>(null);
  const [names, setNames] = useState<EventNames | null>(null);
  const [error, setError] = useState<Fail['error'] | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const res = await getJson<{ order: OrderView; event?: OrderEvent | null }>(
        `/api/orders/${encodeURIComponent(orderId)}`,
        controller.signal,
      );
      if (!res.ok) return setError(res.error);
      setOrder(res.order);
      if (res.event) setEvent(res.event);
      const detail = await api.event(res.order.eventId, controller.signal);
      if (detail.ok) {
        const d: EventDetail = detail.event;
        setEvent((e) => e ?? { id: d.id, name: d.name, venueName: d.venueName, startsAt: d.startsAt });
        setNames({
          sections: new Map(d.sections.map((s) => [s.id, s.name])),
          categories: new Map(d.categories.map((c) => [c.id, c.name])),
        });
      }
    })().catch(() => {});
    return () => controller.abort();
  }, [orderId]);

  if (error) {
    const missing = error.code === 'not_found' || error.code === 'invalid_request' || error.code === 'not_hold_owner';
    return (
      <div className="page">
        <div className="card empty-state" role="alert">
          <h1>{missing ? 'We couldn’t find that order' : 'We couldn’t load your order'}</h1>
          <p>
            {missing
              ? 'Orders can only be viewed from the browser that bought them. Check the link, or open it in that browser.'
              : 'Please try again in a moment.'}
          </p>
          <Link href="/" className="button button--primary">
            See all events
          </Link>
        </div>
      </div>
    );
  }

  if (!order) {
    return (
      <div className="page" aria-busy="true" aria-label="Loading order">
        <div className="skeleton" style={{ height: 120 }} />
        <div className="skeleton" style={{ height: 220, marginTop: 20 }} />
      </div>
    );
  }

  const sectionName = (id: string) => names?.sections.get(id) ?? id;
  const categoryName = (id: string) => names?.categories.get(id) ?? '';

  return (
    <div className={`page ${styles.page}`}>
      <section className={`card ${styles.summary}`} aria-labelledby="order-title">
        <div className={styles.success}>
          <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
            <circle cx="12" cy="12" r="11" fill="currentColor" />
            <path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <div>
            <h1 id="order-title">You’re going{event ? ` to ${event.name}` : ''}!</h1>
            <p className="muted">
              Order confirmed · {pluralize(order.tickets.length, 'ticket')} · show the QR codes at the door or print them
            </p>
          </div>
        </div>

        <dl className={styles.details}>
          <div>
            <dt>Order</dt>
            <dd className={styles.mono} data-order-id={order.id}>
              {order.id}
            </dd>
          </div>
          <div>
            <dt>Event</dt>
            <dd>
              {event ? (
                <>
                  {event.name}
                  <span className={styles.sub}>
                    {event.venueName} · {formatEventDate(event.startsAt)}
                  </span>
                </>
              ) : (
                order.eventId
              )}
            </dd>
          </div>
          <div>
            <dt>Buyer</dt>
            <dd>
              {order.buyer.name}
              <span className={styles.sub}>{order.buyer.email}</span>
            </dd>
          </div>
          <div>
            <dt>Total paid</dt>
            <dd className={styles.total}>
              {formatPrice(order.totalCents, order.currency)}
              <span className={styles.sub}>{formatDateTime(order.createdAt)}</span>
            </dd>
          </div>
        </dl>

        <div className={`${styles.actions} no-print`}>
          <button type="button" className="button button--primary" onClick={() => window.print()}>
            Print tickets
          </button>
          <Link href={`/events/${encodeURIComponent(order.eventId)}`} className="button button--secondary">
            Back to the seat map
          </Link>
        </div>
      </section>

      <h2 className={styles.ticketsTitle}>Your tickets</h2>
      <ul className={styles.tickets}>
        {order.tickets.map((ticket) => (
          <li key={ticket.id}>
            <TicketCard
              ticket={ticket}
              currency={order.currency}
              eventName={event?.name ?? ''}
              eventWhen={event ? `${event.venueName} · ${formatEventDate(event.startsAt)}` : ''}
              sectionName={sectionName(ticket.section)}
              categoryName={categoryName(ticket.category)}
            />
          </li>
        ))}
      </ul>
    </div>
  );
}
