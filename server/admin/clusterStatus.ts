// Where the console's cluster view comes from (GET /api/admin/cluster).
// Two providers with one answer shape (lib/clusterProtocol.ts):
// - embedded: this one process runs every event's loop; no leases, no history.
// - distributed: the store's instances, leases and lease history (db/leaseStore.ts),
//   joined with what each process reports about itself in its heartbeat's meta
//   (mailbox depths, viewers, sockets). Ownership is read from the leases, the
//   only truth; a process's own list only contributes its mailbox depths.
import { z } from 'zod';
import type { LeaseStore, LiveInstance } from '../../db/leaseStore';
import type { ClusterInstance, ClusterStatus } from '../../lib/clusterProtocol';

export type { ClusterStatus } from '../../lib/clusterProtocol';

/** What each process puts in its heartbeat's `meta` (instances.meta_json). Every field is optional. */
export interface InstanceMeta {
  /** Where the process itself can be reached (http or https). */
  url?: string;
  pid?: number;
  /** The events whose loop it runs, as it sees them. */
  ownedEvents?: Array<{ eventId: string; epoch: number; mailboxDepth: number }>;
  /** Sockets in each event's room on this process. */
  viewers?: Record<string, number>;
  /** Socket.IO connections on this process. */
  sockets?: number;
}

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const ownedEventMetaSchema = z.object({ eventId: z.string().min(1).max(200), epoch: count, mailboxDepth: count });

/** Drops what does not fit, field by field and item by item: one bad value must not hide the rest. */
const instanceMetaSchema = z.object({
  // Only http(s): the console renders it as a link.
  url: z.string().max(2000).regex(/^https?:\/\//i).optional().catch(undefined),
  pid: z.number().int().positive().optional().catch(undefined),
  sockets: count.optional().catch(undefined),
  ownedEvents: z
    .array(z.unknown())
    .max(100_000)
    .optional()
    .catch(undefined)
    .transform((items) => items?.flatMap((item) => (ownedEventMetaSchema.safeParse(item).data ?? [])) ?? []),
  viewers: z
    .record(z.string(), z.unknown())
    .optional()
    .catch(undefined)
    .transform((byEvent) => {
      const viewers = new Map<string, number>();
      for (const [eventId, value] of Object.entries(byEvent ?? {})) {
        const parsed = count.safeParse(value);
        if (parsed.success) viewers.set(eventId, parsed.data);
      }
      return viewers;
    }),
});

export type ParsedInstanceMeta = z.output<typeof instanceMetaSchema>;

/** A heartbeat's meta as read back from the database, defensively: unknown fields ignored, bad ones dropped. */
export function parseInstanceMeta(meta: unknown): ParsedInstanceMeta {
  return instanceMetaSchema.safeParse(meta).data ?? { url: undefined, pid: undefined, sockets: undefined, ownedEvents: [], viewers: new Map() };
}

/** The bits of an event this process hosts that the embedded view reads. */
export interface HostedEvent {
  eventId: string;
  detail: { name: string };
  /** Null where this process does not run the event's loop (distributed mode). */
  loop: { readonly mailboxDepth: number } | null;
}

const mailboxDepthOf = (event: HostedEvent): number => event.loop?.mailboxDepth ?? 0;

/** Event id → name, from the events this process hosts. */
export function eventNamesOf(registry: { list(): readonly HostedEvent[] }): Map<string, string> {
  return new Map(registry.list().map((event) => [event.eventId, event.detail.name]));
}

export interface EmbeddedClusterDeps {
  registry: { list(): readonly HostedEvent[] };
  /** Buyers watching an event's live map (its Socket.IO room). */
  viewersOf(eventId: string): number;
  /** Socket.IO connections open now. */
  sockets?(): number;
  /** Where this process is reached (PUBLIC_URL or the listening address). */
  url?(): string | null;
  clock?: () => number;
  mailboxCapacity?: number;
  pid?: number;
}

/** One process that runs every event: one instance, owning everything under epoch 0. */
export function embeddedClusterStatus(deps: EmbeddedClusterDeps): () => Promise<ClusterStatus> {
  const clock = deps.clock ?? Date.now;
  const startedAt = clock();
  return async () => {
    const now = clock();
    const ownedEvents = deps.registry
      .list()
      .map((event) => ({ eventId: event.eventId, eventName: event.detail.name, epoch: 0, mailboxDepth: mailboxDepthOf(event), viewers: deps.viewersOf(event.eventId) }))
      .sort((a, b) => a.eventId.localeCompare(b.eventId));
    const instance: ClusterInstance = {
      instanceId: 'embedded',
      live: true,
      startedAt,
      heartbeatAt: now,
      url: deps.url?.() ?? null,
      pid: deps.pid ?? process.pid,
      sockets: deps.sockets?.() ?? null,
      viewers: ownedEvents.reduce((sum, e) => sum + e.viewers, 0),
      ownedEvents,
    };
    return { mode: 'embedded', instanceId: 'embedded', generatedAt: now, mailboxCapacity: deps.mailboxCapacity ?? null, instances: [instance], leases: [], changes: [] };
  };
}

export interface StoredClusterDeps {
  leases: LeaseStore;
  /** The process answering. */
  instanceId: string;
  /** Event id → name (eventNamesOf(registry), or from the store); an id missing here shows as itself. */
  eventNames(): ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string>>;
  mailboxCapacity?: number;
  /** How long a dead process stays on the page (default 10 minutes; the store keeps them an hour). */
  deadVisibleMs?: number;
  /** How many ownership changes to show (default 50). */
  changesLimit?: number;
}

export const DEAD_VISIBLE_MS = 10 * 60_000;
export const CHANGES_LIMIT = 50;

/** The distributed view, read from the shared store: any process answers the same. */
export function storedClusterStatus(deps: StoredClusterDeps): () => Promise<ClusterStatus> {
  const { leases } = deps;
  return async () => {
    const [generatedAt, rows, leaseRows, history, names] = await Promise.all([
      leases.databaseTimeMs(),
      leases.recentInstances(deps.deadVisibleMs ?? DEAD_VISIBLE_MS),
      leases.allLeases(),
      leases.recentHistory(deps.changesLimit ?? CHANGES_LIMIT),
      deps.eventNames(),
    ]);
    const nameOf = (eventId: string) => names.get(eventId) ?? eventId;
    const instances = rows.map((row) => ({ row, live: row.expiresInMs > 0, meta: parseInstanceMeta(row.meta) }));

    // Viewers of each event across the live processes (a dead one's sockets are gone).
    const viewersOfEvent = new Map<string, number>();
    for (const { live, meta } of instances) {
      if (!live) continue;
      for (const [eventId, n] of meta.viewers) viewersOfEvent.set(eventId, (viewersOfEvent.get(eventId) ?? 0) + n);
    }

    const held = leaseRows.filter((lease) => lease.expiresInMs > 0 && lease.releasedAt === null);
    const toInstance = ({ row, live, meta }: (typeof instances)[number]): ClusterInstance => ({
      instanceId: row.instanceId,
      live,
      startedAt: row.startedAt,
      heartbeatAt: row.heartbeatAt,
      url: meta.url ?? null,
      pid: meta.pid ?? null,
      sockets: live ? (meta.sockets ?? null) : 0,
      viewers: live ? [...meta.viewers.values()].reduce((sum, n) => sum + n, 0) : 0,
      ownedEvents: live ? ownedBy(row, meta, held, nameOf, viewersOfEvent) : [],
    });
    const sorted = [...instances].sort((a, b) => Number(b.live) - Number(a.live) || a.row.instanceId.localeCompare(b.row.instanceId));

    return {
      mode: 'distributed',
      instanceId: deps.instanceId,
      generatedAt,
      mailboxCapacity: deps.mailboxCapacity ?? null,
      instances: sorted.map(toInstance),
      leases: leaseRows.map((lease) => ({
        eventId: lease.eventId,
        eventName: nameOf(lease.eventId),
        ownerId: lease.ownerId,
        epoch: lease.epoch,
        expiresInMs: lease.expiresInMs,
        released: lease.releasedAt !== null,
      })),
      changes: history.map((change) => ({ ...change, eventName: nameOf(change.eventId) })),
    };
  };
}

/** The events a process holds a live lease on; the depth it reported counts only for that same tenure (epoch). */
function ownedBy(
  row: LiveInstance,
  meta: ParsedInstanceMeta,
  held: readonly { eventId: string; ownerId: string; epoch: number }[],
  nameOf: (eventId: string) => string,
  viewersOfEvent: ReadonlyMap<string, number>,
): ClusterInstance['ownedEvents'] {
  const reported = new Map(meta.ownedEvents.map((e) => [`${e.eventId}\0${e.epoch}`, e.mailboxDepth]));
  return held
    .filter((lease) => lease.ownerId === row.instanceId)
    .map((lease) => ({
      eventId: lease.eventId,
      eventName: nameOf(lease.eventId),
      epoch: lease.epoch,
      mailboxDepth: reported.get(`${lease.eventId}\0${lease.epoch}`) ?? 0,
      viewers: viewersOfEvent.get(lease.eventId) ?? 0,
    }));
}
