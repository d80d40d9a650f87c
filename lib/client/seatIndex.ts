// A compact, index-based view of an event's static seat layout.
// Seats are addressed by their position in EventDetail.seats (an integer index),
// which lets the map and the status store use typed arrays instead of 20k objects.
import type { EventDetail, SeatLayout } from '../protocol';
import { formatPrice } from '../wireFormat';

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
  /** Seat id → index. Built on first use: drawing needs none of it, and 22k string keys cost ~30 ms cold. */
  get indexById(): ReadonlyMap<string, number> {
    if (!this.byId) {
      this.byId = new Map();
      for (let i = 0; i < this.count; i++) this.byId.set(this.seats[i].id, i);
    }
    return this.byId;
  }

  private byId: Map<string, number> | null = null;
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

  /** The event's details; replaced (not rebuilt) when only details change — see updateDetails. */
  get event(): EventDetail {
    return this.details;
  }

  /**
   * Takes newer details of the same layout (same seats, prices and categories: an organizer's
   * layout change is announced as such and builds a new index). Throws on another layout.
   */
  updateDetails(event: EventDetail): void {
    if (event.id !== this.details.id || event.layoutKey !== this.details.layoutKey) throw new Error('updateDetails: another layout');
    this.details = event;
  }

  private details: EventDetail;

  constructor(event: EventDetail) {
    this.details = event;
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

    // Seats arrive grouped by section and row, so remembering the previous seat's
    // section and row skips most map look-ups (this loop runs for every seat on page load).
    let lastSectionRef: string | undefined;
    let lastGroup: SectionGroup | undefined;
    let lastRows: Map<string, number[]> | undefined;
    let lastRowName: string | undefined;
    let lastRow: number[] | undefined;
    const seats = event.seats;
    for (let i = 0; i < seats.length; i++) {
      const seat = seats[i];
      this.xs[i] = seat.x;
      this.ys[i] = seat.y;
      this.categoryOf[i] = categoryIndexById.get(seat.category) ?? 0;
      const ga = seat.gaArea ? gaById.get(seat.gaArea) : undefined;
      if (ga) {
        if (ga.seatIndices.length === 0) {
          ga.priceCents = seat.priceCents;
          ga.categoryIndex = this.categoryOf[i];
        }
        ga.seatIndices.push(i);
        this.gaAreaBySeat.set(i, ga);
      }
      if (seat.section !== lastSectionRef || !lastGroup || !lastRows) {
        let group = sectionByRef.get(seat.section);
        if (!group) {
          group = { id: seat.section, name: seat.section, labelX: seat.x, labelY: seat.y, rows: [] };
          sectionById.set(group.id, group);
          sectionByRef.set(group.id, group);
        }
        let rows = rowsBySection.get(group.id);
        if (!rows) rowsBySection.set(group.id, (rows = new Map()));
        lastSectionRef = seat.section;
        lastGroup = group;
        lastRows = rows;
        lastRowName = undefined;
      }
      this.sectionOf[i] = lastGroup;
      if (seat.row !== lastRowName || !lastRow) {
        lastRowName = seat.row;
        lastRow = lastRows.get(seat.row);
        if (!lastRow) lastRows.set(seat.row, (lastRow = []));
      }
      lastRow.push(i);
    }

    const bySeatNumber = seatNumberComparator(seats);
    for (const [sectionId, rows] of rowsBySection) {
      const group = sectionById.get(sectionId)!;
      group.rows = [...rows.entries()]
        .map(([name, seatIndices]) => ({ name, seatIndices: seatIndices.sort(bySeatNumber) }))
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
 * Orders seat indices by seat number as people read them ("2" before "10"). Plain
 * integers (nearly every seat) compare as numbers; anything else falls back to the
 * collator, which is far slower per comparison and would dominate a 20k-seat load.
 */
function seatNumberComparator(seats: readonly SeatLayout[]): (a: number, b: number) => number {
  const numeric = new Float64Array(seats.length);
  for (let i = 0; i < seats.length; i++) {
    const n = seats[i].number;
    numeric[i] = /^\d{1,15}$/.test(n) && (n.length === 1 || n[0] !== '0') ? Number(n) : NaN;
  }
  return (a, b) => {
    const x = numeric[a];
    const y = numeric[b];
    if (x === x && y === y) return x - y; // both plain integers (NaN !== NaN)
    return collator.compare(seats[a].number, seats[b].number);
  };
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
  // A bucket grid in flat typed arrays (counting sort by cell): this runs once per page
  // load on cold code, where a Map of per-cell arrays costs tens of milliseconds.
  const cols = Math.floor((maxX - minX) / cell) + 1;
  const rows = Math.floor((maxY - minY) / cell) + 1;
  const cellOf = new Int32Array(n);
  const cellStart = new Int32Array(cols * rows + 1);
  for (let i = 0; i < n; i++) {
    const c = Math.floor((xs[i] - minX) / cell) * rows + Math.floor((ys[i] - minY) / cell);
    cellOf[i] = c;
    cellStart[c + 1]++;
  }
  for (let c = 0; c < cols * rows; c++) cellStart[c + 1] += cellStart[c];
  const fill = cellStart.slice(0, cols * rows);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[cellOf[i]]++] = i;

  const step = Math.max(1, Math.floor(n / 400));
  const distances: number[] = [];
  for (let i = 0; i < n; i += step) {
    const cx = Math.floor((xs[i] - minX) / cell);
    const cy = Math.floor((ys[i] - minY) / cell);
    let best = Infinity;
    for (let x = Math.max(0, cx - 1); x <= Math.min(cols - 1, cx + 1); x++) {
      for (let y = Math.max(0, cy - 1); y <= Math.min(rows - 1, cy + 1); y++) {
        const c = x * rows + y;
        for (let k = cellStart[c]; k < cellStart[c + 1]; k++) {
          const j = members[k];
          if (j === i) continue;
          const dx = xs[i] - xs[j];
          const dy = ys[i] - ys[j];
          const d2 = dx * dx + dy * dy; // squared: one sqrt per sample, not per pair
          if (d2 > 0 && d2 < best) best = d2;
        }
      }
    }
    if (best < Infinity) distances.push(Math.sqrt(best));
  }
  if (distances.length === 0) return cell;
  distances.sort((a, b) => a - b);
  return distances[Math.floor(distances.length / 2)];
}
