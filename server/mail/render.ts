// Rendering a prepared email: pure (no storage, no network), CPU-bound (QR
// codes, the PDF), so it runs in a worker thread (renderWorker.ts).
import type { CancellationPayload } from '../../db/outbox';
import { linksMail, type LinkedOrder } from './linksMail';
import { cancellationMail, confirmationMail, type OrderMailContext } from './orderMails';
import type { ComposedMail } from './types';

export type RenderJob =
  | { kind: 'confirmation'; context: OrderMailContext }
  | { kind: 'cancellation'; context: OrderMailContext; cancellation: CancellationPayload }
  | { kind: 'links'; orders: LinkedOrder[]; reason: 'lookup' | 'access_replaced'; findTicketsUrl: string };

export async function renderJob(job: RenderJob): Promise<ComposedMail> {
  switch (job.kind) {
    case 'confirmation':
      return confirmationMail(job.context);
    case 'cancellation':
      return cancellationMail(job.context, job.cancellation);
    case 'links':
      return linksMail(job.orders, job.reason, job.findTicketsUrl);
    default: {
      const _exhaustive: never = job;
      throw new Error(`unknown render job ${JSON.stringify(_exhaustive)}`);
    }
  }
}
