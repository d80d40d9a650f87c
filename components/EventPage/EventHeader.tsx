import Link from 'next/link';
import type { EventDetail } from '../../lib/protocol';
import { formatEventDate, formatPriceRange } from '../../lib/client/format';
import type { ConnectionState } from '../../lib/client/useEventLive';
import styles from './EventPage.module.css';

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <span className={styles.connection} data-state={state} role="status">
      <span className={styles.connectionDot} aria-hidden="true" />
      <span className="sr-only">Seat availability: </span>
      {CONNECTION_TEXT[state]}
    </span>
  );
}

function BackLink() {
  return (
    <Link href="/" className={styles.back}>
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        <path d="M10 3 5 8l5 5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      All events
    </Link>
  );
}

/** The header's shape while the event loads: same lines, same height (for a one-line name). */
export function EventHeaderPlaceholder() {
  const bar = (width: string) => <span className={`skeleton ${styles.textSkeleton}`} style={{ width }} />;
  return (
    <header className={styles.header}>
      <BackLink />
      <div className={styles.headerRow}>
        <div>
          <h1>{bar('min(22ch, 80vw)')}</h1>
          <p className={styles.meta}>
            {bar('12ch')}
            <span className={styles.sep} aria-hidden="true">
              ·
            </span>
            {bar('16ch')}
            <span className={styles.sep} aria-hidden="true">
              ·
            </span>
            {bar('8ch')}
          </p>
        </div>
        <ConnectionBadge state="connecting" />
      </div>
    </header>
  );
}

export function EventHeader({ event, connection }: { event: EventDetail; connection: ConnectionState }) {
  return (
    <header className={styles.header}>
      <BackLink />
      <div className={styles.headerRow}>
        <div>
          <h1>{event.name}</h1>
          <p className={styles.meta}>
            <span>{event.venueName}</span>
            <span className={styles.sep} aria-hidden="true">
              ·
            </span>
            <span>{formatEventDate(event.startsAt)}</span>
            <span className={styles.sep} aria-hidden="true">
              ·
            </span>
            <span>{formatPriceRange(event.priceRangeCents, event.currency)}</span>
          </p>
        </div>
        <ConnectionBadge state={connection} />
      </div>
    </header>
  );
}
