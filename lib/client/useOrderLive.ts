'use client';
// The order page's live connection: joins the order's room (authorised by the
// buyer's session or the access key) and calls `onUpdated` when the order
// changed (an organizer cancelled tickets, or replaced the link). It also
// calls it ('joined') each time it has joined, after every reconnect too: a
// change that committed before the join (say between the page's first load
// and the socket's connection) would otherwise never be heard of.
import { useEffect, useRef } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { OrderUpdatedNotice } from '../orderProtocol';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol';

type OrderSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 15_000;

export function useOrderLive(orderId: string, accessKey: string | undefined, enabled: boolean, onUpdated: (change: OrderUpdatedNotice['change'] | 'joined') => void): void {
  const onUpdatedRef = useRef(onUpdated);
  onUpdatedRef.current = onUpdated;

  useEffect(() => {
    if (!enabled) return;
    const socket: OrderSocket = io({ withCredentials: true, forceNew: true, reconnectionDelayMax: 5000 });
    socket.on('connect', () => {
      socket.timeout(ACK_TIMEOUT_MS).emit('order:watch', { orderId, ...(accessKey ? { key: accessKey } : {}) }, (err, res) => {
        if (!err && res.ok) onUpdatedRef.current('joined');
      });
    });
    socket.on('order:updated', (notice) => {
      if (notice.orderId === orderId) onUpdatedRef.current(notice.change);
    });
    return () => {
      socket.disconnect();
    };
  }, [orderId, accessKey, enabled]);
}
