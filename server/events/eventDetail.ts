// An event's static part as every process serves it: the details and layout
// (seats in layout order), serialized and gzipped once, with an ETag.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Store } from '../../db/store';
import type { EventDetail, SeatLayout } from '../../lib/protocol';
import { layoutKeyOf, sortSeatsInLayoutOrder } from '../seatFeed';

export interface EventDetailParts {
  detail: EventDetail;
  /** The layout response body, serialized once, and its ETag. */
  detailJson: string;
  /** The same body gzipped once (the arena's layout is ~2.8 MB raw, ~10× smaller gzipped). */
  detailGzip: Buffer;
  detailEtag: string;
  seatById: Map<string, SeatLayout>;
}

export async function loadEventDetailParts(store: Store, eventId: string, defaultHoldTtlMs: number): Promise<EventDetailParts> {
  const loaded = await store.loadEventDetail(eventId, defaultHoldTtlMs);
  if (!loaded) throw new Error(`no event ${eventId}`);
  // The layout order is part of the wire contract (snapshots and deltas address seats by
  // index), so it is fixed here rather than left to the database's scan order.
  const seats = sortSeatsInLayoutOrder(loaded.seats);
  const detail: EventDetail = { ...loaded, layoutKey: layoutKeyOf(seats), seats };
  const detailJson = JSON.stringify({ ok: true, event: detail });
  return {
    detail,
    detailJson,
    detailGzip: gzipSync(detailJson),
    detailEtag: `"${createHash('sha1').update(detailJson).digest('base64url')}"`,
    seatById: new Map(detail.seats.map((s) => [s.id, s])),
  };
}
