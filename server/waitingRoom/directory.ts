// Which events have their waiting room switched on, as this process last read
// it: the hold edge checks it on every hold without a store read. Refreshed
// from the store every couple of seconds (another process's organizer change
// reaches this one within that) and at once after a change made here.
import type { WaitingRoomRecord, WaitingRoomStore } from '../../db/waitingRoomStore';

export class WaitingRoomDirectory {
  private rooms = new Map<string, WaitingRoomRecord>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: WaitingRoomStore,
    private readonly onError: (error: unknown) => void,
  ) {}

  async refresh(): Promise<void> {
    this.rooms = new Map((await this.store.rooms()).map((r) => [r.eventId, r]));
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

  /** Adopts a room this process just changed (no wait for the next refresh). */
  remember(room: WaitingRoomRecord): void {
    this.rooms.set(room.eventId, room);
  }
}
