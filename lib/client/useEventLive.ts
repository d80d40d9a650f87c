'use client';
// Live connection to one event: Socket.IO join, seat deltas with version-gap
// detection and resync, and the buyer's own holds.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { BestRequest, BuyerDetails, ConfirmAck, Fail, HoldAck, HoldView, JoinAck, ReleaseAck, SeatsUpdate } from '../protocol';
import { updateAction } from '../wireFormat';
import { getClockSkewMs } from './api';
import type { LiveSocket } from './liveSocket';
import type { SeatIndex } from './seatIndex';
import { SeatStatusStore } from './seatStatusStore';

export type { LiveSocket };
export type ConnectionState = 'connecting' | 'live' | 'reconnecting';
export type HoldGoneReason = 'expired' | 'released' | 'admin_released';
export type HoldGoneListener = (hold: HoldView, reason: HoldGoneReason) => void;

const ACK_TIMEOUT_MS = 15_000;
const JOIN_RETRY_MS = 2_000;
const MAX_BUFFERED_UPDATES = 500;

const NO_ANSWER = 'The server did not answer in time. Please try again.';

/** A request id for hold:create (crypto.getRandomValues: randomUUID needs a secure context). */
function newRequestId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function offline(message: string): Fail {
  return { ok: false, error: { code: 'busy', message, retryAfterMs: JOIN_RETRY_MS } };
}

export type EventChangedListener = (change: 'details' | 'layout' | 'deleted') => void;

/** What happened to one of the buyer's holds (for the map's screen-reader status). */
export type HoldChangeKind = 'held' | 'extended' | 'bought' | HoldGoneReason;
export interface HoldChange {
  /** Grows with every change, so the same kind twice is still news. */
  serial: number;
  kind: HoldChangeKind;
  hold: HoldView;
}

export function useEventLive(
  eventId: string,
  index: SeatIndex | null,
  onHoldGone?: HoldGoneListener,
  onEventChanged?: EventChangedListener,
  /** The waiting room's signed admission, sent with every new hold (null: the event has no room). */
  admission?: string | null,
  /** A new hold was refused for want of a valid admission (the room was switched on, or the window ended). */
  onNotAdmitted?: (message: string) => void,
) {
  const admissionRef = useRef(admission);
  admissionRef.current = admission;
  const onNotAdmittedRef = useRef(onNotAdmitted);
  onNotAdmittedRef.current = onNotAdmitted;
  const store = useMemo(() => (index ? new SeatStatusStore(index) : null), [index]);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [synced, setSynced] = useState(false);
  const [holds, setHoldsState] = useState<HoldView[]>([]);
  const holdsRef = useRef<HoldView[]>([]);
  const [holdChange, setHoldChange] = useState<HoldChange | null>(null);
  const holdChangeSerial = useRef(0);
  const noteHoldChange = useCallback((kind: HoldChangeKind, hold: HoldView) => {
    holdChangeSerial.current += 1;
    setHoldChange({ serial: holdChangeSerial.current, kind, hold });
  }, []);
  const socketRef = useRef<LiveSocket | null>(null);
  const onHoldGoneRef = useRef(onHoldGone);
  onHoldGoneRef.current = onHoldGone;
  const onEventChangedRef = useRef(onEventChanged);
  onEventChangedRef.current = onEventChanged;

  const setHolds = useCallback((next: HoldView[]) => {
    holdsRef.current = next;
    setHoldsState(next);
  }, []);

  const upsertHold = useCallback(
    (hold: HoldView) => {
      const known = holdsRef.current.some((h) => h.id === hold.id);
      setHolds([...holdsRef.current.filter((h) => h.id !== hold.id), hold]);
      noteHoldChange(known ? 'extended' : 'held', hold);
    },
    [setHolds, noteHoldChange],
  );

  /** Forgets a hold; `reason` (the server or the clock ended it) is also told to onHoldGone. */
  const dropHold = useCallback(
    (holdId: string, reason: HoldGoneReason | null, kind: HoldChangeKind = reason ?? 'released') => {
      const hold = holdsRef.current.find((h) => h.id === holdId);
      if (!hold) return;
      setHolds(holdsRef.current.filter((h) => h.id !== holdId));
      noteHoldChange(kind, hold);
      if (reason) onHoldGoneRef.current?.(hold, reason);
    },
    [setHolds, noteHoldChange],
  );

  // Socket lifecycle: connect, join, apply deltas, resync on gaps and reconnects.
  useEffect(() => {
    if (!store) return;
    let disposed = false;
    let socket: LiveSocket | null = null;
    let parseUpdate: (raw: unknown) => SeatsUpdate | null = () => null;
    let resyncing = false;
    let buffered: SeatsUpdate[] = [];
    let retryTimer: ReturnType<typeof setTimeout> | undefined;

    const onJoined = (res: JoinAck) => {
      if (!res.ok) {
        retryTimer = setTimeout(join, res.error.retryAfterMs ?? JOIN_RETRY_MS);
        return;
      }
      // The snapshot addresses seats by layout index: it must be for the layout this page drew.
      const layoutKey = store.index.event.layoutKey;
      if ((layoutKey !== undefined && res.layoutKey !== layoutKey) || !store.replaceStatuses(res.version, res.statuses)) {
        onEventChangedRef.current?.('layout');
        retryTimer = setTimeout(join, JOIN_RETRY_MS);
        return;
      }
      const pending = buffered.filter((u) => u.version > res.version).sort((a, b) => a.version - b.version);
      buffered = [];
      resyncing = false;
      for (const update of pending) onUpdate(update);

      const mine = res.myHolds.filter((h) => h.eventId === eventId);
      const nowMs = Date.now() + getClockSkewMs();
      for (const old of holdsRef.current) {
        if (!mine.some((h) => h.id === old.id)) {
          const reason = old.expiresAt <= nowMs ? 'expired' : 'released';
          noteHoldChange(reason, old);
          onHoldGoneRef.current?.(old, reason);
        }
      }
      setHolds(mine);
      setSynced(true);
      setConnection('live');
    };

    function join() {
      if (disposed || !socket?.connected) return;
      resyncing = true;
      socket.timeout(ACK_TIMEOUT_MS).emit('event:join', { eventId }, (err, res) => {
        if (disposed) return;
        if (err) {
          retryTimer = setTimeout(join, JOIN_RETRY_MS);
          return;
        }
        onJoined(res);
      });
    }

    function onUpdate(raw: SeatsUpdate) {
      const update = parseUpdate(raw);
      if (!store || !update || update.eventId !== eventId) return;
      if (resyncing) {
        if (buffered.length < MAX_BUFFERED_UPDATES) buffered.push(update);
        return;
      }
      const action = updateAction(store.version, update);
      if (action === 'ignore') return;
      // A gap (we missed at least one version) or a delta that does not fit: take a fresh snapshot.
      if (action === 'resync') {
        buffered = [update];
        join();
      } else if (!store.applyDelta(update.version, update.delta)) {
        buffered = [];
        join();
      }
    }

    const connect = (live: typeof import('./liveSocket')) => {
      if (disposed) return;
      parseUpdate = live.parseSeatsUpdate;
      const s = live.connectLiveSocket();
      socket = s;
      socketRef.current = s;
      s.on('connect', () => {
        clearTimeout(retryTimer);
        join();
      });
      s.on('disconnect', () => setConnection('reconnecting'));
      s.on('connect_error', () => setConnection('reconnecting'));
      s.on('seats:update', onUpdate);
      // The server's view of the event was re-read: a snapshot if we are behind it.
      s.on('seats:resync', (n) => {
        if (n.eventId === eventId && store && !resyncing && store.version < n.version) join();
      });
      s.on('hold:expired', (n) => n.eventId === eventId && dropHold(n.holdId, 'expired'));
      s.on('hold:released', (n) => n.eventId === eventId && dropHold(n.holdId, n.reason));
      // An organizer edited the event (sale status, layout) or deleted it.
      s.on('event:changed', (n) => n.eventId === eventId && onEventChangedRef.current?.(n.change));
    };
    // Loaded after mount: the map is drawn from the HTTP snapshot meanwhile (see EventPage).
    import('./liveSocket').then(connect, () => {
      if (!disposed) setConnection('reconnecting');
    });

    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      socket?.removeAllListeners();
      socket?.disconnect();
      socketRef.current = null;
    };
  }, [eventId, store, dropHold, setHolds, noteHoldChange]);

  // Local expiry: the countdown reaching zero clears the hold even if the
  // server's hold:expired notice is late or lost.
  useEffect(() => {
    if (holds.length === 0) return;
    const soonest = holds.reduce((a, b) => (a.expiresAt <= b.expiresAt ? a : b));
    const delayMs = Math.max(0, soonest.expiresAt - (Date.now() + getClockSkewMs()));
    const timer = setTimeout(() => dropHold(soonest.id, 'expired'), delayMs + 250);
    return () => clearTimeout(timer);
  }, [holds, dropHold]);

  const call = useCallback(async <T,>(send: (socket: LiveSocket) => Promise<T>): Promise<T | Fail> => {
    const socket = socketRef.current;
    if (!socket || !socket.connected) return offline('You are offline; reconnecting. Please try again in a moment.');
    try {
      return await send(socket.timeout(ACK_TIMEOUT_MS) as unknown as LiveSocket);
    } catch {
      return offline(NO_ANSWER);
    }
  }, []);

  /** Every kind of new hold goes through here: it carries the admission, and a refusal for want of one is reported. */
  const sendHold = useCallback(
    async (request: { seatIds: string[]; ga?: { areaId: string; quantity: number }[] } | { best: BestRequest }): Promise<HoldAck> => {
      const payload = { eventId, ...request, requestId: newRequestId(), ...(admissionRef.current ? { admission: admissionRef.current } : {}) };
      let res = await call((s) => s.emitWithAck('hold:create', payload));
      // Unanswered, the hold may still have been made: asking again with the same requestId
      // returns that hold (replayed), never a second one.
      if (!res.ok && res.error.message === NO_ANSWER) res = await call((s) => s.emitWithAck('hold:create', payload));
      if (res.ok) upsertHold(res.hold);
      else if (res.error.code === 'not_admitted') onNotAdmittedRef.current?.(res.error.message);
      return res;
    },
    [call, eventId, upsertHold],
  );

  const createHold = useCallback(
    (seatIds: string[], ga?: { areaId: string; quantity: number }[]): Promise<HoldAck> => sendHold(ga?.length ? { seatIds, ga } : { seatIds }),
    [sendHold],
  );

  /** Best available: the server picks and holds `best.quantity` seats in one step. */
  const createBestHold = useCallback((best: BestRequest): Promise<HoldAck> => sendHold({ best }), [sendHold]);

  const extendHold = useCallback(
    async (holdId: string): Promise<HoldAck> => {
      const res = await call((s) => s.emitWithAck('hold:extend', { holdId }));
      if (res.ok) upsertHold(res.hold);
      else if (res.error.code === 'hold_expired') dropHold(holdId, 'expired');
      return res;
    },
    [call, upsertHold, dropHold],
  );

  const releaseHold = useCallback(
    async (holdId: string): Promise<ReleaseAck> => {
      const res = await call((s) => s.emitWithAck('hold:release', { holdId }));
      if (res.ok || res.error.code === 'not_found') dropHold(holdId, null, 'released');
      else if (res.error.code === 'hold_expired') dropHold(holdId, null, 'expired');
      return res;
    },
    [call, dropHold],
  );

  const confirmHold = useCallback(
    async (holdId: string, buyer: BuyerDetails, idempotencyKey: string): Promise<ConfirmAck> => {
      const res = await call((s) => s.emitWithAck('hold:confirm', { holdId, buyer, idempotencyKey }));
      if (res.ok) dropHold(holdId, null, 'bought');
      else if (res.error.code === 'hold_expired') dropHold(holdId, 'expired');
      return res;
    },
    [call, dropHold],
  );

  return { store, connection, synced, holds, holdChange, createHold, createBestHold, extendHold, releaseHold, confirmHold };
}

export type EventLive = ReturnType<typeof useEventLive>;
