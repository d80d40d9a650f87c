'use client';
// The form for one section: kind, size, labels, shape, position and the
// price category of each row range. The preview follows every keystroke.
import type { ReactNode } from 'react';
import type { CategoryView } from '../../../lib/protocol';
import type { DraftErrors, DraftKind, SectionDraft } from '../../../lib/client/adminLayout';
import { Field } from '../ui/Field';
import a from '../admin.module.css';
import f from '../forms.module.css';
import b from './builder.module.css';

const KINDS: { kind: DraftKind; label: string }[] = [
  { kind: 'straight', label: 'Straight rows' },
  { kind: 'curved', label: 'Curved rows' },
  { kind: 'arc', label: 'Arc / bowl' },
  { kind: 'ga', label: 'Standing (GA)' },
];

interface Props {
  draft: SectionDraft;
  errors: DraftErrors;
  categories: CategoryView[];
  editing: boolean;
  onChange(draft: SectionDraft): void;
  onSubmit(): void;
  onCancel(): void;
  onCentre(): void;
}

export function SectionForm({ draft, errors, categories, editing, onChange, onSubmit, onCancel, onCentre }: Props) {
  const set = <K extends keyof SectionDraft>(key: K, value: SectionDraft[K]) => onChange({ ...draft, [key]: value });
  const text = (key: keyof SectionDraft, label: string, hint?: ReactNode, extra: { numeric?: boolean; placeholder?: string } = { numeric: true }) => (
    <Field label={label} error={errors[key]} hint={hint}>
      {(p) => (
        <input
          {...p}
          className={f.input}
          name={`section-${key}`}
          inputMode={extra.numeric ? 'decimal' : undefined}
          placeholder={extra.placeholder}
          value={String(draft[key])}
          onChange={(e) => set(key, e.target.value as never)}
        />
      )}
    </Field>
  );
  const categorySelect = (value: string, onSelect: (id: string) => void, label: string, invalid?: boolean) => (
    <select className={f.select} value={value} onChange={(e) => onSelect(e.target.value)} aria-label={label} aria-invalid={invalid || undefined}>
      {!categories.some((c) => c.id === value) && <option value="">Choose…</option>}
      {categories.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </select>
  );
  const seated = draft.kind !== 'ga';

  return (
    <form
      className={b.sectionForm}
      aria-label={editing ? 'Edit section' : 'Add a section'}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className={b.formHead}>
        <div className={f.segmented} role="group" aria-label="Section kind">
          {KINDS.map((k) => (
            <button key={k.kind} type="button" aria-pressed={draft.kind === k.kind} onClick={() => set('kind', k.kind)}>
              {k.label}
            </button>
          ))}
        </div>
      </div>

      <div className={f.grid}>
        {text('name', 'Section name', undefined, { numeric: false })}
        {text('id', 'Code', 'Part of every seat id', { numeric: false })}
        {draft.kind === 'ga' && text('capacity', 'Capacity', 'Places sold by quantity')}
        {seated && text('rows', 'Rows')}
        {seated && text('seatsPerRow', draft.kind === 'arc' ? 'Seats in front row' : 'Seats per row')}
        {seated && (
          <Field label="Row labels">
            {(p) => (
              <select {...p} className={f.select} name="section-rowLabels" value={draft.rowLabels} onChange={(e) => set('rowLabels', e.target.value as SectionDraft['rowLabels'])}>
                <option value="letters">Letters (A, B, C…)</option>
                <option value="numbers">Numbers (1, 2, 3…)</option>
              </select>
            )}
          </Field>
        )}
        {seated && draft.kind !== 'arc' && draft.rowLabels === 'numbers' && text('firstRowLabel', 'First row number')}
        {seated && (
          <Field label="Seat numbering">
            {(p) => (
              <select {...p} className={f.select} name="section-numbering" value={draft.numbering} onChange={(e) => set('numbering', e.target.value as SectionDraft['numbering'])}>
                <option value="ltr">Left → right</option>
                <option value="rtl">Right → left</option>
              </select>
            )}
          </Field>
        )}
        {(draft.kind === 'straight' || draft.kind === 'curved') && text('aisles', 'Aisles after seats', errors.aisles ? undefined : 'e.g. 4, 12', { placeholder: 'none' })}
        {(draft.kind === 'straight' || draft.kind === 'curved') && text('taper', 'Taper per row', 'Seats removed each side per row')}
        {draft.kind === 'arc' && text('growPerRow', 'Extra seats per row')}
        {draft.kind === 'arc' && text('radius', 'Front-row radius')}
        {draft.kind === 'arc' && text('startDeg', 'Start angle (°)', '0° = right, 90° = down')}
        {draft.kind === 'arc' && text('endDeg', 'End angle (°)')}
        {text('x', draft.kind === 'arc' ? 'Centre X' : 'Position X')}
        {text('y', draft.kind === 'arc' ? 'Centre Y' : 'Position Y')}
        {draft.kind === 'ga' && text('width', 'Width')}
        {draft.kind === 'ga' && text('height', 'Height')}
        {(draft.kind === 'straight' || draft.kind === 'curved') && text('seatPitch', 'Seat spacing')}
        {seated && text('rowPitch', 'Row spacing')}
        {draft.kind === 'curved' && (
          <Field label={`Curve: ${Math.round(Number(draft.curve) * 100) || 0}%`} error={errors.curve} wide>
            {(p) => <input {...p} type="range" min={0} max={1} step={0.01} className={b.range} value={draft.curve} onChange={(e) => set('curve', e.target.value)} />}
          </Field>
        )}
        {draft.kind === 'ga' && (
          <Field label="Category" error={errors.restCategory}>
            {() => categorySelect(draft.restCategory, (id) => set('restCategory', id), 'Category', !!errors.restCategory)}
          </Field>
        )}
      </div>
      {draft.kind !== 'arc' && (
        <div className={b.rowButtons}>
          <button type="button" className={`${a.btn} ${a.small}`} onClick={onCentre}>
            Centre under the stage
          </button>
        </div>
      )}

      {seated && (
        <fieldset className={b.bands}>
          <legend className={f.label}>Price category by row</legend>
          {draft.bands.map((band, i) => (
            <div key={i} className={b.band}>
              <span className={a.muted}>Rows</span>
              <input className={`${f.input} ${b.bandNum}`} inputMode="numeric" aria-label={`Range ${i + 1} first row`} value={band.from} onChange={(e) => set('bands', draft.bands.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)))} />
              <span className={a.muted}>to</span>
              <input className={`${f.input} ${b.bandNum}`} inputMode="numeric" aria-label={`Range ${i + 1} last row`} value={band.to} onChange={(e) => set('bands', draft.bands.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)))} />
              {categorySelect(band.category, (id) => set('bands', draft.bands.map((x, j) => (j === i ? { ...x, category: id } : x))), `Range ${i + 1} category`)}
              <button type="button" className={`${a.btn} ${a.small} ${a.ghost}`} aria-label={`Remove range ${i + 1}`} onClick={() => set('bands', draft.bands.filter((_, j) => j !== i))}>
                ✕
              </button>
            </div>
          ))}
          <div className={b.band}>
            <span className={a.muted}>{draft.bands.length ? 'All other rows' : 'All rows'}</span>
            {categorySelect(draft.restCategory, (id) => set('restCategory', id), 'Category of the other rows', !!errors.restCategory)}
            <button
              type="button"
              className={`${a.btn} ${a.small}`}
              onClick={() => {
                const last = draft.bands[draft.bands.length - 1];
                const from = last ? Number(last.to) + 1 || 1 : 1;
                const other = categories.find((c) => c.id !== draft.restCategory) ?? categories[0];
                set('bands', [...draft.bands, { from: String(from), to: String(from + 4), category: other?.id ?? '' }]);
              }}
            >
              + Row range
            </button>
          </div>
          {errors.bands && <span className={f.error}>{errors.bands}</span>}
        </fieldset>
      )}

      <div className={b.formActions}>
        <button type="submit" className={`${a.btn} ${a.primary}`}>
          {editing ? 'Apply changes' : 'Add section'}
        </button>
        <button type="button" className={a.btn} onClick={onCancel}>
          {editing ? 'Discard changes' : 'Cancel'}
        </button>
      </div>
    </form>
  );
}
