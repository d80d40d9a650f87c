'use client';
// The latest changes of owner, newest first: failovers (a takeover after the
// owner stopped renewing) stand out; changes that arrived while the page was
// open are marked new for a minute.
import Link from 'next/link';
import { ownershipChangeKey, type ClusterStatus } from '../../../lib/clusterProtocol';
import { changeWords, fmtClockSeconds, fmtSpan } from '../../../lib/client/clusterText';
import a from '../admin.module.css';
import o from './ownership.module.css';

export function OwnershipTimeline({ status, fresh, sinceMs }: { status: ClusterStatus; fresh: ReadonlyMap<string, number>; sinceMs: number }) {
  return (
    <section className={a.panel} aria-labelledby="cluster-changes">
      <div className={a.panelHead}>
        <h2 id="cluster-changes">Changes of owner</h2>
        <span className={a.faint}>latest {status.changes.length}</span>
      </div>
      {status.changes.length === 0 ? (
        <p className={a.empty}>No event has changed hands yet.</p>
      ) : (
        <ol className={o.timeline} data-testid="ownership-timeline">
          {status.changes.map((change) => {
            const key = ownershipChangeKey(change);
            const words = changeWords(change);
            const isNew = fresh.has(key);
            return (
              <li key={key} className={o.change} data-tone={words.tone} data-new={isNew || undefined} data-testid="ownership-change">
                <div className={o.changeWhen}>
                  <time dateTime={new Date(change.at).toISOString()}>{fmtClockSeconds(change.at)}</time>
                  <span className={a.faint}>{fmtSpan(status.generatedAt - change.at + sinceMs)} ago</span>
                </div>
                <div className={o.changeWhat}>
                  <span className={o.changeLabel}>{words.label}</span>
                  {isNew && <span className={o.newPill}>New</span>}
                  <span className={o.changeEpoch}>epoch {change.epoch}</span>
                  <div>
                    <Link href={`/admin/events/${encodeURIComponent(change.eventId)}`} className={o.eventLink}>
                      {change.eventName}
                    </Link>
                    {' '}
                    <span className={o.sentence}>{words.action}</span>
                  </div>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
