'use client';
// The top of the order page: what state the order is in (confirmed, partly or
// wholly cancelled — never "confirmed" for a cancelled one), its facts and
// what the buyer can do next.
import Link from 'next/link';
import type { OrderView } from '../../lib/protocol';
import { formatDateTime, formatEventDate, formatPrice, pluralize } from '../../lib/client/format';
import styles from './OrderPage.module.css';

export interface OrderEvent {
  id: string;
  name: string;
  venueName: string;
  startsAt: number;
}

function StatusIcon({ status }: { status: OrderView['status'] }) {
  if (status === 'confirmed') {
    return (
      <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
        <circle cx="12" cy="12" r="11" fill="currentColor" />
        <path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    );
  }
  return (
    <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
      <circle cx="12" cy="12" r="11" fill="currentColor" />
      {status === 'cancelled' ? (
        <path d="M8 8l8 8M16 8l-8 8" fill="none" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
      ) : (
        <path d="M12 6.5v7M12 17.2v.3" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" />
      )}
    </svg>
  );
}

function headline(order: OrderView, event: OrderEvent | null): { title: string; line: string } {
  const valid = order.tickets.filter((t) => t.status === 'valid').length;
  const name = event ? ` to ${event.name}` : '';
  switch (order.status) {
    case 'confirmed':
      return { title: `You’re going${name}!`, line: `Order confirmed · ${pluralize(valid, 'ticket')} · show the QR codes at the door or print them` };
    case 'partially_cancelled':
      return {
        title: `Part of your order was cancelled`,
        line: `${valid} of ${pluralize(order.tickets.length, 'ticket')} still valid${event ? ` for ${event.name}` : ''} · show their QR codes at the door`,
      };
    case 'cancelled':
      return { title: 'This order was cancelled', line: 'None of its tickets is valid any more.' };
    default: {
      const _exhaustive: never = order.status;
      return { title: String(_exhaustive), line: '' };
    }
  }
}

export function OrderSummary({ order, event }: { order: OrderView; event: OrderEvent | null }) {
  const { title, line } = headline(order, event);
  const hasValid = order.status !== 'cancelled';
  return (
    <section className={`card ${styles.summary}`} aria-labelledby="order-title" data-order-status={order.status}>
      <div className={styles.headline} data-tone={order.status}>
        <StatusIcon status={order.status} />
        <div>
          <h1 id="order-title">{title}</h1>
          <p className="muted">{line}</p>
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
          <dt>Paid</dt>
          <dd className={styles.total}>
            {formatPrice(order.paidCents, order.currency)}
            <span className={styles.sub}>{formatDateTime(order.createdAt)}</span>
          </dd>
        </div>
        {order.refundCents > 0 && (
          <div>
            <dt>To be refunded</dt>
            <dd className={styles.total} data-testid="refund-amount">
              {formatPrice(order.refundCents, order.currency)}
              <span className={styles.sub}>for the cancelled {order.tickets.length - order.tickets.filter((t) => t.status === 'valid').length === 1 ? 'ticket' : 'tickets'}</span>
            </dd>
          </div>
        )}
      </dl>

      <div className={`${styles.actions} no-print`}>
        {hasValid && (
          <button type="button" className="button button--primary" onClick={() => window.print()}>
            Print tickets
          </button>
        )}
        <Link href={`/events/${encodeURIComponent(order.eventId)}`} className="button button--secondary">
          {hasValid ? 'Back to the seat map' : 'See the event'}
        </Link>
      </div>
    </section>
  );
}
