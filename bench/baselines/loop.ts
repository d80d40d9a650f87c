// The project's design: one ReservationLoop per event, batched commits.
import { createBatchWriter } from '../../db/batchWriter';
import { loadLoopState } from '../../db/eventStore';
import { ReservationLoop } from '../../server/loop/reservationLoop';
import { TickStats, type DesignFactory } from './design';

export const loopDesign: DesignFactory = async ({ handle, eventId, holdTtlMs, ids }) => {
  const ticks = new TickStats();
  let expired = 0;
  const loop = new ReservationLoop({
    eventId,
    load: () => loadLoopState(handle, eventId, holdTtlMs)!,
    writer: createBatchWriter(handle.sqlite),
    ids,
    clock: Date.now,
    schedule: (fn) => void setImmediate(fn),
    // The driver never has more than its client count in flight; keep the server's defaults otherwise.
    mailboxCapacity: 10_000,
    maxBatchSize: 1_024,
    observer: {
      onTick: ({ batchSize, commitMs }) => ticks.add(batchSize, commitMs),
      onCommitted: (batch) => {
        for (const e of batch.endedHolds) if (e.reason === 'expired') expired++;
      },
    },
  });
  return {
    submit: (command, reply) => loop.submit(command, reply),
    stats: () => ({ ...ticks.summary(), expired }),
    async close() {
      loop.stop();
    },
  };
};
