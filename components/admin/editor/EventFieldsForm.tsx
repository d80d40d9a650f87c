'use client';
// Event details: name, venue, start, hold TTL override, seat limit, sale window and status,
// and the no-orphan rule.
import { useId } from 'react';
import type { FieldErrors, FieldsDraft } from '../../../lib/client/adminEventFields';
import { Field } from '../ui/Field';
import f from '../forms.module.css';

interface Props {
  draft: FieldsDraft;
  errors: FieldErrors;
  onChange(next: FieldsDraft): void;
  isNew: boolean;
  defaultTtlText?: string;
}

export function EventFieldsForm({ draft, errors, onChange, isNew, defaultTtlText }: Props) {
  const set = <K extends keyof FieldsDraft>(key: K, value: FieldsDraft[K]) => onChange({ ...draft, [key]: value });
  const orphanHintId = useId();
  return (
    <div className={f.grid4}>
      <Field label="Event name" error={errors.name} wide>
        {(p) => <input {...p} className={f.input} name="name" value={draft.name} onChange={(e) => set('name', e.target.value)} maxLength={120} />}
      </Field>
      <Field label="Venue" error={errors.venueName}>
        {(p) => <input {...p} className={f.input} name="venueName" value={draft.venueName} onChange={(e) => set('venueName', e.target.value)} maxLength={120} />}
      </Field>
      <Field label="Starts" error={errors.startsAt} hint="Your local time">
        {(p) => <input {...p} type="datetime-local" className={f.input} name="startsAt" value={draft.startsAt} onChange={(e) => set('startsAt', e.target.value)} />}
      </Field>
      <Field label="Hold time" error={errors.ttlValue} hint={`Blank = server default${defaultTtlText ? ` (${defaultTtlText})` : ''}`}>
        {(p) => (
          <div className={f.inline}>
            <input {...p} className={f.input} name="holdTtl" inputMode="decimal" placeholder="default" value={draft.ttlValue} onChange={(e) => set('ttlValue', e.target.value)} />
            <select className={f.select} aria-label="Hold time unit" value={draft.ttlUnit} onChange={(e) => set('ttlUnit', e.target.value as FieldsDraft['ttlUnit'])} style={{ flex: '0 0 100px' }}>
              <option value="min">minutes</option>
              <option value="s">seconds</option>
            </select>
          </div>
        )}
      </Field>
      <Field label="Seats per buyer" error={errors.maxSeats} hint={isNew ? 'Blank = server default' : 'Most seats one buyer may hold'}>
        {(p) => <input {...p} className={f.input} name="maxSeats" inputMode="numeric" placeholder="default" value={draft.maxSeats} onChange={(e) => set('maxSeats', e.target.value)} />}
      </Field>
      <Field label="Sale opens" error={errors.opensAt} hint="Blank = no start limit">
        {(p) => <input {...p} type="datetime-local" className={f.input} name="opensAt" value={draft.opensAt} onChange={(e) => set('opensAt', e.target.value)} />}
      </Field>
      <Field label="Sale closes" error={errors.closesAt} hint="Blank = no end limit">
        {(p) => <input {...p} type="datetime-local" className={f.input} name="closesAt" value={draft.closesAt} onChange={(e) => set('closesAt', e.target.value)} />}
      </Field>
      <Field label={isNew ? 'Initial sale status' : 'Sale status'} hint="Open sells within the sale window">
        {(p) => (
          <select {...p} className={f.select} name="saleStatus" value={draft.saleStatus} onChange={(e) => set('saleStatus', e.target.value as FieldsDraft['saleStatus'])}>
            <option value="paused">Paused</option>
            <option value="open">Open</option>
            <option value="closed">Closed</option>
          </select>
        )}
      </Field>
      <div className={`${f.field} ${f.wide}`}>
        <span className={f.label}>Single seats</span>
        <label className={f.check}>
          <input
            type="checkbox"
            name="preventOrphanSeats"
            checked={draft.preventOrphanSeats}
            onChange={(e) => set('preventOrphanSeats', e.target.checked)}
            aria-describedby={orphanHintId}
          />
          Don’t leave single empty seats
        </label>
        <span id={orphanHintId} className={f.hint}>
          Refuse a hold that would leave one empty seat alone in its row, unless the row has no better place for that many seats. Not applied to general admission.
        </span>
      </div>
    </div>
  );
}
