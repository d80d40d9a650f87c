// One worker thread that renders emails (see renderWorker.ts). Started on the
// first email, kept for the next; if it dies or hangs, the jobs in it fail
// (the sender retries them later) and the next job starts a fresh one.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger';
import type { RenderJob } from './render';
import type { ComposedMail } from './types';

const RENDER_TIMEOUT_MS = 60_000;

type Reply = { id: number; ok: true; mail: ComposedMail } | { id: number; ok: false; error: string };

interface Pending {
  resolve(mail: ComposedMail): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class MailRenderer {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly logger: Logger) {}

  render(job: RenderJob): Promise<ComposedMail> {
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<ComposedMail>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.logger.error('mail renderer: no answer within 60 s; restarting it');
        void this.restart(new Error('rendering the email took too long'));
      }, RENDER_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await this.restart(new Error('mail renderer closed'));
  }

  private spawn(): Worker {
    // execArgv: [] so the parent's --import flags are not applied twice (the entry registers tsx itself).
    const worker = new Worker(new URL('./renderWorker.mjs', import.meta.url), { execArgv: [] });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      clearTimeout(pending.timer);
      if (!reply.ok) return pending.reject(new Error(`rendering failed: ${reply.error}`));
      // Buffers arrive as plain Uint8Arrays.
      const attachments = reply.mail.attachments.map((a) => ({ ...a, content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) }));
      pending.resolve({ ...reply.mail, attachments });
    });
    // Only the current worker's death fails jobs: a replaced one's were failed when it was replaced.
    worker.on('error', (error) => {
      if (this.worker !== worker) return;
      this.logger.error({ err: error }, 'mail renderer failed');
      this.worker = null;
      this.failAll(error);
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failAll(new Error('mail renderer stopped'));
    });
    this.worker = worker;
    return worker;
  }

  private async restart(reason: Error): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(reason);
    await worker?.terminate();
  }

  private failAll(error: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
  }
}
