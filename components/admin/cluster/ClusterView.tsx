'use client';
// /admin/cluster: which processes run, which events each one owns (its
// reservation loop) under which lease epoch, how deep each mailbox is, and
// every change of owner as it happens (issue 11). Polls every 2 s while the
// tab is visible. In embedded mode it says plainly that one process runs
// everything, and how to run a cluster.
import { useEffect, useState } from 'react';
import type { ClusterStatus } from '../../../lib/clusterProtocol';
import { fmtInt } from '../../../lib/client/adminFormat';
import { fmtSpan } from '../../../lib/client/clusterText';
import { CLUSTER_POLL_MS, useClusterStatus } from '../../../lib/client/useClusterStatus';
import a from '../admin.module.css';
import f from '../forms.module.css';
import d from '../live/dashboard.module.css';
import { LeaseTable } from './LeaseTable';
import { OwnershipTimeline } from './OwnershipTimeline';
import { ProcessCard } from './ProcessCard';
import c from './cluster.module.css';

/** Re-renders every `everyMs` so ages and countdowns move between polls. */
function useTick(everyMs: number): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function ClusterView() {
  const feed = useClusterStatus();
  const now = useTick(500);
  const { status } = feed;
  // Durations in the answer are as of its arrival; this moves them on by the browser's monotonic clock.
  const sinceMs = status ? Math.max(0, now - feed.receivedAt) : 0;

  const feedState = feed.error ? 'offline' : feed.paused ? 'paused' : status ? 'live' : 'loading';
  const feedText: Record<typeof feedState, string> = {
    live: `Live · every ${CLUSTER_POLL_MS / 1000} s`,
    paused: 'Paused while this tab is hidden',
    offline: status ? `Not updating · last update ${fmtSpan(sinceMs)} ago` : 'Not updating',
    loading: 'Loading…',
  };

  return (
    <>
      <div className={a.pageHead}>
        <div>
          <div className={d.titleRow}>
            <h1>Cluster</h1>
            <span className={d.feed} data-state={feedState === 'live' ? 'live' : feedState === 'offline' ? 'offline' : undefined} data-testid="cluster-feed">
              {feedText[feedState]}
            </span>
          </div>
          {status && (
            <div className={a.meta} data-testid="cluster-mode">
              <span>{status.mode === 'embedded' ? 'Embedded mode: one process' : 'Distributed mode: PostgreSQL + Redis'}</span>
              <span>
                Answered by <span className={a.mono}>{status.instanceId}</span>
              </span>
            </div>
          )}
        </div>
      </div>

      {feed.error && (
        <div className={`${f.notice} ${c.notice}`} data-tone="error" role="alert">
          Could not refresh: {feed.error} The figures below are from {status ? `${fmtSpan(sinceMs)} ago` : 'no answer yet'}.
        </div>
      )}
      <p className={c.srOnly} aria-live="polite" data-testid="cluster-announcement">
        {feed.announcement}
      </p>

      {status && (
        <>
          <Summary status={status} />
          <div className={status.mode === 'embedded' ? c.embedded : undefined}>
            <section aria-labelledby="cluster-processes" className={c.section}>
              <h2 id="cluster-processes" className={c.sectionTitle}>
                Processes <span className={a.count}>{status.instances.length}</span>
              </h2>
              <div className={c.cards}>
                {status.instances.map((instance) => (
                  <ProcessCard key={instance.instanceId} instance={instance} status={status} sinceMs={sinceMs} />
                ))}
              </div>
            </section>
            {status.mode === 'embedded' && <EmbeddedExplainer />}
          </div>
          {status.mode === 'distributed' && (
            <div className={c.lower}>
              <LeaseTable status={status} sinceMs={sinceMs} />
              <OwnershipTimeline status={status} fresh={feed.fresh} sinceMs={sinceMs} />
            </div>
          )}
        </>
      )}
    </>
  );
}

function Summary({ status }: { status: ClusterStatus }) {
  const live = status.instances.filter((i) => i.live);
  const dead = status.instances.length - live.length;
  const owned = live.flatMap((i) => i.ownedEvents);
  const queued = owned.reduce((sum, e) => sum + e.mailboxDepth, 0);
  const failovers = status.changes.filter((change) => change.reason === 'takeover').length;
  const embedded = status.mode === 'embedded';
  return (
    <div className={c.summary} role="group" aria-label="Cluster figures">
      <Figure label="Live processes" value={fmtInt(live.length)} sub={dead ? `${dead} dead recently` : 'none dead'} testId="cluster-live" />
      <Figure label="Events running" value={fmtInt(owned.length)} sub={embedded ? 'all in this process' : `${fmtInt(status.leases.length)} with a lease`} testId="cluster-owned" />
      <Figure label="Queued commands" value={fmtInt(queued)} sub="in every mailbox" testId="cluster-queued" />
      <Figure label="Failovers" value={embedded ? '—' : fmtInt(failovers)} sub={embedded ? 'one process: none' : `in the last ${fmtInt(status.changes.length)} changes`} testId="cluster-failovers" />
    </div>
  );
}

function Figure({ label, value, sub, testId }: { label: string; value: string; sub: string; testId: string }) {
  return (
    <div className={c.figure} data-testid={testId}>
      <div className={c.figureLabel}>{label}</div>
      <div className={c.figureValue}>{value}</div>
      <div className={c.figureSub}>{sub}</div>
    </div>
  );
}

function EmbeddedExplainer() {
  return (
    <section className={`${a.panel} ${c.explainer}`} aria-labelledby="cluster-embedded">
      <div className={a.panelBody}>
        <h2 id="cluster-embedded">One process runs every event</h2>
        <p>
          This server runs in embedded mode: a single Node.js process on SQLite serves every page, socket and event. Each event’s reservation loop runs
          here, so there are no leases, nothing is handed over, and there is nothing to fail over to.
        </p>
        <p>To spread a busy on-sale over several processes (each event is still run by exactly one of them at a time):</p>
        <ul>
          <li>
            <code>npm run cluster</code> starts several processes behind one port, on a local PostgreSQL and Redis it starts for you.
          </li>
          <li>
            Or set <code>DATABASE_URL=postgres://…</code> and <code>REDIS_URL=redis://…</code> and start several copies of the server, each with its own{' '}
            <code>PORT</code>, behind a load balancer.
          </li>
        </ul>
        <p className={a.muted}>This page then shows every process, the events it owns with their lease epochs, and each failover as it happens.</p>
      </div>
    </section>
  );
}
