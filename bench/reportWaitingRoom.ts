// The waiting-room part of docs/benchmarks.md (issue 12): admission steps
// with many people waiting, join storms and queue:update fan-out. Every
// figure comes from the results file.
import type { QueueLoadResult } from './queueLoad';
import type { BenchResults } from './results';
import { table } from './results';
import { fmtInt, fmtMs, fmtRange } from './stats';
import type { Target } from './results';

const bytes = (n: number) => (Number.isFinite(n) ? `${fmtInt(n)} B` : '—');

export function waitingRoomSections(r: BenchResults): string[] {
  const w = r.waitingRoom;
  if (!w) return [];
  const { admission, queue } = w;
  const parts: string[] = [];
  parts.push(
    `### Waiting room: one admission step with many people waiting (in the store, the real ticker, fake clock)\n\n` +
      `The room admits ${fmtInt(admission.admitPerMinute)} buyers a minute, one step every ${fmtInt(admission.stepIntervalMs)} ms (the server's default), so each step admits ${fmtInt(admission.cases[0]?.admittedPerStep ?? NaN)}. "Opening" is the first step: it numbers the whole pre-queue in shuffle order, in transactions of 5,000 rows. The breakdown is the mean time per step in each store call.${w.postgresSkipped ? ` PostgreSQL: skipped (${w.postgresSkipped}).` : ''}\n\n` +
      table(
        ['Store · waiting', 'opening ms', 'step p50 ms', 'step p99 ms', 'step max ms', 'where a step goes (mean ms)', 'queue:update bytes'],
        admission.cases.map((c) => [
          `${c.store} · ${fmtInt(c.waiting)}`,
          fmtMs(c.openMs),
          fmtMs(c.stepMs.p50),
          fmtMs(c.stepMs.p99),
          fmtMs(c.stepMs.max),
          c.breakdown
            .slice(0, 4)
            .map(([name, ms]) => `${name} ${fmtMs(ms)}`)
            .join(', '),
          fmtInt(c.updateBytes),
        ]),
      ),
  );
  parts.push(
    '### Waiting room: join storms over HTTP (the real server, loopback)\n\n' +
      'Each member is a new visitor: `POST /api/session`, then `POST /api/events/:id/queue` (the two phases timed apart, 32 requests in flight per load process). Heap is the server\'s after GC.\n\n' +
      table(
        ['Phase', 'members', 'sessions/s', 'joins/s', 'join p50 ms', 'join p99 ms', 'failed'],
        queue.storms.map((s) => [s.phase === 'pre_queue' ? 'before opening (pre-queue)' : 'open room (numbered on arrival)', fmtInt(s.members), fmtInt(s.sessionsPerSec), fmtInt(s.joinsPerSec), fmtMs(s.latencyMs.p50), fmtMs(s.latencyMs.p99), fmtInt(s.failed)]),
      ) +
      `\n\nOpening with ${fmtInt(queue.storms[0]?.members ?? NaN)} in the pre-queue took ${fmtMs(queue.openingMs)} ms from the organizer's request to the committed opening. Server heap per waiting member after both storms: ${bytes(queue.heapPerMemberBytes)}${queue.heapPerWaitingBytes !== undefined ? `; over the whole queue of ${fmtInt(queue.storms.reduce((n, st) => n + st.members, 0) + (queue.seeded ?? 0))} once the rest was put in (below): ${bytes(queue.heapPerWaitingBytes)}` : ''}.`,
  );
  parts.push(
    `### Waiting room: queue:update fan-out to waiting sockets (${fmtInt(queue.waiting)} waiting)\n\n` +
      `After the storms, ${fmtInt(queue.seeded ?? 0)} more people were put at the end of the queue straight in the store (numbered as arrivals; the storms above measure joining, this only makes the queue long). The room admits ${fmtInt(queue.admitPerMinute)} a minute, so "now serving" moves every step and every step broadcasts. Light websocket clients join the queue over Socket.IO (\`queue:join\`) and time every \`queue:update\` against the \`at\` the server stamped on it when the step broadcast it (same machine clock).\n\n` +
      table(
        ['Sockets in the queue', 'queue:join/s', 'heap KB per socket', 'frames delivered/s', 'frames/socket/s', 'updates/s', 'lag p50 ms', 'lag p99 ms', 'lag max ms', 'still connected'],
        queue.fanout.map((l) =>
          l.skipped
            ? [fmtInt(l.sockets), `skipped: ${l.skipped}`, '', '', '', '', '', '', '', '']
            : [
                fmtInt(l.sockets),
                fmtInt(l.socketJoinsPerSec),
                l.heapPerSocketKb.toFixed(1),
                fmtRange(l.framesPerSec),
                fmtMs(l.framesPerSocketPerSec.median),
                fmtMs(l.updatesPerSec.median),
                fmtRange(l.lagP50, fmtMs),
                fmtRange(l.lagP99, fmtMs),
                fmtMs(l.lagMax.median),
                fmtInt(l.alive),
              ],
        ),
      ),
  );
  return parts;
}

export function waitingRoomTargets(r: BenchResults): Target[] {
  const q = r.waitingRoom?.queue;
  const members = q ? q.storms.reduce((n, s) => n + s.members, 0) : 0;
  const top = q?.fanout.filter((l) => !l.skipped).at(-1);
  return [
    {
      target: 'Waiting room: 100,000 waiting members with ≤ 2 KB server heap each',
      measured: q
        ? `${fmtInt(q.waiting)} waiting: ${q.heapPerWaitingBytes !== undefined ? `${bytes(q.heapPerWaitingBytes)} heap per member over the whole queue, ` : ''}${bytes(q.heapPerMemberBytes)} per member over the ${fmtInt(members)} who joined over HTTP (without sockets)`
        : 'not run',
      met: q ? q.waiting >= 100_000 && Math.max(q.heapPerMemberBytes, q.heapPerWaitingBytes ?? 0) <= 2048 : null,
    },
    {
      target: 'Waiting room: position updates ≤ 1 s behind',
      measured: top
        ? `queue:update lag p99 ${fmtRange(top.lagP99, fmtMs)} ms at ${fmtInt(top.sockets)} sockets with ${fmtInt(q!.waiting)} waiting; an update every ${fmtInt(1000 / top.updatesPerSec.median)} ms (the ticker's step is ${fmtInt(q!.stepMs)} ms)`
        : 'not run',
      met: top ? top.lagP99.median <= 1000 : null,
    },
  ];
}

export function waitingRoomReading(r: BenchResults): string {
  const w = r.waitingRoom;
  if (!w) return '';
  const { admission, queue } = w;
  const at = (store: string, waiting: number) => admission.cases.find((c) => c.store === store && c.waiting === waiting);
  const sizes = [...new Set(admission.cases.map((c) => c.waiting))].sort((a, b) => a - b);
  const [small, large] = [sizes[0], sizes.at(-1)!];
  const steps = (['sqlite', 'postgres'] as const)
    .map((store) => {
      const mine = admission.cases.filter((c) => c.store === store).sort((a, b) => a.waiting - b.waiting);
      if (mine.length === 0) return '';
      const top = mine.at(-1)!.breakdown[0];
      return `on ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} a step took p50 ${mine.map((c) => `${fmtMs(c.stepMs.p50)} ms with ${fmtInt(c.waiting)} waiting`).join(' and ')} (largest item at ${fmtInt(mine.at(-1)!.waiting)}: ${top ? `${top[0]}, ${fmtMs(top[1])} ms` : '—'}), and opening took ${mine.map((c) => `${fmtMs(c.openMs)} ms`).join(' and ')}`;
    })
    .filter(Boolean);
  const levels = queue.fanout.filter((l) => !l.skipped);
  return `**Waiting room.** The admission step reads the room, numbers stragglers, counts who is waiting and shopping, admits the next batch in one guarded transaction, and stores its figures: ${steps.join('; ') || 'see the table'}. Counting is linear in the queue (\`counts()\` scans the waiting index twice per step), the rest is per admitted buyer. ${openingReading(w.admission.cases, small, large)} Over the network, ${queue.storms.map((s) => `${fmtInt(s.members)} joins ${s.phase === 'pre_queue' ? 'before opening' : 'into the open room'} ran at ${fmtInt(s.joinsPerSec)}/s (p99 ${fmtMs(s.latencyMs.p99)} ms)`).join(' and ')}; a join keeps nothing in the server's memory — the place is a row in the store — and the heap grew ${bytes(queue.heapPerMemberBytes)} per member${queue.heapPerMemberBytes <= 2048 ? '' : ' (garbage not yet collected and caches that do not grow with the queue count here too)'}. What a waiting buyer costs the server is their socket, if they keep one open: ${levels.map((l) => `${l.heapPerSocketKb.toFixed(1)} KB per socket at ${fmtInt(l.sockets)}`).join(', ')} (the same per-socket cost as in "Memory"). One queue:update is broadcast per step to the event's queue room, never one message per member: ${levels.map((l) => `${fmtInt(l.sockets)} sockets received ${fmtInt(l.framesPerSec.median)} frames/s, lag p50 ${fmtMs(l.lagP50.median)} / p99 ${fmtMs(l.lagP99.median)} ms`).join('; ')}, with ${fmtInt(queue.waiting)} people waiting. ${intervalReading(levels, queue.stepMs)}`;
}

/** Opening the room: how its cost grows with the pre-queue (db/waitingRoomOpening.ts). */
function openingReading(cases: NonNullable<BenchResults['waitingRoom']>['admission']['cases'], small: number, large: number): string {
  const growth = (store: 'sqlite' | 'postgres') => {
    const a = cases.find((c) => c.store === store && c.waiting === small);
    const b = cases.find((c) => c.store === store && c.waiting === large);
    if (!a || !b || a === b) return '';
    return `on ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${fmtMs(a.openMs)} ms for ${fmtInt(small)} and ${fmtMs(b.openMs)} ms for ${fmtInt(large)} (${(b.openMs / a.openMs).toFixed(0)}× for ${(large / small).toFixed(0)}× the people)`;
  };
  const figures = [growth('sqlite'), growth('postgres')].filter(Boolean);
  if (figures.length === 0) return '';
  return `Opening reads the pre-queue a page at a time, ranks it by shuffle key in the process and writes the ranks by primary key in join order, 5,000 rows per transaction with a turn of the event loop between transactions (one prepared single-row UPDATE per row on SQLite, UPDATE … FROM (VALUES …) of up to 1,000 rows on PostgreSQL): ${figures.join('; ')}. On SQLite that is many short synchronous blocks, not one: the longest is the in-process sort of the keys. An opening cut short is completed by the next one, in the same order.`;
}

/** Why a waiting-room target was missed (this run's figures). */
export function explainWaitingRoom(target: string, r: BenchResults): string {
  const w = r.waitingRoom;
  if (!w) return '';
  const biggest = w.admission.cases.filter((c) => c.store === 'sqlite').sort((a, b) => b.waiting - a.waiting)[0];
  if (target.includes('heap')) {
    const members = w.queue.storms.reduce((n, s) => n + s.members, 0);
    return `Measured over ${fmtInt(members)} members who joined over HTTP (heap after GC before the first storm and after the second). A join leaves nothing in the server's memory by design — QueueService keeps no per-member state, the place is a row in the store — so what this figure holds is what the storms left behind that GC had not returned (HTTP parser and socket pools, the store's statement cache, V8's own bookkeeping), not a cost per member; the people put straight into the store for the fan-out add none. A waiting buyer who keeps a socket open costs that socket (see the fan-out table), which is where the memory of a waiting room goes.`;
  }
  if (target.includes('behind')) {
    const top = w.queue.fanout.filter((l) => !l.skipped).at(-1);
    return `The ticker runs on the server's one event loop, and the embedded store executes each statement synchronously: a step at ${fmtInt(biggest?.waiting ?? NaN)} waiting took p50 ${fmtMs(biggest?.stepMs.p50 ?? NaN)} ms, p99 ${fmtMs(biggest?.stepMs.p99 ?? NaN)} ms in the store alone (the admission table: \`counts()\` scans the waiting index twice per step, so it grows with the queue), and then the update is written to ${fmtInt(top?.sockets ?? NaN)} sockets one by one on the same thread, while the load generators take the other core. Counting from the room's row instead of the index (the joins already keep figures there) would take the queue length out of the step.`;
  }
  return '';
}

/** How old a displayed position gets: the time between updates plus their lag. */
function intervalReading(levels: QueueLoadResult['fanout'], stepMs: number): string {
  const slow = levels.filter((l) => l.updatesPerSec.median < (0.95 * 1000) / stepMs);
  const base = `A displayed position is at most one interval between updates plus that lag old.`;
  if (slow.length === 0) return `${base} Updates came once per step (${fmtInt(stepMs)} ms).`;
  return `${base} The ticker schedules its next step ${fmtInt(stepMs)} ms after the previous one ends, so a busy server stretches the interval: ${slow
    .map((l) => `at ${fmtInt(l.sockets)} sockets updates came ${fmtMs(l.updatesPerSec.median)} times a second (every ${fmtInt(1000 / l.updatesPerSec.median)} ms)`)
    .join(', ')}.`;
}
