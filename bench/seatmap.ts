// Seat map in headless Chromium (Playwright): time from navigation to the
// first full render of the 20,000-seat arena (the UI's own performance marks,
// relative to navigation start: 'seatmap-early-draw-end' from the script that
// draws before React, or 'seatmap-page-draw-end' from the page's map if that
// came first; see components/SeatMap/firstDrawMarks.ts), then the frame time
// (requestAnimationFrame deltas) while ~1,000 seat updates/s stream in from a
// separate buyer process. Needs `npm run build` (the Next build and
// public/seatmap-early.js).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, forkTs, projectRoot } from './children';
import { connectAll, holdWindow, startServer, type Cluster } from './socketLoad';
import { percentiles, summarize, type Percentiles, type Summary } from './stats';

export interface SeatMapRun {
  firstRenderMs: number;
  /** Milestones relative to navigation start: HTML received, DOMContentLoaded, layout JSON received. */
  htmlMs: number;
  domContentLoadedMs: number;
  layoutFetchStartMs: number;
  layoutFetchEndMs: number;
  layoutKb: number;
  /** Milestones from the page's own performance marks (NaN when absent): the layout JSON parsed, the event page mounted (hydrated), the seat index built. */
  layoutParsedMs: number;
  hydratedMs: number;
  layoutIndexedMs: number;
  /** The availability snapshot (HTTP) received; NaN when the page did not request it. */
  availabilityFetchEndMs: number;
  /** The early script (public/seatmap-early.js) started running; NaN when it did not. */
  earlyScriptMs: number;
  /** The early script's frame drawn (before React); NaN when it did not draw. */
  earlyDrawnMs: number;
  /** The page's interactive map drawn (after hydration). */
  pageDrawnMs: number;
  /** How long the first full draw took (for the early frame: parsing and indexing the layout too). */
  drawMs: number;
  seatCount: number;
  frames: Percentiles;
  longTasks: number;
  versionsSeen: number;
  seatUpdatesPerSec: number;
}

export interface SeatMapResult {
  skipped?: string;
  /** Size of public/seatmap-early.js, KB (uncompressed). */
  earlyScriptKb?: number;
  /**
   * Optional, added by hand to a results file: the same bench run against other code
   * (e.g. the commit before a change), interleaved with these runs under the same load.
   */
  interleavedBaseline?: { label: string; firstRenderMs: Summary; runs: number };
  firstRenderMs?: Summary;
  drawMs?: Summary;
  frameP50?: Summary;
  frameP99?: Summary;
  frameMax?: Summary;
  seatUpdatesPerSec?: Summary;
  runs?: SeatMapRun[];
}

export interface SeatMapOptions {
  runs: number;
  windowMs: number;
  seatUpdatesPerSec: number;
  log: (s: string) => void;
}

const MEAN_SEATS_PER_HOLD = 2.25;

interface FrameReport {
  deltas: number[];
  longTasks: number;
  versions: number;
}

// Runs in the page. A plain string: the bundler's helpers must not leak into it.
const FRAME_PROBE = `(ms) => new Promise((resolve) => {
  const deltas = [];
  let longTasks = 0;
  const observer = new PerformanceObserver((list) => { longTasks += list.getEntries().length; });
  try { observer.observe({ entryTypes: ['longtask'] }); } catch {}
  const canvas = document.querySelector('canvas[data-seat-count]');
  const v0 = Number(canvas?.dataset.version ?? 0);
  const end = performance.now() + ms;
  let last = performance.now();
  const tick = (t) => {
    deltas.push(t - last);
    last = t;
    if (t < end) requestAnimationFrame(tick);
    else { observer.disconnect(); resolve({ deltas, longTasks, versions: Number(canvas?.dataset.version ?? 0) - v0 }); }
  };
  requestAnimationFrame(tick);
})`;

export async function runSeatMap(opts: SeatMapOptions): Promise<SeatMapResult> {
  if (!existsSync(join(projectRoot, '.next', 'BUILD_ID')) || !existsSync(join(projectRoot, 'public', 'seatmap-early.js'))) {
    return { skipped: 'UI not built (run `npm run build` first)' };
  }
  const executablePath = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  let chromium: typeof import('@playwright/test').chromium;
  try {
    ({ chromium } = await import('@playwright/test'));
  } catch {
    return { skipped: '@playwright/test is not installed' };
  }
  const { url, server } = await startServer({ synchronous: 'FULL', withNext: true });
  const churner = forkTs(join(benchDir, 'loadWorker.ts'), []);
  const browser = await chromium
    .launch({ ...(executablePath ? { executablePath } : {}), args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
    .catch((error: unknown) => error as Error);
  try {
    if (browser instanceof Error) return { skipped: `Chromium did not start: ${browser.message.split('\n')[0]}` };
    await churner.next('ready');
    const cluster: Cluster = { url, server, workers: [churner], stop: async () => {} };
    await connectAll(cluster, 50);
    const runs: SeatMapRun[] = [];
    for (let r = -1; r < opts.runs; r++) {
      // The page's Content-Security-Policy has no 'unsafe-eval', and Playwright's polling predicates and
      // string probes are evaluated with it: bypassCSP lets the bench's own probes run (the page is unchanged).
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${url}/events/demo-arena`, { waitUntil: 'commit', timeout: 120_000 });
      await page.waitForFunction(
        "performance.getEntriesByName('seatmap-early-draw-end').length > 0 || performance.getEntriesByName('seatmap-page-draw-end').length > 0",
        undefined,
        { timeout: 120_000, polling: 'raf' },
      );
      // Then the page's own, interactive map (it replaces the early frame) with a live snapshot.
      await page.waitForFunction(
        "performance.getEntriesByName('seatmap-page-draw-end').length > 0 && document.querySelector('canvas[data-seat-count][data-version]') !== null",
        undefined,
        { timeout: 120_000, polling: 'raf' },
      );
      const first = await page.evaluate<Omit<SeatMapRun, 'frames' | 'longTasks' | 'versionsSeen' | 'seatUpdatesPerSec'> & { version: number }>(`(() => {
        const draws = ['early', 'page'].map((source) => performance.getEntriesByName('seatmap-' + source + '-draw')[0]).filter(Boolean);
        const firstDraw = draws.sort((a, b) => a.startTime + a.duration - (b.startTime + b.duration))[0];
        const canvas = document.querySelector('canvas[data-seat-count]');
        const nav = performance.getEntriesByType('navigation')[0];
        const layout = performance.getEntriesByType('resource').filter((e) => /\\/api\\/events\\/[^/]+$/.test(new URL(e.name).pathname))[0];
        const availability = performance.getEntriesByType('resource').filter((e) => /\\/api\\/events\\/[^/]+\\/(availability|statuses)$/.test(new URL(e.name).pathname))[0];
        const markAt = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
        return {
          htmlMs: nav ? nav.responseEnd : NaN,
          domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : NaN,
          layoutFetchStartMs: layout ? layout.startTime : NaN,
          layoutFetchEndMs: layout ? layout.responseEnd : NaN,
          layoutKb: layout ? (layout.encodedBodySize || layout.transferSize) / 1024 : NaN,
          layoutParsedMs: markAt('seatline-preload-event'),
          hydratedMs: markAt('seatline-event-page-mounted'),
          layoutIndexedMs: markAt('seatmap-layout-indexed'),
          availabilityFetchEndMs: availability ? availability.responseEnd : NaN,
          earlyScriptMs: markAt('seatmap-early-script'),
          earlyDrawnMs: markAt('seatmap-early-draw-end'),
          pageDrawnMs: markAt('seatmap-page-draw-end'),
          firstRenderMs: firstDraw.startTime + firstDraw.duration,
          drawMs: firstDraw.duration,
          seatCount: Number(canvas?.dataset.seatCount ?? 0),
          version: Number(canvas?.dataset.version ?? -1),
        };
      })()`);
      // Frame times while seat updates stream in.
      const framesDone = page.evaluate<FrameReport>(`(${FRAME_PROBE})(${opts.windowMs})`);
      framesDone.catch(() => {}); // awaited below; do not let it go unhandled meanwhile
      const churn = await holdWindow(cluster, {
        mode: 'open',
        ratePerSocket: opts.seatUpdatesPerSec / (2 * MEAN_SEATS_PER_HOLD) / 50,
        durationMs: opts.windowMs,
        workload: 'uniform',
      });
      const frames = await framesDone;
      await context.close();
      if (r < 0) continue; // warm-up: Next compiles/caches routes on first hit
      runs.push({
        ...first,
        frames: percentiles(frames.deltas.slice(1)),
        longTasks: frames.longTasks,
        versionsSeen: frames.versions,
        seatUpdatesPerSec: churn.okHoldsPerSec * 2 * MEAN_SEATS_PER_HOLD,
      });
      const at = (ms: number) => (Number.isNaN(ms) ? '–' : ms.toFixed(0));
      opts.log(
        `  run ${r + 1}: first render ${first.firstRenderMs.toFixed(0)} ms (html ${at(first.htmlMs)}, layout ${at(first.layoutFetchEndMs)}` +
          `, parsed ${at(first.layoutParsedMs)}, availability ${at(first.availabilityFetchEndMs)}, hydrated ${at(first.hydratedMs)}` +
          `, indexed ${at(first.layoutIndexedMs)}, draw ${first.drawMs.toFixed(0)}; early frame ${at(first.earlyDrawnMs)}, page's map ${at(first.pageDrawnMs)})` +
          `, frame p99 ${runs.at(-1)!.frames.p99.toFixed(1)} ms`,
      );
    }
    const pick = (f: (r: SeatMapRun) => number) => summarize(runs.map(f));
    return {
      earlyScriptKb: statSync(join(projectRoot, 'public', 'seatmap-early.js')).size / 1024,
      firstRenderMs: pick((r) => r.firstRenderMs),
      drawMs: pick((r) => r.drawMs),
      frameP50: pick((r) => r.frames.p50),
      frameP99: pick((r) => r.frames.p99),
      frameMax: pick((r) => r.frames.max),
      seatUpdatesPerSec: pick((r) => r.seatUpdatesPerSec),
      runs,
    };
  } finally {
    if (!(browser instanceof Error)) await browser.close();
    await churner.stop();
    await server.stop();
  }
}
