// How every process's replica of an event learns what its owner committed:
// the owner sends each commit notice to the other processes with Socket.IO's
// inter-server messages (serverSideEmit, through @socket.io/redis-streams-adapter),
// in commit order, and every second a beacon with the latest version of each
// event it owns. A replica applies notices in version order; a gap, or a
// beacon ahead of it, makes it re-read the event from the store.
//
// Why this channel: the adapter's Redis stream is read in order by every
// process and survives a short Redis or network outage (each process resumes
// from its last offset), so a notice is rarely lost; when one is (the stream
// was trimmed, Redis restarted empty), the version gap or the next beacon
// tells, and the store is the truth. Notices and beacons travel on the same
// ordered stream, so a beacon never overtakes a notice it covers.
//
// Messages are plain data with a zod schema (commitNoticeSchema, beaconSchema)
// and are validated on receipt: a malformed one is logged and dropped.
import { z } from 'zod';
import { commitNoticeSchema, type CommitNotice } from '../events/commitNotice';
import type { EventRegistry } from '../eventRegistry';
import type { Logger } from '../logger';
import { LogThrottle } from './logThrottle';
import type { RoomChangeEvents } from './roomChanges';

export const NOTICE_SCHEMA_VERSION = 1;

const noticeMessageSchema = z.object({ v: z.literal(NOTICE_SCHEMA_VERSION), notice: commitNoticeSchema });
export type NoticeMessage = z.infer<typeof noticeMessageSchema>;

const beaconSchema = z.object({
  v: z.literal(NOTICE_SCHEMA_VERSION),
  from: z.string().min(1).max(128),
  events: z.array(z.object({ eventId: z.string().min(1).max(128), version: z.number().int().min(0), epoch: z.number().int().min(0) })).max(100_000),
});
export type BeaconMessage = z.infer<typeof beaconSchema>;

/** Socket.IO's inter-server event map (the third type parameter of the Server). */
export interface InterServerEvents extends RoomChangeEvents {
  'seatline:notice': (message: NoticeMessage) => void;
  'seatline:beacon': (message: BeaconMessage) => void;
}

/** What the bus needs of Socket.IO's server: sending to the other processes, and hearing them. */
type BusEvents = Omit<InterServerEvents, keyof RoomChangeEvents>;
export interface InterServerChannel {
  serverSideEmit<E extends keyof BusEvents>(event: E, ...args: Parameters<BusEvents[E]>): boolean;
  on<E extends keyof BusEvents>(event: E, listener: BusEvents[E]): unknown;
}

export interface NoticeBusOptions {
  channel: InterServerChannel;
  registry: EventRegistry;
  instanceId: string;
  logger: Logger;
  beaconIntervalMs?: number;
  /** Another process says it runs the event's loop at `epoch` (a routing hint). */
  onOwner?(eventId: string, instanceId: string, epoch: number): void;
}

export class NoticeBus {
  /** Per event, the remote work in flight: notices apply one after the other, in the order received. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly throttle = new LogThrottle();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: NoticeBusOptions) {}

  start(): void {
    const { channel, registry } = this.options;
    registry.onCommitted((runtime, notice) => {
      // Only what this process's own loop committed (replicas also hear remote notices here).
      if (runtime.loop && notice.epoch === runtime.epoch) channel.serverSideEmit('seatline:notice', { v: NOTICE_SCHEMA_VERSION, notice });
    });
    channel.on('seatline:notice', (raw) => this.onNotice(raw));
    channel.on('seatline:beacon', (raw) => this.onBeacon(raw));
    this.timer = setInterval(() => this.beacon(), this.options.beaconIntervalMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Tells the others at once that this process now runs these events' loops (after an acquisition). */
  announce(eventIds?: readonly string[]): void {
    this.beacon(eventIds);
  }

  private beacon(only?: readonly string[]): void {
    const events = this.options.registry
      .list()
      .filter((runtime) => runtime.loop && runtime.epoch !== null && (!only || only.includes(runtime.eventId)))
      .map((runtime) => ({ eventId: runtime.eventId, version: runtime.view.version, epoch: runtime.epoch ?? 0 }));
    if (events.length > 0) this.options.channel.serverSideEmit('seatline:beacon', { v: NOTICE_SCHEMA_VERSION, from: this.options.instanceId, events });
  }

  private onNotice(raw: unknown): void {
    const parsed = noticeMessageSchema.safeParse(raw);
    if (!parsed.success) return this.malformed('notice', parsed.error);
    const notice: CommitNotice = parsed.data.notice;
    this.inOrder(notice.eventId, () => this.options.registry.applyRemote(notice));
  }

  private onBeacon(raw: unknown): void {
    const parsed = beaconSchema.safeParse(raw);
    if (!parsed.success) return this.malformed('beacon', parsed.error);
    for (const { eventId, version, epoch } of parsed.data.events) {
      this.options.onOwner?.(eventId, parsed.data.from, epoch);
      this.inOrder(eventId, () => this.options.registry.checkVersion(eventId, version));
    }
  }

  private inOrder(eventId: string, work: () => Promise<void>): void {
    const previous = this.chains.get(eventId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) => {
        if (this.throttle.allow('apply') !== null) this.options.logger.error({ err: error, eventId }, 'applying a remote notice failed; the next beacon retries');
      })
      .finally(() => {
        if (this.chains.get(eventId) === next) this.chains.delete(eventId);
      });
    this.chains.set(eventId, next);
  }

  private malformed(kind: string, error: unknown): void {
    if (this.throttle.allow(`malformed:${kind}`) !== null) this.options.logger.warn({ err: error }, `dropped a malformed inter-server ${kind}`);
  }
}
