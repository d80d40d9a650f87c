'use client';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import type { HoldView } from '../../lib/protocol';
import { errorText } from '../../lib/client/errorText';
import { formatPrice, pluralize } from '../../lib/client/format';
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { EventLive } from '../../lib/client/useEventLive';
import { HoldCountdown } from './HoldCountdown';
import { SeatLines } from './SeatLines';
import type { Notify } from './useSeatSelection';
import styles from './EventPage.module.css';

// The form validates with the contract's zod schema: loaded when a hold exists, not with the page.
const loadCheckoutForm = () => import('./CheckoutForm');
const CheckoutForm = lazy(() => loadCheckoutForm().then((m) => ({ default: m.CheckoutForm })));

interface HoldPanelProps {
  index: SeatIndex;
  hold: HoldView;
  live: EventLive;
  notify: Notify;
  onOrder(orderId: string): void;
  /** Move focus here on mount (the buyer just created this hold). */
  autoFocus?: boolean;
  /** With autoFocus: also scroll the panel into view (false: the page shows something else, e.g. the map). */
  scrollOnFocus?: boolean;
  /** Grows each time the buyer asks to check out this hold from elsewhere (the phone's bar). */
  checkoutRequest?: number;
}

export function HoldPanel({ index, hold, live, notify, onOrder, autoFocus = false, scrollOnFocus = true, checkoutRequest = 0 }: HoldPanelProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => void loadCheckoutForm(), []);
  useEffect(() => {
    if (!autoFocus || !headingRef.current) return;
    if (scrollOnFocus) headingRef.current.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    headingRef.current.focus({ preventScroll: true });
  }, [autoFocus]);
  const [busy, setBusy] = useState<'extend' | 'release' | null>(null);
  const [checkingOut, setCheckingOut] = useState(false);
  useEffect(() => {
    if (checkoutRequest === 0 || !headingRef.current) return;
    setCheckingOut(true);
    headingRef.current.scrollIntoView({ block: 'start', behavior: 'smooth' });
    headingRef.current.focus({ preventScroll: true });
  }, [checkoutRequest]);
  const [extended, setExtended] = useState(false);
  const totalCents = hold.seatIds.reduce((sum, id) => sum + (index.seats[index.indexById.get(id) ?? -1]?.priceCents ?? 0), 0);
  const totalText = formatPrice(totalCents, index.currency);
  const unit = hold.seatIds.every((id) => index.gaAreaOf(index.indexById.get(id) ?? -1)) ? 'place' : 'seat';

  const extend = async () => {
    setBusy('extend');
    const res = await live.extendHold(hold.id);
    setBusy(null);
    if (res.ok) {
      setExtended(true);
      notify('success', 'We’ve added more time to your hold.');
    } else {
      notify('error', errorText(res.error));
    }
  };

  const release = async () => {
    setBusy('release');
    const res = await live.releaseHold(hold.id);
    setBusy(null);
    if (res.ok) notify('info', `Released ${pluralize(hold.seatIds.length, unit)}. They’re available to others again.`);
    else if (res.error.code !== 'not_found' && res.error.code !== 'hold_expired') notify('error', errorText(res.error));
  };

  return (
    <section className={`card ${styles.panel} ${styles.holdPanel}`} aria-labelledby={`hold-${hold.id}`} data-hold-id={hold.id}>
      <h2 id={`hold-${hold.id}`} ref={headingRef} tabIndex={-1} className={styles.holdTitle}>{hold.seatIds.length === 1 ? `Your ${unit} is held` : `Your ${hold.seatIds.length} ${unit}s are held`}</h2>
      <HoldCountdown expiresAtMs={hold.expiresAt} />
      <SeatLines index={index} seatIds={hold.seatIds} />
      <div className={styles.totalRow}>
        <span>Total</span>
        <strong>{totalText}</strong>
      </div>

      {checkingOut ? (
        <Suspense fallback={<p className={styles.help}>Loading checkout…</p>}>
          <CheckoutForm
            holdId={hold.id}
            totalText={totalText}
            onConfirm={live.confirmHold}
            onOrder={onOrder}
            onCancel={() => setCheckingOut(false)}
          />
        </Suspense>
      ) : (
        <div className={styles.holdActions}>
          <button type="button" className="button button--primary button--block" onClick={() => setCheckingOut(true)} disabled={busy !== null}>
            Checkout
          </button>
          <div className={styles.secondaryActions}>
            {hold.extensionsLeft > 0 ? (
              <button type="button" className="button button--secondary" onClick={extend} disabled={busy !== null}>
                {busy === 'extend' ? 'Extending…' : 'Extend time'}
              </button>
            ) : (
              <span className={styles.help}>{extended ? 'Time extended.' : 'No more extensions available.'}</span>
            )}
            <button type="button" className="button button--ghost" onClick={release} disabled={busy !== null}>
              {busy === 'release' ? 'Releasing…' : 'Release'}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
