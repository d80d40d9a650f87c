// The event form's model: input strings ↔ the API's event fields, with a
// message per field. Times are the browser's local time.
import type { AdminEventListItem, EventFields, SaleStatus } from './adminApi';
import { fromLocalInput, toLocalInput } from './adminFormat';

export interface FieldsDraft {
  name: string;
  venueName: string;
  startsAt: string;
  ttlValue: string;
  ttlUnit: 's' | 'min';
  maxSeats: string;
  saleStatus: SaleStatus;
  opensAt: string;
  closesAt: string;
  preventOrphanSeats: boolean;
}

export type FieldErrors = Partial<Record<keyof FieldsDraft, string>>;

export function emptyFieldsDraft(): FieldsDraft {
  const start = new Date(Date.now() + 30 * 86_400_000);
  start.setHours(19, 30, 0, 0);
  return {
    name: '',
    venueName: '',
    startsAt: toLocalInput(start.getTime()),
    ttlValue: '',
    ttlUnit: 'min',
    maxSeats: '',
    saleStatus: 'paused',
    opensAt: '',
    closesAt: '',
    preventOrphanSeats: true,
  };
}

export function draftFromEvent(e: AdminEventListItem): FieldsDraft {
  const ttl = e.holdTtlOverride;
  const inMinutes = ttl !== null && ttl % 60_000 === 0;
  return {
    name: e.name,
    venueName: e.venueName,
    startsAt: toLocalInput(e.startsAt),
    ttlValue: ttl === null ? '' : String(inMinutes ? ttl / 60_000 : ttl / 1000),
    ttlUnit: ttl === null || inMinutes ? 'min' : 's',
    maxSeats: String(e.maxSeatsPerBuyer),
    saleStatus: e.saleStatus,
    opensAt: toLocalInput(e.saleOpensAt),
    closesAt: toLocalInput(e.saleClosesAt),
    preventOrphanSeats: e.preventOrphanSeats,
  };
}

/** Validates the draft; `fields` omits maxSeatsPerBuyer when blank (server default). */
export function parseFieldsDraft(d: FieldsDraft): { fields: Partial<EventFields> & Pick<EventFields, 'name' | 'venueName' | 'startsAt'>; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = d.name.trim();
  const venueName = d.venueName.trim();
  if (!name) errors.name = 'Enter the event name';
  else if (name.length > 120) errors.name = 'At most 120 characters';
  if (!venueName) errors.venueName = 'Enter the venue';
  else if (venueName.length > 120) errors.venueName = 'At most 120 characters';
  const startsAt = fromLocalInput(d.startsAt);
  if (startsAt === null || Number.isNaN(startsAt)) errors.startsAt = 'Enter the date and time';

  let holdTtlMs: number | null = null;
  if (d.ttlValue.trim() !== '') {
    const n = Number(d.ttlValue);
    const ms = Math.round(n * (d.ttlUnit === 'min' ? 60_000 : 1000));
    if (!Number.isFinite(n) || n <= 0) errors.ttlValue = 'A positive number, or blank for the server default';
    else if (ms > 24 * 3600 * 1000) errors.ttlValue = 'At most 24 hours';
    else if (ms < 1000) errors.ttlValue = 'At least 1 second';
    else holdTtlMs = ms;
  }

  let maxSeatsPerBuyer: number | undefined;
  if (d.maxSeats.trim() !== '') {
    const n = Number(d.maxSeats);
    if (!Number.isInteger(n) || n < 1 || n > 50) errors.maxSeats = 'A whole number from 1 to 50';
    else maxSeatsPerBuyer = n;
  }

  const saleOpensAt = fromLocalInput(d.opensAt);
  const saleClosesAt = fromLocalInput(d.closesAt);
  if (saleOpensAt !== null && Number.isNaN(saleOpensAt)) errors.opensAt = 'Not a valid date';
  if (saleClosesAt !== null && Number.isNaN(saleClosesAt)) errors.closesAt = 'Not a valid date';
  if (saleOpensAt !== null && saleClosesAt !== null && !errors.opensAt && !errors.closesAt && saleClosesAt <= saleOpensAt) {
    errors.closesAt = 'The sale must close after it opens';
  }

  return {
    fields: {
      name,
      venueName,
      startsAt: startsAt ?? 0,
      holdTtlMs,
      ...(maxSeatsPerBuyer !== undefined ? { maxSeatsPerBuyer } : {}),
      saleStatus: d.saleStatus,
      saleOpensAt,
      saleClosesAt,
      preventOrphanSeats: d.preventOrphanSeats,
    },
    errors,
  };
}
