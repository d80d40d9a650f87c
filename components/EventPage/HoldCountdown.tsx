'use client';
import { formatCountdown } from '../../lib/client/format';
import { useServerNow } from '../../lib/client/useNow';
import styles from './EventPage.module.css';

const URGENT_MS = 60_000;

/** mm:ss until expiresAtMs; turns urgent in the last minute. Screen readers hear milestones, not every tick. */
export function HoldCountdown({ expiresAtMs }: { expiresAtMs: number }) {
  const nowMs = useServerNow(250);
  const remainingMs = Math.max(0, expiresAtMs - nowMs);
  const urgent = remainingMs < URGENT_MS;
  const minutesLeft = Math.ceil(remainingMs / 60_000);
  const milestone =
    remainingMs === 0
      ? 'Time is up.'
      : urgent
        ? 'Less than one minute left to check out.'
        : `About ${minutesLeft} minute${minutesLeft === 1 ? '' : 's'} left to check out.`;
  return (
    <div className={`${styles.countdown} ${urgent ? styles.countdownUrgent : ''}`} data-urgent={urgent}>
      <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
        <circle cx="10" cy="11" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.7" />
        <path d="M10 7.5V11l2.2 1.6M8 2.5h4" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
      </svg>
      <span className={styles.countdownLabel}>{urgent ? 'Hurry — seats held for' : 'Seats held for'}</span>
      <time className={styles.countdownTime} data-testid="hold-countdown">
        {formatCountdown(remainingMs)}
      </time>
      <span className="sr-only" aria-live="polite">
        {milestone}
      </span>
    </div>
  );
}
