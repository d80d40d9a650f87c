// Recording a history of real operations for the linearizability checker.
//
// Every operation is recorded with two clocks:
//   invokeAt/completeAt     performance.now(): high resolution, monotonic; it
//                           decides real-time order (A precedes B iff A
//                           completed before B was invoked).
//   invokeWall/completeWall Date.now(), read just outside the performance
//                           stamps: the server's own clock (the test server
//                           runs in this process), so the moment the server
//                           acted lies within [invokeWall, completeWall]. Hold
//                           deadlines are in this clock, so expiry outcomes
//                           can be explained by time.
import { performance } from 'node:perf_hooks';
import type { ConfirmAck, ErrorCode, HoldAck, ReleaseAck } from '../../lib/protocol';

export type OpKind = 'hold' | 'extend' | 'release' | 'confirm';

export type OpArgs =
  | { seatIds: string[] } // hold
  | { holdId: string } // extend, release
  | { holdId: string; key: string }; // confirm

/** What came back, reduced to what the sequential model can check. */
export type OpResult =
  | {
      ok: true;
      /** hold / extend: the hold; confirm: the hold that became the order. */
      holdId?: string;
      /** hold / extend: the hold's seats; confirm: the seats of its tickets. */
      seatIds?: string[];
      /** hold / extend: the new deadline (server clock). */
      expiresAt?: number;
      extensionsLeft?: number;
      /** confirm */
      orderId?: string;
      orderCreatedAt?: number;
      replayed?: boolean;
    }
  | { ok: false; code: ErrorCode; seatIds?: string[]; orderId?: string };

export interface HistoryEntry {
  id: number;
  client: string;
  /** The buyer session the client acts for. */
  buyer: string;
  op: OpKind;
  args: OpArgs;
  invokeAt: number;
  completeAt: number;
  invokeWall: number;
  completeWall: number;
  result: OpResult;
}

export class HistoryRecorder {
  readonly entries: HistoryEntry[] = [];

  /** Runs `call`, timing it, and records the outcome. A call that throws (no reply) fails the run. */
  async record<R extends OpResult>(client: string, buyer: string, op: OpKind, args: OpArgs, call: () => Promise<R>): Promise<R> {
    const invokeWall = Date.now();
    const invokeAt = performance.now();
    const result = await call();
    const completeAt = performance.now();
    const completeWall = Date.now();
    this.entries.push({ id: this.entries.length, client, buyer, op, args, invokeAt, completeAt, invokeWall, completeWall, result });
    return result;
  }
}

// ---------- wire replies → OpResult (the same Ack shapes over Socket.IO and HTTP) ----------

function failure(ack: { ok: false; error: { code: ErrorCode; seatIds?: string[]; orderId?: string } }): OpResult {
  const { code, seatIds, orderId } = ack.error;
  return { ok: false, code, ...(seatIds ? { seatIds } : {}), ...(orderId ? { orderId } : {}) };
}

export function fromHoldAck(ack: HoldAck): OpResult {
  if (!ack.ok) return failure(ack);
  const h = ack.hold;
  return { ok: true, holdId: h.id, seatIds: h.seatIds, expiresAt: h.expiresAt, extensionsLeft: h.extensionsLeft };
}

export function fromReleaseAck(ack: ReleaseAck): OpResult {
  return ack.ok ? { ok: true, holdId: ack.holdId } : failure(ack);
}

export function fromConfirmAck(ack: ConfirmAck): OpResult {
  if (!ack.ok) return failure(ack);
  const o = ack.order;
  return {
    ok: true,
    holdId: o.holdId,
    orderId: o.id,
    orderCreatedAt: o.createdAt,
    seatIds: o.tickets.map((t) => t.seatId),
    replayed: ack.replayed,
  };
}
