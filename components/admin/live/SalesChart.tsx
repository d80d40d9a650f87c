'use client';
// Sales per minute as an SVG bar chart (tickets, revenue or holds created),
// with the holds-created line overlaid for comparison.
import { useEffect, useRef, useState } from 'react';
import type { AdminEventStats } from '../../../lib/adminProtocol';
import { fmtClock, fmtInt, formatPrice } from '../../../lib/client/adminFormat';
import a from '../admin.module.css';
import f from '../forms.module.css';
import d from './dashboard.module.css';

type Metric = 'tickets' | 'revenueCents' | 'holds';
const MINUTE = 60_000;
const MAX_WINDOW = 60;
const MIN_WINDOW = 20;
const HEIGHT = 190;
const PAD = { left: 44, right: 10, top: 10, bottom: 22 };

/** A round step (1, 2 or 5 × 10^k) so that four steps cover `v`. */
function niceStep(v: number): number {
  const raw = Math.max(v / 4, 1e-9);
  const p = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * p >= raw) ?? 10) * p;
}

export function SalesChart({ stats, currency }: { stats: AdminEventStats; currency: string }) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(400);
  const [metric, setMetric] = useState<Metric>('tickets');
  useEffect(() => {
    const el = wrapRef.current!;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(200, Math.floor(entry.contentRect.width))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const nowMinute = Math.floor(stats.at / MINUTE) * MINUTE;
  const byMinute = new Map(stats.salesSeries.map((p) => [p.minute, p]));
  // Up to the last hour; a young sale gets wider bars.
  const firstMinute = stats.salesSeries.length ? stats.salesSeries[0].minute : nowMinute;
  const WINDOW = Math.min(MAX_WINDOW, Math.max(MIN_WINDOW, Math.round((nowMinute - firstMinute) / MINUTE) + 3));
  const points = Array.from({ length: WINDOW }, (_, k) => {
    const minute = nowMinute - (WINDOW - 1 - k) * MINUTE;
    return byMinute.get(minute) ?? { minute, tickets: 0, revenueCents: 0, holds: 0 };
  });
  const format = (v: number) => (metric === 'revenueCents' ? formatPrice(v, currency) : fmtInt(v));
  const max = 4 * niceStep(Math.max(metric === 'revenueCents' ? 10_000 : 4, ...points.map((p) => p[metric]), ...(metric === 'tickets' ? points.map((p) => p.holds) : [])));
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / WINDOW;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const totals = points.reduce((t, p) => ({ tickets: t.tickets + p.tickets, revenueCents: t.revenueCents + p.revenueCents, holds: t.holds + p.holds }), { tickets: 0, revenueCents: 0, holds: 0 });
  const line = points.map((p, k) => `${k ? 'L' : 'M'}${(PAD.left + slot * (k + 0.5)).toFixed(1)},${y(p.holds).toFixed(1)}`).join('');

  return (
    <section className={a.panel} aria-labelledby="sales-title">
      <div className={a.panelHead}>
        <h2 id="sales-title">
          Sales per minute
        </h2>
        <div className={f.segmented} role="group" aria-label="Chart metric">
          {(
            [
              ['tickets', 'Tickets'],
              ['revenueCents', 'Revenue'],
              ['holds', 'Holds'],
            ] as const
          ).map(([m, label]) => (
            <button key={m} type="button" aria-pressed={metric === m} onClick={() => setMetric(m)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      <div className={d.chartWrap} ref={wrapRef}>
        <svg width={width} height={HEIGHT} style={{ display: 'block', maxWidth: '100%' }} role="img" aria-label={`${metric} per minute over the last ${WINDOW} minutes: ${format(totals[metric])} in total`} data-testid="sales-chart">
          {[0, 0.25, 0.5, 0.75, 1].map((t) => (
            <g key={t}>
              <line x1={PAD.left} x2={width - PAD.right} y1={y(max * t)} y2={y(max * t)} stroke={t === 0 ? '#cbd0d8' : '#eef0f3'} />
              <text x={PAD.left - 6} y={y(max * t)} textAnchor="end" dominantBaseline="middle" fontSize="10" fill="#8a93a1">
                {metric === 'revenueCents' ? formatPrice(Math.round(max * t), currency) : fmtInt(max * t)}
              </text>
            </g>
          ))}
          {points.map((p, k) => {
            const v = p[metric];
            const h = Math.max(v > 0 ? 1.5 : 0, (v / max) * plotH);
            return (
              <rect key={p.minute} x={PAD.left + slot * k + slot * 0.15} y={PAD.top + plotH - h} width={Math.max(1, slot * 0.7)} height={h} rx={1.5} fill={metric === 'holds' ? '#f59e0b' : metric === 'revenueCents' ? '#0d9488' : '#1e3a8a'}>
                <title>{`${fmtClock(p.minute)} · ${fmtInt(p.tickets)} tickets · ${formatPrice(p.revenueCents, currency)} · ${fmtInt(p.holds)} holds`}</title>
              </rect>
            );
          })}
          {metric === 'tickets' && <path d={line} fill="none" stroke="#f59e0b" strokeWidth="1.5" strokeLinejoin="round" />}
          {points.map((p, k) =>
            k === WINDOW - 1 || ((WINDOW - 1 - k) % (WINDOW > 30 ? 15 : 5) === 0 && WINDOW - 1 - k > 2) ? (
              <text key={p.minute} x={k === WINDOW - 1 ? width - PAD.right : PAD.left + slot * (k + 0.5)} y={HEIGHT - 6} textAnchor={k === WINDOW - 1 ? 'end' : k === 0 ? 'start' : 'middle'} fontSize="10" fill="#8a93a1">
                {k === WINDOW - 1 ? 'now' : fmtClock(p.minute)}
              </text>
            ) : null,
          )}
        </svg>
        <div className={d.chartLegend}>
          <span>
            <strong>{fmtInt(totals.tickets)}</strong> tickets · <strong>{formatPrice(totals.revenueCents, currency)}</strong> · <strong>{fmtInt(totals.holds)}</strong> holds in view
          </span>
          {metric === 'tickets' && (
            <span className={d.legendItem}>
              <span className={d.dot} style={{ background: '#f59e0b', borderRadius: 2, height: 3 }} /> holds created
            </span>
          )}
        </div>
      </div>
    </section>
  );
}
