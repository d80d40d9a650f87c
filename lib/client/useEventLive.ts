'use client';
// Live connection to one event: Socket.IO join, seat deltas with version-gap
// detection and resync, and the buyer's own holds.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type {
  BestRequest,
  BuyerDetails,
  ClientToServerEvents,
  ConfirmAck,
  Fail,
  HoldAck,
  HoldView,
  JoinAck,
  ReleaseAck,
  SeatsUpdate,
  ServerToClientEvents,
} from '../protocol';
import { seatsUpdateSchema, updateAction } from '../protocol';
import { getClockSkewMs } from './api';
import type { SeatIndex } from './seatIndex';
import { SeatStatusStore } from './seatStatusStore';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = 'connecting' | 'live' | 'reconnecting';
export type HoldGoneReason = 'expired' | 'released' | 'admin_released';
export type HoldGoneListener = (hold: HoldView, reason: HoldGoneReason) => void;

const ACK_TIMEOUT_MS = 15_000;
const JOIN_RETRY_MS = 2_000;
const MAX_BUFFERED_UPDATES = 500;

function offline(message: string): Fail {
  return { ok: false, error: { code: 'busy', message, retryAfterMs: JOIN_RETRY_MS } };
}

export type EventChangedListener = (change: 'details' | 'layout' | 'deleted') => void;

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
    (hold: HoldView) => setHolds([...holdsRef.current.filter((h) => h.id !== hold.id), hold]),
    [setHolds],
  );

  const dropHold = useCallback(
    (holdId: string, reason: HoldGoneReason | null) => {
      const hold = holdsRef.current.find((h) => h.id === holdId);
      if (!hold) return;
      setHolds(holdsRef.current.filter((h) => h.id !== holdId));
      if (reason) onHoldGoneRef.current?.(hold, reason);
    },
    [setHolds],
  );

  // Socket lifecycle: connect, join, apply deltas, resync on gaps and reconnects.
  useEffect(() => {
    if (!store) return;
    const socket: LiveSocket = io({ withCredentials: true, forceNew: true, reconnectionDelayMax: 5000 });
    socketRef.current = socket;
    let disposed = false;
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
          onHoldGoneRef.current?.(old, old.expiresAt <= nowMs ? 'expired' : 'released');
        }
      }
      setHolds(mine);
      setSynced(true);
      setConnection('live');
    };

    function join() {
      if (disposed || !socket.connected) return;
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
      const parsed = seatsUpdateSchema.safeParse(raw);
      if (!store || !parsed.success || parsed.data.eventId !== eventId) return;
      const update = parsed.data;
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

    socket.on('connect', () => {
      clearTimeout(retryTimer);
      join();
    });
    socket.on('disconnect', () => setConnection('reconnecting'));
    socket.on('connect_error', () => setConnection('reconnecting'));
    socket.on('seats:update', onUpdate);
    socket.on('hold:expired', (n) => n.eventId === eventId && dropHold(n.holdId, 'expired'));
    socket.on('hold:released', (n) => n.eventId === eventId && dropHold(n.holdId, n.reason));
    // An organizer edited the event (sale status, layout) or deleted it.
    socket.on('event:changed', (n) => n.eventId === eventId && onEventChangedRef.current?.(n.change));

    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [eventId, store, dropHold, setHolds]);

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
      return offline('The server did not answer in time. Please try again.');
    }
  }, []);

  /** Every kind of new hold goes through here: it carries the admission, and a refusal for want of one is reported. */
  const sendHold = useCallback(
    async (request: { seatIds: string[]; ga?: { areaId: string; quantity: number }[] } | { best: BestRequest }): Promise<HoldAck> => {
      const payload = { eventId, ...request, ...(admissionRef.current ? { admission: admissionRef.current } : {}) };
      const res = await call((s) => s.emitWithAck('hold:create', payload));
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
      if (res.ok || res.error.code === 'not_found' || res.error.code === 'hold_expired') dropHold(holdId, null);
      return res;
    },
    [call, dropHold],
  );

  const confirmHold = useCallback(
    async (holdId: string, buyer: BuyerDetails, idempotencyKey: string): Promise<ConfirmAck> => {
      const res = await call((s) => s.emitWithAck('hold:confirm', { holdId, buyer, idempotencyKey }));
      if (res.ok) dropHold(holdId, null);
      else if (res.error.code === 'hold_expired') dropHold(holdId, 'expired');
      return res;
    },
    [call, dropHold],
  );

  return { store, connection, synced, holds, createHold, createBestHold, extendHold, releaseHold, confirmHold };
}

export type EventLive = ReturnType<typeof useEventLive>;
