// The background sender of the transactional outbox. It never runs inside a
// reservation loop's tick: the loop only writes outbox rows in its commit,
// then nudges the sender, which runs on later turns of the event loop.
//
// Per row: claim it with a lease (one conditional UPDATE, so of several
// processes exactly one wins), render it, hand it to the transport, mark it
// sent. A failure releases the claim with an exponential back-off; a crash
// leaves the claim to expire, and then any process picks the row up again.
// Each message's Message-ID is derived from its row, so the one duplicate a
// crash can cause (after the transport accepted, before "sent" was stored)
// is recognisable as the same message. See docs/reliability.md.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { OutboxRow, OutboxStore } from '../../db/outbox';
import type { Logger } from '../logger';
import type { MailTransport } from './transport';
import type { ComposedMail } from './types';

/** What composing an outbox row gives: a message, or a reason it can never be sent (the sender gives up). */
export type Composition = { ok: true; mail: ComposedMail } | { ok: false; reason: string };

export interface OutboxSenderOptions {
  store: OutboxStore;
  compose(row: OutboxRow): Promise<Composition>;
  transport: MailTransport;
  /** Releases what compose holds (the render worker) when the sender stops. */
  dispose?(): Promise<void>;
  from: string;
  /** Message-IDs are <outbox-id@messageIdDomain>. */
  messageIdDomain: string;
  clock?: () => number;
  logger: Logger;
  /** Look for rows queued by other processes at least this often. */
  pollMs: number;
  claimLeaseMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  /** Crash tests only: SIGKILL this process right before / after the transport call. */
  faultKill?: 'before_send' | 'after_send';
}

const MAX_RETRY_DELAY_MS = 30 * 60_000;
const BATCH = 20;
/** Never re-arm the timer closer than this (a row another process holds may look due on our clock). */
const MIN_WAKE_MS = 25;

/** The delay before attempt `attempts + 1`: base · 2^(attempts-1), capped, with ±20% jitter so senders spread out. */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** SMTP refused the recipient for good (5xx on the envelope): retrying cannot help. */
function isPermanent(error: unknown): boolean {
  const e = error as { code?: unknown; responseCode?: unknown } | null;
  return e?.code === 'EENVELOPE' && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
}

export class OutboxSender {
  /** Who holds a claim: unique per process start. */
  readonly claimer = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private nudged = false;
  private stopped = true;

  constructor(private readonly options: OutboxSenderOptions) {
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.nudge();
  }

  /** Something may have been queued: look soon (after pending I/O, never inside the caller's turn). */
  nudge(): void {
    if (this.stopped || this.nudged) return;
    this.nudged = true;
    setImmediate(() => {
      this.nudged = false;
      void this.drain();
    });
  }

  /** Stops looking for work and waits for the message in flight, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.draining;
    this.options.transport.close();
    await this.options.dispose?.();
  }

  /** Sends everything due now; resolves when there is nothing left to claim (tests await it). */
  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // Rows may have been queued after the running pass looked: look again once it is done.
    if (this.draining) return this.draining.then(() => this.drain());
    // `finally` runs on a later microtask, so it never clears a promise before it was stored.
    const run = this.drainDue().finally(() => {
      this.draining = null;
      void this.arm();
    });
    this.draining = run;
    return run;
  }

  private async drainDue(): Promise<void> {
    try {
      let ids: string[];
      do {
        ids = await this.options.store.dueOutbox(this.clock(), BATCH);
        for (const id of ids) {
          if (this.stopped) return;
          await this.deliver(id);
        }
      } while (ids.length === BATCH && !this.stopped);
    } catch (error) {
      // Storage trouble (say the database is locked): log and try again at the next wake.
      this.options.logger.error({ err: error }, 'outbox: could not read the queue');
    }
  }

  /** Wakes at the next moment a row may become claimable, and at least every pollMs. */
  private async arm(): Promise<void> {
    if (this.stopped) return;
    let delay = this.options.pollMs;
    try {
      const at = await this.options.store.nextOutboxWakeAt();
      if (at !== null) delay = Math.min(delay, Math.max(MIN_WAKE_MS, at - this.clock()));
    } catch {
      // keep the poll interval
    }
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, delay);
    this.timer.unref();
  }

  private async deliver(id: string): Promise<void> {
    const { store, logger, claimLeaseMs } = this.options;
    const row = await store.claimOutbox(id, this.claimer, this.clock(), claimLeaseMs);
    if (!row) return; // another sender has it, or it is done
    const log = logger.child({ outboxId: row.id, kind: row.kind, attempt: row.attempts });
    // Keep the lease while rendering and sending take their time.
    const renewal = setInterval(() => {
      store.renewOutboxClaim(row.id, this.claimer, this.clock() + claimLeaseMs).then(
        (held) => held || log.warn('outbox: lost the claim while sending'),
        (error: unknown) => log.warn({ err: error }, 'outbox: could not renew the claim'),
      );
    }, Math.max(100, Math.floor(claimLeaseMs / 3)));
    renewal.unref();
    let accepted = false;
    try {
      const composed = await this.options.compose(row);
      if (!composed.ok) {
        await store.giveUpOutbox(row.id, this.clock(), composed.reason);
        log.warn({ reason: composed.reason }, 'outbox: message can never be sent; gave up');
        return;
      }
      const messageId = `<${row.id}@${this.options.messageIdDomain}>`;
      if (this.options.faultKill === 'before_send') process.kill(process.pid, 'SIGKILL');
      const where = await this.options.transport.send({
        ...composed.mail,
        outboxId: row.id,
        from: this.options.from,
        to: row.recipient,
        messageId,
        date: new Date(row.createdAt),
      });
      accepted = true;
      if (this.options.faultKill === 'after_send') process.kill(process.pid, 'SIGKILL');
      if (!(await this.recordSent(row.id, messageId))) log.warn('outbox: already marked sent by another sender (a duplicate with the same Message-ID)');
      log.info({ to: row.recipient, subject: composed.mail.subject, messageId, via: where }, 'email sent');
    } catch (error) {
      if (accepted) {
        // Not a failed send: retrying now would send it twice. The lease runs out and the row goes again, same Message-ID.
        log.error({ err: error }, 'outbox: sent, but could not record it; it will be sent again after its lease');
      } else {
        await this.failed(row, error, log);
      }
    } finally {
      clearInterval(renewal);
    }
  }

  /** Marks a row sent, retrying a few times if storage is busy: every failure here means a duplicate later. */
  private async recordSent(id: string, messageId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.store.markOutboxSent(id, this.clock(), messageId);
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  private async failed(row: OutboxRow, error: unknown, log: Logger): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    try {
      if (row.attempts >= this.options.maxAttempts || isPermanent(error)) {
        await this.options.store.giveUpOutbox(row.id, this.clock(), message);
        log.error({ err: error }, 'outbox: giving up on this email');
      } else {
        const delayMs = retryDelayMs(row.attempts, this.options.retryBaseMs);
        await this.options.store.retryOutboxLater(row.id, this.claimer, this.clock() + delayMs, message);
        log.warn({ err: error, retryInMs: delayMs }, 'outbox: send failed; will retry');
      }
    } catch (storageError) {
      // The claim then simply expires and the row is retried after the lease.
      log.error({ err: storageError }, 'outbox: could not record the failed attempt');
    }
  }
}
