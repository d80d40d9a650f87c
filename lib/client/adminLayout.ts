// The layout builder's model: a section being edited is a "draft" of strings
// (what the inputs hold); these pure functions turn drafts into VenueSpec
// sections and back, with a readable message per field.
import type { CategoryView } from '../protocol';
import { generateLayout, type GeneratedLayout, type SectionSpec, type VenueSpec } from '../venueLayout';

export type DraftKind = 'straight' | 'curved' | 'arc' | 'ga';

/** Rows `from`–`to` (1-based, inclusive) are sold in `category`. */
export interface CategoryBand {
  from: string;
  to: string;
  category: string;
}

export interface SectionDraft {
  kind: DraftKind;
  id: string;
  name: string;
  rows: string;
  seatsPerRow: string;
  rowLabels: 'letters' | 'numbers';
  firstRowLabel: string;
  numbering: 'ltr' | 'rtl';
  curve: string;
  aisles: string;
  taper: string;
  /** Straight: top-left seat. Arc: centre. GA: top-left corner. */
  x: string;
  y: string;
  seatPitch: string;
  rowPitch: string;
  radius: string;
  startDeg: string;
  endDeg: string;
  growPerRow: string;
  capacity: string;
  width: string;
  height: string;
  bands: CategoryBand[];
  /** Category of every row not in a band (GA: the area's category). */
  restCategory: string;
}

export type DraftErrors = Partial<Record<keyof SectionDraft | 'bands', string>>;

export const CATEGORY_COLORS = ['#2563eb', '#7c3aed', '#0d9488', '#d97706', '#db2777', '#059669', '#dc2626', '#4f46e5', '#0891b2', '#65a30d'];

export function emptySpec(): VenueSpec {
  return {
    categories: [{ id: 'STANDARD', name: 'Standard', priceCents: 3000, color: CATEGORY_COLORS[0] }],
    sections: [],
    stage: { x: 0, y: 0, width: 110, height: 24, label: 'STAGE' },
  };
}

/** "Premium Circle" → "PREMIUM_CIRCLE", unique among `taken`. */
export function codeFrom(name: string, taken: Iterable<string>, fallback = 'C'): string {
  const used = new Set(taken);
  const base = (name.toUpperCase().normalize('NFKD').replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '') || fallback).slice(0, 12);
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}_${n}`.slice(0, 16);
  return id;
}

export function newDraft(spec: VenueSpec, layout: GeneratedLayout | null): SectionDraft {
  // Section names must be unique (venueSpecSchema): the first free "Section n".
  let n = spec.sections.length + 1;
  while (spec.sections.some((s) => s.name.trim() === `Section ${n}`)) n++;
  const seats = layout?.seats ?? [];
  const below = seats.length ? Math.max(...seats.map((s) => s.y)) + 30 : spec.stage.y + spec.stage.height + 26;
  const left = seats.length ? Math.min(...seats.map((s) => s.x)) : spec.stage.x;
  const category = spec.categories[0]?.id ?? '';
  return {
    kind: 'straight',
    id: codeFrom(`S${n}`, spec.sections.map((s) => s.id)),
    name: `Section ${n}`,
    rows: '10',
    seatsPerRow: '12',
    rowLabels: 'letters',
    firstRowLabel: '1',
    numbering: 'ltr',
    curve: '0',
    aisles: '',
    taper: '0',
    x: String(Math.round(left)),
    y: String(Math.round(below)),
    seatPitch: '10',
    rowPitch: '12',
    radius: '120',
    startDeg: '200',
    endDeg: '340',
    growPerRow: '0',
    capacity: '500',
    width: '120',
    height: '80',
    bands: [],
    restCategory: category,
  };
}

/** rowCategories (last entry repeats) → bands for the first rows plus the rest. */
function bandsOf(rowCategories: string[], rows: number): { bands: CategoryBand[]; rest: string } {
  const full = Array.from({ length: rows }, (_, r) => rowCategories[Math.min(r, rowCategories.length - 1)]);
  const runs: { from: number; to: number; category: string }[] = [];
  full.forEach((c, r) => {
    const last = runs[runs.length - 1];
    if (last && last.category === c) last.to = r + 1;
    else runs.push({ from: r + 1, to: r + 1, category: c });
  });
  const rest = runs.pop()?.category ?? rowCategories[0] ?? '';
  return { bands: runs.map((b) => ({ from: String(b.from), to: String(b.to), category: b.category })), rest };
}

const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => String(Math.round(((r * 180) / Math.PI) * 10_000) / 10_000);

export function sectionToDraft(section: SectionSpec, spec: VenueSpec): SectionDraft {
  const d = newDraft(spec, null);
  if (section.kind === 'ga') {
    return { ...d, kind: 'ga', id: section.id, name: section.name, capacity: String(section.capacity), x: String(section.x), y: String(section.y), width: String(section.width), height: String(section.height), restCategory: section.category };
  }
  const { bands, rest } = bandsOf(section.rowCategories, section.rows);
  const common = { ...d, id: section.id, name: section.name, rows: String(section.rows), seatsPerRow: String(section.seatsPerRow), rowLabels: section.rowLabels ?? 'letters', numbering: section.numbering ?? 'ltr', rowPitch: String(section.rowPitch ?? 12), bands, restCategory: rest } as const;
  if (section.kind === 'arc') {
    return { ...common, kind: 'arc', x: String(section.cx), y: String(section.cy), radius: String(section.radius), startDeg: deg(section.startAngle), endDeg: deg(section.endAngle), growPerRow: String(section.growPerRow ?? 0) };
  }
  return {
    ...common,
    kind: (section.curve ?? 0) > 0 ? 'curved' : 'straight',
    firstRowLabel: String(section.firstRowLabel ?? 1),
    curve: String(section.curve ?? 0),
    aisles: (section.aisleAfter ?? []).join(', '),
    taper: String(section.taperPerRow ?? 0),
    x: String(section.x),
    y: String(section.y),
    seatPitch: String(section.seatPitch ?? 10),
  };
}

/** Parses "10, 20" → [10, 20]; null when unreadable. */
export function parseAisles(text: string): number[] | null {
  if (text.trim() === '') return [];
  const parts = text.split(/[,\s;]+/).filter(Boolean);
  const nums = parts.map(Number);
  if (nums.some((n) => !Number.isInteger(n) || n < 1)) return null;
  return [...new Set(nums)].sort((a, b) => a - b);
}

export function draftToSection(draft: SectionDraft, categories: CategoryView[], otherIds: string[]): { section: SectionSpec | null; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const known = new Set(categories.map((c) => c.id));
  const num = (key: keyof SectionDraft, min: number, max: number, integer = false): number => {
    const raw = String(draft[key]).trim();
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n)) errors[key] = 'Enter a number';
    else if (integer && !Number.isInteger(n)) errors[key] = 'Enter a whole number';
    else if (n < min || n > max) errors[key] = `Between ${min} and ${max}`;
    return n;
  };
  if (!/^[A-Za-z0-9_]{1,16}$/.test(draft.id)) errors.id = '1–16 letters, digits or _';
  else if (otherIds.includes(draft.id)) errors.id = 'Another section uses this code';
  const name = draft.name.trim();
  if (!name) errors.name = 'Enter a name';
  else if (name.length > 60) errors.name = 'At most 60 characters';
  if (!known.has(draft.restCategory)) errors.restCategory = 'Choose a category';

  if (draft.kind === 'ga') {
    const section: SectionSpec = { kind: 'ga', id: draft.id, name, capacity: num('capacity', 1, 50_000, true), x: num('x', -100_000, 100_000), y: num('y', -100_000, 100_000), width: num('width', 10, 100_000), height: num('height', 10, 100_000), category: draft.restCategory };
    return { section: Object.keys(errors).length ? null : section, errors };
  }

  const rows = num('rows', 1, 200, true);
  const seatsPerRow = num('seatsPerRow', 1, 300, true);
  const rowCategories = Array.from({ length: Number.isInteger(rows) && rows > 0 ? rows : 1 }, () => draft.restCategory);
  for (const band of draft.bands) {
    const from = Number(band.from);
    const to = Number(band.to);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from) errors.bands = 'Each row range needs whole numbers, first ≤ last';
    else if (from > rowCategories.length) errors.bands = `Row ${from} does not exist (the section has ${rowCategories.length} rows)`;
    else if (!known.has(band.category)) errors.bands = 'Choose a category for each row range';
    else for (let r = from - 1; r < Math.min(to, rowCategories.length); r++) rowCategories[r] = band.category;
  }
  while (rowCategories.length > 1 && rowCategories[rowCategories.length - 2] === rowCategories[rowCategories.length - 1]) rowCategories.pop();
  const common = { id: draft.id, name, rows, seatsPerRow, rowLabels: draft.rowLabels, numbering: draft.numbering, rowPitch: num('rowPitch', 4, 100), rowCategories };

  if (draft.kind === 'arc') {
    const startDeg = num('startDeg', -570, 570);
    const endDeg = num('endDeg', -570, 570);
    const section: SectionSpec = { kind: 'arc', ...common, cx: num('x', -100_000, 100_000), cy: num('y', -100_000, 100_000), radius: num('radius', 10, 100_000), startAngle: rad(startDeg), endAngle: rad(endDeg), growPerRow: num('growPerRow', 0, 10) };
    return { section: Object.keys(errors).length ? null : section, errors };
  }

  const aisles = parseAisles(draft.aisles);
  if (aisles === null) errors.aisles = 'Seat numbers separated by commas, e.g. 4, 12';
  else if (aisles.some((a) => a >= seatsPerRow)) errors.aisles = `Aisles must come after a seat below ${seatsPerRow}`;
  else if (aisles.length > 20) errors.aisles = 'At most 20 aisles';
  const curve = draft.kind === 'curved' ? num('curve', 0, 1) : 0;
  const firstRowLabel = draft.rowLabels === 'numbers' ? num('firstRowLabel', 0, 1000, true) : 1;
  const section: SectionSpec = {
    kind: 'straight',
    ...common,
    x: num('x', -100_000, 100_000),
    y: num('y', -100_000, 100_000),
    seatPitch: num('seatPitch', 4, 100),
    curve,
    aisleAfter: aisles ?? [],
    taperPerRow: num('taper', 0, 5),
    ...(draft.rowLabels === 'numbers' ? { firstRowLabel } : {}),
  };
  return { section: Object.keys(errors).length ? null : section, errors };
}

/** Width in layout units of a straight draft (to centre it under the stage). */
export function draftWidth(draft: SectionDraft): number {
  if (draft.kind === 'ga') return Number(draft.width) || 0;
  const aisles = parseAisles(draft.aisles) ?? [];
  return (Math.max(1, Number(draft.seatsPerRow) || 1) - 1 + aisles.length) * (Number(draft.seatPitch) || 10);
}

export interface PreviewResult {
  layout: GeneratedLayout | null;
  error: string | null;
}

/** Generates every seat, including those marked not for sale (drawn as ghosts). */
export function previewLayout(spec: VenueSpec): PreviewResult {
  if (spec.sections.length === 0) return { layout: null, error: null };
  try {
    return { layout: generateLayout({ ...spec, removed: [] }), error: null };
  } catch (error) {
    return { layout: null, error: (error as Error).message.replace(/^layout: /, '') };
  }
}

/** Drops accessibility / not-for-sale marks that name seats no longer in the layout. */
export function pruneMarks(spec: VenueSpec, layout: GeneratedLayout | null): VenueSpec {
  const ids = new Set(layout?.seats.map((s) => s.id) ?? []);
  const accessible = Object.fromEntries(Object.entries(spec.accessible ?? {}).filter(([id]) => ids.has(id)));
  const removed = (spec.removed ?? []).filter((id) => ids.has(id));
  const { accessible: _a, removed: _r, ...rest } = spec;
  return { ...rest, ...(Object.keys(accessible).length ? { accessible } : {}), ...(removed.length ? { removed } : {}) };
}

/** Seats (excluding not-for-sale) per category id. */
export function countByCategory(spec: VenueSpec, layout: GeneratedLayout | null): Map<string, number> {
  const removed = new Set(spec.removed ?? []);
  const counts = new Map<string, number>(spec.categories.map((c) => [c.id, 0]));
  for (const seat of layout?.seats ?? []) if (!removed.has(seat.id)) counts.set(seat.category, (counts.get(seat.category) ?? 0) + 1);
  return counts;
}

/** Stable JSON of a spec (sorted keys, empty marks dropped) to tell whether the layout changed. */
export function canonicalSpec(spec: VenueSpec): string {
  const { accessible, removed, ...rest } = spec;
  const value = { ...rest, ...(accessible && Object.keys(accessible).length ? { accessible } : {}), ...(removed?.length ? { removed: [...removed].sort() } : {}) };
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y))) : v,
  );
}
