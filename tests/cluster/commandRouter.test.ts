// Command routing on a real Redis, with two or three routers in this process
// standing for the processes of a cluster, and fake owners (each router's
// submitLocal answers with its own instance id, so a test sees who ran what).
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CommandRouter, type CommandRouterOptions, type OwnerRef, type SubmitLocal } from '../../server/cluster/commandRouter';
import { replyChannel, requestChannel } from '../../server/cluster/messages';
import type { Command, Order, Outcome } from '../../core/types';
import { freePort, startRedis, type LocalRedis } from '../../scripts/localServices';
import { FakeTimers } from '../support/fakeTimers';
import { seededRandom } from '../support/random';
import { captureLog } from './helpers';

let redis: LocalRedis;
const routers: CommandRouter[] = [];
let testNo = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
});

/** What each router believes about ownership (each process has its own view). */
type View = Map<string, OwnerRef>;

/** A fake loop: releases answer with the owner's id in seatIds, so the caller sees who ran it. */
function echoOwner(instanceId: string, calls: { eventId: string; command: Command }[] = []): SubmitLocal {
  return async (eventId, command) => {
    calls.push({ eventId, command });
    if (command.type !== 'release') return { ok: false, code: 'internal', message: 'fake owner: releases only' };
    return { ok: true, type: 'released', holdId: command.holdId, seatIds: [instanceId] };
  };
}

async function startRouter(
  name: string,
  view: View,
  submitLocal: SubmitLocal,
  extra: Partial<CommandRouterOptions> = {},
): Promise<CommandRouter> {
  const router = new CommandRouter({
    instanceId: name,
    redisUrl: extra.redisUrl ?? redis.url,
    owners: { ownerOf: (eventId) => view.get(eventId) ?? null },
    submitLocal,
    logger: captureLog().logger,
    // Generous: these tests are about who answers what, not speed; timeouts are tested with fake timers.
    timeoutMs: 15_000,
    ...extra,
  });
  routers.push(router);
  await router.start();
  return router;
}

/** Instance ids unique per test, so a late message of one test never reaches the next. */
const ids = (...names: string[]) => {
  testNo++;
  return names.map((n) => `${n}-t${testNo}`);
};

const release = (holdId: string): Command => ({ type: 'release', buyerId: 'buyer-1', holdId });

describe('CommandRouter', () => {
  it('routes a command to the owner and brings its outcome back, whole', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 3 }]]);
    const order: Order = {
      id: 'ord-1',
      eventId: 'ev1',
      holdId: 'hold-1',
      buyerId: 'buyer-1',
      buyer: { name: 'Ada Lovelace', email: 'ada@example.org' },
      idempotencyKey: 'key-12345678',
      totalCents: 9000,
      createdAt: 1_700_000_000_000,
      tickets: [
        { id: 't1', seatId: 'A-1', priceCents: 4500, code: 'c1' },
        { id: 't2', seatId: 'A-2', priceCents: 4500, code: 'c2' },
      ],
    };
    const received: { eventId: string; command: Command }[] = [];
    const routerA = await startRouter(a, view, echoOwner(a));
    await startRouter(b, view, async (eventId, command) => {
      received.push({ eventId, command });
      return { ok: true, type: 'confirmed', order, replayed: false };
    });
    const confirm: Command = { type: 'confirm', buyerId: 'buyer-1', holdId: 'hold-1', idempotencyKey: 'key-12345678', buyer: { name: 'Ada Lovelace', email: 'ada@example.org' } };

    const outcome = await routerA.route('ev1', confirm);

    expect(outcome).toEqual({ ok: true, type: 'confirmed', order, replayed: false });
    expect(received).toEqual([{ eventId: 'ev1', command: confirm }]);
    expect(routerA.stats()).toMatchObject({ routed: 1, answered: 1, local: 0 });
  });

  it('carries failures with their details (retryAfterMs, seatIds) unchanged', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 1 }]]);
    const busy: Outcome = { ok: false, code: 'seats_unavailable', message: 'taken', seatIds: ['A-1'], retryAfterMs: 250 };
    const received: Command[] = [];
    const routerA = await startRouter(a, view, echoOwner(a));
    await startRouter(b, view, async (_eventId, command) => {
      received.push(command);
      return busy;
    });
    const hold: Command = { type: 'hold', buyerId: 'b1', seatIds: [], best: { quantity: 2, accessible: true }, requestId: 'req-12345678' };
    expect(await routerA.route('ev1', hold)).toEqual(busy);
    expect(received).toEqual([hold]); // the retry-safe hold's requestId arrives with it
  });

  it('runs commands for events it owns itself without Redis (the local fast path)', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['mine', { instanceId: a, epoch: 7 }]]);
    const callsA: { eventId: string; command: Command }[] = [];
    const callsB: { eventId: string; command: Command }[] = [];
    const routerA = await startRouter(a, view, echoOwner(a, callsA));
    const routerB = await startRouter(b, view, echoOwner(b, callsB));

    expect(await routerA.route('mine', release('h1'))).toEqual({ ok: true, type: 'released', holdId: 'h1', seatIds: [a] });
    expect(callsA).toEqual([{ eventId: 'mine', command: release('h1') }]);
    expect(callsB).toEqual([]);
    expect(routerA.stats()).toMatchObject({ local: 1, routed: 0 });
    expect(routerB.stats().served).toBe(0);
  });

  it('answers unavailable at once when no owner is known, and runs nothing', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map();
    const calls: { eventId: string; command: Command }[] = [];
    const routerA = await startRouter(a, view, echoOwner(a, calls));
    await startRouter(b, view, echoOwner(b, calls));

    const outcome = await routerA.route('nobody', release('h1'));

    expect(outcome).toMatchObject({ ok: false, code: 'unavailable' });
    expect(outcome.ok === false && outcome.retryAfterMs).toBeGreaterThan(0);
    expect(calls).toEqual([]);
    expect(routerA.stats()).toMatchObject({ ownerUnknown: 1, routed: 0 });
  });

  it('answers unavailable after timeoutMs when the owner does not answer, and ignores the late reply', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 1 }]]);
    const clock = { now: 1_000 };
    const timers = new FakeTimers(clock);
    const routerA = await startRouter(a, view, echoOwner(a), { timeoutMs: 3_000, timers });
    let answer: (outcome: Outcome) => void = () => undefined;
    let ownerReached = false;
    await startRouter(b, view, () => {
      ownerReached = true;
      return new Promise<Outcome>((resolve) => (answer = resolve));
    });

    let settled: Outcome | null = null;
    void routerA.route('ev1', release('h1')).then((outcome) => (settled = outcome));
    await vi.waitFor(() => expect(ownerReached).toBe(true));
    expect(timers.size).toBe(1);

    clock.now += 2_999;
    timers.fireDue();
    await Promise.resolve();
    expect(settled).toBeNull();

    clock.now += 1;
    expect(timers.fireDue()).toBe(1);
    await vi.waitFor(() => expect(settled).not.toBeNull());
    expect(settled).toMatchObject({ ok: false, code: 'unavailable', retryAfterMs: 1_000 });
    expect(routerA.stats()).toMatchObject({ timedOut: 1 });
    expect(routerA.pendingCount).toBe(0);

    // The owner finally answers: the caller has moved on and must not be confused by it.
    answer({ ok: true, type: 'released', holdId: 'h1', seatIds: [] });
    await vi.waitFor(() => expect(routerA.stats().lateReplies).toBe(1));
    expect(settled).toMatchObject({ code: 'unavailable' });
  });

  it('answers unavailable at once when the owner is not listening (its process is gone)', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 1 }]]);
    const routerA = await startRouter(a, view, echoOwner(a));
    const routerB = await startRouter(b, view, echoOwner(b));
    await routerB.close();

    expect(await routerA.route('ev1', release('h1'))).toMatchObject({ ok: false, code: 'unavailable' });
    expect(routerA.stats()).toMatchObject({ noReceiver: 1, timedOut: 0 });
    expect(routerA.pendingCount).toBe(0);
  });

  it('the owner refuses a command for an epoch it does not hold, or an event it does not own', async () => {
    const [a, b, c] = ids('a', 'b', 'c');
    // A's view is stale: B owned ev1 at epoch 4 and ev2 at epoch 1; B now holds ev1 at epoch 5, and ev2 moved to C.
    const viewA: View = new Map([
      ['ev1', { instanceId: b, epoch: 4 }],
      ['ev2', { instanceId: b, epoch: 1 }],
    ]);
    const viewB: View = new Map([
      ['ev1', { instanceId: b, epoch: 5 }],
      ['ev2', { instanceId: c, epoch: 2 }],
    ]);
    const callsB: { eventId: string; command: Command }[] = [];
    const routerA = await startRouter(a, viewA, echoOwner(a));
    const routerB = await startRouter(b, viewB, echoOwner(b, callsB));

    expect(await routerA.route('ev1', release('h1'))).toMatchObject({ ok: false, code: 'unavailable', retryAfterMs: 1_000 });
    expect(await routerA.route('ev2', release('h2'))).toMatchObject({ ok: false, code: 'unavailable', retryAfterMs: 1_000 });
    expect(callsB).toEqual([]);
    expect(routerB.stats()).toMatchObject({ notOwner: 2, served: 0 });

    // Once A learns the new epoch, the same command goes through.
    viewA.set('ev1', { instanceId: b, epoch: 5 });
    expect(await routerA.route('ev1', release('h1'))).toEqual({ ok: true, type: 'released', holdId: 'h1', seatIds: [b] });
  });

  it('the owner refuses a command that arrives past its deadline (here: a sender whose clock is 60 s behind)', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 1 }]]);
    const calls: { eventId: string; command: Command }[] = [];
    const routerA = await startRouter(a, view, echoOwner(a), { clock: () => Date.now() - 60_000 });
    const routerB = await startRouter(b, view, echoOwner(b, calls));

    expect(await routerA.route('ev1', release('h1'))).toMatchObject({ ok: false, code: 'unavailable' });
    expect(calls).toEqual([]);
    expect(routerB.stats()).toMatchObject({ expired: 1, served: 0 });
  });

  it('drops malformed messages with a log, answers a readable envelope, and keeps working', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 1 }]]);
    const logB = captureLog();
    const logA = captureLog();
    const callsB: { eventId: string; command: Command }[] = [];
    const routerA = await startRouter(a, view, echoOwner(a), { logger: logA.logger });
    const routerB = await startRouter(b, view, echoOwner(b, callsB), { logger: logB.logger });
    const raw = new Redis(redis.url);
    try {
      await raw.publish(requestChannel(b), 'not json {');
      await raw.publish(requestChannel(b), JSON.stringify({ v: 1, kind: 'request' }));
      await raw.publish(requestChannel(b), JSON.stringify([1, 2, 3]));
      // A request from a newer process (version 2) with a command this one does not know: its sender is told.
      await raw.publish(
        requestChannel(b),
        JSON.stringify({ v: 2, kind: 'request', requestId: 'r-newer', origin: a, eventId: 'ev1', epoch: 1, sentAt: 0, deadlineAt: 0, command: { type: 'teleport' } }),
      );
      await raw.publish(replyChannel(a), JSON.stringify({ v: 1, kind: 'reply', requestId: 'r-x', origin: b, outcome: { ok: 'maybe' } }));
      await raw.publish(replyChannel(a), '');
    } finally {
      raw.disconnect();
    }
    await vi.waitFor(() => expect(routerB.stats().malformed).toBe(4));
    await vi.waitFor(() => expect(routerA.stats().malformed).toBe(2));
    // B answered r-newer (nobody waits for it at A: a late reply, dropped quietly).
    await vi.waitFor(() => expect(routerA.stats().lateReplies).toBe(1));
    expect(callsB).toEqual([]);
    expect(logB.find('dropped a message').length).toBeGreaterThanOrEqual(1);
    expect(logA.find('dropped a message').length).toBeGreaterThanOrEqual(1);

    expect(await routerA.route('ev1', release('h9'))).toEqual({ ok: true, type: 'released', holdId: 'h9', seatIds: [b] });
  });

  it('refuses to send a command its own schema does not describe (a bug here, not at the owner)', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 1 }]]);
    const log = captureLog();
    const routerA = await startRouter(a, view, echoOwner(a), { logger: log.logger });
    await startRouter(b, view, echoOwner(b));
    const odd = { ...release('h1'), sneaky: true } as unknown as Command;
    expect(await routerA.route('ev1', odd)).toMatchObject({ ok: false, code: 'internal' });
    expect(log.find('schema does not describe')).toHaveLength(1);
    expect(routerA.stats().routed).toBe(0);
  });

  it('answers busy beyond maxPending routed commands, and nothing is lost', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 1 }]]);
    const answers: (() => void)[] = [];
    const routerA = await startRouter(a, view, echoOwner(a), { maxPending: 2 });
    await startRouter(b, view, (_eventId, command) => new Promise((resolve) => answers.push(() => resolve({ ok: true, type: 'released', holdId: (command as { holdId: string }).holdId, seatIds: [] }))));
    const first = routerA.route('ev1', release('h1'));
    const second = routerA.route('ev1', release('h2'));
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    expect(await routerA.route('ev1', release('h3'))).toMatchObject({ ok: false, code: 'busy', retryAfterMs: 1_000 });
    for (const answer of answers) answer();
    expect(await first).toMatchObject({ ok: true, holdId: 'h1' });
    expect(await second).toMatchObject({ ok: true, holdId: 'h2' });
    expect(routerA.stats().overloaded).toBe(1);
  });

  it('keeps replies with their requests under many concurrent commands across three processes', async () => {
    const names = ids('a', 'b', 'c');
    const random = seededRandom(11);
    const view: View = new Map();
    for (let e = 0; e < 12; e++) view.set(`ev${e}`, { instanceId: names[e % 3], epoch: e + 1 });
    // Owners answer after a random short delay, so replies come back in another order than the requests.
    const delayedOwner =
      (name: string): SubmitLocal =>
      async (eventId, command) => {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 5)));
        return command.type === 'release' ? { ok: true, type: 'released', holdId: command.holdId, seatIds: [name, eventId] } : { ok: false, code: 'internal', message: '?' };
      };
    const started = await Promise.all(names.map((name) => startRouter(name, view, delayedOwner(name))));

    const count = 1_500;
    const calls = Array.from({ length: count }, (_, i) => {
      const from = started[Math.floor(random() * 3)];
      const eventId = `ev${Math.floor(random() * 12)}`;
      return { from, eventId, holdId: `h${i}`, result: from.route(eventId, release(`h${i}`)) };
    });
    const outcomes = await Promise.all(calls.map((call) => call.result));

    outcomes.forEach((outcome, i) => {
      const call = calls[i];
      expect(outcome).toEqual({ ok: true, type: 'released', holdId: call.holdId, seatIds: [view.get(call.eventId)!.instanceId, call.eventId] });
    });
    const totals = started.map((router) => router.stats());
    expect(totals.reduce((n, s) => n + s.routed + s.local, 0)).toBe(count);
    expect(totals.reduce((n, s) => n + s.served, 0)).toBe(totals.reduce((n, s) => n + s.routed, 0));
    expect(totals.reduce((n, s) => n + s.lateReplies + s.timedOut + s.malformed, 0)).toBe(0);
  });

  it('start() fails (and leaves nothing running) when Redis cannot be reached', async () => {
    const [a] = ids('a');
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    await expect(startRouter(a, new Map(), echoOwner(a), { redisUrl: nowhere })).rejects.toThrow();
  });
});

describe('CommandRouter across a Redis restart', () => {
  let own: LocalRedis;
  beforeAll(async () => {
    own = await startRedis();
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('answers unavailable while Redis is down (local commands still run), then routes again after reconnecting', async () => {
    const [a, b, c] = ids('a', 'b', 'c');
    const view: View = new Map([
      ['evA', { instanceId: a, epoch: 1 }],
      ['evB', { instanceId: b, epoch: 1 }],
      ['evC', { instanceId: c, epoch: 1 }],
    ]);
    const extra = { redisUrl: own.url, reconnectMaxMs: 200 };
    const started = [await startRouter(a, view, echoOwner(a), extra), await startRouter(b, view, echoOwner(b), extra), await startRouter(c, view, echoOwner(c), extra)];
    const [routerA] = started;

    // Traffic from every router to every event, running until the restart is over.
    let stop = false;
    const seen: { holdId: string; eventId: string; outcome: Outcome }[] = [];
    let n = 0;
    const random = seededRandom(5);
    const traffic = started.map(async (router) => {
      while (!stop) {
        const eventId = ['evA', 'evB', 'evC'][Math.floor(random() * 3)];
        const holdId = `h${n++}`;
        const outcome = await router.route(eventId, release(holdId));
        seen.push({ holdId, eventId, outcome });
        // Unavailable answers come at once: pace the retries like a client would, only faster.
        await new Promise((resolve) => (outcome.ok ? setImmediate(resolve) : setTimeout(resolve, 5)));
      }
    });
    await vi.waitFor(() => expect(started.every((router) => router.stats().answered > 20)).toBe(true));

    await own.stop();
    await vi.waitFor(() => expect(started.every((router) => !router.connected)).toBe(true));
    expect(await routerA.route('evB', release('down-1'))).toMatchObject({ ok: false, code: 'unavailable' });
    expect(await routerA.route('evA', release('down-2'))).toEqual({ ok: true, type: 'released', holdId: 'down-2', seatIds: [a] });

    await own.restart();
    await vi.waitFor(() => expect(started.every((router) => router.connected)).toBe(true), { timeout: 20_000 });
    expect(await routerA.route('evB', release('up-1'))).toEqual({ ok: true, type: 'released', holdId: 'up-1', seatIds: [b] });
    expect(await routerA.route('evC', release('up-2'))).toEqual({ ok: true, type: 'released', holdId: 'up-2', seatIds: [c] });

    stop = true;
    await Promise.all(traffic);
    // Every call of the traffic was answered, by its own owner or with `unavailable`: nothing hung, nothing crossed.
    for (const { holdId, eventId, outcome } of seen) {
      if (outcome.ok) expect(outcome).toEqual({ ok: true, type: 'released', holdId, seatIds: [view.get(eventId)!.instanceId] });
      else expect(outcome).toMatchObject({ code: 'unavailable', retryAfterMs: 1_000 });
    }
    expect(seen.some((s) => !s.outcome.ok)).toBe(true);
    expect(started.every((router) => router.pendingCount === 0)).toBe(true);
  });

  it('a Redis that hangs (SIGSTOP) costs a routed command its timeout; the owner refuses it when it arrives late', async () => {
    const [a, b] = ids('a', 'b');
    const view: View = new Map([['ev1', { instanceId: b, epoch: 1 }]]);
    const callsB: { eventId: string; command: Command }[] = [];
    const routerA = await startRouter(a, view, echoOwner(a), { redisUrl: own.url, timeoutMs: 300 });
    const routerB = await startRouter(b, view, echoOwner(b, callsB), { redisUrl: own.url, timeoutMs: 300 });
    // A 300 ms bound is tight on a loaded machine: retry until one goes through.
    await vi.waitFor(async () => expect(await routerA.route('ev1', release('before'))).toMatchObject({ ok: true }), { timeout: 20_000 });

    own.process.kill('SIGSTOP');
    let outcome: Outcome;
    try {
      outcome = await routerA.route('ev1', release('stuck'));
    } finally {
      own.process.kill('SIGCONT');
    }
    expect(outcome).toMatchObject({ ok: false, code: 'unavailable' });
    // Redis delivers the PUBLISH it held once it runs again: past its deadline, so B must not run it.
    await vi.waitFor(() => expect(routerB.stats().expired).toBe(1));
    expect(callsB.map((call) => (call.command as { holdId: string }).holdId)).not.toContain('stuck');
    await vi.waitFor(async () => expect(await routerA.route('ev1', release('after'))).toMatchObject({ ok: true }), { timeout: 20_000 });
  });
});
