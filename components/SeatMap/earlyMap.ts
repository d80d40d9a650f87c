// The seat map's first frame, before React: the entry of public/seatmap-early.js
// (scripts/buildEarlyMap.ts), which the page's inline preload script adds on a
// full load of /events/:id (see lib/client/preload.ts). It waits for the layout
// and availability that script requested and draws them, with the page's own
// renderer, into the placeholder the server rendered (EarlyMapHost): at once,
// in the same task that hands the responses over, not after the framework has
// started and hydrated the page. The event page replaces the placeholder with its
// interactive SeatMap once React has mounted; until then this frame is what the
// buyer sees. No React, zod or Socket.IO here: they are what it gets ahead of.
import type { EventDetail, StatusesSnapshot } from '../../lib/protocol';
import { EARLY_MAP_HOST_ID, parsedBody, peekPreloaded, preloadedEventId, type PreloadedResponse } from '../../lib/client/preload';
import { SeatIndex } from '../../lib/client/seatIndex';
import { SeatStatusStore } from '../../lib/client/seatStatusStore';
import { recordDraw } from './firstDrawMarks';
import { SeatMapRenderer } from './SeatMapRenderer';

function okBody<T>(res: PreloadedResponse | null | undefined): T | null {
  const body = res && res.status === 200 ? (parsedBody(res) as ({ ok?: boolean } & T) | undefined) : undefined;
  return body?.ok === true ? body : null;
}

/** The placeholder once the parser has produced it; null if React has already replaced it. */
function hostElement(): Promise<HTMLElement | null> {
  const found = document.getElementById(EARLY_MAP_HOST_ID);
  if (found || document.readyState !== 'loading') return Promise.resolve(found);
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(document.getElementById(EARLY_MAP_HOST_ID)), { once: true }));
}

/** Resolves once every stylesheet applies, so that the placeholder has its real size. */
function stylesApplied(): Promise<unknown> {
  const pending = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].filter((link) => !link.sheet);
  return Promise.all(pending.map((link) => new Promise((resolve) => link.addEventListener('load', resolve, { once: true }))));
}

function layerCanvas(host: HTMLElement): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-hidden', 'true');
  canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;display:block';
  host.appendChild(canvas);
  return canvas;
}

async function drawEarlyMap(): Promise<void> {
  const eventId = preloadedEventId();
  const pending = eventId ? [peekPreloaded(eventId, 'event'), peekPreloaded(eventId, 'statuses')] : [];
  if (!pending[0] || !pending[1]) return; // the page took them already: it draws by itself
  const [eventRes, statusesRes, host] = await Promise.all([pending[0], pending[1], hostElement()]);
  await stylesApplied();
  const rect = host?.getBoundingClientRect();
  if (!host || !rect || host.childElementCount > 0 || rect.width < 1 || rect.height < 1) return;
  const startMs = performance.now();
  const event = okBody<{ event: EventDetail }>(eventRes)?.event;
  const snapshot = okBody<StatusesSnapshot>(statusesRes);
  // Only a snapshot of exactly this layout (the page makes the same check).
  if (!event || !snapshot || snapshot.eventId !== event.id || snapshot.layoutKey !== event.layoutKey) return;
  const store = new SeatStatusStore(new SeatIndex(event));
  if (!store.replaceStatuses(snapshot.version, snapshot.statuses)) return;
  const layers = { stage: layerCanvas(host), seats: layerCanvas(host), overlay: layerCanvas(host) };
  const renderer = new SeatMapRenderer(layers, store.index, store);
  renderer.resize(rect.width, rect.height, window.devicePixelRatio || 1);
  renderer.drawAll();
  recordDraw('early', startMs, performance.now());
}

performance.mark('seatmap-early-script'); // a milestone for bench/seatmap.ts
void drawEarlyMap().catch(() => {
  // Only a head start: the page draws the map itself once React has mounted.
});
