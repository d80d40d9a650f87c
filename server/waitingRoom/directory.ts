// Which events have their waiting room switched on, as this process last read
// it: the hold edge checks it on every hold without a store read. Refreshed
// from the store every couple of seconds, at once after a change made here,
// and (distributed mode) when another process announces a change it made:
// that process waits for every other to re-read before answering "saved".
import type { WaitingRoomRecord, WaitingRoomStore } from '../../db/waitingRoomStore';

/** Tells the other processes that a room changed; resolves once they re-read it (distributed mode). */
export interface RoomChangeAnnouncer {
  announce(eventId: string): Promise<boolean>;
}

export class WaitingRoomDirectory {
  private rooms = new Map<string, WaitingRoomRecord>();
  private timer: NodeJS.Timeout | null = null;
  /** Bumped by every read started and every change remembered: a read older than the last applied one is dropped. */
  private sequence = 0;
  private appliedSequence = 0;

  constructor(
    private readonly store: WaitingRoomStore,
    private readonly onError: (error: unknown) => void,
    private readonly announcer: RoomChangeAnnouncer | null = null,
  ) {}

  async refresh(): Promise<void> {
    const sequence = ++this.sequence;
    const rooms = await this.store.rooms();
    // A slow read that began before a change this process made (or a newer read) must not undo it.
    if (sequence < this.appliedSequence) return;
    this.appliedSequence = sequence;
    this.rooms = new Map(rooms.map((r) => [r.eventId, r]));
  }

  /** Refreshes now and every `intervalMs` until stopped. */
  async start(intervalMs: number): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => this.refresh().catch(this.onError), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  enabled(eventId: string): boolean {
    return this.rooms.get(eventId)?.enabled === true;
  }

  /** A room this process just changed: adopted here at once, and announced to the other processes. */
  async changed(room: WaitingRoomRecord): Promise<void> {
    this.appliedSequence = ++this.sequence;
    this.rooms.set(room.eventId, room);
    await this.announcer?.announce(room.eventId);
  }
}
