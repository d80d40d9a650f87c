import type { EventSummary } from '../../lib/protocol';
import { formatCount } from '../../lib/client/format';
import styles from './EventList.module.css';

/** Stacked bar plus the three counts in words. */
export function AvailabilityBar({ counts }: { counts: EventSummary['counts'] }) {
  const total = Math.max(1, counts.available + counts.held + counts.sold);
  const pct = (n: number) => `${(n / total) * 100}%`;
  return (
    <div className={styles.availability}>
      <div className={styles.bar} aria-hidden="true">
        <span className={styles.barSold} style={{ width: pct(counts.sold) }} />
        <span className={styles.barHeld} style={{ width: pct(counts.held) }} />
        <span className={styles.barAvailable} style={{ width: pct(counts.available) }} />
      </div>
      <ul className={styles.counts} aria-label="Seat availability">
        <li data-count="available">
          <span className={`${styles.swatch} ${styles.barAvailable}`} aria-hidden="true" />
          <strong>{formatCount(counts.available)}</strong> available
        </li>
        <li data-count="held">
          <span className={`${styles.swatch} ${styles.barHeld}`} aria-hidden="true" />
          <strong>{formatCount(counts.held)}</strong> held
        </li>
        <li data-count="sold">
          <span className={`${styles.swatch} ${styles.barSold}`} aria-hidden="true" />
          <strong>{formatCount(counts.sold)}</strong> sold
        </li>
      </ul>
    </div>
  );
}
