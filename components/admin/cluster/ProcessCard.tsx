'use client';
// One process of the cluster: who it is, whether it is alive, how long since
// its last heartbeat, its sockets and viewers, and the events it runs with
// their lease epochs and mailbox depths (a small bar against the mailbox bound).
import Link from 'next/link';
import { useState } from 'react';
import type { ClusterInstance, ClusterStatus } from '../../../lib/clusterProtocol';
import { fmtInt } from '../../../lib/client/adminFormat';
import { fmtClockSeconds, fmtSpan } from '../../../lib/client/clusterText';
import a from '../admin.module.css';
import c from './cluster.module.css';

/** Owned events listed before "Show all": a process may run hundreds. */
const SHOWN_EVENTS = 12;

export function ProcessCard({ instance, status, sinceMs }: { instance: ClusterInstance; status: ClusterStatus; sinceMs: number }) {
  const [showAll, setShowAll] = useState(false);
  const answering = instance.instanceId === status.instanceId;
  const heartbeatAgeMs = status.generatedAt - instance.heartbeatAt + sinceMs;
  // Busiest first, so a backlog is never hidden below the fold.
  const events = [...instance.ownedEvents].sort((x, y) => y.mailboxDepth - x.mailboxDepth || x.eventName.localeCompare(y.eventName));
  const shown = showAll ? events : events.slice(0, SHOWN_EVENTS);
  const scale = status.mailboxCapacity ?? Math.max(10, ...events.map((e) => e.mailboxDepth));
  const titleId = `process-${instance.instanceId}`;

  return (
    <article className={c.card} data-live={instance.live} aria-labelledby={titleId} data-testid="process-card">
      <header className={c.cardHead}>
        <h3 id={titleId} className={c.instanceId}>
          {instance.instanceId}
        </h3>
        <span className={a.badge} data-tone={instance.live ? 'open' : 'danger'}>
          {instance.live ? 'Live' : 'Dead'}
        </span>
        {answering && <span className={c.tag}>answering this page</span>}
      </header>
      <dl className={c.facts}>
        {status.mode === 'embedded' ? (
          <div>
            <dt>Uptime</dt>
            <dd>{fmtSpan(status.generatedAt - instance.startedAt + sinceMs)}</dd>
          </div>
        ) : (
          <div>
            <dt>{instance.live ? 'Heartbeat' : 'Last heartbeat'}</dt>
            <dd>{fmtSpan(heartbeatAgeMs)} ago</dd>
          </div>
        )}
        <div>
          <dt>Up since</dt>
          <dd>{fmtClockSeconds(instance.startedAt)}</dd>
        </div>
        <div>
          <dt>Sockets</dt>
          <dd>{instance.sockets === null ? '—' : fmtInt(instance.sockets)}</dd>
        </div>
        <div>
          <dt>Viewers</dt>
          <dd>{fmtInt(instance.viewers)}</dd>
        </div>
        <div>
          <dt>PID</dt>
          <dd className={a.mono}>{instance.pid ?? '—'}</dd>
        </div>
        <div className={c.wide}>
          <dt>Address</dt>
          <dd className={c.url}>{instance.url ? <a href={instance.url}>{instance.url}</a> : '—'}</dd>
        </div>
      </dl>

      <div className={c.ownedHead}>
        {instance.live ? (
          <>
            Runs {fmtInt(events.length)} event{events.length === 1 ? '' : 's'}
          </>
        ) : (
          'Runs nothing: the live processes take its events over'
        )}
      </div>
      {shown.length > 0 && (
        <ul className={c.owned} aria-label={`Events run by ${instance.instanceId}`}>
          {shown.map((event) => {
            const share = Math.min(1, event.mailboxDepth / Math.max(1, scale));
            return (
              <li key={event.eventId} className={c.ownedEvent} data-testid="owned-event">
                <Link href={`/admin/events/${encodeURIComponent(event.eventId)}`} className={c.eventLink}>
                  {event.eventName}
                </Link>
                <span className={c.epoch} title="Lease epoch: grows with every new owner">
                  epoch {event.epoch}
                </span>
                <span className={c.depth}>
                  <span className={c.bar} aria-hidden="true" data-level={share >= 0.8 ? 'high' : share >= 0.3 ? 'mid' : 'low'}>
                    <span style={{ width: `${event.mailboxDepth > 0 ? Math.max(4, share * 100) : 0}%` }} />
                  </span>
                  <span>
                    {fmtInt(event.mailboxDepth)} queued
                    {status.mailboxCapacity !== null && <span className={a.faint}> of {fmtInt(status.mailboxCapacity)}</span>}
                  </span>
                </span>
                <span className={c.viewers}>
                  {fmtInt(event.viewers)} viewer{event.viewers === 1 ? '' : 's'}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {events.length > SHOWN_EVENTS && (
        <button type="button" className={`${a.btn} ${a.small} ${c.more}`} onClick={() => setShowAll(!showAll)} aria-expanded={showAll}>
          {showAll ? 'Show the busiest only' : `Show all ${fmtInt(events.length)} events`}
        </button>
      )}
    </article>
  );
}
