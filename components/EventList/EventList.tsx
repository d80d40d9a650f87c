'use client';
// The home page list. Counts refresh every few seconds while the tab is visible.
import { useEffect, useState } from 'react';
import type { EventSummary, Fail } from '../../lib/protocol';
import { api } from '../../lib/client/api';
import { EventCard } from './EventCard';
import styles from './EventList.module.css';

const REFRESH_MS = 4000;

export function EventList() {
  const [events, setEvents] = useState<EventSummary[] | null>(null);
  const [error, setError] = useState<Fail['error'] | null>(null);
  const [updatedAtMs, setUpdatedAtMs] = useState<number | null>(null);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const load = async () => {
      clearTimeout(timer);
      if (document.visibilityState === 'visible') {
        try {
          const res = await api.events(controller.signal);
          if (cancelled) return;
          if (res.ok) {
            setEvents([...res.events].sort((a, b) => a.startsAt - b.startsAt));
            setError(null);
            setUpdatedAtMs(Date.now());
          } else {
            setError(res.error);
          }
        } catch {
          if (cancelled) return;
        }
      }
      timer = setTimeout(load, REFRESH_MS);
    };
    const onVisible = () => document.visibilityState === 'visible' && load();
    document.addEventListener('visibilitychange', onVisible);
    void load();
    return () => {
      cancelled = true;
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);

  return (
    <div className="page">
      <div className={styles.intro}>
        <div>
          <h1>Upcoming events</h1>
          <p className="muted">Pick your exact seat on a live map. Seats are held for you while you check out.</p>
        </div>
        {updatedAtMs !== null && (
          <p className={styles.live} aria-live="off">
            <span className={styles.liveDot} aria-hidden="true" /> Live availability
          </p>
        )}
      </div>

      {error && !events && (
        <div className="notice notice--error" role="alert">
          We couldn’t load events right now: {error.message} We’ll keep trying.
        </div>
      )}
      {error && events && (
        <div className="notice notice--warning" role="status">
          Availability may be out of date; reconnecting…
        </div>
      )}

      {events === null && !error && (
        <ul className={styles.grid} aria-busy="true" aria-label="Loading events">
          {[0, 1, 2].map((k) => (
            <li key={k} className={`card ${styles.placeholder}`}>
              <div className="skeleton" style={{ height: 20, width: '60%' }} />
              <div className="skeleton" style={{ height: 14, width: '40%', marginTop: 12 }} />
              <div className="skeleton" style={{ height: 8, marginTop: 28 }} />
            </li>
          ))}
        </ul>
      )}

      {events && events.length === 0 && (
        <div className="card empty-state">
          <h2>No events on sale yet</h2>
          <p>Check back soon — new dates are added regularly.</p>
        </div>
      )}

      {events && events.length > 0 && (
        <ul className={styles.grid}>
          {events.map((event) => (
            <li key={event.id}>
              <EventCard event={event} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
