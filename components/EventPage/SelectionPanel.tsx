'use client';
import type { SeatIndex } from '../../lib/client/seatIndex';
import { formatDurationWords, formatPrice, pluralize } from '../../lib/client/format';
import { SeatLines } from './SeatLines';
import styles from './EventPage.module.css';

/** Seats listed before the rest collapse behind "Show N more seats". */
const LINES_SHOWN = 5;

interface SelectionPanelProps {
  index: SeatIndex;
  selected: string[];
  heldCount: number;
  maxSeats: number;
  holding: boolean;
  /** Why holding is not possible right now, if it isn't. */
  blockedReason: string | null;
  onRemove(seatId: string): void;
  onClear(): void;
  onHold(): void;
}

export function SelectionPanel(props: SelectionPanelProps) {
  const { index, selected, heldCount, maxSeats, holding, blockedReason, onRemove, onClear, onHold } = props;
  const totalCents = selected.reduce((sum, id) => sum + (index.seats[index.indexById.get(id) ?? -1]?.priceCents ?? 0), 0);
  const remaining = Math.max(0, maxSeats - heldCount - selected.length);
  return (
    <section className={`card ${styles.panel}`} aria-labelledby="selection-title">
      <div className={styles.panelHead}>
        <h2 id="selection-title">Your selection</h2>
        {selected.length > 0 && (
          <button type="button" className={styles.linkButton} onClick={onClear}>
            Clear
          </button>
        )}
      </div>
      {selected.length === 0 ? (
        <p className={styles.empty}>
          {maxSeats - heldCount > 0
            ? `Pick seats on the map or from the list. You can choose up to ${pluralize(maxSeats - heldCount, 'seat')}${heldCount > 0 ? ' more' : ''}.`
            : 'You hold as many seats as this event allows.'}
        </p>
      ) : (
        <>
          <SeatLines index={index} seatIds={selected} onRemove={onRemove} collapseAfter={LINES_SHOWN} />
          <div className={styles.totalRow}>
            <span>Total</span>
            <strong>{formatPrice(totalCents, index.currency)}</strong>
          </div>
        </>
      )}
      <button
        type="button"
        className="button button--primary button--block"
        onClick={onHold}
        disabled={selected.length === 0 || holding || blockedReason !== null}
        aria-describedby="hold-help"
      >
        {holding ? 'Holding…' : selected.length === 0 ? 'Hold seats' : `Hold ${pluralize(selected.length, 'seat')}`}
      </button>
      <p id="hold-help" className={styles.help}>
        {blockedReason ??
          (selected.length > 0
            ? `We’ll reserve ${selected.length === 1 ? 'it' : 'them'} for you for ${formatDurationWords(index.event.holdTtlMs)} while you check out.`
            : remaining === 0
              ? 'You have reached the seat limit for this event.'
              : 'Seats are reserved for you once held; nobody else can take them.')}
      </p>
    </section>
  );
}
