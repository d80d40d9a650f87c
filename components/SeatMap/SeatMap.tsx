'use client';
// The interactive seat map: a React shell around SeatMapRenderer.
// React renders only the frame, controls and tooltip; seats live on canvas.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SeatIndex } from '../../lib/client/seatIndex';
import type { SeatStatusStore } from '../../lib/client/seatStatusStore';
import { gaAreaAccessibleName, holdChangeSentence, seatAccessibleName, seatStatusText } from '../../lib/client/seatLabels';
import type { HoldChange } from '../../lib/client/useEventLive';
import { ARROW_DIRECTIONS, nextSeat, representative, startSeat } from './keyboardNav';
import type { PointerKind } from './mapZoom';
import { MapControls } from './MapControls';
import { SeatTooltip } from './SeatTooltip';
import { useMapGestures, type GestureHandlers } from './useMapGestures';
import { useMapRenderer } from './useMapRenderer';
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
  /** When this changes to a non-empty list, the map moves (animated) to show all these seats. */
  focusSeatIds?: readonly string[];
  /**
   * Seats drawn with a warning mark: a "!" sign and a dashed ring (e.g. a seat a hold would
   * strand). When new warnings are off screen or too small to make out, the map moves to
   * show them, with the selected seats of their sections.
   */
  warnSeatIds?: readonly string[];
  /** The latest change to the buyer's holds: the map's live status says it. */
  holdChange?: HoldChange | null;
}

interface TooltipTarget {
  seatIndex: number;
  x: number;
  y: number;
}

const NO_IDS: readonly string[] = [];

export function SeatMap(props: SeatMapProps) {
  const { index, store, selectedIds, mineIds, onToggleSeat, onPickArea, holdChange } = props;
  const focusSeatIds = props.focusSeatIds ?? NO_IDS;
  const warnSeatIds = props.warnSeatIds ?? NO_IDS;
  const containerRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLCanvasElement>(null);
  const seatsRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const [tooltip, setTooltip] = useState<TooltipTarget | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const focusRef = useRef(-1);
  /** The pointer the buyer last used; decides how large seats must be to pick them. */
  const pointerRef = useRef<PointerKind>('mouse');
  /** Seats to show once the first statuses are drawn (focusSeatIds set before that). */
  const pendingFocusRef = useRef<number[] | null>(null);

  const label = useCallback(
    (i: number) => {
      const area = index.gaAreaOf(i);
      if (area) return gaAreaAccessibleName(index, area, store.freeCount(area.seatIndices));
      return seatAccessibleName(index, i, seatStatusText(store.status(i), mineIds.has(index.seats[i].id)));
    },
    [index, store, mineIds],
  );

  const { rendererRef, animatorRef } = useMapRenderer({
    index,
    store,
    layers: { container: containerRef, stage: stageRef, seats: seatsRef, overlay: overlayRef },
    pointerRef,
    pendingFocusRef,
    onViewMoving: () => setTooltip(null),
    onViewSettled: () => {
      if (focusRef.current >= 0 && document.activeElement === seatsRef.current) showTooltipAt(focusRef.current);
    },
  });

  const showTooltipAt = useCallback((i: number, x?: number, y?: number) => {
    const renderer = rendererRef.current;
    if (i < 0 || !renderer) return setTooltip(null);
    const pos = renderer.seatScreenPosition(i);
    setTooltip({ seatIndex: i, x: x ?? pos.x, y: y ?? pos.y - pos.radiusPx });
  }, []);

  const selectedIndices = useMemo(() => toIndices(index, selectedIds), [index, selectedIds]);
  const mineIndices = useMemo(() => toIndices(index, mineIds), [index, mineIds]);
  useEffect(() => {
    rendererRef.current?.setMarks(selectedIndices, mineIndices);
  }, [selectedIndices, mineIndices]);

  // The keys stand for the lists' content: a new array with the same seats changes nothing
  // (and, for focusSeatIds, does not move the view again).
  const warnKey = warnSeatIds.join('\n');
  useEffect(() => {
    const renderer = rendererRef.current;
    const warned = toIndices(index, warnSeatIds);
    renderer?.setWarnings(warned);
    // A warning nobody can see is none: bring the seats into view, large enough to pick.
    if (!renderer || warned.length === 0 || store.version < 0 || renderer.showsSeats(warned, pointerRef.current)) return;
    const sections = new Set(warned.map((i) => index.sectionOf[i]));
    const chosen = selectedIndices.filter((i) => sections.has(index.sectionOf[i]));
    const view = renderer.focusView([...warned, ...chosen]);
    if (view) animatorRef.current?.animateTo(view);
  }, [index, warnKey]);

  const focusKey = focusSeatIds.join('\n');
  useEffect(() => {
    const indices = toIndices(index, focusSeatIds);
    const renderer = rendererRef.current;
    if (indices.length === 0 || !renderer) return;
    if (store.version < 0) {
      pendingFocusRef.current = indices;
      return;
    }
    const view = renderer.focusView(indices);
    if (view) animatorRef.current?.animateTo(view);
  }, [index, store, focusKey]);

  // One announcement per change (its serial), not per re-render.
  const holdChangeSerial = holdChange?.serial;
  useEffect(() => {
    if (holdChange) setAnnouncement(holdChangeSentence(index, holdChange.kind, holdChange.hold, Date.now()));
  }, [holdChangeSerial]);

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

  const gestures = useRef<GestureHandlers>({ onHover: () => {}, onTap: () => {}, onGestureStart: () => {}, onViewChange: () => {} });
  gestures.current = {
    onHover(point) {
      const renderer = rendererRef.current;
      const seats = seatsRef.current;
      if (!renderer || !seats) return;
      const target = point ? renderer.tapTarget(point.x, point.y, 'mouse') : ({ kind: 'none' } as const);
      const i = target.kind === 'seat' || target.kind === 'area' ? target.index : -1;
      renderer.setHover(i);
      seats.style.cursor = i >= 0 ? 'pointer' : target.kind === 'zoom' ? 'zoom-in' : '';
      showTooltipAt(i);
    },
    onTap(x, y, pointer) {
      const renderer = rendererRef.current;
      if (!renderer) return;
      pointerRef.current = pointer;
      const target = renderer.tapTarget(x, y, pointer);
      switch (target.kind) {
        case 'seat':
        case 'area':
          setAnnouncement(toggle(target.index));
          if (pointer === 'touch') showTooltipAt(target.index);
          return;
        case 'zoom':
          setTooltip(null);
          animatorRef.current?.animateTo(target.view);
          setAnnouncement(`Zoomed in on ${target.section.name}. ${pointer === 'touch' ? 'Tap' : 'Click'} a seat to choose it.`);
          return;
        case 'none':
          setTooltip(null);
          return;
        default: {
          const _exhaustive: never = target;
          throw new Error(`unknown tap target ${JSON.stringify(_exhaustive)}`);
        }
      }
    },
    onGestureStart() {
      animatorRef.current?.cancel();
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
    setAnnouncement(label(i));
    // Too small to see on the overview: go to the seat's section first.
    const sectionView = !index.gaAreaOf(i) && !renderer.seatsPickable('mouse') ? renderer.sectionViewFor(i, 'mouse') : null;
    if (sectionView) return animatorRef.current?.animateTo(sectionView);
    if (renderer.revealSeat(i)) renderer.drawAll();
    if (!animatorRef.current?.running) showTooltipAt(i);
  };

  /** Where the keyboard starts: the front row of the best section (see startSeat); else any seat or area. */
  const initialFocus = () => {
    if (focusRef.current >= 0) return focusRef.current;
    const free = startSeat(index, (i) => store.codes[i] === 0 && !mineIds.has(index.seats[i].id));
    const start = free >= 0 ? free : startSeat(index, () => true);
    return start >= 0 ? start : representative(index, index.gaAreas[0]?.seatIndices[0] ?? -1);
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
    animatorRef.current?.cancel();
    const { widthPx, heightPx } = renderer.size;
    if (renderer.view.zoomAt(factor, widthPx / 2, heightPx / 2)) renderer.requestDraw();
    setTooltip(null);
  };
  const fit = () => {
    const renderer = rendererRef.current;
    if (renderer) animatorRef.current?.animateTo(renderer.fitView());
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
          aria-label={`Seat map for ${index.event.name}, ${index.count} seats. Use the arrow keys to move between seats, starting in the front row nearest the stage; Enter or Space to select or deselect a seat, plus and minus to zoom, 0 to fit.`}
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
          Click a section to zoom in · scroll or pinch to zoom · drag to move
        </p>
      </div>
      <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="seat-map-status">
        {announcement}
      </div>
    </div>
  );
}

function toIndices(index: SeatIndex, ids: Iterable<string>): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const i = index.indexById.get(id);
    if (i !== undefined) out.push(i);
  }
  return out;
}
