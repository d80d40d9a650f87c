// Saving the editor: create (fields + venue in one call) or update (PATCH the
// fields that changed, then PUT the layout if it changed).
import { buildVenue, type VenueSpec } from '../../../lib/venueLayout';
import { adminApi, type EventFields } from '../../../lib/client/adminApi';
import { canonicalSpec } from '../../../lib/client/adminLayout';

export interface SaveProblem {
  title: string;
  detail?: string;
  issues?: { path: string; message: string }[];
}

export type SaveResult = { ok: true; id: string; message: string } | { ok: false; problem: SaveProblem };

type Fields = Partial<EventFields> & Pick<EventFields, 'name' | 'venueName' | 'startsAt'>;

function validVenue(spec: VenueSpec): { ok: true; spec: VenueSpec } | { ok: false; problem: SaveProblem } {
  const venue = buildVenue(spec);
  if (venue.ok) return { ok: true, spec: venue.spec };
  return { ok: false, problem: { title: 'The venue layout is not valid.', issues: venue.issues.map((i) => ({ path: `venue.${i.path}`, message: i.message })) } };
}

export async function createEvent(fields: Fields, spec: VenueSpec): Promise<SaveResult> {
  const venue = validVenue(spec);
  if (!venue.ok) return venue;
  const res = await adminApi.createEvent({ ...fields, venue: venue.spec });
  if (!res.ok) return { ok: false, problem: { title: 'The event was not created.', detail: res.error.message, issues: res.error.issues } };
  return { ok: true, id: res.event.id, message: `Created “${fields.name}” with ${res.event.capacity} seats.` };
}

export async function updateEvent(
  id: string,
  fields: Fields,
  original: Fields,
  spec: VenueSpec | null,
  originalSpecJson: string | null,
): Promise<SaveResult> {
  const changed = Object.fromEntries(
    Object.entries(fields).filter(([key, value]) => value !== undefined && value !== original[key as keyof Fields]),
  ) as Partial<EventFields>;
  // A blank hold time is sent as null: the event goes back to the server's default.
  const layoutChanged = spec !== null && canonicalSpec(spec) !== originalSpecJson;
  let venue: VenueSpec | null = null;
  if (layoutChanged) {
    const checked = validVenue(spec);
    if (!checked.ok) return checked;
    venue = checked.spec;
  }
  const done: string[] = [];
  if (Object.keys(changed).length > 0) {
    const res = await adminApi.updateEvent(id, changed);
    if (!res.ok) return { ok: false, problem: { title: 'The event details were not saved.', detail: res.error.message, issues: res.error.issues } };
    done.push('details');
  }
  if (venue) {
    const res = await adminApi.replaceLayout(id, venue);
    if (!res.ok) {
      const hasSales = res.error.code === 'has_sales';
      return {
        ok: false,
        problem: {
          title: done.length ? 'The details were saved, but the layout was not.' : 'The layout was not saved.',
          detail: hasSales
            ? `${res.error.message} Release the holds and cancel the orders first, or create a new event for the new layout.`
            : res.error.message,
          issues: res.error.issues,
        },
      };
    }
    done.push(`layout (${res.capacity} seats)`);
  }
  return { ok: true, id, message: done.length ? `Saved ${done.join(' and ')}.` : 'Nothing to save: no changes.' };
}
