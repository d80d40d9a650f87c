import type { SeatIndex } from '../../lib/client/seatIndex';
import styles from './EventPage.module.css';

interface SeatLinesProps {
  index: SeatIndex;
  seatIds: readonly string[];
  onRemove?(seatId: string): void;
}

/** A compact list of seats with their prices, optionally removable. */
export function SeatLines({ index, seatIds, onRemove }: SeatLinesProps) {
  return (
    <ul className={styles.seatLines}>
      {seatIds.map((id) => {
        const i = index.indexById.get(id);
        if (i === undefined) return null;
        const seat = index.seats[i];
        const color = index.categoryColors[index.categoryOf[i]];
        return (
          <li key={id} className={styles.seatLine}>
            <span className={styles.seatSwatch} style={{ background: color }} aria-hidden="true" />
            <span className={styles.seatLineText}>
              <span className={styles.seatLineMain}>
                {index.sectionName(i)} · Row {seat.row} · Seat {seat.number}
              </span>
              <span className={styles.seatLineSub}>{index.categoryNames[index.categoryOf[i]]}</span>
            </span>
            <span className={styles.seatLinePrice}>{index.price(i)}</span>
            {onRemove && (
              <button
                type="button"
                className={styles.removeButton}
                onClick={() => onRemove(id)}
                aria-label={`Remove ${index.shortLabel(i)}`}
              >
                <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
                  <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
                </svg>
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
