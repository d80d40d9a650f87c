'use client';
// The admitted buyer's shopping window above the seat map: time left, and what to do when it ends.
import { formatCountdown } from '../../lib/client/format';
import { useServerNow } from '../../lib/client/useNow';
import styles from './WaitingRoom.module.css';

export function ShoppingWindow({ until }: { until: number }) {
  const now = useServerNow(1000);
  const left = Math.max(0, until - now);
  if (left === 0) {
    return (
      <p className={`${styles.window} ${styles.windowEnded}`} role="alert" data-testid="shopping-window">
        Your shopping time has ended. Seats you already hold stay yours until their timer runs out.{' '}
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Queue again
        </button>
      </p>
    );
  }
  const minutes = Math.ceil(left / 60_000);
  return (
    <p className={styles.window} data-testid="shopping-window">
      <span>It’s your turn. Time left to choose seats:</span>
      <strong>{formatCountdown(left)}</strong>
      <span className="sr-only" aria-live="polite">
        {minutes <= 1 ? 'Less than a minute left to choose seats.' : `${minutes} minutes left to choose seats.`}
      </span>
    </p>
  );
}
