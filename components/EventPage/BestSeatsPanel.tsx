'use client';
// Best available: the buyer says how many seats and, optionally, which price
// category, what most per seat and whether they need wheelchair-accessible
// seats; the server picks and holds them in one step. The hold then shows in
// the usual hold panel (countdown, checkout, release), and the map zooms to it.
import { useId, useMemo, useState } from 'react';
import type { BestRequest, HoldView } from '../../lib/protocol';
import { MAX_SEATS_PER_REQUEST } from '../../lib/wireFormat';
import { errorText } from '../../lib/client/errorText';
import { formatPrice, pluralize } from '../../lib/client/format';
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { EventLive } from '../../lib/client/useEventLive';
import { describeSeatGroup } from './seatGroupText';
import type { Notify } from './useSeatSelection';
import styles from './BestSeatsPanel.module.css';

interface BestSeatsPanelProps {
  index: SeatIndex;
  live: EventLive;
  /** Seats and places this buyer holds already (counted against the limit). */
  heldCount: number;
  maxSeats: number;
  blockedReason: string | null;
  notify: Notify;
  onHeld(hold: HoldView): void;
}

interface SeatedChoices {
  categories: { id: string; name: string; priceCents: number }[];
  /** Distinct seat prices below the dearest (a cap at the dearest is no cap). */
  priceCaps: number[];
  hasAccessible: boolean;
}

/** What the reserved seating offers to filter by (general-admission places are not picked here). */
function seatedChoices(index: SeatIndex): SeatedChoices {
  const used = new Set<string>();
  const prices = new Set<number>();
  let hasAccessible = false;
  index.seats.forEach((seat, i) => {
    if (index.gaAreaOf(i)) return;
    used.add(seat.category);
    prices.add(seat.priceCents);
    if (seat.accessible) hasAccessible = true;
  });
  const categories = index.event.categories.filter((c) => used.has(c.id)).sort((a, b) => b.priceCents - a.priceCents);
  const sorted = [...prices].sort((a, b) => a - b);
  return { categories, priceCaps: sorted.slice(0, -1), hasAccessible };
}

export function BestSeatsPanel({ index, live, heldCount, maxSeats, blockedReason, notify, onHeld }: BestSeatsPanelProps) {
  const choices = useMemo(() => seatedChoices(index), [index]);
  const [quantityText, setQuantityText] = useState('2');
  const [categoryId, setCategoryId] = useState('');
  const [priceCap, setPriceCap] = useState('');
  const [accessible, setAccessible] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [announcement, setAnnouncement] = useState('');
  const ids = { quantity: useId(), category: useId(), price: useId(), error: useId(), help: useId() };

  const mayHold = Math.max(0, Math.min(MAX_SEATS_PER_REQUEST, maxSeats - heldCount));
  const max = Math.max(1, mayHold);
  const quantity = Math.min(max, Math.max(1, Math.floor(Number(quantityText)) || 1));
  const disabledReason = blockedReason ?? (mayHold === 0 ? 'You have reached the seat limit for this event.' : null);
  const step = (delta: number) => setQuantityText(String(Math.max(1, Math.min(max, quantity + delta))));

  const find = async () => {
    if (disabledReason || busy) return;
    const request: BestRequest = {
      quantity,
      ...(categoryId ? { categoryIds: [categoryId] } : {}),
      ...(priceCap ? { maxPriceCents: Number(priceCap) } : {}),
      ...(accessible ? { accessible: true } : {}),
    };
    setError('');
    setBusy(true);
    const res = await live.createBestHold(request);
    setBusy(false);
    if (!res.ok) {
      setError(
        res.error.code === 'seats_unavailable'
          ? `We couldn’t find ${pluralize(quantity, 'seat')} matching that right now. Try fewer seats or another price, or pick seats on the map.`
          : errorText(res.error, { maxSeatsPerBuyer: maxSeats }),
      );
      return;
    }
    const minutes = Math.max(1, Math.round(index.event.holdTtlMs / 60_000));
    const text = `Found ${describeSeatGroup(index, res.hold.seatIds)}. They’re held for you for ${pluralize(minutes, 'minute')}. Not right? Release them and pick on the map.`;
    setAnnouncement(text);
    notify('success', text);
    onHeld(res.hold);
  };

  return (
    <section className={`card ${styles.panel}`} aria-labelledby="best-seats-title" data-testid="best-seats">
      <h2 id="best-seats-title">Find the best seats</h2>
      <form
        className={styles.form}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <div className={styles.field}>
          <label className={styles.label} htmlFor={ids.quantity}>
            Seats
          </label>
          <div className={styles.stepper}>
            <button type="button" className={styles.stepButton} onClick={() => step(-1)} disabled={quantity <= 1 || busy} aria-label="One seat fewer">
              −
            </button>
            <input
              id={ids.quantity}
              className={`input ${styles.quantity}`}
              type="number"
              inputMode="numeric"
              min={1}
              max={max}
              value={quantityText}
              onChange={(e) => setQuantityText(e.target.value)}
              onBlur={() => setQuantityText(String(quantity))}
            />
            <button type="button" className={styles.stepButton} onClick={() => step(1)} disabled={quantity >= max || busy} aria-label="One seat more">
              +
            </button>
          </div>
        </div>
        {choices.categories.length > 1 && (
          <div className={styles.field}>
            <label className={styles.label} htmlFor={ids.category}>
              Price category
            </label>
            <select id={ids.category} className={`input ${styles.select}`} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">Any category</option>
              {choices.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} · {formatPrice(c.priceCents, index.currency)}
                </option>
              ))}
            </select>
          </div>
        )}
        {choices.priceCaps.length > 0 && (
          <div className={styles.field}>
            <label className={styles.label} htmlFor={ids.price}>
              Price per seat
            </label>
            <select id={ids.price} className={`input ${styles.select}`} value={priceCap} onChange={(e) => setPriceCap(e.target.value)}>
              <option value="">Any price</option>
              {choices.priceCaps.map((cents) => (
                <option key={cents} value={cents}>
                  Up to {formatPrice(cents, index.currency)}
                </option>
              ))}
            </select>
          </div>
        )}
        {choices.hasAccessible && (
          <label className={styles.check}>
            <input type="checkbox" checked={accessible} onChange={(e) => setAccessible(e.target.checked)} />
            Wheelchair or companion seats
          </label>
        )}
        <button
          type="submit"
          className={`button button--primary button--block ${styles.submit}`}
          disabled={disabledReason !== null || busy}
          aria-describedby={error ? ids.error : ids.help}
        >
          {busy ? 'Finding seats…' : `Find best ${pluralize(quantity, 'seat')}`}
        </button>
      </form>
      {error ? (
        <p id={ids.error} className={styles.error} role="alert">
          {error}
        </p>
      ) : (
        <p id={ids.help} className={styles.help}>
          {disabledReason ?? 'We pick seats side by side, as close to the stage as we can, and hold them for you straight away.'}
        </p>
      )}
      <div className="sr-only" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </section>
  );
}
