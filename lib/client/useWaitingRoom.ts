'use client';
// The buyer's side of an event's waiting room: joins the queue (solving the
// ALTCHA challenge first when the organizer asks for it), listens to the
// room's "now serving" broadcasts and computes its own position from them,
// and hands the admission to the seat map once admitted.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol';
import { estimatedWaitMsOf, positionOf } from '../queueEstimate';
import type { QueueAck, QueueStatus, QueueUpdate } from '../waitingRoom';
import { getJson } from './api';

export type RoomGate =
  | { kind: 'loading' }
  | { kind: 'shop'; admission: string | null; admittedUntil: number | null }
  | { kind: 'queue'; status: QueueStatus; room: QueueUpdate | null; position: number | null; estimatedWaitMs: number | null; error: string | null; working: string | null };

type QueueSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

async function solvePow(eventId: string): Promise<string | null> {
  const res = await getJson<{ challenge: { algorithm: string; challenge: string; salt: string; signature: string; maxnumber?: number } }>(`/api/events/${encodeURIComponent(eventId)}/queue/challenge`);
  if (!res.ok) return null;
  const { solveChallenge } = await import('altcha-lib/v1');
  const c = res.challenge;
  const solution = await solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber).promise;
  if (!solution) return null;
  return btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: solution.number, salt: c.salt, signature: c.signature }));
}

export function useWaitingRoom(eventId: string): { gate: RoomGate; rejoin(): void; recheck(): void } {
  const [status, setStatus] = useState<QueueStatus | null>(null);
  /** Bumped to read the room again from scratch (the shop learnt the room is on, or the window ended). */
  const [generation, setGeneration] = useState(0);
  const [room, setRoom] = useState<QueueUpdate | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState<string | null>(null);
  const socketRef = useRef<QueueSocket | null>(null);
  const joiningRef = useRef(false);
  /** A join asked for while one was in flight: bumped when that one ends, so a refresh that was needed is not lost. */
  const skippedJoinRef = useRef(false);
  const [skippedJoins, setSkippedJoins] = useState(0);

  const adopt = useCallback((ack: QueueAck) => {
    if (!ack.ok) {
      setError(ack.error.message);
      return;
    }
    setError(null);
    setStatus(ack);
    if (ack.room) setRoom(ack.room);
  }, []);

  const join = useCallback(async () => {
    const socket = socketRef.current;
    if (!socket) return;
    if (joiningRef.current) {
      skippedJoinRef.current = true;
      return;
    }
    joiningRef.current = true;
    try {
      let ack = (await socket.timeout(15_000).emitWithAck('queue:join', { eventId }).catch(() => null)) as QueueAck | null;
      if (ack && !ack.ok && ack.error.code === 'challenge_required') {
        setWorking('Checking your browser (a few seconds of work that keeps bots out)…');
        const pow = await solvePow(eventId);
        setWorking(null);
        ack = pow ? ((await socket.timeout(15_000).emitWithAck('queue:join', { eventId, pow }).catch(() => null)) as QueueAck | null) : ack;
      }
      if (ack) adopt(ack);
      else setError('The server did not answer; retrying…');
    } finally {
      joiningRef.current = false;
      if (skippedJoinRef.current) {
        skippedJoinRef.current = false;
        setSkippedJoins((n) => n + 1);
      }
    }
  }, [eventId, adopt]);

  useEffect(() => {
    let disposed = false;
    // First, a cheap read: most events have no waiting room, and then no socket is opened here.
    void getJson<QueueStatus>(`/api/events/${encodeURIComponent(eventId)}/queue`).then((res) => {
      if (disposed) return;
      if (!res.ok) {
        // No session yet, or no such event: let the event page handle it.
        setStatus({ eventId, state: 'admitted', roomEnabled: false, powRequired: false, room: null });
        return;
      }
      setStatus(res);
      if (res.room) setRoom(res.room);
      if (!res.roomEnabled || res.state === 'admitted') return;
      // Loaded only for a buyer who has to queue: the event page itself connects after it has drawn.
      return import('socket.io-client').then(({ io }) => {
        if (disposed) return;
        const socket: QueueSocket = io({ withCredentials: true, forceNew: true, reconnectionDelayMax: 5000 });
        socketRef.current = socket;
        socket.on('connect', () => void join());
        socket.on('queue:update', (update) => {
          if (update.eventId !== eventId) return;
          setRoom(update);
        });
        socket.on('queue:admitted', (notice) => {
          if (notice.eventId !== eventId) return;
          setStatus((s) => (s ? { ...s, state: 'admitted', admission: notice.admission, admittedUntil: notice.admittedUntil } : s));
        });
      }, () => {
        if (!disposed) setError('Could not load the live queue; reload the page to try again.');
      });
    });
    return () => {
      disposed = true;
      socketRef.current?.removeAllListeners();
      socketRef.current?.disconnect();
      socketRef.current = null;
    };
  }, [eventId, join, generation]);

  // The shuffle gave us a number, or "now serving" passed ours (an admission notice lost in a
  // reconnect): ask again, after a random pause so a whole queue does not ask at once (and again
  // once a join that was in flight ends, if that one could not carry the news yet).
  const number = status?.number;
  const needsRefresh =
    status?.state !== 'admitted' &&
    room !== null &&
    ((number === undefined && room.phase === 'open' && !status?.windowEnded) || (number !== undefined && room.serving >= number) || (room.phase === 'off' && status?.roomEnabled));
  useEffect(() => {
    if (!needsRefresh) return;
    const timer = setTimeout(() => void join(), Math.random() * 3000);
    return () => clearTimeout(timer);
  }, [needsRefresh, join, room?.serving, room?.phase, skippedJoins]);

  let gate: RoomGate;
  if (!status) gate = { kind: 'loading' };
  else if (!status.roomEnabled || (room?.phase === 'off' && status.state !== 'closed')) gate = { kind: 'shop', admission: null, admittedUntil: null };
  else if (status.state === 'admitted') gate = { kind: 'shop', admission: status.admission ?? null, admittedUntil: status.admittedUntil ?? null };
  else {
    const position = number !== undefined && room ? positionOf(number, room.serving) : null;
    const estimatedWaitMs = position !== null && room ? estimatedWaitMsOf(position, room, room.shoppersAtCap) : null;
    gate = { kind: 'queue', status, room, position, estimatedWaitMs, error, working };
  }
  const recheck = useCallback(() => {
    setStatus(null);
    setRoom(null);
    setError(null);
    setGeneration((n) => n + 1);
  }, []);
  return { gate, rejoin: () => void join(), recheck };
}
