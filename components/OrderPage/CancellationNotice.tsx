'use client';
// What was cancelled: for each organizer cancellation, which tickets, when,
// the organizer's reason and what is refunded.
import type { OrderView, TicketView } from '../../lib/protocol';
import { formatDateTime, formatPrice } from '../../lib/client/format';
import { seatText } from './seatText';
import styles from './OrderPage.module.css';

interface Cancellation {
  at: number;
  reason: string;
  tickets: TicketView[];
}

/** One entry per organizer action: tickets cancelled at the same moment for the same reason. */
function cancellationsOf(order: OrderView): Cancellation[] {
  const groups = new Map<string, Cancellation>();
  for (const ticket of order.tickets) {
    if (ticket.status !== 'cancelled') continue;
    const at = ticket.cancelledAt ?? 0;
    const reason = ticket.cancelReason ?? '';
    const key = `${at}\u0000${reason}`;
    const group = groups.get(key) ?? { at, reason, tickets: [] };
    group.tickets.push(ticket);
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => a.at - b.at);
}

export function CancellationNotice({ order }: { order: OrderView }) {
  const cancellations = cancellationsOf(order);
  if (cancellations.length === 0) return null;
  return (
    <section className={`notice notice--error ${styles.cancellations}`} aria-labelledby="cancellations-title" data-testid="cancellation-notice">
      <div>
        <h2 id="cancellations-title" className={styles.noticeTitle}>
          {order.status === 'cancelled' ? 'The organizer cancelled this order' : 'The organizer cancelled some tickets'}
        </h2>
        <ul className={styles.cancellationList}>
          {cancellations.map((c) => (
            <li key={`${c.at}-${c.reason}`}>
              <strong>{c.tickets.map((t) => seatText(t)).join('; ')}</strong>
              <span className={styles.sub}>
                Cancelled {c.at ? formatDateTime(c.at) : ''} · Reason: “{c.reason}” · {formatPrice(c.tickets.reduce((n, t) => n + t.priceCents, 0), order.currency)} to be refunded
              </span>
            </li>
          ))}
        </ul>
        <p className={styles.sub}>Cancelled tickets are refused at the door.</p>
      </div>
    </section>
  );
}
