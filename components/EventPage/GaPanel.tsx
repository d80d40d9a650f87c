'use client';
// General admission: areas sold by quantity. The buyer says how many places;
// the server picks which. Each "Add" becomes a hold of its own.
import { useState, useSyncExternalStore } from 'react';
import type { ApiError, HoldView } from '../../lib/protocol';
import { MAX_SEATS_PER_REQUEST } from '../../lib/wireFormat';
import { errorText } from '../../lib/client/errorText';
import { formatPrice, pluralize } from '../../lib/client/format';
import type { GaAreaGroup, SeatIndex } from '../../lib/client/seatIndex';
import { gaLeftText } from '../../lib/client/seatLabels';
import type { SeatStatusStore } from '../../lib/client/seatStatusStore';
import type { EventLive } from '../../lib/client/useEventLive';
import type { Notify } from './useSeatSelection';
import styles from './GaPanel.module.css';

interface GaPanelProps {
  index: SeatIndex;
  store: SeatStatusStore;
  live: EventLive;
  /** Places and seats this buyer holds already (counted against the limit). */
  heldCount: number;
  maxSeats: number;
  blockedReason: string | null;
  notify: Notify;
  onHeld(hold: HoldView): void;
}

/** The id of an area's quantity input (the map focuses it when the area is clicked). */
export const gaQuantityInputId = (areaId: string) => `ga-qty-${areaId}`;

function gaErrorText(area: GaAreaGroup, error: ApiError, maxSeats: number): string {
  const left = /Only (\d+) places? (?:is|are) left/.exec(error.message);
  if (error.code === 'seats_unavailable' && left) {
    const n = Number(left[1]);
    return n === 0 ? `${area.name} is full.` : `Only ${n} ${n === 1 ? 'place is' : 'places are'} left in ${area.name}.`;
  }
  return errorText(error, { maxSeatsPerBuyer: maxSeats });
}

export function GaPanel({ index, store, live, heldCount, maxSeats, blockedReason, notify, onHeld }: GaPanelProps) {
  useSyncExternalStore(store.subscribeRevision, store.getRevision, store.getRevision);
  const [busyArea, setBusyArea] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [announcement, setAnnouncement] = useState('');
  const mayHold = Math.max(0, Math.min(MAX_SEATS_PER_REQUEST, maxSeats - heldCount));

  const hold = async (area: GaAreaGroup, quantity: number): Promise<boolean> => {
    setErrors((e) => ({ ...e, [area.id]: '' }));
    if (quantity > mayHold) {
      setErrors((e) => ({ ...e, [area.id]: mayHold === 0 ? 'You have reached the seat limit for this event.' : `You can add at most ${pluralize(mayHold, 'more place')}.` }));
      return false;
    }
    setBusyArea(area.id);
    const res = await live.createHold([], [{ areaId: area.id, quantity }]);
    setBusyArea(null);
    if (!res.ok) {
      setErrors((e) => ({ ...e, [area.id]: gaErrorText(area, res.error, maxSeats) }));
      return false;
    }
    const n = res.hold.seatIds.length;
    const text = `${n === 1 ? `1 place in ${area.name} is` : `${n} places in ${area.name} are`} held for you. Complete checkout before the timer runs out.`;
    setAnnouncement(text);
    notify('success', text);
    onHeld(res.hold);
    return true;
  };

  return (
    <section className={`card ${styles.panel}`} aria-labelledby="ga-title" data-testid="ga-panel">
      <h2 id="ga-title">Standing / general admission</h2>
      <p className={styles.help}>Choose how many places you want; you can stand anywhere in the area.</p>
      <ul className={styles.areas}>
        {index.gaAreas.map((area) => (
          <GaAreaRow
            key={area.id}
            index={index}
            area={area}
            left={store.freeCount(area.seatIndices)}
            mayHold={mayHold}
            disabledReason={blockedReason ?? (store.version < 0 ? 'Loading availability…' : null)}
            busy={busyArea === area.id}
            error={errors[area.id] ?? ''}
            onHold={(quantity) => hold(area, quantity)}
          />
        ))}
      </ul>
      <div className="sr-only" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </section>
  );
}

interface GaAreaRowProps {
  index: SeatIndex;
  area: GaAreaGroup;
  left: number;
  mayHold: number;
  disabledReason: string | null;
  busy: boolean;
  error: string;
  onHold(quantity: number): Promise<boolean>;
}

function GaAreaRow({ index, area, left, mayHold, disabledReason, busy, error, onHold }: GaAreaRowProps) {
  const [text, setText] = useState('1');
  const max = Math.max(1, Math.min(left, mayHold));
  const quantity = Math.max(1, Math.floor(Number(text)) || 1);
  const inputId = gaQuantityInputId(area.id);
  const full = left === 0;
  const disabled = full || mayHold === 0 || disabledReason !== null || busy;
  const color = index.categoryColors[area.categoryIndex];
  const step = (delta: number) => setText(String(Math.max(1, Math.min(max, quantity + delta))));

  return (
    <li className={styles.area} data-area-id={area.id} data-full={full || undefined}>
      <div className={styles.areaHead}>
        <span className={styles.swatch} style={{ background: full ? 'var(--border-strong)' : color }} aria-hidden="true" />
        <span className={styles.areaName}>{area.name}</span>
        <span className={styles.price}>{formatPrice(area.priceCents, index.currency)}</span>
      </div>
      <p className={styles.left} data-testid={`ga-left-${area.id}`}>
        {gaLeftText(left, area.seatIndices.length)}
      </p>
      <form
        className={styles.controls}
        aria-label={`Places in ${area.name}`}
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          if (!disabled && (await onHold(quantity))) setText('1');
        }}
      >
        <div className={styles.stepper}>
          <button type="button" className={styles.stepButton} onClick={() => step(-1)} disabled={disabled || quantity <= 1} aria-label={`One place fewer in ${area.name}`}>
            −
          </button>
          <label className="sr-only" htmlFor={inputId}>
            Number of places in {area.name}
          </label>
          <input
            id={inputId}
            className={`input ${styles.quantity}`}
            type="number"
            inputMode="numeric"
            min={1}
            max={max}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onBlur={() => setText(String(quantity))}
            aria-describedby={error ? `${inputId}-error` : undefined}
            aria-invalid={error ? true : undefined}
          />
          <button type="button" className={styles.stepButton} onClick={() => step(1)} disabled={disabled || quantity >= max} aria-label={`One place more in ${area.name}`}>
            +
          </button>
        </div>
        <button type="submit" className="button button--primary" disabled={disabled}>
          {busy ? 'Adding…' : full ? 'Sold out' : `Add ${pluralize(quantity, 'place')}`}
        </button>
      </form>
      {error && (
        <p id={`${inputId}-error`} className={styles.error} role="alert">
          {error}
        </p>
      )}
      {!error && !full && mayHold === 0 && <p className={styles.help}>You have reached the seat limit for this event.</p>}
    </li>
  );
}
