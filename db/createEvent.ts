// Creates an event with its generated seat layout in one transaction.
import type { GeneratedLayout, VenueSpec } from '../lib/venueLayout';
import type { DatabaseHandle } from './connection';
import type { EventLayoutJson } from './eventStore';
import { auditLog, events, seats } from './schema';

export interface NewEvent {
  id: string;
  name: string;
  venueName: string;
  startsAt: number;
  currency?: string;
  /** null/undefined = follow the server's HOLD_TTL_MS. */
  holdTtlMs?: number | null;
  maxSeatsPerBuyer?: number;
  saleStatus?: 'open' | 'paused' | 'closed';
  saleOpensAt?: number | null;
  saleClosesAt?: number | null;
  /** The no-orphan rule (default on). */
  preventOrphanSeats?: boolean;
  layout: GeneratedLayout;
  /** The description the layout was generated from (kept for export and editing). */
  venueSpec?: VenueSpec;
  createdAt: number;
  /** Who created it, for the audit log (default 'system'). */
  actor?: string;
}

const SEAT_INSERT_CHUNK = 500;

export function createEvent({ db }: DatabaseHandle, input: NewEvent): void {
  const layoutJson: EventLayoutJson = {
    categories: input.layout.categories,
    sections: input.layout.sections,
    stage: input.layout.stage,
    bounds: input.layout.bounds,
    ...(input.venueSpec ? { spec: input.venueSpec } : {}),
  };
  db.transaction((tx) => {
    tx.insert(events)
      .values({
        id: input.id,
        name: input.name,
        venueName: input.venueName,
        startsAt: input.startsAt,
        currency: input.currency ?? 'EUR',
        holdTtlMs: input.holdTtlMs ?? null,
        maxSeatsPerBuyer: input.maxSeatsPerBuyer ?? 8,
        saleStatus: input.saleStatus ?? 'open',
        saleOpensAt: input.saleOpensAt ?? null,
        saleClosesAt: input.saleClosesAt ?? null,
        preventOrphanSeats: input.preventOrphanSeats ?? true,
        layoutJson: JSON.stringify(layoutJson),
        createdAt: input.createdAt,
      })
      .run();
    const rows = input.layout.seats.map((s) => ({
      eventId: input.id,
      id: s.id,
      section: s.section,
      row: s.row,
      number: s.number,
      category: s.category,
      priceCents: s.priceCents,
      x: s.x,
      y: s.y,
      accessible: s.accessible ?? null,
      gaArea: s.gaArea ?? null,
    }));
    for (let i = 0; i < rows.length; i += SEAT_INSERT_CHUNK) {
      tx.insert(seats).values(rows.slice(i, i + SEAT_INSERT_CHUNK)).run();
    }
    tx.insert(auditLog)
      .values({ eventId: input.id, at: input.createdAt, action: 'event_created', detail: JSON.stringify({ by: input.actor ?? 'system', seats: rows.length }) })
      .run();
  });
}
