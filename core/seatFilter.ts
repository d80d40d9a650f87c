// Which seats a best-available request allows (sections, categories, price, accessibility),
// shared by the single-row search (bestAvailable.ts) and the split searches (bestSplit.ts).
import type { BestSeatsRequest, Failure } from './types';
import type { VenueRows } from './venueRows';

/** Which seats a request allows; built once per command (a few bytes per section and category). */
export class SeatFilter {
  private readonly sectionAllowed: Uint8Array;
  private readonly categoryAllowed: Uint8Array;
  private readonly maxPriceCents: number;
  private readonly accessible: number;
  /** General-admission areas the request names (they are never picked otherwise). */
  readonly gaAreas: number[] = [];

  private constructor(
    private readonly rows: VenueRows,
    request: BestSeatsRequest,
  ) {
    const seated = (s: number) => rows.sectionFirstRow[s] < rows.sectionEndRow[s];
    this.sectionAllowed = new Uint8Array(rows.sectionIds.length);
    if (request.sectionIds) {
      for (const id of request.sectionIds) {
        const s = rows.sectionIndex.get(id)!;
        if (rows.gaAreaSeats.has(s)) this.gaAreas.push(s);
        else this.sectionAllowed[s] = 1;
      }
    } else {
      for (let s = 0; s < rows.sectionIds.length; s++) if (seated(s)) this.sectionAllowed[s] = 1;
    }
    this.categoryAllowed = new Uint8Array(rows.categoryIds.length).fill(request.categoryIds ? 0 : 1);
    for (const id of request.categoryIds ?? []) this.categoryAllowed[rows.categoryIndex.get(id)!] = 1;
    this.maxPriceCents = request.maxPriceCents ?? Infinity;
    this.accessible = request.accessible ? 1 : 0;
    this.gaAreas.sort((a, b) => a - b);
  }

  /** The filter, or not_found naming the first category or section the event does not have. */
  static of(rows: VenueRows, request: BestSeatsRequest): SeatFilter | Failure {
    const category = request.categoryIds?.find((id) => !rows.categoryIndex.has(id));
    if (category !== undefined) return { ok: false, code: 'not_found', message: `This event has no price category "${category}".` };
    const section = request.sectionIds?.find((id) => !rows.sectionIndex.has(id));
    if (section !== undefined) return { ok: false, code: 'not_found', message: `This event has no section "${section}".` };
    return new SeatFilter(rows, request);
  }

  sectionOk(section: number): boolean {
    return this.sectionAllowed[section] === 1;
  }

  /** Category, price and accessibility (the section is checked per section). */
  matches(seat: number): boolean {
    const rows = this.rows;
    return this.categoryAllowed[rows.categoryOf[seat]] === 1 && rows.priceOf[seat] <= this.maxPriceCents && rows.accessibleOf[seat] === this.accessible;
  }
}
