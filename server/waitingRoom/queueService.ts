// Joining the queue and reading one's place (issue 12). Any process can do
// either, straight against the store: a join is idempotent per buyer session
// (every tab shares the place), a queue number is taken with one conditional
// statement, and nothing here holds a lock or keeps per-member state in
// memory. Figures come from the room's row, so a join costs a few indexed
// single-row statements however long the queue is.
import type { QueueEntryRecord, WaitingRoomRecord, WaitingRoomStore } from '../../db/waitingRoomStore';
import { fail, invalidRequest } from '../../lib/protocol';
import { queueJoinSchema, type QueueAck, type QueueStatus } from '../../lib/waitingRoom';
import { estimatedWaitMsOf, positionOf } from '../../lib/queueEstimate';
import { addressKey } from '../http/clientInfo';
import type { RateLimitStore } from '../rateLimiter';
import type { AdmissionTokens } from './admissionTokens';
import type { ProofOfWork } from './proofOfWork';
import { cappedByShoppers, phaseOf, queueUpdateOf } from './roomView';
import { shuffleKey } from './shuffle';

export interface QueueServiceDeps {
  rooms: WaitingRoomStore;
  tokens: AdmissionTokens;
  pow: ProofOfWork;
  /** New queue entries per event and client address (null = unlimited). */
  entryLimit: RateLimitStore | null;
  eventExists(eventId: string): boolean;
  clock: () => number;
}

export class QueueService {
  constructor(private readonly deps: QueueServiceDeps) {}

  /** GET /api/events/:id/queue: the buyer's state, changing nothing. */
  async status(eventId: string, buyerId: string): Promise<QueueAck> {
    if (!this.deps.eventExists(eventId)) return fail('not_found', 'No such event.');
    const room = await this.deps.rooms.room(eventId);
    if (!room?.enabled) return { ok: true, ...noRoom(eventId) };
    const entry = await this.deps.rooms.entry(eventId, buyerId);
    return { ok: true, ...this.statusOf(room, entry) };
  }

  /** queue:join / POST /api/events/:id/queue. */
  async join(buyerId: string, input: unknown, address: string): Promise<QueueAck> {
    const parsed = queueJoinSchema.safeParse(input);
    if (!parsed.success) return invalidRequest(parsed.error);
    const { eventId, pow } = parsed.data;
    if (!this.deps.eventExists(eventId)) return fail('not_found', 'No such event.');
    const { rooms, clock } = this.deps;
    let room = await rooms.room(eventId);
    if (!room?.enabled) return { ok: true, ...noRoom(eventId) };
    let entry = await rooms.entry(eventId, buyerId);
    if (!entry) {
      if (room.powRequired) {
        if (!pow) return fail('challenge_required', 'Solve the challenge first (GET /api/events/:id/queue/challenge), then join with `pow`.');
        if (!(await this.deps.pow.verify(pow, eventId, buyerId))) return fail('challenge_required', 'That challenge solution is not valid (or expired); get a new challenge.');
      }
      const waitMs = (await this.deps.entryLimit?.take(`${eventId}\u0000${addressKey(address)}`)) ?? 0;
      if (waitMs > 0) return fail('rate_limited', 'Too many people joined this queue from your network; try again later.', { retryAfterMs: waitMs });
      await rooms.insertEntry(eventId, buyerId, shuffleKey(room.shuffleSeed, buyerId), clock());
      // Read the room again: it may have opened meanwhile (then this entry is numbered as an arrival).
      room = (await rooms.room(eventId)) ?? room;
      entry = await rooms.entry(eventId, buyerId);
    } else if (entry.admittedAt !== null && !windowOpen(entry, clock())) {
      // Time ran out, or the buyer checked out: back in the queue, at the end.
      await rooms.requeue(eventId, buyerId, await rooms.takeNumber(eventId), clock());
      entry = await rooms.entry(eventId, buyerId);
    }
    if (entry && entry.number === null && room.openedAt !== null) {
      // One statement hands out a number no other process can get; if another tab numbered this
      // entry in the meantime, this number stays unused (a gap, which admission skips over).
      await rooms.assignNumber(eventId, buyerId, await rooms.takeNumber(eventId));
      entry = await rooms.entry(eventId, buyerId);
    }
    return { ok: true, ...this.statusOf(room, entry) };
  }

  private statusOf(room: WaitingRoomRecord, entry: QueueEntryRecord | null): QueueStatus {
    const now = this.deps.clock();
    const base = { eventId: room.eventId, roomEnabled: true, powRequired: room.powRequired, room: queueUpdateOf(room, now) };
    if (entry?.admittedAt != null && windowOpen(entry, now)) {
      return {
        ...base,
        state: 'admitted',
        ...(entry.number !== null ? { number: entry.number } : {}),
        admittedUntil: entry.admittedUntil!,
        admission: this.deps.tokens.issue(room.eventId, entry.buyerId, entry.admittedAt, entry.admittedUntil!),
      };
    }
    const state = phaseOf(room, now) === 'closed' ? 'closed' : 'waiting';
    if (!entry) return { ...base, state };
    if (entry.admittedAt !== null) return { ...base, state, windowEnded: true };
    // No position before the opening has committed: it numbers the pre-queue over several transactions.
    if (entry.number === null || room.openedAt === null) return { ...base, state, estimatedWaitMs: null };
    const position = positionOf(entry.number, room.serving);
    return {
      ...base,
      state,
      number: entry.number,
      position,
      aheadOfYou: position - 1,
      estimatedWaitMs: estimatedWaitMsOf(position, base.room, cappedByShoppers(room)),
    };
  }
}

function windowOpen(entry: QueueEntryRecord, now: number): boolean {
  return entry.admittedAt !== null && entry.checkedOutAt === null && entry.admittedUntil !== null && entry.admittedUntil > now;
}

function noRoom(eventId: string): QueueStatus {
  return { eventId, state: 'admitted', roomEnabled: false, powRequired: false, room: null };
}
