'use client';
// The order page's live connection: joins the order's room (authorised by the
// buyer's session or the access key) and calls `onUpdated` when the order
// changed (an organizer cancelled tickets, or replaced the link). It also
// calls it ('joined') each time it has joined, after every reconnect too: a
// change that committed before the join (say between the page's first load
// and the socket's connection) would otherwise never be heard of.
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { OrderUpdatedNotice } from '../orderProtocol';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol';

type OrderSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 15_000;

/** Returns whether the page is in the order's room now (it hears changes as they happen). */
export function useOrderLive(orderId: string, accessKey: string | undefined, enabled: boolean, onUpdated: (change: OrderUpdatedNotice['change'] | 'joined') => void): boolean {
  const onUpdatedRef = useRef(onUpdated);
  onUpdatedRef.current = onUpdated;
  const [joined, setJoined] = useState(false);

  useEffect(() => {
    if (!enabled) return;
    const socket: OrderSocket = io({ withCredentials: true, forceNew: true, reconnectionDelayMax: 5000 });
    socket.on('connect', () => {
      socket.timeout(ACK_TIMEOUT_MS).emit('order:watch', { orderId, ...(accessKey ? { key: accessKey } : {}) }, (err, res) => {
        if (err || !res.ok) return;
        setJoined(true);
        onUpdatedRef.current('joined');
      });
    });
    socket.on('disconnect', () => setJoined(false));
    socket.on('order:updated', (notice) => {
      if (notice.orderId === orderId) onUpdatedRef.current(notice.change);
    });
    return () => {
      socket.disconnect();
      setJoined(false);
    };
  }, [orderId, accessKey, enabled]);
  return joined;
}
