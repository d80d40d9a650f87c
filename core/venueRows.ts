// The physical shape of an event's reserved seating, derived once when a seat
// book is built (or its layout replaced), from what the layout already says
// about each seat: section, row label, seat number, x/y.
//
//   sections (by id) → rows (front to back) → runs → seats along the row
//
// A *run* is a maximal sequence of physically adjacent seats in one row: an
// aisle gap, or a seat missing from the layout, ends it. Two neighbours in a
// row are adjacent when their numbers are consecutive (when the row is
// numbered) and they are at most 1.5× the seat spacing apart (an aisle leaves
// at least one seat's width). The spacing is the row's smallest, or the
// section's typical one when that is smaller (a row of single seats between
// aisles has no spacing of its own). Best available and the orphan
// rule read only these typed arrays; nothing here allocates per command.
//
// The order of `order` is canonical (independent of the order the seats were
// given in), so tie-breaks that prefer "the earlier seat" give the same answer
// after a restart.
import type { SeatSpec, StageBox } from './types';

/** Off the centre line counts half again: of two seats equally far from the stage, the one in line with it is better. */
const CENTRE_LINE_WEIGHT = 0.5;
/** Costs are whole hundredths of a layout unit, so sums are exact and every implementation agrees on ties. */
const COST_SCALE = 100;
/** Neighbours further apart than this many times the row's smallest spacing are separated by an aisle. */
const AISLE_FACTOR = 1.5;

export class VenueRows {
  readonly seatCount: number;

  // ---------- per seat (the book's seat index) ----------
  /** The run the seat is in, or -1 (general admission, or no place known). */
  readonly runOf: Int32Array;
  /** The seat's position in `order` (-1 when not in a row). */
  readonly posOf: Int32Array;
  /** How good the seat is: hundredths of a layout unit from the focal point, plus half the distance off the centre line. Lower is better. */
  readonly costOf: Float64Array;
  /** Index into `sectionIds`, or -1. */
  readonly sectionOf: Int32Array;
  /** Index into `categoryIds`, or -1. */
  readonly categoryOf: Int32Array;
  readonly priceOf: Float64Array;
  /** 1 for wheelchair and companion seats. */
  readonly accessibleOf: Uint8Array;

  // ---------- along the rows ----------
  /** Seat indices of every reserved seat: sections by id, rows front to back, seats along the row. */
  readonly order: Int32Array;
  /** Run r covers order[runStart[r] … runEnd[r]). */
  readonly runStart: Int32Array;
  readonly runEnd: Int32Array;
  readonly runRow: Int32Array;
  /** Row w consists of runs rowFirstRun[w] … rowEndRun[w]. */
  readonly rowFirstRun: Int32Array;
  readonly rowEndRun: Int32Array;
  readonly rowSection: Int32Array;
  readonly rowLabels: string[];
  /** Section s has rows sectionFirstRow[s] … sectionEndRow[s] (empty for general-admission areas). */
  readonly sectionFirstRow: Int32Array;
  readonly sectionEndRow: Int32Array;

  readonly sectionIds: string[];
  readonly sectionIndex = new Map<string, number>();
  readonly categoryIds: string[];
  readonly categoryIndex = new Map<string, number>();
  /** General-admission areas: section index → its places, in the order they are handed out. */
  readonly gaAreaSeats = new Map<number, Int32Array>();
  /** General-admission areas: section index → the mean cost of its places. */
  readonly gaAreaCost = new Map<number, number>();

  /** Scratch for one command at a time (the book is single-threaded): 1 = seat is in the hold being checked. */
  readonly scratchMark: Uint8Array;

  constructor(seats: readonly SeatSpec[], stage?: StageBox) {
    const n = seats.length;
    this.seatCount = n;
    this.runOf = new Int32Array(n).fill(-1);
    this.posOf = new Int32Array(n).fill(-1);
    this.costOf = new Float64Array(n);
    this.sectionOf = new Int32Array(n).fill(-1);
    this.categoryOf = new Int32Array(n).fill(-1);
    this.priceOf = new Float64Array(n);
    this.accessibleOf = new Uint8Array(n);
    this.scratchMark = new Uint8Array(n);

    const sectionSet = new Set<string>();
    const categorySet = new Set<string>();
    for (const seat of seats) {
      const section = seat.gaArea ?? seat.place?.sectionId;
      if (section !== undefined) sectionSet.add(section);
      if (seat.place) categorySet.add(seat.place.category);
    }
    this.sectionIds = [...sectionSet].sort(compareStrings);
    this.sectionIds.forEach((id, i) => this.sectionIndex.set(id, i));
    this.categoryIds = [...categorySet].sort(compareStrings);
    this.categoryIds.forEach((id, i) => this.categoryIndex.set(id, i));

    const focal = focalFrame(seats, stage);
    // Seat numbers as integers (NaN when a number is not one), parsed once.
    const numbers = Float64Array.from(seats, (seat) => (seat.place && /^\d{1,9}$/.test(seat.place.number) ? Number(seat.place.number) : NaN));
    const gaSeats = new Map<number, number[]>();
    // Rows: section index → row label → seat indices.
    const rowsBySection: Map<string, number[]>[] = this.sectionIds.map(() => new Map());
    seats.forEach((seat, i) => {
      this.priceOf[i] = seat.priceCents;
      const place = seat.place;
      if (place) {
        this.costOf[i] = focal.cost(place.x, place.y);
        this.categoryOf[i] = this.categoryIndex.get(place.category)!;
        if (place.accessible) this.accessibleOf[i] = 1;
      }
      if (seat.gaArea !== undefined) {
        const s = this.sectionIndex.get(seat.gaArea)!;
        this.sectionOf[i] = s;
        const list = gaSeats.get(s) ?? [];
        list.push(i);
        gaSeats.set(s, list);
        return;
      }
      if (!place) return;
      const s = this.sectionIndex.get(place.sectionId)!;
      this.sectionOf[i] = s;
      const rows = rowsBySection[s];
      const list = rows.get(place.row);
      if (list) list.push(i);
      else rows.set(place.row, [i]);
    });
    for (const [s, list] of gaSeats) {
      // Handed out by place number (then id), whatever order the places were loaded in.
      list.sort((a, b) => (numbers[a] - numbers[b] || 0) || compareStrings(seats[a].id, seats[b].id));
      this.gaAreaSeats.set(s, Int32Array.from(list));
      this.gaAreaCost.set(s, list.reduce((sum, i) => sum + this.costOf[i], 0) / list.length);
    }

    const order: number[] = [];
    const runStart: number[] = [];
    const runEnd: number[] = [];
    const runRow: number[] = [];
    const rowFirstRun: number[] = [];
    const rowEndRun: number[] = [];
    const rowSection: number[] = [];
    this.rowLabels = [];
    this.sectionFirstRow = new Int32Array(this.sectionIds.length);
    this.sectionEndRow = new Int32Array(this.sectionIds.length);
    rowsBySection.forEach((rows, s) => {
      this.sectionFirstRow[s] = rowFirstRun.length;
      const labels = [...rows.keys()].sort(compareRowLabels);
      const alongRows = labels.map((label) => alongTheRow(rows.get(label)!, seats, numbers));
      // A row whose seats are all single (every neighbour across an aisle) has no true seat
      // spacing of its own: measure against the section's typical one as well.
      const smallest = alongRows.map((along) => smallestSpacing(along, seats));
      const typical = median(smallest.filter(Number.isFinite));
      labels.forEach((label, w) => {
        const row = rowFirstRun.length;
        const along = alongRows[w];
        rowFirstRun.push(runStart.length);
        rowSection.push(s);
        this.rowLabels.push(label);
        const spacing = Math.min(smallest[w], typical);
        for (let k = 0; k < along.length; k++) {
          if (k === 0 || !adjacent(along[k - 1], along[k], seats, numbers, spacing)) {
            if (k > 0) runEnd.push(order.length);
            runStart.push(order.length);
            runRow.push(row);
          }
          this.runOf[along[k]] = runStart.length - 1;
          this.posOf[along[k]] = order.length;
          order.push(along[k]);
        }
        runEnd.push(order.length);
        rowEndRun.push(runStart.length);
      });
      this.sectionEndRow[s] = rowFirstRun.length;
    });
    this.order = Int32Array.from(order);
    this.runStart = Int32Array.from(runStart);
    this.runEnd = Int32Array.from(runEnd);
    this.runRow = Int32Array.from(runRow);
    this.rowFirstRun = Int32Array.from(rowFirstRun);
    this.rowEndRun = Int32Array.from(rowEndRun);
    this.rowSection = Int32Array.from(rowSection);
  }

  get rowCount(): number {
    return this.rowFirstRun.length;
  }

  /** The row a seat is in, or -1 (general admission, or no place known). */
  rowOf(seat: number): number {
    const run = this.runOf[seat];
    return run < 0 ? -1 : this.runRow[run];
  }

  /**
   * True when `free` has a gap in this row where a block of exactly `size` adjacent seats
   * strands nobody: a gap (maximal sequence of free seats in one run) of `size`, or of
   * `size + 2` or more (take seats from one end; at least two stay together).
   */
  rowHasCleanBlock(row: number, size: number, free: Uint8Array): boolean {
    const order = this.order;
    for (let r = this.rowFirstRun[row]; r < this.rowEndRun[row]; r++) {
      const end = this.runEnd[r];
      let p = this.runStart[r];
      while (p < end) {
        if (!free[order[p]]) {
          p++;
          continue;
        }
        const gapStart = p;
        while (p < end && free[order[p]]) p++;
        const gap = p - gapStart;
        if (gap === size || gap >= size + 2) return true;
      }
    }
    return false;
  }
}

/**
 * The focal point and the centre line. The audience sits on the side of the stage where the
 * seats' centroid is (below it, unless the seats are mostly beside or above it); the focal
 * point is the middle of the stage's edge facing them, and the centre line runs from there
 * straight into the audience, perpendicular to that edge. Without a stage: (0, 0), facing down.
 */
function focalFrame(seats: readonly SeatSpec[], stage: StageBox | undefined) {
  const cx = stage ? stage.x + stage.width / 2 : 0;
  const cy = stage ? stage.y + stage.height / 2 : 0;
  let sx = 0;
  let sy = 0;
  let count = 0;
  for (const seat of seats) {
    if (!seat.place || seat.gaArea !== undefined) continue;
    // Whole thousandths: the sums are exact, so the side does not depend on the seats' order.
    sx += Math.round((seat.place.x - cx) * 1000);
    sy += Math.round((seat.place.y - cy) * 1000);
    count++;
  }
  const sideways = count > 0 && Math.abs(sx) > Math.abs(sy);
  const dx = sideways ? Math.sign(sx) : 0;
  const dy = sideways ? 0 : sy < 0 ? -1 : 1;
  const fx = cx + (dx * (stage?.width ?? 0)) / 2;
  const fy = cy + (dy * (stage?.height ?? 0)) / 2;
  return {
    cost(x: number, y: number): number {
      const px = x - fx;
      const py = y - fy;
      const offLine = Math.abs(px * dy - py * dx);
      return Math.round((Math.hypot(px, py) + CENTRE_LINE_WEIGHT * offLine) * COST_SCALE);
    },
  };
}

/** Seats of one row in the order they sit: by number when every number is an integer, else left to right. */
function alongTheRow(indices: number[], seats: readonly SeatSpec[], numbers: Float64Array): number[] {
  const numbered = indices.every((i) => !Number.isNaN(numbers[i]));
  if (numbered) return [...indices].sort((a, b) => numbers[a] - numbers[b] || compareStrings(seats[a].id, seats[b].id));
  return [...indices].sort((a, b) => seats[a].place!.x - seats[b].place!.x || seats[a].place!.y - seats[b].place!.y || compareStrings(seats[a].id, seats[b].id));
}

function smallestSpacing(along: number[], seats: readonly SeatSpec[]): number {
  let smallest = Infinity;
  for (let k = 1; k < along.length; k++) smallest = Math.min(smallest, distance(seats[along[k - 1]], seats[along[k]]));
  return smallest;
}

function median(values: number[]): number {
  if (values.length === 0) return Infinity;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function adjacent(a: number, b: number, seats: readonly SeatSpec[], numbers: Float64Array, spacing: number): boolean {
  if (numbers[b] - numbers[a] !== 1 && !Number.isNaN(numbers[a]) && !Number.isNaN(numbers[b])) return false;
  return distance(seats[a], seats[b]) <= spacing * AISLE_FACTOR + 1e-9;
}

function distance(a: SeatSpec, b: SeatSpec): number {
  return Math.hypot(a.place!.x - b.place!.x, a.place!.y - b.place!.y);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Front to back: numbered rows by number, lettered rows A…Z, AA…; numbers before letters. */
export function compareRowLabels(a: string, b: string): number {
  const an = /^\d{1,9}$/.test(a);
  const bn = /^\d{1,9}$/.test(b);
  if (an && bn) return Number(a) - Number(b) || compareStrings(a, b);
  if (an !== bn) return an ? -1 : 1;
  return a.length - b.length || compareStrings(a, b);
}
