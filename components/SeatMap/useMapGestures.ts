'use client';
// Mouse, touch and wheel input for the seat map canvas: drag to pan, wheel or
// pinch to zoom, tap/click to pick (or zoom in, on the overview), hover to inspect.
import { useEffect, type RefObject } from 'react';
import { pointerKindOf, type PointerKind } from './mapZoom';
import type { SeatMapRenderer } from './SeatMapRenderer';

const DRAG_THRESHOLD_PX = 5;

export interface GestureHandlers {
  /** A mouse moved over (x, y), CSS px within the canvas; null when it left. */
  onHover(point: { x: number; y: number } | null): void;
  /** A tap or click at (x, y) that did not turn into a drag. */
  onTap(x: number, y: number, pointer: PointerKind): void;
  /** The buyer started moving the view (drag, pinch, wheel): stop any animation. */
  onGestureStart(): void;
  onViewChange(): void;
}

export function useMapGestures(
  canvasRef: RefObject<HTMLCanvasElement | null>,
  rendererRef: RefObject<SeatMapRenderer | null>,
  handlersRef: RefObject<GestureHandlers>,
): void {
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const pointers = new Map<number, { x: number; y: number }>();
    let dragged = false;
    let downAt = { x: 0, y: 0 };
    let pinchDistance = 0;

    const local = (e: PointerEvent | WheelEvent) => {
      const rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    };
    const viewChanged = () => {
      rendererRef.current?.requestDraw();
      handlersRef.current.onViewChange();
    };
    const pinchState = () => {
      const [a, b] = [...pointers.values()];
      return { distance: Math.hypot(a.x - b.x, a.y - b.y), mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
    };

    const onPointerDown = (e: PointerEvent) => {
      if (e.button !== 0 && e.pointerType === 'mouse') return;
      canvas.setPointerCapture(e.pointerId);
      const p = local(e);
      pointers.set(e.pointerId, p);
      handlersRef.current.onGestureStart();
      if (pointers.size === 1) {
        dragged = false;
        downAt = p;
      } else if (pointers.size === 2) {
        dragged = true;
        pinchDistance = pinchState().distance;
      }
    };

    const onPointerMove = (e: PointerEvent) => {
      const renderer = rendererRef.current;
      if (!renderer) return;
      const p = local(e);
      const previous = pointers.get(e.pointerId);
      if (!previous) {
        if (e.pointerType === 'mouse') handlersRef.current.onHover(p);
        return;
      }
      if (pointers.size === 2) {
        const before = pinchState();
        pointers.set(e.pointerId, p);
        const after = pinchState();
        if (pinchDistance > 0) renderer.view.zoomAt(after.distance / before.distance, after.mid.x, after.mid.y);
        renderer.view.panBy(after.mid.x - before.mid.x, after.mid.y - before.mid.y);
        pinchDistance = after.distance;
        viewChanged();
        return;
      }
      pointers.set(e.pointerId, p);
      if (!dragged && Math.hypot(p.x - downAt.x, p.y - downAt.y) < DRAG_THRESHOLD_PX) return;
      if (!dragged) canvas.style.cursor = 'grabbing';
      dragged = true;
      renderer.panBy(p.x - previous.x, p.y - previous.y);
      handlersRef.current.onViewChange();
    };

    const onPointerUp = (e: PointerEvent) => {
      if (!pointers.has(e.pointerId)) return;
      pointers.delete(e.pointerId);
      if (canvas.hasPointerCapture(e.pointerId)) canvas.releasePointerCapture(e.pointerId);
      if (pointers.size === 0) {
        canvas.style.cursor = '';
        if (!dragged && e.type === 'pointerup') {
          const p = local(e);
          handlersRef.current.onTap(p.x, p.y, pointerKindOf(e.pointerType));
        }
      }
    };

    const onPointerLeave = (e: PointerEvent) => {
      if (e.pointerType === 'mouse' && pointers.size === 0) handlersRef.current.onHover(null);
    };

    const onWheel = (e: WheelEvent) => {
      const renderer = rendererRef.current;
      if (!renderer) return;
      e.preventDefault();
      handlersRef.current.onGestureStart();
      const p = local(e);
      const deltaPx = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      const factor = Math.exp(-Math.max(-300, Math.min(300, deltaPx)) * 0.0015);
      if (renderer.view.zoomAt(factor, p.x, p.y)) viewChanged();
    };

    canvas.addEventListener('pointerdown', onPointerDown);
    canvas.addEventListener('pointermove', onPointerMove);
    canvas.addEventListener('pointerup', onPointerUp);
    canvas.addEventListener('pointercancel', onPointerUp);
    canvas.addEventListener('pointerleave', onPointerLeave);
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      canvas.removeEventListener('pointerdown', onPointerDown);
      canvas.removeEventListener('pointermove', onPointerMove);
      canvas.removeEventListener('pointerup', onPointerUp);
      canvas.removeEventListener('pointercancel', onPointerUp);
      canvas.removeEventListener('pointerleave', onPointerLeave);
      canvas.removeEventListener('wheel', onWheel);
    };
  }, [canvasRef, rendererRef, handlersRef]);
}
