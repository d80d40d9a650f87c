'use client';
// Every event's lease: its owner (marked when that process is dead), the
// fencing epoch, and how long until it expires (counting down between polls).
import Link from 'next/link';
import type { ClusterLease, ClusterStatus } from '../../../lib/clusterProtocol';
import { fmtSpan } from '../../../lib/client/clusterText';
import a from '../admin.module.css';
import o from './ownership.module.css';

function stateOf(lease: ClusterLease, remainingMs: number): { text: string; tone: 'open' | 'paused' | 'neutral' } {
  if (lease.released) return { text: 'Released', tone: 'neutral' };
  if (remainingMs > 0) return { text: 'Held', tone: 'open' };
  return { text: 'Expired', tone: 'paused' };
}

export function LeaseTable({ status, sinceMs }: { status: ClusterStatus; sinceMs: number }) {
  const live = new Set(status.instances.filter((i) => i.live).map((i) => i.instanceId));
  const leases = [...status.leases].sort((x, y) => x.eventName.localeCompare(y.eventName) || x.eventId.localeCompare(y.eventId));
  return (
    <section className={a.panel} aria-labelledby="cluster-leases">
      <div className={a.panelHead}>
        <h2 id="cluster-leases">
          Leases <span className={a.count}>{leases.length}</span>
        </h2>
      </div>
      <div className={o.tableWrap} role="region" aria-labelledby="cluster-leases" tabIndex={0}>
        <table className={`${a.table} ${a.tight} ${o.leaseTable}`} data-testid="lease-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Owner</th>
              <th scope="col" className={a.num}>
                Epoch
              </th>
              <th scope="col" className={a.num}>
                Expires in
              </th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {leases.length === 0 && (
              <tr>
                <td colSpan={5} className={a.empty}>
                  No event has had an owner yet.
                </td>
              </tr>
            )}
            {leases.map((lease) => {
              const remainingMs = lease.released ? 0 : lease.expiresInMs - sinceMs;
              const state = stateOf(lease, remainingMs);
              return (
                <tr key={lease.eventId} data-event-id={lease.eventId}>
                  <td data-label="Event">
                    <Link href={`/admin/events/${encodeURIComponent(lease.eventId)}`} className={o.eventLink}>
                      {lease.eventName}
                    </Link>
                  </td>
                  <td data-label="Owner">
                    <span className={o.ownerId}>{lease.ownerId}</span>
                    {!live.has(lease.ownerId) && <span className={o.deadOwner}> (not live)</span>}
                  </td>
                  <td data-label="Epoch" className={a.num}>{lease.epoch}</td>
                  <td data-label="Expires in" className={a.num}>{remainingMs > 0 ? fmtSpan(remainingMs) : '—'}</td>
                  <td data-label="State">
                    <span className={a.badge} data-tone={state.tone}>
                      {state.text}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
