'use client';
// A canvas seat map for the organizer: wheel to zoom, drag to pan, click a
// seat, shift-drag to select a box of seats, hover for a tooltip.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { drawMap, drawOverlay, fitView, hitTest, seatSpacing, type MapLayout, type SeatPaint, type View } from './paintMap';
import styles from './AdminMap.module.css';

export interface AdminMapProps {
  layout: MapLayout;
  paintOf(i: number): SeatPaint;
  selected?: ReadonlySet<string>;
  onSeatClick?(seatId: string, modifiers: { additive: boolean }): void;
  onBoxSelect?(seatIds: string[], additive: boolean): void;
  tooltip?(seatIndex: number): ReactNode;
  /** Refit when the layout's extent changes (unless the user moved the view). */
  autoFit?: boolean;
  label: string;
  className?: string;
  footer?: ReactNode;
}

const NO_SELECTION: ReadonlySet<string> = new Set();

export function AdminMap({ layout, paintOf, selected = NO_SELECTION, onSeatClick, onBoxSelect, tooltip, autoFit = false, label, className, footer }: AdminMapProps) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const viewRef = useRef<View>({ scale: 1, ox: 0, oy: 0 });
  const sizeRef = useRef({ w: 0, h: 0, dpr: 1 });
  const movedRef = useRef(false);
  const fittedKeyRef = useRef('');
  const frameRef = useRef(0);
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);
  const boxRef = useRef<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const radius = useMemo(() => seatSpacing(layout.seats) * 0.4, [layout.seats]);

  const state = useRef({ layout, paintOf, selected, radius, hover: -1 });
  state.current = { layout, paintOf, selected, radius, hover: hover?.i ?? -1 };
  // Latest handlers, read at event time (so re-renders never reset a drag in progress).
  const handlers = useRef({ onSeatClick, onBoxSelect });
  handlers.current = { onSeatClick, onBoxSelect };

  // Two layers: seats (repainted when data or the view change) and a light
  // overlay for the hover ring and selection box (repainted on every move).
  const pending = useRef({ base: false });
  const schedule = useCallback((base: boolean) => {
    pending.current.base ||= base;
    if (frameRef.current) return;
    frameRef.current = requestAnimationFrame(() => {
      frameRef.current = 0;
      const canvas = canvasRef.current;
      const overlay = overlayRef.current;
      const { w, h, dpr } = sizeRef.current;
      if (!canvas || !overlay || w === 0) return;
      const s = state.current;
      const v = viewRef.current;
      if (pending.current.base) {
        pending.current.base = false;
        const ctx = canvas.getContext('2d')!;
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        // Exposed for tests and tooling: screen = layout × scale + offset (CSS px).
        canvas.dataset.view = `${v.scale.toFixed(4)},${v.ox.toFixed(1)},${v.oy.toFixed(1)}`;
        drawMap(ctx, { layout: s.layout, view: v, width: w, height: h, radius: s.radius, paintOf: s.paintOf, selected: s.selected });
      }
      const top = overlay.getContext('2d')!;
      top.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawOverlay(top, { layout: s.layout, view: v, width: w, height: h, radius: s.radius, hover: s.hover, box: boxRef.current });
    });
  }, []);
  const draw = useCallback(() => schedule(true), [schedule]);
  const drawTop = useCallback(() => schedule(false), [schedule]);

  const fit = useCallback(() => {
    const { w, h } = sizeRef.current;
    if (w === 0) return;
    viewRef.current = fitView(state.current.layout, state.current.radius, w, h);
    movedRef.current = false;
    draw();
  }, [draw]);

  // Size the canvas to its box.
  useEffect(() => {
    const wrap = wrapRef.current!;
    const canvas = canvasRef.current!;
    const overlay = overlayRef.current!;
    const observer = new ResizeObserver(() => {
      const rect = wrap.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      if (rect.width < 1 || rect.height < 1) return;
      const first = sizeRef.current.w === 0;
      sizeRef.current = { w: rect.width, h: rect.height, dpr };
      for (const c of [canvas, overlay]) {
        c.width = Math.round(rect.width * dpr);
        c.height = Math.round(rect.height * dpr);
      }
      if (first || !movedRef.current) fit();
      else draw();
    });
    observer.observe(wrap);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frameRef.current);
      frameRef.current = 0;
    };
  }, [fit, draw]);

  // Refit when the extent changes (builder preview), otherwise just repaint.
  const b = layout.bounds;
  const extentKey = `${b.minX}|${b.minY}|${b.maxX}|${b.maxY}|${layout.stage.x}|${layout.stage.width}|${layout.stage.y}|${layout.stage.height}`;
  useEffect(() => {
    if (fittedKeyRef.current !== extentKey && (autoFit || fittedKeyRef.current === '') && !movedRef.current) {
      fittedKeyRef.current = extentKey;
      fit();
    } else draw();
  }, [extentKey, autoFit, fit, draw, layout, paintOf, selected]);
  useEffect(() => drawTop(), [hover, drawTop]);

  // Pointer input.
  useEffect(() => {
    const canvas = canvasRef.current!;
    let down: { x: number; y: number; shift: boolean; additive: boolean } | null = null;
    let dragging = false;
    const local = (e: MouseEvent) => {
      const rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      canvas.setPointerCapture(e.pointerId);
      down = { ...local(e), shift: e.shiftKey && !!handlers.current.onBoxSelect, additive: e.metaKey || e.ctrlKey || e.shiftKey };
      dragging = false;
    };
    const onMove = (e: PointerEvent) => {
      const p = local(e);
      const s = state.current;
      if (!down) {
        const i = hitTest(s.layout, viewRef.current, s.radius, p.x, p.y);
        canvas.style.cursor = i >= 0 && handlers.current.onSeatClick ? 'pointer' : 'grab';
        setHover((prev) => (i < 0 ? null : prev?.i === i ? prev : { i, x: p.x, y: p.y }));
        return;
      }
      if (!dragging && Math.hypot(p.x - down.x, p.y - down.y) < 4) return;
      dragging = true;
      setHover(null);
      if (down.shift) {
        boxRef.current = { x0: down.x, y0: down.y, x1: p.x, y1: p.y };
        drawTop();
        return;
      } else {
        viewRef.current = { ...viewRef.current, ox: viewRef.current.ox + e.movementX, oy: viewRef.current.oy + e.movementY };
        movedRef.current = true;
        canvas.style.cursor = 'grabbing';
      }
      draw();
    };
    const onUp = (e: PointerEvent) => {
      if (!down) return;
      const p = local(e);
      const s = state.current;
      if (!dragging) {
        const i = hitTest(s.layout, viewRef.current, s.radius, p.x, p.y);
        if (i >= 0) handlers.current.onSeatClick?.(s.layout.seats[i].id, { additive: down.additive });
      } else if (boxRef.current) {
        const v = viewRef.current;
        const bx = boxRef.current;
        const [x0, x1] = [Math.min(bx.x0, bx.x1), Math.max(bx.x0, bx.x1)].map((x) => (x - v.ox) / v.scale);
        const [y0, y1] = [Math.min(bx.y0, bx.y1), Math.max(bx.y0, bx.y1)].map((y) => (y - v.oy) / v.scale);
        const ids = s.layout.seats.filter((seat) => seat.x >= x0 && seat.x <= x1 && seat.y >= y0 && seat.y <= y1).map((seat) => seat.id);
        boxRef.current = null;
        handlers.current.onBoxSelect?.(ids, true);
        drawTop();
      }
      canvas.style.cursor = 'grab';
      down = null;
    };
    const onLeave = () => {
      if (!down) setHover(null);
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const p = local(e);
      const v = viewRef.current;
      const factor = Math.exp(-Math.max(-300, Math.min(300, e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY)) * 0.0015);
      const scale = Math.min(60, Math.max(0.02, v.scale * factor));
      const lx = (p.x - v.ox) / v.scale;
      const ly = (p.y - v.oy) / v.scale;
      viewRef.current = { scale, ox: p.x - lx * scale, oy: p.y - ly * scale };
      movedRef.current = true;
      setHover(null);
      draw();
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointermove', onMove);
    canvas.addEventListener('pointerup', onUp);
    canvas.addEventListener('pointercancel', onUp);
    canvas.addEventListener('pointerleave', onLeave);
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
      canvas.removeEventListener('pointerleave', onLeave);
      canvas.removeEventListener('wheel', onWheel);
    };
  }, [draw, drawTop]);

  const zoom = (factor: number) => {
    const { w, h } = sizeRef.current;
    const v = viewRef.current;
    const scale = Math.min(60, Math.max(0.02, v.scale * factor));
    const lx = (w / 2 - v.ox) / v.scale;
    const ly = (h / 2 - v.oy) / v.scale;
    viewRef.current = { scale, ox: w / 2 - lx * scale, oy: h / 2 - ly * scale };
    movedRef.current = true;
    draw();
  };

  const tip = hover && tooltip ? tooltip(hover.i) : null;
  return (
    <div className={`${styles.frame} ${className ?? ''}`}>
      <div ref={wrapRef} className={styles.viewport}>
        <canvas ref={canvasRef} className={styles.canvas} role="img" aria-label={label} data-seat-count={layout.seats.length} />
        <canvas ref={overlayRef} className={`${styles.canvas} ${styles.overlay}`} aria-hidden="true" />
        {tip && (
          <div className={styles.tooltip} style={{ left: hover!.x, top: hover!.y }} data-below={hover!.y < 140 || undefined}>
            {tip}
          </div>
        )}
        <div className={styles.controls}>
          <button type="button" onClick={() => zoom(1.4)} aria-label="Zoom in">+</button>
          <button type="button" onClick={() => zoom(1 / 1.4)} aria-label="Zoom out">−</button>
          <button type="button" onClick={fit} aria-label="Fit map" title="Fit">⤢</button>
        </div>
        {footer && <div className={styles.footer}>{footer}</div>}
      </div>
    </div>
  );
}
