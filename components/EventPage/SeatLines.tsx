import type { SeatIndex } from '../../lib/client/seatIndex';
import { formatPrice } from '../../lib/client/format';
import styles from './EventPage.module.css';

interface SeatLinesProps {
  index: SeatIndex;
  seatIds: readonly string[];
  onRemove?(seatId: string): void;
}

type Line = { id: string; i: number; places: number };

/** One line per seat, or one per general-admission area ("Standing pit · General admission", 3 × €30). */
function linesOf(index: SeatIndex, seatIds: readonly string[]): Line[] {
  const lines: Line[] = [];
  const byArea = new Map<string, Line>();
  for (const id of seatIds) {
    const i = index.indexById.get(id);
    if (i === undefined) continue;
    const area = index.gaAreaOf(i);
    const existing = area && byArea.get(area.id);
    if (existing) {
      existing.places++;
      continue;
    }
    const line = { id, i, places: 1 };
    if (area) byArea.set(area.id, line);
    lines.push(line);
  }
  return lines;
}

/** A compact list of seats with their prices, optionally removable. */
export function SeatLines({ index, seatIds, onRemove }: SeatLinesProps) {
  return (
    <ul className={styles.seatLines}>
      {linesOf(index, seatIds).map(({ id, i, places }) => {
        const seat = index.seats[i];
        const area = index.gaAreaOf(i);
        const color = index.categoryColors[index.categoryOf[i]];
        const category = index.categoryNames[index.categoryOf[i]];
        return (
          <li key={id} className={styles.seatLine} data-ga-area={area?.id}>
            <span className={styles.seatSwatch} style={{ background: color }} aria-hidden="true" />
            <span className={styles.seatLineText}>
              <span className={styles.seatLineMain}>
                {area ? `${area.name} · General admission` : `${index.sectionName(i)} · Row ${seat.row} · Seat ${seat.number}`}
              </span>
              <span className={styles.seatLineSub}>{area ? `${category} · ${places} × ${index.price(i)}` : category}</span>
            </span>
            <span className={styles.seatLinePrice}>{area ? formatPrice(seat.priceCents * places, index.currency) : index.price(i)}</span>
            {onRemove && !area && (
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
