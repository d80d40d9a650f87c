'use client';
// The waiting room as the buyer sees it (issue 12): place, people ahead, an
// honest estimate, progress, and what happens next; live from the room's
// "now serving" broadcasts. Screen readers hear the place when it changes
// noticeably (not every second).
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { EventSummary } from '../../lib/protocol';
import { getJson } from '../../lib/client/api';
import { useServerNow } from '../../lib/client/useNow';
import type { RoomGate } from '../../lib/client/useWaitingRoom';
import { clockText, durationText, fmt, opensInText, progressOf, rateText, shopFullText, waitingText, waitText } from './queueText';
import styles from './WaitingRoom.module.css';

type QueueGate = Extract<RoomGate, { kind: 'queue' }>;

export function WaitingRoom({ eventId, gate, onRejoin }: { eventId: string; gate: QueueGate; onRejoin(): void }) {
  const [eventName, setEventName] = useState<string | null>(null);
  useEffect(() => {
    void getJson<{ events: EventSummary[] }>('/api/events').then((res) => res.ok && setEventName(res.events.find((e) => e.id === eventId)?.name ?? null));
  }, [eventId]);
  const now = useServerNow(1000);
  const { room, status, position, estimatedWaitMs } = gate;
  const phase = room?.phase ?? 'open';

  // Progress: how far the place has moved since this page first saw it.
  const firstPosition = useRef<number | null>(null);
  if (position !== null && (firstPosition.current === null || position > firstPosition.current)) firstPosition.current = position;
  const progress = progressOf(position, firstPosition.current);

  // What a screen reader hears: the place, when it has moved by a tenth (or reached the front).
  const [announced, setAnnounced] = useState('');
  useEffect(() => {
    if (position === null) return;
    setAnnounced((previous) => {
      const last = Number(previous.match(/place (\d+)/)?.[1] ?? Infinity);
      if (!(position <= 3 || last - position >= Math.max(1, Math.ceil(last / 10)))) return previous;
      return position === 1 ? 'You are now at place 1 in the queue: you are next.' : `You are now at place ${position} in the queue.`;
    });
  }, [position]);
  // ...and when the room as a whole changes: sold out, paused, moving again.
  const closed = phase === 'closed' || status.state === 'closed';
  const roomNews = closed ? 'Sold out for now. Keep this page open: if seats come back, you keep your place.' : phase === 'paused' ? 'Admission is paused for a moment. You keep your place.' : null;
  const lastNews = useRef<string | null>(null);
  useEffect(() => {
    if (roomNews === lastNews.current) return;
    if (roomNews) setAnnounced(roomNews);
    else if (lastNews.current) setAnnounced(position !== null ? `The queue is moving again. You are at place ${position}.` : 'The queue is moving again.');
    lastNews.current = roomNews;
  }, [roomNews, position]);

  // The tab's title shows the place, for a buyer who waits in another tab.
  useEffect(() => {
    const title = document.title;
    return () => {
      document.title = title;
    };
  }, []);
  useEffect(() => {
    const base = eventName ? `Waiting room · ${eventName}` : 'Waiting room';
    document.title = position !== null ? `Place ${fmt(position)} · ${base}` : base;
  }, [position, eventName]);

  return (
    <div className="page">
      <main className={styles.room} aria-labelledby="wr-title" data-testid="waiting-room" data-phase={closed ? 'closed' : phase}>
        <p className={styles.eyebrow}>Waiting room</p>
        <h1 id="wr-title" className={styles.title}>
          {closed ? 'Sold out for now' : status.windowEnded ? 'Your shopping time has ended' : 'You’re in the queue'}
        </h1>
        {eventName && <p className={styles.event}>{eventName}</p>}

        {closed ? (
          <div className={styles.card} role="status">
            <p className={styles.lead}>Every seat is sold or in someone’s basket right now.</p>
            <p>Keep this page open: if seats come back (a basket that expires, a cancellation), the queue starts moving again and you keep your place.</p>
            <p>
              <Link href="/">See other events</Link>
            </p>
          </div>
        ) : status.windowEnded ? (
          <div className={styles.card}>
            <p className={styles.lead}>Your window to choose seats is over (time ran out, or you checked out).</p>
            <button type="button" className="button button--primary" onClick={onRejoin}>
              Join the queue again
            </button>
          </div>
        ) : phase === 'pre_queue' || status.number === undefined ? (
          <div className={styles.card}>
            <p className={styles.lead} data-testid="pre-queue">
              {phase !== 'pre_queue' ? (
                'The sale is open: your place in the queue is on its way…'
              ) : room?.opensAt ? (
                <>
                  The sale opens at <strong>{clockText(room.opensAt, now)}</strong>
                  {room.opensAt > now && <> ({opensInText(room.opensAt - now)})</>}.
                </>
              ) : (
                'The sale is opening.'
              )}
            </p>
            <p>
              Everyone who is here before the sale opens gets a <strong>random place</strong> at opening, so arriving early, refreshing or opening more tabs
              makes no difference. {room ? waitingText(room.waiting) : ''}
            </p>
          </div>
        ) : (
          <div className={styles.card}>
            <div className={styles.figures}>
              <div>
                <span className={styles.figureLabel}>Your place</span>
                <strong className={styles.big} data-testid="queue-position">
                  {fmt(position ?? 0)}
                </strong>
              </div>
              <div>
                <span className={styles.figureLabel}>Ahead of you</span>
                <strong className={styles.mid} data-testid="queue-ahead">
                  {fmt(Math.max(0, (position ?? 1) - 1))}
                </strong>
              </div>
              <div>
                <span className={styles.figureLabel}>Estimated wait</span>
                <strong className={styles.mid} data-testid="queue-estimate">
                  {phase === 'paused' ? 'Paused' : waitText(estimatedWaitMs)}
                </strong>
              </div>
            </div>
            <div
              className={styles.progress}
              role="progressbar"
              aria-label="Progress through the queue"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(progress * 100)}
            >
              <span style={{ width: `${Math.round(progress * 100)}%` }} />
            </div>
            {phase === 'paused' ? (
              <p className={styles.note}>The organizer has paused admission for a moment. You keep your place.</p>
            ) : room ? (
              <p className={styles.note}>
                {rateText(room.admitPerMinute)}
                {room.shoppersAtCap ? shopFullText(room.leftLastMinute) : ''}. Now
                serving number {fmt(room.serving)}; yours is {fmt(status.number)}.
              </p>
            ) : null}
          </div>
        )}

        {!closed && !status.windowEnded && (
          <section className={styles.next} aria-labelledby="wr-next">
            <h2 id="wr-next">What happens next</h2>
            <ol>
              <li>When it is your turn, this page opens the seat map by itself. Keep it open; refreshing keeps your place.</li>
              <li>
                You then have {room ? durationText(room.shoppingWindowMs) : 'a set time'} to choose seats and pay; checking out ends your turn. Your place is for this browser:
                other tabs share it.
              </li>
              <li>Each buyer may buy a limited number of tickets for this event.</li>
            </ol>
          </section>
        )}

        {gate.working && (
          <p className={styles.note} role="status">
            {gate.working}
          </p>
        )}
        {gate.error && (
          <p className="notice notice--warning" role="alert">
            {gate.error}
          </p>
        )}
        <details className={styles.audit}>
          <summary>How the order is decided</summary>
          <p>
            The pre-queue is shuffled with a secret seed chosen before the sale. Its fingerprint (SHA-256) is published now: <code>{room?.seedCommitment ?? '…'}</code>.
            {room?.seed ? (
              <>
                {' '}
                The seed, published at opening: <code>{room.seed}</code>. Each place follows HMAC-SHA256(seed, buyer id) in order; later arrivals queue in arrival order.
              </>
            ) : (
              ' The seed itself is published when the sale opens, so anyone can check the order.'
            )}
          </p>
        </details>
        <p className="sr-only" aria-live="polite">
          {announced}
        </p>
      </main>
    </div>
  );
}
