// The map legend: every seat symbol with words, plus the price categories.
import type { CategoryView } from '../../lib/protocol';
import { formatPrice } from '../../lib/wireFormat';
import { GLYPH_COLORS, type SeatVisual } from './seatGlyphs';
import styles from './SeatMap.module.css';

const C = GLYPH_COLORS;

/** SVG twins of the canvas glyphs in seatGlyphs.ts (radius 8 in a 20×20 box). */
export function SeatSymbol({ visual, color = '#2563eb' }: { visual: SeatVisual; color?: string }) {
  return (
    <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" className={styles.symbol}>
      {visual === 'available' && <circle cx="10" cy="10" r="8" fill={color} />}
      {visual === 'selected' && (
        <>
          <circle cx="10" cy="10" r="6.9" fill={C.selectedFill} stroke={C.ink} strokeWidth="2.2" />
          <path d="M6.6 10.2 9 12.6 13.5 7.6" fill="none" stroke={C.ink} strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
        </>
      )}
      {visual === 'mine' && (
        <>
          <circle cx="10" cy="10" r="8" fill={C.mineFill} stroke={C.ink} strokeWidth="2.4" />
          <circle cx="10" cy="10" r="2.6" fill={C.mineDot} />
        </>
      )}
      {visual === 'held' && (
        <>
          <circle cx="10" cy="10" r="7.3" fill={C.heldFill} stroke={C.heldStroke} strokeWidth="1.5" />
          <path d="M4.8 15.2 15.2 4.8" stroke={C.heldStroke} strokeWidth="1.5" />
        </>
      )}
      {visual === 'sold' && (
        <path d="M6.4 6.4 13.6 13.6M13.6 6.4 6.4 13.6" stroke={C.soldStroke} strokeWidth="1.8" strokeLinecap="round" />
      )}
    </svg>
  );
}

const STATUS_ENTRIES: { visual: SeatVisual; text: string }[] = [
  { visual: 'available', text: 'Available (colour = price)' },
  { visual: 'selected', text: 'Selected' },
  { visual: 'mine', text: 'Held by you' },
  { visual: 'held', text: 'Held by others' },
  { visual: 'sold', text: 'Sold / unavailable' },
];

export function Legend({ categories, currency }: { categories: CategoryView[]; currency: string }) {
  return (
    <div className={styles.legend}>
      <h3 className="sr-only">Legend</h3>
      <ul className={styles.legendList} aria-label="Seat symbols">
        {STATUS_ENTRIES.map((entry) => (
          <li key={entry.visual} className={styles.legendItem}>
            <SeatSymbol visual={entry.visual} color="#64748b" />
            <span>{entry.text}</span>
          </li>
        ))}
      </ul>
      <ul className={styles.legendList} aria-label="Price categories">
        {categories.map((c) => (
          <li key={c.id} className={styles.legendItem}>
            <SeatSymbol visual="available" color={c.color} />
            <span>
              {c.name} <span className={styles.legendPrice}>{formatPrice(c.priceCents, currency)}</span>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
