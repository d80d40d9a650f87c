import Link from 'next/link';
import type { EventSummary } from '../../lib/protocol';
import { formatEventDate, formatPriceRange, pluralize } from '../../lib/client/format';
import { AvailabilityBar } from './AvailabilityBar';
import styles from './EventList.module.css';

const SALE_TEXT: Record<EventSummary['saleStatus'], string> = {
  open: 'On sale',
  paused: 'Sales paused',
  closed: 'Sales closed',
};

export function EventCard({ event }: { event: EventSummary }) {
  const soldOut = event.counts.available === 0 && event.counts.held === 0;
  const cta = event.saleStatus === 'open' && !soldOut ? 'Choose seats' : 'View seat map';
  return (
    <article className={`card ${styles.card}`} data-event-id={event.id}>
      <div className={styles.cardTop}>
        <div className={styles.date}>{formatEventDate(event.startsAt)}</div>
        <span className={`badge badge--${event.saleStatus}`}>{soldOut ? 'Sold out' : SALE_TEXT[event.saleStatus]}</span>
      </div>
      <h2 className={styles.name}>
        <Link href={`/events/${encodeURIComponent(event.id)}`} className={styles.nameLink}>
          {event.name}
        </Link>
      </h2>
      <p className={styles.venue}>{event.venueName}</p>

      <dl className={styles.facts}>
        <div>
          <dt>Prices</dt>
          <dd>{formatPriceRange(event.priceRangeCents, event.currency)}</dd>
        </div>
        <div>
          <dt>Capacity</dt>
          <dd>{pluralize(event.capacity, 'seat')}</dd>
        </div>
      </dl>

      <AvailabilityBar counts={event.counts} />

      <div className={styles.cardFooter}>
        <span className={`button button--primary ${styles.cta}`} aria-hidden="true">
          {cta}
          <svg viewBox="0 0 16 16" width="14" height="14">
            <path d="M6 3l5 5-5 5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </span>
      </div>
    </article>
  );
}
