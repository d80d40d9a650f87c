'use client';
// Live preview of the venue being built. In a marking mode, clicking a seat
// (or shift-dragging a box) toggles wheelchair / companion / not-for-sale.
import { useCallback, useMemo } from 'react';
import type { GeneratedLayout, VenueSpec } from '../../../lib/venueLayout';
import { fmtInt, formatPrice } from '../../../lib/client/adminFormat';
import { AdminMap } from '../map/AdminMap';
import { STATUS_COLORS, type SeatPaint } from '../map/paintMap';
import type { MarkMode } from './useLayoutBuilder';
import a from '../admin.module.css';
import f from '../forms.module.css';
import b from './builder.module.css';

const MODES: { mode: MarkMode; label: string }[] = [
  { mode: 'inspect', label: 'Inspect' },
  { mode: 'wheelchair', label: '♿ Wheelchair' },
  { mode: 'companion', label: 'Companion' },
  { mode: 'removed', label: 'Not for sale' },
];

interface Props {
  spec: VenueSpec;
  layout: GeneratedLayout | null;
  mode: MarkMode;
  onMode(mode: MarkMode): void;
  onToggle(seatIds: string[]): void;
  currency: string;
}

export function LayoutPreview({ spec, layout, mode, onMode, onToggle, currency }: Props) {
  const removed = useMemo(() => new Set(spec.removed ?? []), [spec.removed]);
  const colorOf = useMemo(() => new Map(spec.categories.map((c) => [c.id, c.color])), [spec.categories]);
  const seats = layout?.seats ?? [];
  const accessibleCount = seats.filter((s) => spec.accessible?.[s.id] === 'wheelchair').length;
  const companionCount = seats.filter((s) => spec.accessible?.[s.id] === 'companion').length;
  const removedCount = seats.filter((s) => removed.has(s.id)).length;

  const paintOf = useCallback(
    (i: number): SeatPaint => {
      const seat = seats[i];
      const color = colorOf.get(seat.category) ?? '#64748b';
      if (removed.has(seat.id)) return { key: 'removed', fill: '#fff', stroke: STATUS_COLORS.ghost, dashed: true, mark: 'cross', markColor: STATUS_COLORS.ghost };
      const acc = spec.accessible?.[seat.id];
      if (acc === 'wheelchair') return { key: `wc|${color}`, fill: color, shape: 'square', stroke: '#111827' };
      if (acc === 'companion') return { key: `cp|${color}`, fill: color, mark: 'dot', markColor: '#fff', stroke: '#111827' };
      return { key: color, fill: color };
    },
    [seats, colorOf, removed, spec.accessible],
  );

  const tooltip = useCallback(
    (i: number) => {
      const seat = seats[i];
      const cat = spec.categories.find((c) => c.id === seat.category);
      const acc = spec.accessible?.[seat.id];
      return (
        <>
          <strong>
            {seat.section} · row {seat.row} · seat {seat.number}
          </strong>
          <div>
            {cat?.name ?? seat.category} · {formatPrice(seat.priceCents, currency)}
          </div>
          <div className={b.tipMono}>{seat.id}</div>
          {removed.has(seat.id) && <div>Not for sale</div>}
          {acc && <div>{acc === 'wheelchair' ? 'Wheelchair space' : 'Companion seat'}</div>}
        </>
      );
    },
    [seats, spec.categories, spec.accessible, removed, currency],
  );

  const interactive = mode !== 'inspect';
  return (
    <div className={b.preview}>
      <div className={b.previewBar}>
        <div className={f.segmented} role="group" aria-label="Click on a seat to">
          {MODES.map((m) => (
            <button key={m.mode} type="button" aria-pressed={mode === m.mode} onClick={() => onMode(m.mode)}>
              {m.label}
            </button>
          ))}
        </div>
        <span className={a.faint}>{interactive ? 'Click seats or shift-drag a box to toggle' : 'Scroll to zoom · drag to pan'}</span>
      </div>
      {layout ? (
        <AdminMap
          className={b.previewMap}
          layout={layout}
          paintOf={paintOf}
          autoFit
          label={`Preview: ${seats.length} seats`}
          tooltip={tooltip}
          onSeatClick={interactive ? (id) => onToggle([id]) : undefined}
          onBoxSelect={interactive ? (ids) => onToggle(ids) : undefined}
        />
      ) : (
        <div className={`${b.previewMap} ${b.previewEmpty}`}>Add a section to see the seat map.</div>
      )}
      <dl className={b.previewStats} data-testid="preview-stats">
        <div>
          <dt>Seats for sale</dt>
          <dd data-testid="preview-seat-count">{fmtInt(seats.length - removedCount)}</dd>
        </div>
        <div>
          <dt>Sections</dt>
          <dd>{fmtInt(layout?.sections.length ?? 0)}</dd>
        </div>
        <div>
          <dt>
            <span className={b.glyph} data-glyph="wheelchair" aria-hidden="true" /> Wheelchair
          </dt>
          <dd>{fmtInt(accessibleCount)}</dd>
        </div>
        <div>
          <dt>
            <span className={b.glyph} data-glyph="companion" aria-hidden="true" /> Companion
          </dt>
          <dd>{fmtInt(companionCount)}</dd>
        </div>
        <div>
          <dt>
            <span className={b.glyph} data-glyph="removed" aria-hidden="true" /> Not for sale
          </dt>
          <dd>{fmtInt(removedCount)}</dd>
        </div>
      </dl>
    </div>
  );
}
