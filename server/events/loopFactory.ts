// An event's reservation loop as the registry runs it: its storage (the
// store's batch writer, fenced by the ownership epoch in the distributed
// mode), its settings, and what it reports to metrics and logs.
import type { Store } from '../../db/store';
import type { Effect, IdSource } from '../../core/types';
import type { Logger } from '../logger';
import { ReservationLoop, type Timers } from '../loop/reservationLoop';
import type { Metrics } from '../metrics';
import type { LoopState } from '../../db/store';
import type { CommitNotice } from './commitNotice';

export interface LoopSettings {
  store: Store;
  ids: IdSource;
  clock: () => number;
  timers?: Timers;
  mailboxCapacity: number;
  maxBatchSize: number;
  checkInvariants: boolean;
  metrics: Metrics;
  logger: Logger;
}

export interface LoopHooks {
  /** Inside each batch transaction, before COMMIT (crash tests). */
  beforeCommit(): void;
  load(): Promise<LoopState>;
  onLatency(latencyMs: number): void;
  onCommitted(notice: CommitNotice, effects: readonly Effect[]): void;
  /** A commit was refused by the fence: another process owns the event now. */
  onFenced(): void;
}

/** Loads the event's committed state and starts its loop; epoch 0 is the embedded mode (no fence). */
export function startEventLoop(settings: LoopSettings, eventId: string, epoch: number, hooks: LoopHooks): Promise<ReservationLoop> {
  const { store, metrics, logger } = settings;
  const log = logger.child({ eventId });
  const writer = store.batchWriter(eventId, { beforeCommit: hooks.beforeCommit, ...(epoch > 0 ? { epoch } : {}) });
  return ReservationLoop.start({
    eventId,
    epoch,
    storage: {
      load: hooks.load,
      write: (batch) => writer.write(batch),
      ...(epoch > 0 ? { ownerEpoch: async () => (await store.leases.lease(eventId))?.epoch ?? null } : {}),
    },
    ids: settings.ids,
    clock: settings.clock,
    timers: settings.timers,
    mailboxCapacity: settings.mailboxCapacity,
    maxBatchSize: settings.maxBatchSize,
    checkInvariants: settings.checkInvariants,
    observer: {
      onCommand: (type, outcome, latencyMs) => {
        metrics.observeCommand(type, outcome, latencyMs);
        hooks.onLatency(latencyMs);
      },
      onTick: ({ batchSize, commitMs, depth }) => {
        metrics.batchSize.observe(batchSize);
        if (commitMs > 0) metrics.commitDuration.observe(commitMs / 1000);
        metrics.mailboxDepth.set({ event: eventId }, depth);
      },
      onCommitted: hooks.onCommitted,
      onError: (message, error) => log.error({ err: error }, message),
      onCommitFailed: (reason) => metrics.failedCommits.inc({ reason }),
      onFenced: hooks.onFenced,
    },
  });
}
