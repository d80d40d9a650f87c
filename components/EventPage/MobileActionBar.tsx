'use client';
// On narrow screens the selection and hold panels sit below the map; this bar
// keeps the next step in reach and says what it is: hold the selected seats, or
// (with nothing selected) open checkout for the hold that runs out first; after
// a hold was refused for stranding a seat, add that seat.
// Hidden on desktop.
import type { HoldView } from '../../lib/protocol';
import { formatCountdown, formatPrice, pluralize } from '../../lib/client/format';
import type { SeatIndex } from '../../lib/client/seatIndex';
import { useServerNow } from '../../lib/client/useNow';
import { strandedBarText } from './seatGroupText';
import styles from './MobileActionBar.module.css';

interface MobileActionBarProps {
  index: SeatIndex;
  selected: string[];
  holds: HoldView[];
  holding: boolean;
  blocked: boolean;
  onHold(): void;
  /** Opens the checkout form of this hold (and brings it into view). */
  onCheckout(holdId: string): void;
  /**
   * After an orphan refusal, the free seats the selection would strand: the bar says so and
   * offers to add them (the map beside it marks them), instead of the refused hold again.
   */
  stranded?: { seatIds: readonly string[]; onAdd(): void } | null;
}

function HoldSummary({ hold, unit }: { hold: HoldView; unit: string }) {
  const nowMs = useServerNow(500);
  const remainingMs = hold.expiresAt - nowMs;
  return (
    <span className={styles.summary}>
      <strong className={remainingMs < 60_000 ? styles.urgent : undefined}>{formatCountdown(remainingMs)}</strong>
      <span>{pluralize(hold.seatIds.length, unit)} held</span>
    </span>
  );
}

export function MobileActionBar({ index, selected, holds, holding, blocked, onHold, onCheckout, stranded }: MobileActionBarProps) {
  if (selected.length > 0 && stranded && stranded.seatIds.length > 0) {
    const text = strandedBarText(index, stranded.seatIds);
    return (
      <div className={styles.bar} data-testid="mobile-action-bar">
        <span className={styles.summary}>
          <strong className={styles.warning}>
            <span aria-hidden="true">⚠ </span>
            {text.title}
          </strong>
          <span>{text.detail}</span>
        </span>
        <button type="button" className="button button--primary" onClick={stranded.onAdd} disabled={blocked}>
          {text.action}
        </button>
      </div>
    );
  }
  if (selected.length > 0) {
    const totalCents = selected.reduce((sum, id) => sum + (index.seats[index.indexById.get(id) ?? -1]?.priceCents ?? 0), 0);
    return (
      <div className={styles.bar} data-testid="mobile-action-bar">
        <span className={styles.summary}>
          <strong>{formatPrice(totalCents, index.currency)}</strong>
          <span>{pluralize(selected.length, 'seat')} selected</span>
        </span>
        <button type="button" className="button button--primary" onClick={onHold} disabled={holding || blocked}>
          {holding ? 'Holding…' : `Hold ${pluralize(selected.length, 'seat')}`}
        </button>
      </div>
    );
  }
  if (holds.length === 0) return null;
  const hold = holds.reduce((a, b) => (a.expiresAt <= b.expiresAt ? a : b));
  const unit = hold.seatIds.every((id) => index.gaAreaOf(index.indexById.get(id) ?? -1)) ? 'place' : 'seat';
  return (
    <div className={styles.bar} data-testid="mobile-action-bar">
      <HoldSummary hold={hold} unit={unit} />
      <button type="button" className="button button--primary" onClick={() => onCheckout(hold.id)}>
        Checkout
      </button>
    </div>
  );
}
