'use client';
import { useId, useState } from 'react';
import type { SeatIndex } from '../../lib/client/seatIndex';
import { formatPrice, pluralize } from '../../lib/client/format';
import styles from './EventPage.module.css';

interface SeatLinesProps {
  index: SeatIndex;
  seatIds: readonly string[];
  onRemove?(seatId: string): void;
  /**
   * Longer lists show their first lines and a button that says how many more there are
   * (and shows them), instead of hiding lines in a scrolling box.
   */
  collapseAfter?: number;
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
export function SeatLines({ index, seatIds, onRemove, collapseAfter }: SeatLinesProps) {
  const listId = useId();
  const [expanded, setExpanded] = useState(false);
  const lines = linesOf(index, seatIds);
  const collapsible = collapseAfter !== undefined && lines.length > collapseAfter;
  // Never "1 more": a list one line over the limit is shown whole.
  const shown = collapsible && !expanded ? lines.slice(0, collapseAfter - 1) : lines;
  const hiddenSeats = lines.slice(shown.length).reduce((n, line) => n + line.places, 0);
  return (
    <>
      <ul id={listId} className={`${styles.seatLines} ${collapseAfter !== undefined ? styles.seatLinesWhole : ''}`}>
        {shown.map((line) => (
          <SeatLine key={line.id} index={index} line={line} onRemove={onRemove} />
        ))}
      </ul>
      {collapsible && (
        <button type="button" className={styles.linkButton} aria-expanded={expanded} aria-controls={listId} onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show ${pluralize(hiddenSeats, 'more seat')}`}
        </button>
      )}
    </>
  );
}

function SeatLine({ index, line, onRemove }: { index: SeatIndex; line: Line; onRemove?(seatId: string): void }) {
  const { id, i, places } = line;
  const seat = index.seats[i];
  const area = index.gaAreaOf(i);
  const color = index.categoryColors[index.categoryOf[i]];
  const category = index.categoryNames[index.categoryOf[i]];
  return (
    <li className={styles.seatLine} data-ga-area={area?.id} data-seat-id={area ? undefined : id}>
      <span className={styles.seatSwatch} style={{ background: color }} aria-hidden="true" />
      <span className={styles.seatLineText}>
        <span className={styles.seatLineMain}>
          {area ? `${area.name} · General admission` : `${index.sectionName(i)} · Row ${seat.row} · Seat ${seat.number}`}
        </span>
        <span className={styles.seatLineSub}>{area ? `${category} · ${places} × ${index.price(i)}` : category}</span>
      </span>
      <span className={styles.seatLinePrice}>{area ? formatPrice(seat.priceCents * places, index.currency) : index.price(i)}</span>
      {onRemove && !area && (
        <button type="button" className={styles.removeButton} onClick={() => onRemove(id)} aria-label={`Remove ${index.shortLabel(i)}`}>
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
          </svg>
        </button>
      )}
    </li>
  );
}
