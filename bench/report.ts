// Turns a results JSON into the terminal table and docs/benchmarks.md.
//   tsx bench/report.ts [bench/results/<file>.json]   regenerates the doc
//   (default: the newest full, non-smoke results file).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DESIGNS, type DesignName } from './baselines';
import { benchDir, projectRoot } from './children';
import { reading } from './reading';
import { clusterSections } from './reportCluster';
import { postgresDesignsText, postgresSections } from './reportPostgres';
import { waitingRoomSections } from './reportWaitingRoom';
import type { SeatMapResult } from './seatmap';
import { fmtInt, fmtMs, fmtRange, summarize } from './stats';
import { fmtRatio, inproc, loadSpread, ratio, table, type BenchResults } from './results';
import { comparisonRows, loadBaseline } from './compare';
import { targets } from './targets';
import { WORKLOADS } from './workloads';

const mark = (met: boolean | null) => (met === null ? '— not measured' : met ? '✅ met' : '❌ missed');

export function sections(r: BenchResults): string[] {
  const parts: string[] = [];
  if (r.inprocess) {
    // PostgreSQL designs have their own tables (bench/reportPostgres.ts).
    const designs = (Object.keys(DESIGNS) as DesignName[]).filter((d) => DESIGNS[d].kind !== 'postgres' && r.inprocess!.results.some((x) => x.design === d));
    const workloads = WORKLOADS.filter((w) => r.inprocess!.results.some((x) => x.workload === w));
    parts.push(
      `### In-process throughput (commands/s, median of ${r.inprocess.runs} runs, min–max)\n\n` +
        table(
          ['Design', ...workloads],
          designs.map((d) => [DESIGNS[d].label, ...workloads.map((w) => { const x = inproc(r, d, w); return x ? fmtRange(x.perSec) : '—'; })]),
        ) +
        Object.entries(r.inprocess.skipped)
          .filter(([d]) => !(d in DESIGNS) || DESIGNS[d as DesignName].kind !== 'postgres')
          .map(([d, why]) => `\n\n${d}: skipped — ${why}`)
          .join('') +
        loadSpread(r.inprocess.results.filter((x) => designs.includes(x.design))),
    );
    const base = designs.filter((d) => !d.startsWith('loop') && !d.startsWith('core'));
    parts.push(
      `### Ratios: the loop's throughput ÷ each baseline's (same run, same durability)\n\n` +
        table(
          ['Loop ÷ baseline', ...workloads],
          base.map((d) => {
            const loop: DesignName = d.endsWith('full') ? 'loop-full' : 'loop-normal';
            return [`${loop} ÷ ${d}`, ...workloads.map((w) => fmtRatio(ratio(r, loop, d, w)))];
          }),
        ),
    );
    const loops = designs.filter((d) => d.startsWith('loop'));
    parts.push(
      '### Batch size and commit time per tick, in-process (median run)\n\n' +
        table(
          ['Design · workload', 'mean batch', 'max batch', 'commit mean ms', 'commit p99 ms', 'expired holds'],
          loops.flatMap((d) =>
            workloads.map((w) => {
              const x = inproc(r, d, w);
              const run = x?.runs.slice().sort((a, b) => a.perSec - b.perSec)[x.runs.length >> 1];
              const st = run?.stats ?? {};
              return [`${d} · ${w}`, fmtInt(st.meanBatch), fmtInt(st.maxBatch), fmtMs(st.meanCommitMs), fmtMs(st.p99CommitMs), fmtInt(st.expired)];
            }),
          ),
        ),
    );
  }
  parts.push(...postgresSections(r));
  if (r.fixes?.length) {
    parts.push(
      '### Profiled fixes, before/after in the same run (see "Profiling")\n\n' +
        'Each row runs the code before the fix (reconstructed inside the bench process) and after it, back to back. "Fix in the code" means the \'after\' column is what ships.\n\n' +
        table(
          ['Experiment', 'before', 'after'],
          r.fixes.map((f) => {
            const fmt = f.unit === 'ms' ? fmtMs : fmtInt;
            return [`${f.what}${f.applied ? ' — fix in the code' : ' — proposed, not in the code'}`, `${fmtRange(f.before, fmt)} ${f.unit}`, `${fmtRange(f.after, fmt)} ${f.unit}`];
          }),
        ),
    );
  }
  if (r.socket) {
    parts.push(
      '### End-to-end over Socket.IO (won holds/s; every won hold is then released)\n\n' +
        'Holds/s counts holds the server granted; "acks/s" also counts its fast refusals (seat taken, or `busy` when the event\'s mailbox is full — the designed backpressure). Latency is hold request → ack, at the client.\n\n' +
        table(
          ['Clients', 'closed loop: holds/s (acks/s)', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'offered/s', 'holds/s (acks/s) at offered', 'busy refusals', 'p99 ms at offered', 'server batch mean / max', 'commit ms mean / p99'],
          r.socket.map((l) => {
            if (l.skipped) return [fmtInt(l.clients), `skipped: ${l.skipped}`, '', '', '', '', '', '', '', '', '', ''];
            const w = l.offered?.windows[l.offered.windows.length >> 1];
            // Share of the hold acks that were `busy` refusals (latency.seen counts every hold ack).
            const seen = w ? ((w.latencyMs as { seen?: number }).seen ?? w.latencyMs.count) : 0;
            const busy = w && seen ? (w.failures.busy ?? 0) / seen : NaN;
            return [
              fmtInt(l.clients),
              `${fmtRange(l.saturation.okHoldsPerSec ?? l.saturation.holdsPerSec)} (${fmtInt(l.saturation.holdsPerSec.median)})`,
              fmtMs(l.saturation.p50.median),
              fmtMs(l.saturation.p95.median),
              fmtMs(l.saturation.p99.median),
              fmtMs(l.saturation.max.median),
              fmtInt(l.offered?.ratePerSec ?? NaN),
              l.offered ? `${fmtRange(l.offered.okHoldsPerSec ?? l.offered.holdsPerSec)} (${fmtInt(l.offered.holdsPerSec.median)})` : '—',
              Number.isFinite(busy) ? `${fmtInt(100 * busy)} %` : '—',
              l.offered ? fmtRange(l.offered.p99, fmtMs) : '—',
              w ? `${fmtInt(w.server.meanBatch)} / ${fmtInt(w.server.maxBatch)}` : '—',
              w ? `${fmtMs(w.server.meanCommitMs)} / ${fmtMs(w.server.p99CommitMs)}` : '—',
            ];
          }),
        ),
    );
  }
  if (r.socket?.some((l) => l.moderate)) {
    parts.push(
      '### End-to-end latency at a rate this box sustains (open loop at half the closed loop\'s granted holds/s)\n\n' +
        table(
          ['Clients', 'offered/s', 'holds/s (acks/s)', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'server CPU %', 'batch mean', 'commit ms mean'],
          r.socket
            .filter((l) => l.moderate)
            .map((l) => {
              const m = l.moderate!;
              const w = m.windows[m.windows.length >> 1]?.server;
              return [fmtInt(l.clients), fmtInt(m.ratePerSec), `${fmtRange(m.okHoldsPerSec ?? m.holdsPerSec)} (${fmtInt(m.holdsPerSec.median)})`, fmtRange(m.p50, fmtMs), fmtRange(m.p95, fmtMs), fmtRange(m.p99, fmtMs), fmtMs(m.max.median), w ? fmtInt(w.cpuPct) : '—', w ? fmtInt(w.meanBatch) : '—', w ? fmtMs(w.meanCommitMs) : '—'];
            }),
        ),
    );
  }
  if (r.fanout) {
    parts.push(
      '### Fan-out (viewers on the arena while holds churn)\n\n' +
        table(
          ['Viewers (joined)', 'join storm s', 'frames delivered/s', 'frames/viewer/s (max)', 'versions/s', 'staleness p50 ms', 'p99 ms', 'max ms', 'heap KB/joined socket'],
          r.fanout.map((l) =>
            l.skipped
              ? [fmtInt(l.viewers), `skipped: ${l.skipped}`, '', '', '', '', '', '', '']
              : [
                  `${fmtInt(l.viewers)} (${fmtInt(l.joined ?? NaN)})`,
                  (l.joinMs / 1000).toFixed(1),
                  fmtRange(l.framesPerSec),
                  `${fmtMs(l.framesPerViewerPerSec.median)} (${fmtMs(l.maxFramesPerViewerPerSec.median)})`,
                  fmtMs(l.versionsPerSec.median),
                  fmtRange(l.p50, fmtMs),
                  fmtRange(l.p99, fmtMs),
                  fmtMs(l.max.median),
                  l.joinedHeapPerSocketKb.toFixed(1),
                ],
          ),
        ),
    );
  }
  if (r.broadcast) {
    parts.push(
      `### Broadcast cost per socket (one ${fmtInt(r.broadcast.frameBytes)}-byte seats:update to every socket of a room; bare Socket.IO server, light viewers in two other processes)\n\n` +
        'Each broadcast is timed around the synchronous call. "Raw write" writes the same WebSocket frame straight to each TCP connection (one `write()` per socket, nothing else): the floor for a per-socket broadcast from Node. CPU is the process\'s own (user + system), per socket.\n\n' +
        table(
          ['Sockets', 'Socket.IO emit p50 ms', 'p99 ms', 'µs/socket', 'CPU µs/socket', 'raw write p50 ms', 'p99 ms', 'µs/socket', 'CPU µs/socket', 'frames delivered'],
          r.broadcast.levels.map((l) => [
            fmtInt(l.sockets),
            fmtMs(l.socketio.ms.p50),
            fmtMs(l.socketio.ms.p99),
            l.socketio.usPerSocket.toFixed(1),
            l.socketio.cpuUsPerSocket.toFixed(1),
            fmtMs(l.raw.ms.p50),
            fmtMs(l.raw.ms.p99),
            l.raw.usPerSocket.toFixed(1),
            l.raw.cpuUsPerSocket.toFixed(1),
            `${fmtInt(l.delivered)} of ${fmtInt(l.expected)}`,
          ]),
        ),
    );
  }
  parts.push(...clusterSections(r));
  if (r.memory) {
    parts.push(
      '### Server memory per connected idle socket (after GC)\n\n' +
        `Baseline with no sockets: RSS ${r.memory.baseline.rssMb.toFixed(0)} MB, heap ${r.memory.baseline.heapMb.toFixed(1)} MB.\n\n` +
        table(
          ['Server', 'Sockets', 'RSS MB', 'heap MB', 'RSS KB/socket', 'heap KB/socket'],
          [
            ...r.memory.levels.map((l) => ['app', fmtInt(l.sockets), l.rssMb.toFixed(0), l.heapMb.toFixed(1), l.rssPerSocketKb.toFixed(1), l.heapPerSocketKb.toFixed(1)]),
            ...(r.memory.bare?.levels ?? []).map((l) => ['bare Socket.IO', fmtInt(l.sockets), l.rssMb.toFixed(0), l.heapMb.toFixed(1), l.rssPerSocketKb.toFixed(1), l.heapPerSocketKb.toFixed(1)]),
          ],
        ) +
        (r.memory.skipped ? `\n\n${r.memory.skipped}` : ''),
    );
  }
  parts.push(...waitingRoomSections(r));
  if (r.best) {
    const b = r.best;
    const us = (n: number) => fmtInt(Math.round(n));
    parts.push(
      `### Best available in the core (${fmtInt(b.seats)}-seat arena; one \`best\` hold command, pick and hold, timed alone)\n\n` +
        table(
          ['Request and arena', 'seats taken', 'picked', 'p50 (µs)', 'p99 (µs)', 'max (µs)', 'picks'],
          b.scenarios.map((s) => [s.name, fmtInt(s.taken), s.tier, us(s.pickUs.p50), us(s.pickUs.p99), us(s.pickUs.max), fmtInt(s.pickUs.count)]),
        ) +
        `\n\nManual holds (uniform workload: 1–4 adjacent seats anywhere, each released again) with the no-orphan rule off: ${fmtInt(b.manualHoldsPerSec.ruleOff)} commands/s; on: ${fmtInt(b.manualHoldsPerSec.ruleOn)} commands/s (median of 5 alternating runs in one process; with the rule on some holds are refused, which changes the mix of commands).`,
    );
  }
  if (r.seatmap) {
    const m = r.seatmap;
    parts.push(
      '### Seat map in headless Chromium\n\n' +
        (m.skipped
          ? `Skipped: ${m.skipped}.`
          : table(
              ['Figure', 'median (min–max)'],
              [
                ['navigation → first full render (ms)', fmtRange(m.firstRenderMs!, fmtMs)],
                ['· HTML received (ms after navigation)', fmtRange(summarize(m.runs!.map((x) => x.htmlMs)), fmtMs)],
                ['· DOMContentLoaded (ms)', fmtRange(summarize(m.runs!.map((x) => x.domContentLoadedMs)), fmtMs)],
                ['· layout JSON requested (ms)', fmtRange(summarize(m.runs!.map((x) => x.layoutFetchStartMs)), fmtMs)],
                ['· layout JSON received (ms)', fmtRange(summarize(m.runs!.map((x) => x.layoutFetchEndMs)), fmtMs)],
                ['· layout JSON size (KB, compressed if served so)', fmtRange(summarize(m.runs!.map((x) => x.layoutKb)), fmtInt)],
                ...milestoneRows(m),
                ['first draw itself (ms; the early frame includes parsing and indexing the layout)', fmtRange(m.drawMs!, fmtMs)],
                ['frame time p50 while streaming (ms)', fmtRange(m.frameP50!, fmtMs)],
                ['frame time p99 while streaming (ms)', fmtRange(m.frameP99!, fmtMs)],
                ['frame time max while streaming (ms)', fmtRange(m.frameMax!, fmtMs)],
                ['seat updates/s streamed', fmtRange(m.seatUpdatesPerSec!)],
              ],
            )),
    );
  }
  return parts;
}

/** The page's own performance marks (absent from runs made before they existed). */
function milestoneRows(m: SeatMapResult): string[][] {
  const rows: [string, (x: NonNullable<SeatMapResult['runs']>[number]) => number][] = [
    ['· layout JSON read by the page (ms)', (x) => x.layoutParsedMs],
    ['· availability snapshot received over HTTP (ms)', (x) => x.availabilityFetchEndMs],
    ['· early map script running (ms)', (x) => x.earlyScriptMs],
    ['· early frame drawn, before React (ms)', (x) => x.earlyDrawnMs],
    ['· page hydrated (ms)', (x) => x.hydratedMs],
    ['· seat index built (ms)', (x) => x.layoutIndexedMs],
    ['· interactive map drawn by the page (ms)', (x) => x.pageDrawnMs],
  ];
  return rows.flatMap(([label, pick]) => {
    const values = (m.runs ?? []).map(pick).filter((v) => Number.isFinite(v));
    return values.length ? [[label, fmtRange(summarize(values), fmtMs)]] : [];
  });
}

export function printTable(r: BenchResults): string {
  const t = targets(r);
  return `\n${sections(r).join('\n\n')}\n\n### Targets\n\n${table(['Target', 'Measured', ''], t.map((x) => [x.target, x.measured, mark(x.met)]))}\n`;
}

export function renderDoc(r: BenchResults, file: string): string {
  const m = r.machine;
  const minutes = Math.max(1, Math.round((r.durationMs ?? Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 60_000));
  const t = targets(r);
  return `# Benchmarks

<!-- Generated by bench/report.ts from ${relative(projectRoot, file)}. Do not edit by hand: run \`npm run bench\` (or \`npx tsx bench/report.ts <results.json>\`). -->

Measured ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC with \`${r.command}\` (${minutes} min in all)${r.mergedFrom ? `; other sections kept from ${r.mergedFrom.replace(/, re-ran.*/, '')}` : ''}.

## Machine

${m.cpus} × ${m.cpuModel}, ${m.memGb} GiB RAM, ${m.os}; Node ${m.node}; SQLite ${m.sqlite} (better-sqlite3, WAL); fsync of 4 KiB in the temp dir ${fmtMs(m.fsyncMs)} ms (median); ${m.redis ? `redis-server ${m.redis}` : 'no redis-server'}; ${m.postgres ? `PostgreSQL ${m.postgres} (fsync and synchronous_commit on)` : 'no PostgreSQL'}; ${m.chromium ?? 'no Chromium'}; open-file limit ${fmtInt(m.fdLimit)}; load average at start ${m.loadAvgAtStart.join(' / ')}.

${loadText(r)}**Everything runs on this one machine.** The server, the load generators (separate processes, so they never share the server's event loop) and Chromium compete for the same ${m.cpus} cores; end-to-end, fan-out and seat-map figures include that contention, and client-side receive time is part of every latency.

## How to run

\`\`\`sh
npm run bench                      # everything (~${minutes} min), writes bench/results/<time>.json and this file
npm run bench -- --only inprocess  # sections: inprocess, best, fixes, socket, memory, fanout, broadcast, waitingroom, seatmap, cluster
npm run bench -- --only fanout --merge bench/results/<full>.json   # re-run one section of a full run
npm run bench -- --only inprocess --designs loop-full,txn-full --workloads hot
npm run bench:smoke                # seconds; proves the bench works, asserts nothing about speed
npx tsx bench/report.ts            # regenerate this file from the newest results JSON
\`\`\`

The seat-map section needs \`npm run build\` first. The Redis baseline uses Debian's \`redis-server\` (installed with apt-get when missing and running as root; skipped with a message otherwise). The PostgreSQL designs and the waiting room's PostgreSQL rows start Debian's PostgreSQL themselves (\`apt-get install postgresql\`; skipped with a message when it is missing).

## What is compared

${designsText(r)}

## Results

${sections(r).join('\n\n')}

${beforeAfter(r)}## Targets

${table(['Target', 'Measured', ''], t.map((x) => [x.target, x.measured, mark(x.met)]))}

${reading(r)}
`;
}

/** The spread of the load average over a table's design × workload runs (when recorded). */

/** How busy the shared box was during each section, and a warning when it was oversubscribed. */
function loadText(r: BenchResults): string {
  const load = r.load;
  if (!load || Object.keys(load).length === 0) return '';
  const cpus = r.machine.cpus;
  const entries = Object.entries(load);
  const worst = Math.max(...entries.map(([, l]) => l.mean));
  const list = entries.map(([name, l]) => `${name} ${l.min.toFixed(1)}–${l.max.toFixed(1)} (mean ${l.mean.toFixed(1)})`).join(', ');
  const warning =
    worst > 1.5 * cpus
      ? ` **This box was shared and oversubscribed during the run**: other work on the same box kept the load average up to ${(worst / cpus).toFixed(0)}× the ${cpus} cores, and this run ran at \`nice -n 10\` beneath it. Read absolute figures as what the bench got of the machine, not what the machine can do; ratios measured within one section (the same load, back to back) are the fairer reading, and comparisons with runs made on a quiet box mostly measure the load.`
      : '';
  return `1-minute load average during each section (min–max, sampled every 5 s): ${list}.${warning}\n\n`;
}

/** Headline figures of the committed baseline run (before the profiled fixes) next to this run's. */
function beforeAfter(r: BenchResults): string {
  const before = loadBaseline();
  if (!before || before.startedAt === r.startedAt) return '';
  const rows = comparisonRows(before, r);
  if (!rows.length) return '';
  const loads = Object.values(r.load ?? {}).map((l) => l.mean);
  const busiest = loads.length ? Math.max(...loads) : r.machine.loadAvgAtStart[0];
  const oversubscribed = busiest > 1.5 * r.machine.cpus && busiest > 2 * before.machine.loadAvgAtStart[0];
  return `## Before/after the profiled fixes

"Before" is the full run of ${before.startedAt.slice(0, 16).replace('T', ' ')} UTC on this machine (kept in \`bench/baseline/\`), made before the fixes listed under "Profiling" (load average at its start ${before.machine.loadAvgAtStart.join(' / ')}); "after" is this run. Both share the machine's noise, so read changes under about 1.2× as noise.${
    oversubscribed
      ? ` **Not this time:** this run's box carried a load average of up to ${busiest.toFixed(0)} against ${before.machine.loadAvgAtStart[0]} for the "before" run, so the "after" column measures mostly how little of the machine this run got; the comparison only means something between runs on equally quiet boxes.`
      : ''
  } The baselines use the project's batch writer, so the write-path fixes made them faster too: a loop ÷ baseline ratio compares designs within one run, not across runs.

${table(['Figure', 'before', 'after', ''], rows)}

`;
}

function designsText(r: BenchResults): string {
  const ip = r.inprocess;
  return `All designs keep the same semantics — all-or-nothing holds with a TTL, confirm, release, expiry — and the same schema and rows (on SQLite the project's own \`db/sqlite/batchWriter.ts\`, including the audit rows), on a fresh file database with the demo arena (22,212 seats) for every run.

- **Loop core in memory** — \`SeatBook.apply\` in a tight loop, batches taken every 1,024 commands; no I/O. Bench ids are counters; the "crypto-random ids" row uses the production id source.
- **Reservation loop** — the project's design: one loop per event, mailbox, one transaction per tick (≤ 1,024 commands), replies after commit. \`synchronous=NORMAL\` and \`FULL\` (the production default: an acked order survives power loss).
- **Transaction per request** — each request runs its own \`BEGIN IMMEDIATE … COMMIT\` that reads the seat rows (holds, tickets), checks, writes, commits; expired holds are ended lazily and by a 100 ms sweeper.
- **Per-seat locks** — seat state in memory; a request takes async per-seat mutexes in sorted order, checks in memory, writes its own transaction, unlocks. Conflicts are rejected from memory.
- **Redis lease** — \`SET seat NX PX ttl\` per seat against a private redis-server (all-or-nothing with compensation), hold record in Redis with the same TTL, expiry by Redis; a confirm flips the seat keys to "sold" with a Lua check-and-set and writes the order and tickets to SQLite in its own transaction. Holds are not written to SQLite and the per-buyer limit is not enforced here (both favour this baseline).

Workloads (seeded mulberry32, reproducible): **uniform** — 1–4 adjacent seats anywhere; **hot** — 80 % of holds aim at the best 500 seats (front rows of Floor A/B), 20 % anywhere; in both, every won hold is released again. **mixed** — uniform seats, a won hold is confirmed (10 %), released (50 %) or abandoned to expire (40 %, TTL 500 ms); bounded to ${fmtInt(ip?.mixedMaxCommands ?? NaN)} commands per run so the arena never sells out. ${fmtInt(ip?.clients ?? NaN)} virtual buyers, one command in flight each (closed loop); a run stops after ${ip ? `${(ip.maxMs / 1000).toFixed(1)} s` : '—'} (the in-memory core: three times that) or its command budget; every reply counts as a command (rejections included: a fast "seats unavailable" is part of what a design must do). Each design × workload runs in its own process: one warm-up run, then ${ip?.runs ?? '—'} measured runs.${postgresDesignsText(r)}`;
}

export function writeDocs(r: BenchResults, file: string): string {
  const out = join(projectRoot, 'docs', 'benchmarks.md');
  writeFileSync(out, renderDoc(r, file));
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = join(benchDir, 'results');
  const file =
    process.argv[2] ??
    join(
      dir,
      readdirSync(dir)
        .filter((f) => f.endsWith('.json') && !f.includes('smoke'))
        .sort()
        .at(-1) ?? '',
    );
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  process.stdout.write(printTable(results));
  console.error(`docs: ${writeDocs(results, file)}`);
}
