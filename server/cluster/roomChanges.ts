// Waiting-room switches reach every process before the organizer hears
// "saved" (issue 12, distributed mode). Each process keeps a directory of the
// rooms that are on, so the hold edge needs no store read per hold; it is
// refreshed from the store every couple of seconds. Without this message a
// room switched on through one process would let holds without admission
// through the others until their next refresh.
//
// The process that changed a room sends `seatline:room` to every other
// process (Socket.IO's inter-server message through the Redis adapter) and
// waits for each to answer after re-reading its directory from the store, up
// to `timeoutMs`. A process that does not answer in time (stalled, cut off
// from Redis) still learns it from its periodic refresh; that is logged.
import { z } from 'zod';
import type { Logger } from '../logger';

export const ROOM_CHANGE_SCHEMA_VERSION = 1;

const roomChangeSchema = z.object({
  v: z.literal(ROOM_CHANGE_SCHEMA_VERSION),
  eventId: z.string().min(1).max(128),
  from: z.string().min(1).max(128),
});
export type RoomChangeMessage = z.infer<typeof roomChangeSchema>;

/** The inter-server event (part of the Server's InterServerEvents map). */
export interface RoomChangeEvents {
  'seatline:room': (message: RoomChangeMessage, ack: (applied: boolean) => void) => void;
}

/** What this needs of Socket.IO's server. */
export interface RoomChangeChannel {
  serverSideEmitWithAck(event: 'seatline:room', message: RoomChangeMessage): Promise<boolean[]>;
  on(event: 'seatline:room', listener: RoomChangeEvents['seatline:room']): unknown;
}

export interface RoomChangesOptions {
  instanceId: string;
  logger: Logger;
  /** How long the organizer's request waits for the other processes at most. */
  timeoutMs: number;
}

export class RoomChanges {
  private channel: RoomChangeChannel | null = null;
  private onChange: ((eventId: string) => Promise<void>) | null = null;

  constructor(private readonly options: RoomChangesOptions) {}

  /** What this process does when another changed a room (re-read its directory). */
  listen(onChange: (eventId: string) => Promise<void>): void {
    this.onChange = onChange;
  }

  /** Once Socket.IO exists: answers the other processes' announcements. */
  attach(channel: RoomChangeChannel): void {
    this.channel = channel;
    channel.on('seatline:room', (raw, ack) => {
      const parsed = roomChangeSchema.safeParse(raw);
      if (!parsed.success) {
        this.options.logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'dropped a malformed waiting-room change message');
        return;
      }
      const applied = this.onChange ? this.onChange(parsed.data.eventId) : Promise.resolve();
      applied.then(
        () => (typeof ack === 'function' ? ack(true) : undefined),
        (error: unknown) => {
          this.options.logger.warn({ err: error, eventId: parsed.data.eventId }, 'reading waiting rooms after a change failed');
          if (typeof ack === 'function') ack(false);
        },
      );
    });
  }

  /** Tells every other process that `eventId`'s room changed; resolves when all have re-read it (or at the timeout). */
  async announce(eventId: string): Promise<boolean> {
    const channel = this.channel;
    if (!channel) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.timeoutMs)));
    const answered = channel.serverSideEmitWithAck('seatline:room', { v: ROOM_CHANGE_SCHEMA_VERSION, eventId, from: this.options.instanceId }).then(
      (answers) => answers.every((applied) => applied === true),
      () => false,
    );
    try {
      const outcome = await Promise.race([answered, timedOut]);
      if (outcome !== true) this.options.logger.warn({ eventId }, 'not every process confirmed a waiting-room change; the others read it at their next refresh');
      return outcome === true;
    } finally {
      clearTimeout(timer);
    }
  }
}
