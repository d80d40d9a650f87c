'use client';
// Above the seat map while the event has a waiting room: the admitted buyer's
// shopping window (time left, and what to do when it ends), or, when a hold
// was refused for want of an admission, why and the way into the queue.
import { useEffect, useRef } from 'react';
import { formatCountdown } from '../../lib/client/format';
import { useServerNow } from '../../lib/client/useNow';
import styles from './WaitingRoom.module.css';

/** Screen readers hear the time left only as it crosses these marks (minutes), not every minute. */
const SPOKEN_MARKS_MIN = [1, 2, 5, 10];

export function ShoppingWindow({ until, onQueueAgain, justAdmitted }: { until: number; onQueueAgain(): void; justAdmitted: boolean }) {
  const now = useServerNow(1000);
  // Admitted while this page waited: the page changed under the buyer, so focus (and a screen
  // reader) goes to the news first; the seat map is the next thing to Tab to.
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (justAdmitted) ref.current?.focus();
  }, [justAdmitted]);
  const left = Math.max(0, until - now);
  if (left === 0) {
    return (
      <div className={`${styles.window} ${styles.windowEnded}`} role="alert" data-testid="shopping-window">
        <span>Your shopping time has ended. Seats you already hold stay yours until their timer runs out.</span>
        <button type="button" className="button" onClick={onQueueAgain}>
          Queue again
        </button>
      </div>
    );
  }
  const minutes = Math.ceil(left / 60_000);
  const mark = SPOKEN_MARKS_MIN.find((m) => minutes <= m);
  return (
    <p className={styles.window} data-testid="shopping-window" ref={ref} tabIndex={-1}>
      <span>
        It’s your turn: <strong>{formatCountdown(left)}</strong> left to choose seats and check out.
      </span>
      <span className="sr-only" aria-live="polite">
        {mark === undefined ? '' : mark === 1 ? 'Less than a minute left to choose seats.' : `${mark} minutes left to choose seats.`}
      </span>
    </p>
  );
}

/**
 * A hold was refused: the room was switched on after this page opened (`wasAdmitted` false), or
 * the buyer's window is over. The refusal itself is told beside the hold button; this says what to do.
 */
export function AdmissionNeeded({ wasAdmitted, onJoinQueue }: { wasAdmitted: boolean; onJoinQueue(): void }) {
  return (
    <div className={`${styles.window} ${styles.windowEnded}`} role="status" data-testid="admission-needed">
      <span>
        {wasAdmitted ? (
          <>
            <strong>Your shopping time is over.</strong> To choose more seats, queue again.
          </>
        ) : (
          <>
            <strong>This event now has a waiting room.</strong> To hold seats, take your turn in the queue.
          </>
        )}
      </span>
      <button type="button" className="button button--primary" onClick={onJoinQueue}>
        Join the queue
      </button>
    </div>
  );
}
