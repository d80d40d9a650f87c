// Generates a venue's seats from a compact description: sections of rows ×
// seats, straight or curved, with row labels, numbering direction, aisle
// gaps and price categories. Pure: shared by the seed, the admin layout
// builder and its live preview.
import './zodConfig';
import { z } from 'zod';
import type { CategoryView, EventDetail, SeatLayout, SectionView } from './protocol';

export interface StraightSection {
  kind: 'straight';
  id: string;
  name: string;
  rows: number;
  seatsPerRow: number;
  /** Top-left seat position, layout units. */
  x: number;
  y: number;
  seatPitch?: number;
  rowPitch?: number;
  /** 0 = straight rows; >0 bends rows into an arc (sagitta as a fraction of the row width). */
  curve?: number;
  /** Leave a gap after these seat positions (1-based), e.g. [10] puts an aisle after seat 10. */
  aisleAfter?: number[];
  /** Shorten each successive row by this many seats on each side (a raked wedge). */
  taperPerRow?: number;
  rowLabels?: 'letters' | 'numbers';
  firstRowLabel?: number;
  numbering?: 'ltr' | 'rtl';
  /** Category id per row index (0 = front); the last entry repeats for the remaining rows. */
  rowCategories: string[];
}

export interface ArcSection {
  kind: 'arc';
  id: string;
  name: string;
  rows: number;
  seatsPerRow: number;
  cx: number;
  cy: number;
  /** Radius of the front row, layout units. */
  radius: number;
  /** Radians, measured clockwise from +x (screen coordinates). */
  startAngle: number;
  endAngle: number;
  rowPitch?: number;
  /** Extra seats added per row going back (bowls get wider). */
  growPerRow?: number;
  rowLabels?: 'letters' | 'numbers';
  numbering?: 'ltr' | 'rtl';
  rowCategories: string[];
}

/** A general-admission area: `capacity` places sold by quantity, drawn as one area. */
export interface GaSection {
  kind: 'ga';
  id: string;
  name: string;
  capacity: number;
  x: number;
  y: number;
  width: number;
  height: number;
  category: string;
}

export type SectionSpec = StraightSection | ArcSection | GaSection;

export interface VenueSpec {
  categories: CategoryView[];
  sections: SectionSpec[];
  stage: EventDetail['stage'];
  /** Seat ids marked accessible. */
  accessible?: Record<string, 'wheelchair' | 'companion'>;
  /** Seat ids that are not for sale at all (e.g. a camera position). */
  removed?: string[];
}

export interface GeneratedLayout {
  seats: SeatLayout[];
  sections: SectionView[];
  categories: CategoryView[];
  stage: EventDetail['stage'];
  bounds: EventDetail['bounds'];
}

/** Row label for the row at `index` (0 = front); `first` is where labels start (1 = "A" or "1"). */
export function rowLabel(index: number, style: 'letters' | 'numbers' = 'letters', first = 1): string {
  if (style === 'numbers') return String(index + first);
  let n = index + Math.max(0, first - 1);
  let label = '';
  do {
    label = String.fromCharCode(65 + (n % 26)) + label;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return label;
}

function categoryOfRow(spec: StraightSection | ArcSection, rowIndex: number): string {
  const list = spec.rowCategories;
  return list[Math.min(rowIndex, list.length - 1)];
}

function straightSeats(spec: StraightSection, emit: (row: number, seatInRow: number, count: number, x: number, y: number) => void) {
  const pitch = spec.seatPitch ?? 10;
  const rowPitch = spec.rowPitch ?? 12;
  const aisles = new Set(spec.aisleAfter ?? []);
  const fullWidth = (spec.seatsPerRow - 1 + aisles.size) * pitch;
  for (let r = 0; r < spec.rows; r++) {
    const trim = Math.min(Math.floor((spec.taperPerRow ?? 0) * r), Math.floor((spec.seatsPerRow - 1) / 2));
    const count = spec.seatsPerRow - 2 * trim;
    let gap = 0;
    for (let i = 0; i < spec.seatsPerRow; i++) {
      if (i > 0 && aisles.has(i)) gap += 1;
      if (i < trim || i >= spec.seatsPerRow - trim) continue;
      const x = spec.x + (i + gap) * pitch;
      // Curve: a parabola whose ends rise by `curve × width`, centred on the row.
      const t = fullWidth > 0 ? ((i + gap) * pitch) / fullWidth - 0.5 : 0;
      const y = spec.y + r * rowPitch - (spec.curve ?? 0) * fullWidth * (0.25 - t * t) * 0.5;
      emit(r, i - trim, count, x, y);
    }
  }
}

function arcSeats(spec: ArcSection, emit: (row: number, seatInRow: number, count: number, x: number, y: number) => void) {
  const rowPitch = spec.rowPitch ?? 12;
  for (let r = 0; r < spec.rows; r++) {
    const radius = spec.radius + r * rowPitch;
    const count = spec.seatsPerRow + Math.floor((spec.growPerRow ?? 0) * r);
    for (let i = 0; i < count; i++) {
      const t = count === 1 ? 0.5 : i / (count - 1);
      const angle = spec.startAngle + (spec.endAngle - spec.startAngle) * t;
      emit(r, i, count, spec.cx + radius * Math.cos(angle), spec.cy + radius * Math.sin(angle));
    }
  }
}

export function generateLayout(venue: VenueSpec): GeneratedLayout {
  const priceOf = new Map(venue.categories.map((c) => [c.id, c.priceCents]));
  const removed = new Set(venue.removed ?? []);
  const seats: SeatLayout[] = [];
  const sections: SectionView[] = [];
  const ids = new Set<string>();
  for (const spec of venue.sections) {
    if (spec.kind === 'ga') {
      const priceCents = priceOf.get(spec.category);
      if (priceCents === undefined) throw new Error(`layout: area ${spec.id} uses unknown category ${spec.category}`);
      // Places are laid out on a grid inside the area so the map can show how full it is.
      const cols = Math.max(1, Math.round(Math.sqrt((spec.capacity * spec.width) / Math.max(1, spec.height))));
      const rows = Math.ceil(spec.capacity / cols);
      for (let n = 0; n < spec.capacity; n++) {
        const id = `${spec.id}-GA-${n + 1}`;
        if (ids.has(id)) throw new Error(`layout: seat id ${id} appears twice`);
        ids.add(id);
        seats.push({
          id,
          section: spec.name,
          row: 'GA',
          number: String(n + 1),
          category: spec.category,
          priceCents,
          x: Math.round((spec.x + ((n % cols) + 0.5) * (spec.width / cols)) * 10) / 10,
          y: Math.round((spec.y + (Math.floor(n / cols) + 0.5) * (spec.height / rows)) * 10) / 10,
          gaArea: spec.id,
        });
      }
      sections.push({
        id: spec.id,
        name: spec.name,
        kind: 'ga',
        area: { x: spec.x, y: spec.y, width: spec.width, height: spec.height },
        labelX: spec.x + spec.width / 2,
        labelY: spec.y - 10,
      });
      continue;
    }
    let sumX = 0;
    let minY = Infinity;
    let count = 0;
    const emit = (r: number, seatInRow: number, rowCount: number, x: number, y: number) => {
      const number = spec.numbering === 'rtl' ? rowCount - seatInRow : seatInRow + 1;
      const row = rowLabel(r, spec.rowLabels, spec.kind === 'straight' ? spec.firstRowLabel : 1);
      const id = `${spec.id}-${row}-${number}`;
      if (ids.has(id)) throw new Error(`layout: seat id ${id} appears twice`);
      ids.add(id);
      if (removed.has(id)) return;
      const category = categoryOfRow(spec, r);
      const priceCents = priceOf.get(category);
      if (priceCents === undefined) throw new Error(`layout: section ${spec.id} uses unknown category ${category}`);
      const accessible = venue.accessible?.[id];
      seats.push({
        id,
        section: spec.name,
        row,
        number: String(number),
        category,
        priceCents,
        x: Math.round(x * 10) / 10,
        y: Math.round(y * 10) / 10,
        ...(accessible ? { accessible } : {}),
      });
      sumX += x;
      minY = Math.min(minY, y);
      count++;
    };
    if (spec.kind === 'straight') straightSeats(spec, emit);
    else arcSeats(spec, emit);
    if (count === 0) continue;
    if (spec.kind === 'arc') {
      // Label just inside the front row, at the section's middle angle.
      const mid = (spec.startAngle + spec.endAngle) / 2;
      const r = spec.radius - 16;
      sections.push({ id: spec.id, name: spec.name, kind: 'seated', labelX: spec.cx + r * Math.cos(mid), labelY: spec.cy + r * Math.sin(mid) });
    } else {
      sections.push({ id: spec.id, name: spec.name, kind: 'seated', labelX: sumX / count, labelY: minY - 12 });
    }
  }
  const bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const s of seats) {
    bounds.minX = Math.min(bounds.minX, s.x);
    bounds.minY = Math.min(bounds.minY, s.y);
    bounds.maxX = Math.max(bounds.maxX, s.x);
    bounds.maxY = Math.max(bounds.maxY, s.y);
  }
  const st = venue.stage;
  bounds.minX = Math.min(bounds.minX, st.x);
  bounds.minY = Math.min(bounds.minY, st.y, ...sections.map((s) => s.labelY));
  bounds.maxX = Math.max(bounds.maxX, st.x + st.width);
  bounds.maxY = Math.max(bounds.maxY, st.y + st.height);
  return { seats, sections, categories: venue.categories, stage: venue.stage, bounds };
}

/**
 * The seats as the reservation core takes them (core SeatSpec): price, general-
 * admission area, and where each seat is, with its section named by id (seats carry the
 * section's display name, which the venue description keeps unique).
 */
export function coreSeatsOf(seats: readonly SeatLayout[], sections: readonly SectionView[]) {
  const idByName = new Map<string, string>();
  for (const section of sections) if (section.kind !== 'ga' && !idByName.has(section.name)) idByName.set(section.name, section.id);
  return seats.map((s) => ({
    id: s.id,
    priceCents: s.priceCents,
    ...(s.gaArea ? { gaArea: s.gaArea } : {}),
    place: {
      sectionId: s.gaArea ?? idByName.get(s.section) ?? s.section,
      row: s.row,
      number: s.number,
      category: s.category,
      x: s.x,
      y: s.y,
      ...(s.accessible ? { accessible: s.accessible } : {}),
    },
  }));
}

// ---------- validation of a venue description (admin builder, JSON import) ----------

const code = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, '1-32 letters, digits, _ or -');
const coord = z.number().finite().min(-100_000).max(100_000);
const rowCategories = z.array(code).min(1).max(200);

export const venueSpecSchema = z
  .object({
    categories: z
      .array(
        z.object({
          id: code,
          name: z.string().trim().min(1).max(60),
          priceCents: z.number().int().min(0).max(10_000_000),
          color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #2563eb'),
        }),
      )
      .min(1)
      .max(20),
    sections: z
      .array(
        z.discriminatedUnion('kind', [
          z.object({
            kind: z.literal('straight'),
            id: code,
            name: z.string().trim().min(1).max(60),
            rows: z.number().int().min(1).max(200),
            seatsPerRow: z.number().int().min(1).max(300),
            x: coord,
            y: coord,
            seatPitch: z.number().min(4).max(100).optional(),
            rowPitch: z.number().min(4).max(100).optional(),
            curve: z.number().min(0).max(1).optional(),
            aisleAfter: z.array(z.number().int().min(1).max(300)).max(20).optional(),
            taperPerRow: z.number().min(0).max(5).optional(),
            rowLabels: z.enum(['letters', 'numbers']).optional(),
            firstRowLabel: z.number().int().min(0).max(1000).optional(),
            numbering: z.enum(['ltr', 'rtl']).optional(),
            rowCategories,
          }),
          z.object({
            kind: z.literal('arc'),
            id: code,
            name: z.string().trim().min(1).max(60),
            rows: z.number().int().min(1).max(200),
            seatsPerRow: z.number().int().min(1).max(300),
            cx: coord,
            cy: coord,
            radius: z.number().min(10).max(100_000),
            startAngle: z.number().min(-10).max(10),
            endAngle: z.number().min(-10).max(10),
            rowPitch: z.number().min(4).max(100).optional(),
            growPerRow: z.number().min(0).max(10).optional(),
            rowLabels: z.enum(['letters', 'numbers']).optional(),
            numbering: z.enum(['ltr', 'rtl']).optional(),
            rowCategories,
          }),
          z.object({
            kind: z.literal('ga'),
            id: code,
            name: z.string().trim().min(1).max(60),
            capacity: z.number().int().min(1).max(50_000),
            x: coord,
            y: coord,
            width: z.number().min(10).max(100_000),
            height: z.number().min(10).max(100_000),
            category: code,
          }),
        ]),
      )
      .min(1)
      .max(200)
      .refine((list) => new Set(list.map((s) => s.id)).size === list.length, 'section ids must be unique')
      // Tickets print the section's name, and seats are stored with it: two sections of one name would be one.
      .refine((list) => new Set(list.map((s) => s.name.trim())).size === list.length, 'section names must be unique'),
    stage: z.object({ x: coord, y: coord, width: z.number().min(0).max(100_000), height: z.number().min(0).max(100_000), label: z.string().max(40) }),
    accessible: z.record(z.string().max(64), z.enum(['wheelchair', 'companion'])).optional(),
    removed: z.array(z.string().max(64)).max(10_000).optional(),
  })
  .superRefine((venue, ctx) => {
    const known = new Set(venue.categories.map((c) => c.id));
    venue.sections.forEach((section, i) => {
      const used = section.kind === 'ga' ? [section.category] : section.rowCategories;
      for (const id of used) {
        if (!known.has(id)) ctx.addIssue({ code: 'custom', path: ['sections', i], message: `unknown category ${id}` });
      }
    });
  });

/** Largest venue the builder accepts (seats + GA places). */
export const MAX_VENUE_SEATS = 100_000;

/** Validates and generates; returns a readable error instead of throwing. */
export function buildVenue(input: unknown): { ok: true; spec: VenueSpec; layout: GeneratedLayout } | { ok: false; issues: { path: string; message: string }[] } {
  const parsed = venueSpecSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })) };
  }
  const spec = parsed.data as VenueSpec;
  const estimate = spec.sections.reduce((n, s) => n + (s.kind === 'ga' ? s.capacity : s.rows * (s.seatsPerRow + (s.kind === 'arc' ? (s.growPerRow ?? 0) * s.rows : 0))), 0);
  if (estimate > MAX_VENUE_SEATS) return { ok: false, issues: [{ path: 'sections', message: `at most ${MAX_VENUE_SEATS} seats per venue` }] };
  try {
    const layout = generateLayout(spec);
    if (layout.seats.length === 0) return { ok: false, issues: [{ path: 'sections', message: 'the layout has no seats' }] };
    return { ok: true, spec, layout };
  } catch (error) {
    return { ok: false, issues: [{ path: 'sections', message: (error as Error).message.replace(/^layout: /, '') }] };
  }
}
