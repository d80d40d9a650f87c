// Command routing: any process may receive a buyer's or organizer's command
// for any event; the router delivers it to the process that runs the event's
// loop (its owner) and brings the outcome back to the caller.
//
//   caller ── route(eventId, command) ── owner is me? ── submitLocal (no Redis)
//                                │ no
//                                ▼
//   PUBLISH seatline:cmd:<owner> {requestId, origin, eventId, epoch, deadlineAt, command}
//   owner: still mine at that epoch and before the deadline? ── submitLocal ── outcome
//   PUBLISH seatline:reply:<origin> {requestId, outcome}  ──▶ the caller's pending request
//
// Why Redis pub/sub, not Streams: a command is worth something only for the few
// seconds its buyer waits, and it is answered exactly once either way. Pub/sub
// delivers at most once, straight to the subscribed owner, with no state in
// Redis to trim or reclaim; PUBLISH even says how many processes received the
// message, so a dead owner is noticed at once rather than at the timeout. What
// Streams would add — persistence, redelivery to a consumer group — is wrong
// here: a command redelivered after its caller gave up, or after the event
// moved, must not run (the owner changed, the buyer retried). The remaining
// loss is a reply lost after the owner committed (or a timeout while the
// command waited in a deep mailbox): the caller answers `unavailable`, the
// command may have run, and the client's retry carries the same key so the
// loop recognises it: confirm's idempotency key, `hold:create`'s requestId.
// So at-most-once delivery plus a bounded timeout never makes a second hold
// or order.
//
// Guarantees: route() always settles, within `timeoutMs` (owner unknown, Redis
// down, owner not subscribed: at once); a command is published at most once;
// the owner refuses a command addressed to an epoch it does not hold, and one
// whose deadline has passed; a malformed message is logged and dropped (or, if
// it names who waits for it, answered `unavailable`), never thrown.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Command, Failure, Outcome } from '../../core/types';
import type { Timers } from '../loop/reservationLoop';
import { LogThrottle } from './logThrottle';
import { commandSchema, decodeMessage, INSTANCE_ID_PATTERN, replyChannel, requestChannel, ROUTING_SCHEMA_VERSION, type CommandReply, type CommandRequest } from './messages';
import { quit, redisConnection } from './redisConnection';
import type { CommandRouterOptions, RouterStats } from './routing';

export type { CommandRouterOptions, OwnerDirectory, OwnerRef, RouterStats, SubmitLocal } from './routing';

type Pending = { settle: (outcome: Outcome) => void; timer: unknown };

const DEFAULTS = { timeoutMs: 3_000, retryAfterMs: 1_000, maxPending: 10_000, reconnectMaxMs: 1_000 };

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class CommandRouter {
  readonly instanceId: string;
  private readonly options: Required<Omit<CommandRouterOptions, 'clock' | 'timers'>> & { clock: () => number; timers: Timers };
  /** Publishes requests and replies. */
  private readonly pub: Redis;
  /** Subscribed to this instance's request and reply channels. */
  private readonly sub: Redis;
  private readonly pending = new Map<string, Pending>();
  private subscribed = false;
  private closed = false;
  private readonly throttle = new LogThrottle();
  private readonly counters: RouterStats = {
    local: 0,
    routed: 0,
    answered: 0,
    served: 0,
    ownerUnknown: 0,
    redisDown: 0,
    noReceiver: 0,
    timedOut: 0,
    overloaded: 0,
    notOwner: 0,
    expired: 0,
    lateReplies: 0,
    malformed: 0,
  };

  constructor(options: CommandRouterOptions) {
    if (!INSTANCE_ID_PATTERN.test(options.instanceId)) throw new Error(`instance id ${JSON.stringify(options.instanceId)} must match ${INSTANCE_ID_PATTERN}`);
    this.instanceId = options.instanceId;
    this.options = { ...DEFAULTS, clock: Date.now, timers: defaultTimers, ...options };
    const name = (role: string) => `seatline:${options.instanceId}:router-${role}`;
    this.pub = redisConnection(options.redisUrl, { connectionName: name('pub'), commandTimeoutMs: this.options.timeoutMs, reconnectMaxMs: this.options.reconnectMaxMs });
    // Resubscribed by hand on every 'ready', so `subscribed` says exactly when replies can arrive.
    this.sub = redisConnection(options.redisUrl, { connectionName: name('sub'), commandTimeoutMs: this.options.timeoutMs, reconnectMaxMs: this.options.reconnectMaxMs, autoResubscribe: false });
  }

  /** Connects and subscribes; rejects (and closes) if Redis cannot be reached now. Reconnects by itself afterwards. */
  async start(): Promise<void> {
    this.pub.on('error', (error) => this.connectionTrouble('pub', error));
    this.sub.on('error', (error) => this.connectionTrouble('sub', error));
    this.sub.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    this.sub.on('close', () => this.onSubscriberLost());
    this.pub.on('ready', () => this.throttle.clear('pub'));
    try {
      await Promise.all([this.pub.connect(), this.sub.connect()]);
      await this.subscribe();
      if (!this.subscribed) throw new Error('could not subscribe to the routing channels');
    } catch (error) {
      await this.close();
      throw error;
    }
    // Every later connection (after a Redis restart, a network cut) subscribes again.
    this.sub.on('ready', () => void this.subscribe());
  }

  /** True when a routed command can be sent and its reply received now. */
  get connected(): boolean {
    return this.subscribed && this.pub.status === 'ready';
  }

  stats(): RouterStats {
    return { ...this.counters };
  }

  /** Routed commands waiting for their owner's reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Runs `command` on the event's owner, wherever it is; always settles, within timeoutMs. */
  async route(eventId: string, command: Command): Promise<Outcome> {
    const owner = this.options.owners.ownerOf(eventId);
    if (!owner) {
      this.counters.ownerUnknown++;
      return this.unavailable('No server runs this event right now; retry shortly.');
    }
    if (owner.instanceId === this.instanceId) {
      this.counters.local++;
      return this.runLocal(eventId, command);
    }
    if (this.closed || !this.connected) {
      this.counters.redisDown++;
      return this.unavailable('This server cannot reach the server running this event; retry shortly.');
    }
    if (this.pending.size >= this.options.maxPending) {
      this.counters.overloaded++;
      return { ok: false, code: 'busy', message: 'This server is very busy right now; retry in a moment.', retryAfterMs: this.options.retryAfterMs };
    }
    // Checked here too: a command the owner could not read is a bug of this process, and says so.
    const checked = commandSchema.safeParse(command);
    if (!checked.success) {
      this.options.logger.error({ eventId, type: command.type, issues: checked.error.issues.slice(0, 5) }, 'command routing: refusing to send a command the schema does not describe');
      return { ok: false, code: 'internal', message: 'The command could not be sent to the server running this event.' };
    }
    const now = this.options.clock();
    const request: CommandRequest = {
      v: ROUTING_SCHEMA_VERSION,
      kind: 'request',
      requestId: randomUUID(),
      origin: this.instanceId,
      eventId,
      epoch: owner.epoch,
      sentAt: now,
      deadlineAt: now + this.options.timeoutMs,
      command: checked.data,
    };
    this.counters.routed++;
    return new Promise<Outcome>((resolve) => {
      const { requestId } = request;
      const timer = this.options.timers.setTimeout(() => {
        if (!this.pending.has(requestId)) return;
        this.counters.timedOut++;
        this.settle(requestId, this.unavailable('The server running this event did not answer in time; retry shortly.'));
      }, this.options.timeoutMs);
      this.pending.set(requestId, { settle: resolve, timer });
      this.pub.publish(requestChannel(owner.instanceId), JSON.stringify(request)).then(
        (receivers) => {
          if (receivers > 1) this.duplicateInstance(owner.instanceId, receivers);
          if (receivers > 0 || !this.pending.has(requestId)) return;
          // Nobody listens on the owner's channel: it is gone or cut off from Redis; no reply can come.
          this.counters.noReceiver++;
          this.settle(requestId, this.unavailable('The server running this event is not reachable; retry shortly.'));
        },
        (error: unknown) => {
          if (!this.pending.has(requestId)) return;
          this.counters.redisDown++;
          this.connectionTrouble('publish', error);
          this.settle(requestId, this.unavailable('This server cannot reach the server running this event; retry shortly.'));
        },
      );
    });
  }

  /**
   * Stops: waiting callers are answered `unavailable`, both connections are closed. Once it resolves
   * Redis has dropped this instance's subscriptions, so commands sent to it are refused at once.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscribed = false;
    this.failPending('This server is shutting down; retry shortly.');
    await Promise.all([quit(this.sub), quit(this.pub)]);
  }

  // ---------- the caller's side ----------

  private settle(requestId: string, outcome: Outcome): void {
    const waiting = this.pending.get(requestId);
    if (!waiting) return;
    this.pending.delete(requestId);
    this.options.timers.clearTimeout(waiting.timer);
    waiting.settle(outcome);
  }

  private failPending(message: string): void {
    for (const requestId of [...this.pending.keys()]) this.settle(requestId, this.unavailable(message));
  }

  private onReply(reply: CommandReply): void {
    if (!this.pending.has(reply.requestId)) {
      this.counters.lateReplies++;
      this.options.logger.debug({ requestId: reply.requestId, from: reply.origin }, 'command routing: reply after its caller was answered; ignored');
      return;
    }
    this.counters.answered++;
    this.settle(reply.requestId, reply.outcome);
  }

  // ---------- the owner's side ----------

  private async serve(request: CommandRequest): Promise<void> {
    const { eventId, epoch, requestId, origin } = request;
    const now = this.options.clock();
    let outcome: Outcome;
    if (now >= request.deadlineAt) {
      // The caller has answered `unavailable` already; running it now would make that answer a lie.
      this.counters.expired++;
      const suppressed = this.throttle.allow('expired');
      if (suppressed !== null) {
        this.options.logger.warn({ eventId, from: origin, lateByMs: now - request.deadlineAt, transitMs: now - request.sentAt, suppressed }, 'command routing: command arrived past its deadline (overload, a pause, or clock skew); refused');
      }
      outcome = this.unavailable('The command reached the server running this event too late; retry shortly.');
    } else {
      const owner = this.options.owners.ownerOf(eventId);
      if (!owner || owner.instanceId !== this.instanceId || owner.epoch !== epoch) {
        this.counters.notOwner++;
        this.options.logger.debug({ eventId, from: origin, askedEpoch: epoch, owner }, 'command routing: not the owner at that epoch; refused');
        outcome = this.unavailable('This event is moving to another server; retry shortly.');
      } else {
        this.counters.served++;
        outcome = await this.runLocal(eventId, request.command);
      }
    }
    const reply: CommandReply = { v: ROUTING_SCHEMA_VERSION, kind: 'reply', requestId, origin: this.instanceId, outcome };
    await this.sendReply(origin, reply);
  }

  private async sendReply(to: string, reply: CommandReply): Promise<void> {
    if (this.closed) return;
    try {
      await this.pub.publish(replyChannel(to), JSON.stringify(reply));
    } catch (error) {
      // The caller times out and answers `unavailable`; its retry carries the same idempotency key.
      this.connectionTrouble('reply', error);
    }
  }

  private async runLocal(eventId: string, command: Command): Promise<Outcome> {
    try {
      return await this.options.submitLocal(eventId, command);
    } catch (error) {
      this.options.logger.error({ err: error, eventId, type: command.type }, 'command routing: the local loop threw');
      return { ok: false, code: 'internal', message: 'Something went wrong; nothing was changed.' };
    }
  }

  // ---------- the channels ----------

  private onMessage(channel: string, message: string): void {
    const kind = channel === requestChannel(this.instanceId) ? 'request' : channel === replyChannel(this.instanceId) ? 'reply' : null;
    if (!kind) return;
    const decoded = decodeMessage(kind, message);
    if (decoded.ok) {
      const read = decoded.message;
      if (read.kind === 'reply') return this.onReply(read);
      this.serve(read).catch((error: unknown) => this.options.logger.error({ err: error, eventId: read.eventId }, 'command routing: serving a command failed'));
      return;
    }
    this.malformed(channel, decoded.problem, message);
    const waiting = decoded.waiting;
    if (!waiting) return;
    if (kind === 'request') {
      // Someone waits for this one (a process of another version, say): tell it now rather than at its timeout.
      const outcome = this.unavailable('The server running this event could not read the command; retry shortly.');
      void this.sendReply(waiting.origin, { v: ROUTING_SCHEMA_VERSION, kind: 'reply', requestId: waiting.requestId, origin: this.instanceId, outcome });
    } else {
      // An unreadable reply is a lost reply: answer its caller now, as its timeout would.
      this.settle(waiting.requestId, this.unavailable('The answer of the server running this event could not be read; retry shortly.'));
    }
  }

  private malformed(channel: string, problem: unknown, message: string): void {
    this.counters.malformed++;
    const suppressed = this.throttle.allow('malformed');
    if (suppressed === null) return;
    this.options.logger.warn({ channel, problem, sample: message.slice(0, 200), suppressed }, 'command routing: dropped a message that could not be read');
  }

  private async subscribe(): Promise<void> {
    if (this.closed) return;
    try {
      await this.sub.subscribe(requestChannel(this.instanceId), replyChannel(this.instanceId));
      this.subscribed = true;
      this.throttle.clear('sub');
      this.options.logger.info({ instanceId: this.instanceId }, 'command routing: listening');
    } catch (error) {
      // The connection dropped again; the next 'ready' subscribes.
      this.connectionTrouble('subscribe', error);
    }
  }

  private onSubscriberLost(): void {
    if (this.closed) return;
    const wasSubscribed = this.subscribed;
    this.subscribed = false;
    // Replies published while we are away are lost (pub/sub keeps nothing): answer their callers now.
    this.failPending('This server lost its connection to the server running this event; retry shortly.');
    if (wasSubscribed) this.options.logger.warn({ instanceId: this.instanceId }, 'command routing: lost the connection to Redis; routed commands answer unavailable until it is back');
  }

  /** Two processes with one instance id would both believe they own its events: say so loudly. */
  private duplicateInstance(instanceId: string, receivers: number): void {
    const suppressed = this.throttle.allow('duplicate');
    if (suppressed === null) return;
    this.options.logger.error({ instanceId, receivers, suppressed }, 'command routing: several processes listen as one instance id; instance ids must be unique');
  }

  private connectionTrouble(role: string, error: unknown): void {
    if (this.closed) return;
    const suppressed = this.throttle.allow(role === 'sub' || role === 'subscribe' ? 'sub' : 'pub');
    if (suppressed === null) return;
    this.options.logger.warn({ role, err: error, suppressed }, 'command routing: Redis connection trouble');
  }

  private unavailable(message: string): Failure & { retryAfterMs: number } {
    return { ok: false, code: 'unavailable', message, retryAfterMs: this.options.retryAfterMs };
  }
}
