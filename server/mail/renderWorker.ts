// The mail render worker: renders prepared emails (QR codes, the tickets'
// PDF) off the main thread, so a burst of orders never takes CPU time from
// the reservation loops. Started by renderPool.ts through renderWorker.mjs.
import { parentPort } from 'node:worker_threads';
import { renderJob, type RenderJob } from './render';

const port = parentPort;
if (!port) throw new Error('renderWorker.ts runs in a worker thread');

port.on('message', (message: { id: number; job: RenderJob }) => {
  renderJob(message.job).then(
    (mail) => port.postMessage({ id: message.id, ok: true, mail }),
    (error: unknown) => port.postMessage({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
