// Figure tiles, the per-category table and the activity / system panel.
import type { CSSProperties } from 'react';
import type { AdminEventStats } from '../../../lib/adminProtocol';
import type { CategoryView } from '../../../lib/protocol';
import { fmtInt, fmtMs, fmtPercent, formatPrice } from '../../../lib/client/adminFormat';
import { STATUS_COLORS } from '../map/paintMap';
import a from '../admin.module.css';
import d from './dashboard.module.css';

function Tile({ label, value, sub, accent, testId }: { label: string; value: string; sub?: string; accent?: string; testId?: string }) {
  return (
    <div className={d.tile} style={{ '--accent': accent } as CSSProperties} data-testid={testId}>
      <div className={d.tileLabel}>{label}</div>
      <div className={d.tileValue} data-testid={testId ? `${testId}-value` : undefined}>
        {value}
      </div>
      {sub && <div className={d.tileSub}>{sub}</div>}
    </div>
  );
}

/** `selfViewers`: connections this screen itself holds to the public feed (not buyers). */
export function StatTiles({ stats, currency, selfViewers = 0 }: { stats: AdminEventStats; currency: string; selfViewers?: number }) {
  const { counts, capacity } = stats;
  const share = (n: number) => fmtPercent(capacity ? n / capacity : null);
  const avgOrder = stats.orders ? stats.revenueCents / stats.orders : 0;
  return (
    <div className={d.tiles} aria-label="Key figures">
      <Tile label="Available" value={fmtInt(counts.available)} sub={`${share(counts.available)} of ${fmtInt(capacity)}`} accent="#16a34a" testId="tile-available" />
      <Tile label="Held" value={fmtInt(counts.held)} sub={`${fmtInt(stats.activeHolds.total)} active holds`} accent={STATUS_COLORS.held} testId="tile-held" />
      <Tile label="Sold" value={fmtInt(counts.sold)} sub={`${share(counts.sold)} of capacity`} accent="#1e3a8a" testId="tile-sold" />
      <Tile label="Blocked" value={fmtInt(counts.blocked)} sub="Not on sale" accent={STATUS_COLORS.blocked} testId="tile-blocked" />
      <Tile label="Revenue" value={formatPrice(stats.revenueCents, currency)} sub={stats.orders ? `avg ${formatPrice(Math.round(avgOrder), currency)} / order` : 'No orders yet'} accent="#0d9488" testId="tile-revenue" />
      <Tile label="Orders" value={fmtInt(stats.orders)} sub={`${fmtInt(stats.lastMinute.confirmed)} in the last minute`} accent="#7c3aed" testId="tile-orders" />
      <Tile label="Viewers" value={fmtInt(Math.max(0, stats.viewers - selfViewers))} sub="On the seat map now" accent="#0891b2" testId="tile-viewers" />
      <Tile label="Conversion 1h" value={fmtPercent(stats.conversion.lastHour)} sub={`${fmtPercent(stats.conversion.overall)} overall`} accent="#db2777" testId="tile-conversion" />
      <Tile
        label="Checked in"
        value={`${fmtInt(stats.checkIn.checkedIn)} / ${fmtInt(stats.checkIn.expected)}`}
        sub={stats.checkIn.expected ? `${fmtPercent(stats.checkIn.checkedIn / stats.checkIn.expected, 0)} at the door` : 'No valid tickets yet'}
        accent="#15803d"
        testId="tile-checked-in"
      />
    </div>
  );
}

export function CategoryTable({ stats, categories, currency }: { stats: AdminEventStats; categories: CategoryView[]; currency: string }) {
  const colorOf = new Map(categories.map((c) => [c.id, c.color]));
  const rows = stats.byCategory;
  const sum = (key: 'available' | 'held' | 'sold' | 'blocked') => rows.reduce((n, r) => n + r[key], 0);
  return (
    <section className={a.panel} aria-labelledby="bycat-title">
      <div className={a.panelHead}>
        <h2 id="bycat-title">By category</h2>
      </div>
      <table className={`${a.table} ${a.tight}`}>
        <thead>
          <tr>
            <th>Category</th>
            <th className={a.num}>Price</th>
            <th className={a.num}>Avail.</th>
            <th className={a.num}>Held</th>
            <th className={a.num}>Sold</th>
            <th className={a.num} title="Blocked">
              Blk.
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td style={{ whiteSpace: 'nowrap' }}>
                <span className={d.legendItem}>
                  <span className={d.dot} style={{ background: colorOf.get(r.id) ?? '#64748b' }} aria-hidden="true" />
                  {r.name}
                </span>
              </td>
              <td className={a.num}>{formatPrice(r.priceCents, currency)}</td>
              <td className={a.num}>{fmtInt(r.available)}</td>
              <td className={a.num}>{fmtInt(r.held)}</td>
              <td className={a.num}>{fmtInt(r.sold)}</td>
              <td className={a.num}>{fmtInt(r.blocked)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>
              <strong>Total</strong>
            </td>
            <td />
            <td className={a.num}>
              <strong>{fmtInt(sum('available'))}</strong>
            </td>
            <td className={a.num}>
              <strong>{fmtInt(sum('held'))}</strong>
            </td>
            <td className={a.num}>
              <strong>{fmtInt(sum('sold'))}</strong>
            </td>
            <td className={a.num}>
              <strong>{fmtInt(sum('blocked'))}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

export function ActivityPanel({ stats }: { stats: AdminEventStats }) {
  const m = stats.lastMinute;
  return (
    <section className={a.panel} aria-labelledby="activity-title">
      <div className={a.panelHead}>
        <h2 id="activity-title">Last minute · system</h2>
        <span className={a.faint}>v{fmtInt(stats.version)}</span>
      </div>
      <div className={a.panelBody} style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 18 }}>
        <dl className={d.kv}>
          <dt>Holds created</dt>
          <dd data-testid="lm-created">{fmtInt(m.created)}</dd>
          <dt>Holds expired</dt>
          <dd>{fmtInt(m.expired)}</dd>
          <dt>Holds confirmed</dt>
          <dd>{fmtInt(m.confirmed)}</dd>
          <dt>Holds released</dt>
          <dd>{fmtInt(m.released)}</dd>
        </dl>
        <dl className={d.kv}>
          <dt>Mailbox depth</dt>
          <dd>{fmtInt(stats.mailboxDepth)}</dd>
          <dt>Latency p50</dt>
          <dd>{fmtMs(stats.latencyMs.p50)}</dd>
          <dt>Latency p99</dt>
          <dd>{fmtMs(stats.latencyMs.p99)}</dd>
          <dt>Samples</dt>
          <dd>{fmtInt(stats.latencyMs.samples)}</dd>
        </dl>
      </div>
    </section>
  );
}
