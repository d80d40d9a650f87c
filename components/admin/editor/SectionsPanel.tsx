'use client';
// The venue's sections as a list (edit, reorder, remove), the section form,
// and the stage's position and label.
import type { SectionSpec, VenueSpec } from '../../../lib/venueLayout';
import { fmtInt } from '../../../lib/client/adminFormat';
import { SectionForm } from './SectionForm';
import type { LayoutBuilder } from './useLayoutBuilder';
import a from '../admin.module.css';
import f from '../forms.module.css';
import b from './builder.module.css';

const KIND_TEXT = { straight: 'Rows', arc: 'Arc', ga: 'Standing' } as const;

function shape(s: SectionSpec): string {
  if (s.kind === 'ga') return `${fmtInt(s.capacity)} places`;
  const curved = s.kind === 'straight' && (s.curve ?? 0) > 0 ? ', curved' : '';
  return `${s.rows} × ${s.seatsPerRow}${curved}`;
}

export function SectionsPanel({ builder, seatsBySection }: { builder: LayoutBuilder; seatsBySection: Map<string, number> }) {
  const { spec, open } = builder;
  const catName = (id: string) => spec.categories.find((c) => c.id === id)?.name ?? id;
  return (
    <div className={b.sections}>
      {spec.sections.length > 0 && (
        <table className={`${a.table} ${b.compactTable}`} data-testid="sections">
          <thead>
            <tr>
              <th>Section</th>
              <th>Kind</th>
              <th>Size</th>
              <th>Categories</th>
              <th className={a.num}>Seats</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {spec.sections.map((s, i) => (
              <tr key={s.id} data-section-id={s.id} aria-selected={open?.index === i || undefined} className={open?.index === i ? b.editingRow : undefined}>
                <td>
                  <strong>{s.name}</strong> <span className={`${a.mono} ${a.faint}`}>{s.id}</span>
                </td>
                <td>{KIND_TEXT[s.kind]}</td>
                <td className={b.nowrap}>{shape(s)}</td>
                <td className={a.muted}>{[...new Set(s.kind === 'ga' ? [s.category] : s.rowCategories)].map(catName).join(', ')}</td>
                <td className={a.num}>{fmtInt(seatsBySection.get(s.id) ?? 0)}</td>
                <td className={`${a.num} ${b.nowrap}`}>
                  <button type="button" className={`${a.btn} ${a.small} ${a.ghost}`} onClick={() => builder.moveSection(i, -1)} disabled={i === 0} aria-label={`Move ${s.name} up`}>
                    ↑
                  </button>
                  <button type="button" className={`${a.btn} ${a.small} ${a.ghost}`} onClick={() => builder.moveSection(i, 1)} disabled={i === spec.sections.length - 1} aria-label={`Move ${s.name} down`}>
                    ↓
                  </button>
                  <button type="button" className={`${a.btn} ${a.small}`} onClick={() => builder.startEdit(i)}>
                    Edit
                  </button>
                  <button type="button" className={`${a.btn} ${a.small} ${a.ghost}`} onClick={() => builder.removeSection(i)} aria-label={`Remove ${s.name}`}>
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {open ? (
        <SectionForm
          draft={open.draft}
          errors={builder.draftErrors}
          categories={spec.categories}
          editing={open.index !== null}
          onChange={builder.changeDraft}
          onSubmit={builder.submitDraft}
          onCancel={builder.cancelDraft}
          onCentre={builder.centreDraft}
        />
      ) : (
        <div className={b.rowButtons}>
          <button type="button" className={`${a.btn}`} onClick={builder.startAdd} disabled={spec.sections.length >= 200}>
            + Add section
          </button>
        </div>
      )}
      {spec.sections.length === 0 && !open && <p className={a.muted}>A venue needs at least one section.</p>}
      {builder.preview.error && (
        <div className={f.notice} data-tone="error" role="alert">
          {builder.preview.error}
        </div>
      )}
    </div>
  );
}

export function StageForm({ stage, onChange, onFit }: { stage: VenueSpec['stage']; onChange(stage: VenueSpec['stage']): void; onFit(): void }) {
  const num = (key: 'x' | 'y' | 'width' | 'height', label: string) => (
    <label className={f.field}>
      <span className={f.label}>{label}</span>
      <input
        className={f.input}
        type="number"
        value={stage[key]}
        onChange={(e) => {
          const n = Number(e.target.value);
          if (Number.isFinite(n)) onChange({ ...stage, [key]: key === 'width' || key === 'height' ? Math.max(0, n) : n });
        }}
      />
    </label>
  );
  return (
    <div className={b.stageGrid}>
      <label className={f.field}>
        <span className={f.label}>Label</span>
        <input className={f.input} value={stage.label} maxLength={40} onChange={(e) => onChange({ ...stage, label: e.target.value })} />
      </label>
      {num('x', 'X')}
      {num('y', 'Y')}
      {num('width', 'Width')}
      {num('height', 'Height')}
      <button type="button" className={`${a.btn} ${a.small}`} onClick={onFit} title="Spread the stage over the width of the seats">
        Fit to seats
      </button>
    </div>
  );
}
