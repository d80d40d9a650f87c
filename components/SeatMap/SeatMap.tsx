'use client';
// The interactive seat map: a React shell around SeatMapRenderer.
// React renders only the frame, controls and tooltip; seats live on canvas.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { SeatStatusStore } from '../../lib/client/seatStatusStore';
import { gaAreaAccessibleName, seatAccessibleName, seatStatusText } from '../../lib/client/seatLabels';
import { ARROW_DIRECTIONS, nextSeat, representative, seatNearest } from './keyboardNav';
import { MapControls } from './MapControls';
import { SeatMapRenderer } from './SeatMapRenderer';
import { SeatTooltip } from './SeatTooltip';
import { useMapGestures, type GestureHandlers } from './useMapGestures';
import styles from './SeatMap.module.css';

export interface SeatMapProps {
  index: SeatIndex;
  store: SeatStatusStore;
  selectedIds: ReadonlySet<string>;
  mineIds: ReadonlySet<string>;
  /** Returns a sentence to announce (e.g. "Selected …" or why it could not be). */
  onToggleSeat(seatId: string): string;
  /** A general-admission area was clicked or chosen with Enter; returns a sentence to announce. */
  onPickArea?(areaId: string): string;
}

interface TooltipTarget {
  seatIndex: number;
  x: number;
  y: number;
}

export function SeatMap({ index, store, selectedIds, mineIds, onToggleSeat, onPickArea }: SeatMapProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLCanvasElement>(null);
  const seatsRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const rendererRef = useRef<SeatMapRenderer | null>(null);
  const [tooltip, setTooltip] = useState<TooltipTarget | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const focusRef = useRef(-1);

  const label = useCallback(
    (i: number) => {
      const area = index.gaAreaOf(i);
      if (area) return gaAreaAccessibleName(index, area, store.freeCount(area.seatIndices));
      return seatAccessibleName(index, i, seatStatusText(store.status(i), mineIds.has(index.seats[i].id)));
    },
    [index, store, mineIds],
  );

  // Create the renderer, keep it sized to the container, and apply live deltas. A layout
  // effect: if statuses are already known, the seats are drawn before the page's first
  // paint instead of one frame (and the browser's whole-page layout and paint) later.
  useLayoutEffect(() => {
    const container = containerRef.current!;
    const seatsCanvas = seatsRef.current!;
    const renderer = new SeatMapRenderer(
      { stage: stageRef.current!, seats: seatsCanvas, overlay: overlayRef.current! },
      index,
      store,
    );
    rendererRef.current = renderer;
    let firstDrawDone = false;
    const draw = () => {
      if (store.version < 0) return; // wait for the first availability snapshot
      if (firstDrawDone) {
        renderer.drawAll();
        return;
      }
      firstDrawDone = true;
      performance.mark('seatmap-first-draw-start');
      renderer.drawAll();
      performance.mark('seatmap-first-draw-end');
      const ms = performance.measure('seatmap-first-draw', 'seatmap-first-draw-start', 'seatmap-first-draw-end').duration;
      seatsCanvas.dataset.firstDrawMs = ms.toFixed(1);
    };
    const resize = () => {
      const rect = container.getBoundingClientRect();
      if (rect.width < 1 || rect.height < 1) return;
      if (!renderer.resize(rect.width, rect.height, window.devicePixelRatio || 1)) return;
      draw();
      setTooltip(null);
    };
    const observer = new ResizeObserver(resize);
    observer.observe(container);
    // Moving the window to a screen with another pixel ratio does not resize anything.
    let dprQuery = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    const onDprChange = () => {
      dprQuery.removeEventListener('change', onDprChange);
      dprQuery = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      dprQuery.addEventListener('change', onDprChange);
      resize();
    };
    dprQuery.addEventListener('change', onDprChange);
    // data-version appears only once a live snapshot has arrived.
    const markVersion = () => {
      if (store.version >= 0) seatsCanvas.dataset.version = String(store.version);
      else delete seatsCanvas.dataset.version;
    };
    const unsubscribe = store.subscribe((changed) => {
      markVersion();
      if (changed && firstDrawDone) renderer.drawSeats(changed);
      else draw();
    });
    markVersion();
    resize();
    return () => {
      unsubscribe();
      observer.disconnect();
      dprQuery.removeEventListener('change', onDprChange);
      renderer.dispose();
      rendererRef.current = null;
    };
  }, [index, store]);

  const selectedIndices = useMemo(() => toIndices(index, selectedIds), [index, selectedIds]);
  const mineIndices = useMemo(() => toIndices(index, mineIds), [index, mineIds]);
  useEffect(() => {
    rendererRef.current?.setMarks(selectedIndices, mineIndices);
  }, [selectedIndices, mineIndices]);

  const showTooltipAt = useCallback((i: number, x?: number, y?: number) => {
    const renderer = rendererRef.current;
    if (i < 0 || !renderer) return setTooltip(null);
    const pos = renderer.seatScreenPosition(i);
    setTooltip({ seatIndex: i, x: x ?? pos.x, y: y ?? pos.y - pos.radiusPx });
  }, []);

  const toggle = useCallback(
    (i: number) => {
      const area = index.gaAreaOf(i);
      if (area) return onPickArea ? onPickArea(area.id) : `${label(i)}. Not selectable.`;
      const visual = rendererRef.current?.visualOf(i);
      if (visual === 'available' || visual === 'selected') return onToggleSeat(index.seats[i].id);
      return `${label(i)}. Not selectable.`;
    },
    [index, label, onToggleSeat, onPickArea],
  );

  const gestures = useRef<GestureHandlers>({ onHover: () => {}, onTap: () => {}, onViewChange: () => {} });
  gestures.current = {
    onHover(i) {
      rendererRef.current?.setHover(i);
      if (seatsRef.current) seatsRef.current.style.cursor = i >= 0 ? 'pointer' : '';
      showTooltipAt(i);
    },
    onTap(i, pointerType) {
      if (i < 0) return setTooltip(null);
      setAnnouncement(toggle(i));
      if (pointerType !== 'mouse') showTooltipAt(i);
    },
    onViewChange() {
      setTooltip(null);
    },
  };
  useMapGestures(seatsRef, rendererRef, gestures);

  const moveFocus = (i: number) => {
    const renderer = rendererRef.current;
    if (!renderer || i < 0) return;
    focusRef.current = i;
    renderer.setFocus(i);
    if (renderer.revealSeat(i)) renderer.drawAll();
    setAnnouncement(label(i));
    showTooltipAt(i);
  };

  const initialFocus = () => {
    const renderer = rendererRef.current;
    if (!renderer) return -1;
    if (focusRef.current >= 0) return focusRef.current;
    const { widthPx, heightPx } = renderer.size;
    const cx = renderer.view.toLayoutX(widthPx / 2);
    const cy = renderer.view.toLayoutY(heightPx / 2);
    const free = seatNearest(index, cx, cy, (i) => store.codes[i] === 0);
    return representative(index, free >= 0 ? free : seatNearest(index, cx, cy, () => true));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const renderer = rendererRef.current;
    if (!renderer) return;
    const direction = ARROW_DIRECTIONS[e.key];
    if (direction) {
      e.preventDefault();
      const from = focusRef.current;
      moveFocus(from < 0 ? initialFocus() : nextSeat(index, from, direction));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const i = focusRef.current >= 0 ? focusRef.current : initialFocus();
      if (i >= 0) {
        if (focusRef.current !== i) moveFocus(i);
        setAnnouncement(toggle(i));
      }
    } else if (e.key === '+' || e.key === '=' || e.key === '-' || e.key === '_') {
      e.preventDefault();
      zoom(e.key === '+' || e.key === '=' ? 1.4 : 1 / 1.4);
    } else if (e.key === '0') {
      e.preventDefault();
      fit();
    } else if (e.key === 'Escape') {
      setTooltip(null);
    }
  };

  const zoom = (factor: number) => {
    const renderer = rendererRef.current;
    if (!renderer) return;
    const { widthPx, heightPx } = renderer.size;
    if (renderer.view.zoomAt(factor, widthPx / 2, heightPx / 2)) renderer.requestDraw();
    setTooltip(null);
  };
  const fit = () => {
    rendererRef.current?.fit();
    rendererRef.current?.requestDraw();
    setTooltip(null);
  };

  return (
    <div className={styles.frame}>
      <div ref={containerRef} className={styles.viewport}>
        <canvas ref={stageRef} className={styles.layer} aria-hidden="true" />
        <canvas
          ref={seatsRef}
          className={`${styles.layer} ${styles.interactive}`}
          tabIndex={0}
          role="application"
          aria-label={`Seat map for ${index.event.name}, ${index.count} seats. Use the arrow keys to move between seats, Enter or Space to select or deselect a seat, plus and minus to zoom, 0 to fit.`}
          data-seat-count={index.count}
          onKeyDown={onKeyDown}
          onFocus={(e) => {
            if (e.currentTarget.matches(':focus-visible')) moveFocus(initialFocus());
          }}
          onBlur={() => {
            rendererRef.current?.setFocus(-1);
            setTooltip(null);
          }}
        />
        <canvas ref={overlayRef} className={`${styles.layer} ${styles.passive}`} aria-hidden="true" />
        {tooltip && (
          <SeatTooltip index={index} store={store} seatIndex={tooltip.seatIndex} x={tooltip.x} y={tooltip.y} mineIds={mineIds} />
        )}
        <MapControls onZoomIn={() => zoom(1.5)} onZoomOut={() => zoom(1 / 1.5)} onFit={fit} />
        <p className={styles.hint} aria-hidden="true">
          Scroll or pinch to zoom · drag to move
        </p>
      </div>
      <div className="sr-only" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
    </div>
  );
}

function toIndices(index: SeatIndex, ids: ReadonlySet<string>): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const i = index.indexById.get(id);
    if (i !== undefined) out.push(i);
  }
  return out;
}
