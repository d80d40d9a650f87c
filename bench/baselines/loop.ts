// The project's design: one ReservationLoop per event, batched commits,
// through the store's own batch writer. The same code runs on both stores:
// on SQLite each commit settles at once; on PostgreSQL it is a round trip,
// and the loop applies the next batch in memory while it is in flight.
import type { Store } from '../../db/store';
import { ReservationLoop } from '../../server/loop/reservationLoop';
import { TickStats, type DesignFactory } from './design';

export const loopDesign: DesignFactory<Store> = async ({ store, eventId, holdTtlMs, ids }) => {
  const ticks = new TickStats();
  let expired = 0;
  const writer = store.batchWriter(eventId);
  const loop = await ReservationLoop.start({
    eventId,
    storage: {
      load: async () => {
        const state = await store.loadLoopState(eventId, holdTtlMs);
        if (!state) throw new Error(`no event ${eventId} in ${store.location}`);
        return state;
      },
      write: (batch) => writer.write(batch),
    },
    ids,
    clock: Date.now,
    // The driver never has more than its client count in flight; keep the server's defaults otherwise.
    mailboxCapacity: 10_000,
    maxBatchSize: 1_024,
    observer: {
      onTick: ({ batchSize, commitMs }) => ticks.add(batchSize, commitMs),
      onCommitted: (notice) => {
        for (const ended of notice.holdsEnded) if (ended.reason === 'expired') expired++;
      },
    },
  });
  return {
    submit: (command, reply) => loop.submit(command, reply),
    stats: () => ({ ...ticks.summary(), expired }),
    close: () => loop.stop(),
  };
};
