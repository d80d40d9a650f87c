'use client';
// The event editor: details form + layout builder with live preview, save and delete.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useState } from 'react';
import type { VenueSpec } from '../../../lib/venueLayout';
import { adminApi, type AdminEventListItem } from '../../../lib/client/adminApi';
import { canonicalSpec } from '../../../lib/client/adminLayout';
import { draftFromEvent, emptyFieldsDraft, parseFieldsDraft, type FieldErrors, type FieldsDraft } from '../../../lib/client/adminEventFields';
import { useAdminUi } from '../ui/AdminUi';
import { CategoriesEditor } from './CategoriesEditor';
import { EventFieldsForm } from './EventFieldsForm';
import { JsonTools } from './JsonTools';
import { LayoutPreview } from './LayoutPreview';
import { createEvent, updateEvent, type SaveProblem } from './saveEvent';
import { SectionsPanel, StageForm } from './SectionsPanel';
import { useLayoutBuilder, type MarkMode } from './useLayoutBuilder';
import a from '../admin.module.css';
import f from '../forms.module.css';
import b from './builder.module.css';

interface Props {
  event: AdminEventListItem | null;
  initialSpec: VenueSpec;
  layoutLocked: string | null;
  defaultTtlText?: string;
}

export function EditorBody({ event, initialSpec, layoutLocked, defaultTtlText }: Props) {
  const router = useRouter();
  const ui = useAdminUi();
  const [original, setOriginal] = useState(() => ({ draft: event ? draftFromEvent(event) : emptyFieldsDraft(), specJson: canonicalSpec(initialSpec) }));
  const [fields, setFields] = useState<FieldsDraft>(original.draft);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<SaveProblem | null>(null);
  const [saving, setSaving] = useState(false);
  const [mode, setMode] = useState<MarkMode>('inspect');
  const builder = useLayoutBuilder(initialSpec);
  const currency = event?.currency ?? 'EUR';

  const seatsBySection = useMemo(() => {
    const removed = new Set(builder.effectiveSpec.removed ?? []);
    const counts = new Map<string, number>();
    for (const seat of builder.preview.layout?.seats ?? []) {
      if (removed.has(seat.id)) continue;
      const sectionId = seat.id.split('-')[0];
      counts.set(sectionId, (counts.get(sectionId) ?? 0) + 1);
    }
    return counts;
  }, [builder.preview.layout, builder.effectiveSpec.removed]);

  const dirty = JSON.stringify(fields) !== JSON.stringify(original.draft) || canonicalSpec(builder.effectiveSpec) !== original.specJson || builder.open !== null;
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const save = async () => {
    setProblem(null);
    const parsed = parseFieldsDraft(fields);
    setFieldErrors(parsed.errors);
    if (Object.keys(parsed.errors).length > 0) {
      setProblem({ title: 'Check the event details.', detail: Object.values(parsed.errors).join(' · ') });
      return;
    }
    if (builder.open && !builder.submitDraft()) {
      setProblem({ title: 'The section being edited has errors.', detail: 'Fix the highlighted fields, or discard the section.' });
      return;
    }
    const spec = layoutLocked ? null : builder.specToSave();
    if (spec && spec.sections.length === 0) {
      setProblem({ title: 'Add at least one section to the layout.' });
      return;
    }
    setSaving(true);
    const result = event
      ? await updateEvent(event.id, parsed.fields, parseFieldsDraft(original.draft).fields, spec, layoutLocked ? null : original.specJson)
      : await createEvent(parsed.fields, spec!);
    setSaving(false);
    if (!result.ok) {
      setProblem(result.problem);
      ui.toast('error', result.problem.title, result.problem.detail);
      return;
    }
    ui.toast('success', result.message);
    if (!event) {
      setOriginal({ draft: fields, specJson: canonicalSpec(builder.effectiveSpec) });
      router.push(`/admin/events/${encodeURIComponent(result.id)}`);
      return;
    }
    if (spec) builder.replaceSpec(spec);
    setOriginal({ draft: fields, specJson: spec ? canonicalSpec(spec) : original.specJson });
  };

  const remove = async () => {
    if (!event) return;
    const ok = await ui.confirm({ title: `Delete “${event.name}”?`, body: 'The event disappears from the site. Events with orders or live holds cannot be deleted.', confirmLabel: 'Delete event', danger: true });
    if (ok === null) return;
    const res = await adminApi.deleteEvent(event.id);
    if (!res.ok) {
      setProblem({ title: 'The event was not deleted.', detail: res.error.message });
      ui.toast('error', 'The event was not deleted.', res.error.message);
      return;
    }
    ui.toast('success', `Deleted “${event.name}”.`);
    router.push('/admin');
  };

  const fitStage = () => {
    const seats = builder.preview.layout?.seats ?? [];
    if (seats.length === 0) return;
    const minX = Math.min(...seats.map((s) => s.x));
    const maxX = Math.max(...seats.map((s) => s.x));
    const minY = Math.min(...seats.map((s) => s.y));
    const st = builder.spec.stage;
    builder.setStage({ ...st, x: Math.round(minX - 10), width: Math.round(maxX - minX + 20), y: Math.min(st.y, Math.round(minY - st.height - 30)) });
  };

  return (
    <>
      <div className={a.pageHead}>
        <div>
          <div className={a.crumbs}>
            <Link href="/admin">Events</Link>
            {event && (
              <>
                {' / '}
                <Link href={`/admin/events/${encodeURIComponent(event.id)}`}>{event.name}</Link>
              </>
            )}
          </div>
          <h1>{event ? 'Edit event' : 'New event'}</h1>
        </div>
        <div className={a.actions}>
          {event && (
            <button type="button" className={`${a.btn} ${a.danger}`} onClick={remove}>
              Delete event
            </button>
          )}
          <Link href={event ? `/admin/events/${encodeURIComponent(event.id)}` : '/admin'} className={a.btn}>
            {dirty ? 'Discard' : 'Back'}
          </Link>
          <button type="button" className={`${a.btn} ${a.primary}`} onClick={save} disabled={saving}>
            {saving ? 'Saving…' : event ? 'Save changes' : 'Create event'}
          </button>
        </div>
      </div>

      {problem && (
        <div className={`${f.notice} ${b.problem}`} data-tone="error" role="alert" data-testid="save-problem">
          <div>
            <strong>{problem.title}</strong> {problem.detail}
            {problem.issues && problem.issues.length > 0 && (
              <ul>
                {problem.issues.map((i, n) => (
                  <li key={n}>
                    <code>{i.path}</code>: {i.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}

      <section className={`${a.panel} ${b.block}`} aria-labelledby="details-title">
        <div className={a.panelHead}>
          <h2 id="details-title">Event details</h2>
          {event && <span className={`${a.mono} ${a.faint}`}>{event.id}</span>}
        </div>
        <div className={a.panelBody}>
          <EventFieldsForm draft={fields} errors={fieldErrors} onChange={setFields} isNew={!event} defaultTtlText={defaultTtlText} />
        </div>
      </section>

      {layoutLocked ? (
        <div className={f.notice} data-tone="warning">
          The seat layout of this event cannot be edited here: {layoutLocked}
        </div>
      ) : (
        <div className={b.builder}>
          <div className={b.builderMain}>
            <section className={a.panel} aria-labelledby="categories-title">
              <div className={a.panelHead}>
                <h2 id="categories-title">Price categories</h2>
              </div>
              <CategoriesEditor spec={builder.effectiveSpec} used={builder.usedCategories} counts={builder.counts} currency={currency} onChange={builder.setCategories} />
            </section>
            <section className={a.panel} aria-labelledby="sections-title">
              <div className={a.panelHead}>
                <h2 id="sections-title">
                  Sections<span className={a.count}>{builder.spec.sections.length}</span>
                </h2>
              </div>
              <div className={a.panelBody}>
                <SectionsPanel builder={builder} seatsBySection={seatsBySection} />
              </div>
            </section>
            <section className={a.panel} aria-labelledby="stage-title">
              <div className={a.panelHead}>
                <h2 id="stage-title">Stage</h2>
              </div>
              <div className={a.panelBody}>
                <StageForm stage={builder.spec.stage} onChange={builder.setStage} onFit={fitStage} />
              </div>
            </section>
            <section className={a.panel} aria-labelledby="json-title">
              <div className={a.panelHead}>
                <h2 id="json-title">Import / export</h2>
              </div>
              <div className={a.panelBody}>
                <JsonTools eventId={event?.id ?? null} fileName={`${event?.id ?? 'venue'}-layout.json`} getSpec={builder.specToSave} onImport={builder.replaceSpec} />
              </div>
            </section>
          </div>
          <aside className={`${a.panel} ${b.builderSide}`} aria-labelledby="preview-title">
            <div className={a.panelHead}>
              <h2 id="preview-title">Live preview</h2>
            </div>
            <LayoutPreview spec={builder.effectiveSpec} layout={builder.preview.layout} mode={mode} onMode={setMode} onToggle={(ids) => builder.toggleMarks(ids, mode)} currency={currency} />
          </aside>
        </div>
      )}
    </>
  );
}
