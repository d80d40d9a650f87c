// A compact, index-based view of an event's static seat layout.
// Seats are addressed by their position in EventDetail.seats (an integer index),
// which lets the map and the status store use typed arrays instead of 20k objects.
import { formatPrice, type EventDetail, type SeatLayout } from '../protocol';

export interface RowGroup {
  name: string;
  /** Seat indices in this row, ordered by seat number. */
  seatIndices: number[];
}

export interface SectionGroup {
  id: string;
  name: string;
  labelX: number;
  labelY: number;
  rows: RowGroup[];
}

/** A general-admission area: places sold by quantity, drawn as one rectangle. */
export interface GaAreaGroup {
  id: string;
  name: string;
  area: { x: number; y: number; width: number; height: number };
  /** Its places (seat indices); the first one stands for the area on the map. */
  seatIndices: number[];
  priceCents: number;
  categoryIndex: number;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export class SeatIndex {
  readonly count: number;
  readonly seats: readonly SeatLayout[];
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Index into `categoryColors` for each seat. */
  readonly categoryOf: Uint16Array;
  readonly categoryColors: string[];
  readonly categoryNames: string[];
  readonly indexById = new Map<string, number>();
  /** Seated sections only (GA areas are in `gaAreas`). */
  readonly sections: SectionGroup[];
  readonly gaAreas: GaAreaGroup[] = [];
  /** The GA area of each GA place. */
  private readonly gaAreaBySeat = new Map<number, GaAreaGroup>();
  /** The section group of each seat. */
  readonly sectionOf: SectionGroup[] = [];
  readonly currency: string;
  /** Seat radius in layout units, derived from the typical spacing between seats. */
  readonly seatRadius: number;

  constructor(readonly event: EventDetail) {
    this.seats = event.seats;
    this.count = event.seats.length;
    this.currency = event.currency;
    this.xs = new Float64Array(this.count);
    this.ys = new Float64Array(this.count);
    this.categoryOf = new Uint16Array(this.count);
    const categoryIndexById = new Map<string, number>();
    this.categoryColors = event.categories.map((c, i) => {
      categoryIndexById.set(c.id, i);
      return c.color;
    });
    this.categoryNames = event.categories.map((c) => c.name);
    if (this.categoryColors.length === 0) {
      this.categoryColors.push('#64748b');
      this.categoryNames.push('Standard');
    }

    // A seat's `section` may name the section by id or by display name; accept both.
    const sectionById = new Map<string, SectionGroup>();
    const sectionByRef = new Map<string, SectionGroup>();
    for (const s of event.sections) {
      const group: SectionGroup = { id: s.id, name: s.name, labelX: s.labelX, labelY: s.labelY, rows: [] };
      sectionById.set(s.id, group);
      sectionByRef.set(s.id, group);
      if (!sectionByRef.has(s.name)) sectionByRef.set(s.name, group);
    }
    const rowsBySection = new Map<string, Map<string, number[]>>();
    const gaById = new Map<string, GaAreaGroup>();
    for (const s of event.sections) {
      if (s.kind !== 'ga' || !s.area) continue;
      const area: GaAreaGroup = { id: s.id, name: s.name, area: s.area, seatIndices: [], priceCents: 0, categoryIndex: 0 };
      gaById.set(s.id, area);
      this.gaAreas.push(area);
    }

    event.seats.forEach((seat, i) => {
      this.xs[i] = seat.x;
      this.ys[i] = seat.y;
      this.categoryOf[i] = categoryIndexById.get(seat.category) ?? 0;
      this.indexById.set(seat.id, i);
      const ga = seat.gaArea ? gaById.get(seat.gaArea) : undefined;
      if (ga) {
        if (ga.seatIndices.length === 0) {
          ga.priceCents = seat.priceCents;
          ga.categoryIndex = this.categoryOf[i];
        }
        ga.seatIndices.push(i);
        this.gaAreaBySeat.set(i, ga);
      }
      let group = sectionByRef.get(seat.section);
      if (!group) {
        group = { id: seat.section, name: seat.section, labelX: seat.x, labelY: seat.y, rows: [] };
        sectionById.set(group.id, group);
        sectionByRef.set(group.id, group);
      }
      this.sectionOf[i] = group;
      let rows = rowsBySection.get(group.id);
      if (!rows) rowsBySection.set(group.id, (rows = new Map()));
      const row = rows.get(seat.row);
      if (row) row.push(i);
      else rows.set(seat.row, [i]);
    });

    for (const [sectionId, rows] of rowsBySection) {
      const group = sectionById.get(sectionId)!;
      group.rows = [...rows.entries()]
        .map(([name, seatIndices]) => ({
          name,
          seatIndices: seatIndices.sort((a, b) => collator.compare(this.seats[a].number, this.seats[b].number)),
        }))
        .sort((a, b) => collator.compare(a.name, b.name));
    }
    this.sections = [...sectionById.values()]
      .filter((s) => s.rows.length > 0 && !gaById.has(s.id))
      .sort((a, b) => collator.compare(a.name, b.name));
    this.seatRadius = estimateSeatSpacing(this.xs, this.ys) * 0.38;
  }

  sectionName(index: number): string {
    return this.sectionOf[index].name;
  }

  /** The row group a seat belongs to. */
  rowOf(index: number): RowGroup | undefined {
    const row = this.seats[index].row;
    return this.sectionOf[index].rows.find((r) => r.name === row);
  }

  /** The GA area a place belongs to (undefined for a numbered seat). */
  gaAreaOf(index: number): GaAreaGroup | undefined {
    return this.gaAreaBySeat.get(index);
  }

  price(index: number): string {
    return formatPrice(this.seats[index].priceCents, this.currency);
  }

  /** "Stalls Left row 4 seat 12", "Section 101 row 4 seat 12" */
  shortLabel(index: number): string {
    const seat = this.seats[index];
    if (this.gaAreaOf(index)) return `a ${this.sectionName(index)} place`;
    return `${this.sectionName(index)} row ${seat.row} seat ${seat.number}`;
  }
}

/**
 * Median nearest-neighbour distance over a sample of seats, using a coarse grid.
 * Good enough to size seat glyphs so that neighbours never overlap.
 */
function estimateSeatSpacing(xs: Float64Array, ys: Float64Array): number {
  const n = xs.length;
  if (n < 2) return 10;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    if (xs[i] < minX) minX = xs[i];
    if (xs[i] > maxX) maxX = xs[i];
    if (ys[i] < minY) minY = ys[i];
    if (ys[i] > maxY) maxY = ys[i];
  }
  const area = Math.max((maxX - minX) * (maxY - minY), 1);
  const cell = Math.max(Math.sqrt(area / n) * 2, 1e-6);
  const grid = new Map<string, number[]>();
  const key = (cx: number, cy: number) => `${cx},${cy}`;
  for (let i = 0; i < n; i++) {
    const k = key(Math.floor(xs[i] / cell), Math.floor(ys[i] / cell));
    const bucket = grid.get(k);
    if (bucket) bucket.push(i);
    else grid.set(k, [i]);
  }
  const step = Math.max(1, Math.floor(n / 400));
  const distances: number[] = [];
  for (let i = 0; i < n; i += step) {
    const cx = Math.floor(xs[i] / cell);
    const cy = Math.floor(ys[i] / cell);
    let best = Infinity;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of grid.get(key(cx + dx, cy + dy)) ?? []) {
          if (j === i) continue;
          const d = Math.hypot(xs[i] - xs[j], ys[i] - ys[j]);
          if (d > 0 && d < best) best = d;
        }
      }
    }
    if (best < Infinity) distances.push(best);
  }
  if (distances.length === 0) return cell;
  distances.sort((a, b) => a - b);
  return distances[Math.floor(distances.length / 2)];
}
