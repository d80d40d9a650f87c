// Generates a venue's seats from a compact description: sections of rows ×
// seats, straight or curved, with row labels, numbering direction, aisle
// gaps and price categories. Pure: shared by the seed, the admin layout
// builder and its live preview.
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

export type SectionSpec = StraightSection | ArcSection;

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

export function rowLabel(index: number, style: 'letters' | 'numbers' = 'letters', first = 1): string {
  if (style === 'numbers') return String(index + first);
  let n = index;
  let label = '';
  do {
    label = String.fromCharCode(65 + (n % 26)) + label;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return label;
}

function categoryOfRow(spec: SectionSpec, rowIndex: number): string {
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
      sections.push({ id: spec.id, name: spec.name, labelX: spec.cx + r * Math.cos(mid), labelY: spec.cy + r * Math.sin(mid) });
    } else {
      sections.push({ id: spec.id, name: spec.name, labelX: sumX / count, labelY: minY - 12 });
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
