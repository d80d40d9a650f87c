'use client';
// State of the layout builder: the venue spec, the section being edited and
// the live preview of both (what you see is what gets saved).
import { useCallback, useMemo, useState } from 'react';
import type { CategoryView } from '../../../lib/protocol';
import type { VenueSpec } from '../../../lib/venueLayout';
import {
  countByCategory,
  draftToSection,
  draftWidth,
  newDraft,
  previewLayout,
  pruneMarks,
  sectionToDraft,
  type SectionDraft,
} from '../../../lib/client/adminLayout';

export type MarkMode = 'inspect' | 'wheelchair' | 'companion' | 'removed';

interface OpenDraft {
  draft: SectionDraft;
  /** Index of the section being edited; null while adding a new one. */
  index: number | null;
}

export function useLayoutBuilder(initial: VenueSpec) {
  const [spec, setSpec] = useState<VenueSpec>(initial);
  const [open, setOpen] = useState<OpenDraft | null>(initial.sections.length === 0 ? { draft: newDraft(initial, null), index: null } : null);
  const [submitted, setSubmitted] = useState(false);

  const parsed = useMemo(() => {
    if (!open) return null;
    const otherIds = spec.sections.filter((_, i) => i !== open.index).map((s) => s.id);
    return draftToSection(open.draft, spec.categories, otherIds);
  }, [open, spec]);

  /** The spec with the open draft applied when it is valid. */
  const effectiveSpec = useMemo<VenueSpec>(() => {
    if (!open || !parsed?.section) return spec;
    const sections = [...spec.sections];
    if (open.index === null) sections.push(parsed.section);
    else sections[open.index] = parsed.section;
    return { ...spec, sections };
  }, [spec, open, parsed]);

  const preview = useMemo(() => previewLayout(effectiveSpec), [effectiveSpec]);
  const counts = useMemo(() => countByCategory(effectiveSpec, preview.layout), [effectiveSpec, preview.layout]);
  const dirtyDraft = open !== null;
  /** Category ids referenced by a section or by the open draft (their codes must not change). */
  const usedCategories = useMemo(() => {
    const used = new Set(spec.sections.flatMap((sec) => (sec.kind === 'ga' ? [sec.category] : sec.rowCategories)));
    if (open) {
      used.add(open.draft.restCategory);
      for (const band of open.draft.bands) used.add(band.category);
    }
    return used;
  }, [spec.sections, open]);

  const startAdd = useCallback(() => {
    setSubmitted(false);
    setOpen({ draft: newDraft(spec, previewLayout(spec).layout), index: null });
  }, [spec]);
  const startEdit = useCallback((index: number) => {
    setSubmitted(false);
    setOpen({ draft: sectionToDraft(spec.sections[index], spec), index });
  }, [spec]);
  const changeDraft = useCallback((draft: SectionDraft) => setOpen((o) => (o ? { ...o, draft } : o)), []);
  const cancelDraft = useCallback(() => setOpen(null), []);

  /** Applies the open draft; returns false (and shows errors) when it is invalid. */
  const submitDraft = useCallback((): boolean => {
    setSubmitted(true);
    if (!open || !parsed?.section || preview.error) return false;
    setSpec(effectiveSpec);
    setOpen(null);
    return true;
  }, [open, parsed, preview.error, effectiveSpec]);

  const centreDraft = useCallback(() => {
    if (!open) return;
    const width = draftWidth(open.draft);
    const x = Math.round(spec.stage.x + spec.stage.width / 2 - width / 2);
    setOpen({ ...open, draft: { ...open.draft, x: String(x) } });
  }, [open, spec.stage]);

  const removeSection = useCallback((index: number) => {
    setSpec((s) => ({ ...s, sections: s.sections.filter((_, i) => i !== index) }));
    setOpen((o) => (o && o.index !== null ? (o.index === index ? null : { ...o, index: o.index > index ? o.index - 1 : o.index }) : o));
  }, []);

  const moveSection = useCallback((index: number, delta: -1 | 1) => {
    setSpec((s) => {
      const to = index + delta;
      if (to < 0 || to >= s.sections.length) return s;
      const sections = [...s.sections];
      [sections[index], sections[to]] = [sections[to], sections[index]];
      return { ...s, sections };
    });
    setOpen(null);
  }, []);

  const setCategories = useCallback((categories: CategoryView[]) => setSpec((s) => ({ ...s, categories })), []);
  const setStage = useCallback((stage: VenueSpec['stage']) => setSpec((s) => ({ ...s, stage })), []);
  const replaceSpec = useCallback((next: VenueSpec) => {
    setSpec(next);
    setOpen(null);
  }, []);

  /** Toggles a mark on seats: all already marked → unmark, otherwise mark all. */
  const toggleMarks = useCallback((seatIds: string[], mode: MarkMode) => {
    if (mode === 'inspect' || seatIds.length === 0) return;
    setSpec((s) => {
      const accessible = { ...(s.accessible ?? {}) };
      const removed = new Set(s.removed ?? []);
      const has = (id: string) => (mode === 'removed' ? removed.has(id) : accessible[id] === mode);
      const unmark = seatIds.every(has);
      for (const id of seatIds) {
        if (mode === 'removed') {
          if (unmark) removed.delete(id);
          else {
            removed.add(id);
            delete accessible[id];
          }
        } else if (unmark) delete accessible[id];
        else {
          accessible[id] = mode;
          removed.delete(id);
        }
      }
      return { ...s, accessible, removed: [...removed] };
    });
  }, []);

  /** The spec to save: open draft applied, stale marks dropped. */
  const specToSave = useCallback(() => pruneMarks(effectiveSpec, preview.layout), [effectiveSpec, preview.layout]);

  return {
    spec,
    effectiveSpec,
    preview,
    counts,
    usedCategories,
    open,
    draftErrors: open && (submitted || parsed?.section === null) ? (parsed?.errors ?? {}) : {},
    dirtyDraft,
    startAdd,
    startEdit,
    changeDraft,
    cancelDraft,
    submitDraft,
    centreDraft,
    removeSection,
    moveSection,
    setCategories,
    setStage,
    replaceSpec,
    toggleMarks,
    specToSave,
  };
}

export type LayoutBuilder = ReturnType<typeof useLayoutBuilder>;
