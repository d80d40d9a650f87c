// The room's public figures, from its stored row alone (one read, any process).
import type { WaitingRoomRecord } from '../../db/waitingRoomStore';
import type { QueuePhase, QueueUpdate } from '../../lib/waitingRoom';

export function phaseOf(room: WaitingRoomRecord, now: number): QueuePhase {
  if (!room.enabled) return 'off';
  if (room.soldOut) return 'closed';
  if (room.openedAt === null) return room.opensAt !== null && now < room.opensAt ? 'pre_queue' : 'open';
  return room.paused ? 'paused' : 'open';
}

export function queueUpdateOf(room: WaitingRoomRecord, now: number): QueueUpdate {
  return {
    eventId: room.eventId,
    phase: phaseOf(room, now),
    serving: room.serving,
    lastNumber: room.nextNumber,
    waiting: room.waitingCount,
    activeShoppers: room.activeCount,
    admitPerMinute: room.admitPerMinute,
    admittedLastMinute: room.admittedLastMinute,
    leftLastMinute: room.leftLastMinute,
    shoppersAtCap: cappedByShoppers(room),
    shoppingWindowMs: room.shoppingWindowMs,
    opensAt: room.opensAt,
    seedCommitment: room.seedCommitment,
    // The seed is secret until the pre-queue has been numbered with it.
    seed: room.openedAt === null ? null : room.shuffleSeed,
    at: now,
  };
}

/** Whether the shopper cap is what holds admissions back right now. */
export function cappedByShoppers(room: WaitingRoomRecord): boolean {
  return room.maxActiveShoppers !== null && room.activeCount >= room.maxActiveShoppers;
}
