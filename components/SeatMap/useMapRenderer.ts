'use client';
// The renderer's life in the page: created with the map, kept sized to its
// container and pixel ratio, fed live deltas, and reporting what it shows on the
// seats canvas's data attributes (for tests and tools).
import { useLayoutEffect, useRef, type RefObject } from 'react';
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { SeatStatusStore } from '../../lib/client/seatStatusStore';
import { markPageDraw } from './firstDrawMarks';
import { labelLevel } from './mapLabels';
import type { PointerKind } from './mapZoom';
import { SeatMapRenderer } from './SeatMapRenderer';
import { ViewAnimator } from './ViewAnimator';

interface MapRendererOptions {
  index: SeatIndex;
  store: SeatStatusStore;
  layers: {
    container: RefObject<HTMLDivElement | null>;
    stage: RefObject<HTMLCanvasElement | null>;
    seats: RefObject<HTMLCanvasElement | null>;
    overlay: RefObject<HTMLCanvasElement | null>;
  };
  /** The pointer the buyer last used (set to touch here on a coarse-pointer device). */
  pointerRef: RefObject<PointerKind>;
  /** Seats to show once the first statuses are drawn (set by focusSeatIds before that). */
  pendingFocusRef: RefObject<number[] | null>;
  /** The view is moving or was resized: anything anchored to a seat is out of place. */
  onViewMoving(): void;
  /** An animated move has ended. */
  onViewSettled(): void;
}

export function useMapRenderer(options: MapRendererOptions) {
  const rendererRef = useRef<SeatMapRenderer | null>(null);
  const animatorRef = useRef<ViewAnimator | null>(null);
  const callbacks = useRef(options);
  callbacks.current = options;
  const { index, store } = options;

  // A layout effect: if statuses are already known, the seats are drawn before the page's
  // first paint instead of one frame (and the browser's whole-page layout and paint) later.
  useLayoutEffect(() => {
    const { layers, pointerRef, pendingFocusRef } = callbacks.current;
    const container = layers.container.current!;
    const seatsCanvas = layers.seats.current!;
    if (typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches) pointerRef.current = 'touch';
    const renderer = new SeatMapRenderer({ stage: layers.stage.current!, seats: seatsCanvas, overlay: layers.overlay.current! }, index, store);
    rendererRef.current = renderer;
    // What the view shows: for tests and tools, and the seat size that decides what a tap does.
    renderer.onDrawn = (painted) => {
      const { scale, offsetX, offsetY } = renderer.view;
      const data = seatsCanvas.dataset;
      data.viewScale = scale.toFixed(5);
      data.viewX = offsetX.toFixed(2);
      data.viewY = offsetY.toFixed(2);
      data.seatPx = (renderer.radiusPx() * 2).toFixed(1);
      data.pickable = String(renderer.seatsPickable(pointerRef.current));
      data.labels = labelLevel(renderer.radiusPx());
      data.seatNumbers = String(painted.seatNumbers);
    };
    renderer.onOverlayDrawn = (overlay) => {
      const data = seatsCanvas.dataset;
      data.rowLabels = String(overlay.rowLabels);
      data.warnMarks = String(overlay.warnMarks);
    };
    const animator = new ViewAnimator(renderer, (moving) => {
      if (moving) seatsCanvas.dataset.animating = 'true';
      else delete seatsCanvas.dataset.animating;
      if (moving) callbacks.current.onViewMoving();
      else callbacks.current.onViewSettled();
    });
    animatorRef.current = animator;
    let firstDrawDone = false;
    const draw = () => {
      if (store.version < 0) return; // wait for the first availability snapshot
      if (firstDrawDone) {
        renderer.drawAll();
        return;
      }
      firstDrawDone = true;
      markPageDraw(() => renderer.drawAll());
      const pending = pendingFocusRef.current;
      pendingFocusRef.current = null;
      const view = pending && renderer.focusView(pending);
      if (view) animator.animateTo(view);
    };
    const resize = () => {
      const rect = container.getBoundingClientRect();
      if (rect.width < 1 || rect.height < 1) return;
      if (!renderer.resize(rect.width, rect.height, window.devicePixelRatio || 1)) return;
      draw();
      callbacks.current.onViewMoving();
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
      animator.cancel();
      animatorRef.current = null;
      renderer.dispose();
      rendererRef.current = null;
    };
  }, [index, store]);

  return { rendererRef, animatorRef };
}
