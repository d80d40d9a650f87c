'use client';
// On narrow screens the selection and hold panels sit below the map; this bar
// keeps the next step (hold, or go to checkout) in reach. Hidden on desktop.
import type { HoldView } from '../../lib/protocol';
import { formatCountdown, formatPrice, pluralize } from '../../lib/client/format';
import type { SeatIndex } from '../../lib/client/seatIndex';
import { useServerNow } from '../../lib/client/useNow';
import styles from './MobileActionBar.module.css';

interface MobileActionBarProps {
  index: SeatIndex;
  selected: string[];
  holds: HoldView[];
  holding: boolean;
  blocked: boolean;
  onHold(): void;
}

function HoldSummary({ hold }: { hold: HoldView }) {
  const nowMs = useServerNow(500);
  const remainingMs = hold.expiresAt - nowMs;
  return (
    <span className={styles.summary}>
      <strong className={remainingMs < 60_000 ? styles.urgent : undefined}>{formatCountdown(remainingMs)}</strong>
      <span>{pluralize(hold.seatIds.length, 'seat')} held</span>
    </span>
  );
}

export function MobileActionBar({ index, selected, holds, holding, blocked, onHold }: MobileActionBarProps) {
  const hold = holds[0];
  if (!hold && selected.length === 0) return null;

  if (hold) {
    const goToHold = () => {
      const heading = document.getElementById(`hold-${hold.id}`);
      heading?.scrollIntoView({ block: 'center', behavior: 'smooth' });
      heading?.focus({ preventScroll: true });
    };
    return (
      <div className={styles.bar}>
        <HoldSummary hold={hold} />
        <button type="button" className="button button--primary" onClick={goToHold}>
          Go to checkout
        </button>
      </div>
    );
  }

  const totalCents = selected.reduce((sum, id) => sum + (index.seats[index.indexById.get(id) ?? -1]?.priceCents ?? 0), 0);
  return (
    <div className={styles.bar}>
      <span className={styles.summary}>
        <strong>{formatPrice(totalCents, index.currency)}</strong>
        <span>{pluralize(selected.length, 'seat')} selected</span>
      </span>
      <button type="button" className="button button--primary" onClick={onHold} disabled={holding || blocked}>
        {holding ? 'Holding…' : 'Hold now'}
      </button>
    </div>
  );
}
