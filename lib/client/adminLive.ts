'use client';
// Live feeds for the organizer's on-sale view: the /admin namespace's
// per-second figures, and the public seat feed (statuses of every seat).
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { AdminClientToServerEvents, AdminEventStats, AdminServerToClientEvents } from '../adminProtocol';
import {
  seatChangesOf,
  seatStatusesOf,
  seatsUpdateSchema,
  updateAction,
  type ClientToServerEvents,
  type EventChangedNotice,
  type EventDetail,
  type JoinAck,
  type SeatStatus,
  type SeatsUpdate,
  type ServerToClientEvents,
} from '../protocol';
import { adminRequest, redirectToLogin } from './adminApi';

export type FeedState = 'connecting' | 'live' | 'offline';

/** Figures pushed every second by /admin; `offsetMs` = server clock − browser clock. */
export function useAdminStats(eventId: string) {
  const [stats, setStats] = useState<AdminEventStats | null>(null);
  const [state, setState] = useState<FeedState>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [offsetMs, setOffsetMs] = useState(0);

  useEffect(() => {
    const socket: Socket<AdminServerToClientEvents, AdminClientToServerEvents> = io('/admin', { withCredentials: true, forceNew: true });
    const take = (s: AdminEventStats) => {
      if (s.eventId !== eventId) return;
      setStats(s);
      setOffsetMs(s.at - Date.now());
    };
    socket.on('connect', () => {
      socket.timeout(10_000).emit('admin:watch', { eventId }, (err, res) => {
        if (err) return setError('The server did not answer; retrying…');
        if (!res.ok) return setError(res.error.message);
        setError(null);
        setState('live');
        take(res.stats);
      });
    });
    socket.on('admin:stats', take);
    socket.on('disconnect', () => setState('offline'));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      setState('offline');
      if (err.data?.code === 'unauthorized' || err.message === 'unauthorized') redirectToLogin();
    });
    return () => {
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [eventId]);

  return { stats, state, error, offsetMs };
}

/** The event's static layout (public endpoint, never from cache). */
export function useEventDetail(eventId: string) {
  const [detail, setDetail] = useState<EventDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  useEffect(() => {
    let cancelled = false;
    void adminRequest<{ event: EventDetail }>('GET', `/api/events/${encodeURIComponent(eventId)}`).then((res) => {
      if (cancelled) return;
      if (res.ok) {
        setDetail(res.event);
        setError(null);
      } else setError(res.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [eventId, reloadKey]);
  return { detail, error, reload: () => setReloadKey((k) => k + 1) };
}

/**
 * Every seat's public status, kept current by `seats:update` deltas; a gap in
 * versions or a reconnect takes a fresh snapshot. Blocked seats read 'sold'.
 * Snapshots and deltas address seats by layout index, so the feed keeps the
 * layout's seat ids (fetched again whenever the join ack names another layoutKey;
 * the dashboard's own layout request makes that a 304 revalidation).
 */
export function useSeatFeed(eventId: string, onEventChanged?: (notice: EventChangedNotice) => void) {
  const statuses = useRef(new Map<string, SeatStatus>());
  const [revision, setRevision] = useState(0);
  const [state, setState] = useState<FeedState>('connecting');
  const changedRef = useRef(onEventChanged);
  changedRef.current = onEventChanged;

  useEffect(() => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ withCredentials: true, forceNew: true });
    let version = -1;
    let syncing = false;
    let disposed = false;
    let layout: { key: string; seatIds: string[] } | null = null;
    const bump = () => setRevision((r) => r + 1);
    const retry = () => setTimeout(() => !disposed && socket.connected && join(), 2000);
    const seatIdsFor = async (layoutKey: string): Promise<string[] | null> => {
      if (layout?.key === layoutKey) return layout.seatIds;
      const res = await adminRequest<{ event: EventDetail }>('GET', `/api/events/${encodeURIComponent(eventId)}`);
      if (!res.ok || res.event.layoutKey !== layoutKey) return null;
      layout = { key: layoutKey, seatIds: res.event.seats.map((seat) => seat.id) };
      return layout.seatIds;
    };
    const join = () => {
      syncing = true;
      socket.timeout(10_000).emit('event:join', { eventId }, async (err: Error | null, res: JoinAck) => {
        const seatIds = !err && res.ok ? await seatIdsFor(res.layoutKey) : null;
        const seats = seatIds && res.ok ? seatStatusesOf(res.statuses, seatIds) : null;
        syncing = false;
        if (disposed) return;
        if (!seats || !res.ok) return void retry();
        statuses.current = new Map(Object.entries(seats));
        version = res.version;
        setState('live');
        bump();
      });
    };
    const onUpdate = (raw: SeatsUpdate) => {
      const parsed = seatsUpdateSchema.safeParse(raw);
      if (!parsed.success || parsed.data.eventId !== eventId || syncing) return;
      const u = parsed.data;
      const action = updateAction(version, u);
      if (action === 'ignore') return;
      const changes = action === 'apply' && layout ? seatChangesOf(u.delta, layout.seatIds) : null;
      if (!changes) return join();
      for (const c of changes) statuses.current.set(c.seatId, c.status);
      version = u.version;
      bump();
    };
    socket.on('connect', join);
    socket.on('seats:update', onUpdate);
    socket.on('event:changed', (n) => {
      if (n.eventId !== eventId) return;
      changedRef.current?.(n);
      if (n.change === 'layout') join();
    });
    socket.on('disconnect', () => setState('offline'));
    socket.on('connect_error', () => setState('offline'));
    return () => {
      disposed = true;
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [eventId]);

  return { statuses: statuses.current, revision, state };
}

/** A clock that re-renders every `ms`, corrected by the server offset. */
export function useTicker(offsetMs: number, ms = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now + offsetMs;
}
