// The routing schemas carry the core's real values: every kind of command,
// and the outcomes a real SeatBook gives for them, survive JSON and the zod
// schemas unchanged (the compile-time check in messages.ts covers the types;
// this covers the values: nullables, optional fields, nested records).
import { describe, expect, it } from 'vitest';
import { commandSchema, decodeMessage, outcomeSchema, ROUTING_SCHEMA_VERSION } from '../../server/cluster/messages';
import type { Command, Outcome } from '../../core/types';
import { BUYER_DETAILS, T0, makeBook } from '../core/fixtures';

const overJson = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

describe('routing messages', () => {
  it('every command kind and the real outcomes of a seat book pass through JSON and the schemas unchanged', () => {
    const book = makeBook({ seats: 12, rules: { preventOrphanSeats: false } });
    const fresh = makeBook({ seats: 4 });
    const seen = new Set<string>();
    const run = (command: Command, on = book, now = T0): Outcome => {
      const outcome = on.apply(command, now);
      expect(commandSchema.parse(overJson(command))).toEqual(overJson(command));
      expect(outcomeSchema.parse(overJson(outcome))).toEqual(overJson(outcome));
      seen.add(`${command.type}:${outcome.ok ? outcome.type : outcome.code}`);
      return outcome;
    };

    const held = run({ type: 'hold', buyerId: 'alice', seatIds: ['S1', 'S2'] });
    const holdId = held.ok && held.type === 'held' ? held.hold.id : '';
    run({ type: 'hold', buyerId: 'bob', seatIds: ['S2'] }); // seats_unavailable with seatIds
    run({ type: 'extend', buyerId: 'alice', holdId });
    const confirmed = run({ type: 'confirm', buyerId: 'alice', holdId, idempotencyKey: 'key-00000001', buyer: BUYER_DETAILS });
    const order = confirmed.ok && confirmed.type === 'confirmed' ? confirmed.order : null;
    run({ type: 'confirm', buyerId: 'alice', holdId, idempotencyKey: 'key-00000001', buyer: BUYER_DETAILS }); // replayed
    run({ type: 'check_in', code: order!.tickets[0].code, door: 'North', actor: 'door-1' });
    run({ type: 'check_in', code: order!.tickets[0].code, door: null, actor: 'door-2' }); // already_checked_in with a ticket
    const second = run({ type: 'hold', buyerId: 'carol', seatIds: ['S5'], gaRequests: [] });
    run({ type: 'release', buyerId: 'carol', holdId: second.ok && second.type === 'held' ? second.hold.id : '' });
    const third = run({ type: 'hold', buyerId: 'dave', seatIds: ['S7'] });
    run({ type: 'admin_release', holdId: third.ok && third.type === 'held' ? third.hold.id : '', reason: null, actor: 'organizer' });
    run({ type: 'block', seatIds: ['S9'], reason: 'camera', actor: 'organizer' });
    run({ type: 'unblock', seatIds: ['S9'], reason: null, actor: 'organizer' });
    run({ type: 'cancel_tickets', orderId: order!.id, seatIds: null, reason: 'refund', actor: 'organizer' });
    run({ type: 'configure', rules: { saleStatus: 'paused', saleOpensAt: null }, holdTtlOverride: null, meta: { name: 'Renamed' }, actor: 'organizer' });
    run({ type: 'configure', rules: {}, meta: {}, actor: 'organizer' });
    run(
      {
        type: 'replace_layout',
        seats: [{ id: 'N1', priceCents: 500, place: { sectionId: 'A', row: '1', number: '1', category: 'std', x: 1, y: 2, accessible: 'wheelchair' } }, { id: 'G1', priceCents: 300, gaArea: 'GA' }],
        stage: { x: 0, y: 0, width: 10, height: 2 },
        layout: { any: ['json', 1, null] },
        actor: 'organizer',
      },
      fresh,
    );
    run({ type: 'hold', buyerId: 'erin', seatIds: [], best: { quantity: 1, accessible: true, sectionIds: ['A'] } }, fresh);
    run({ type: 'retire', actor: 'organizer' }, makeBook({ seats: 2 }));
    // A retry-safe hold and its retry: the hold carries its requestId, the retry says it was replayed.
    const retrySafe = makeBook({ seats: 4 });
    const first = run({ type: 'hold', buyerId: 'frank', seatIds: ['S1'], requestId: 'req-00000001' }, retrySafe);
    const retry = run({ type: 'hold', buyerId: 'frank', seatIds: ['S1'], requestId: 'req-00000001' }, retrySafe);
    expect(first).toMatchObject({ ok: true, type: 'held', hold: { requestId: 'req-00000001' } });
    expect(retry).toMatchObject({ ok: true, type: 'held', replayed: true, hold: { requestId: 'req-00000001' } });

    expect([...seen].sort()).toEqual(
      [
        'admin_release:released',
        'block:blocked',
        'cancel_tickets:tickets_cancelled',
        'check_in:already_checked_in',
        'check_in:checked_in',
        'configure:configured',
        'confirm:confirmed',
        'extend:extended',
        'hold:held',
        'hold:seats_unavailable',
        'release:released',
        'replace_layout:layout_replaced',
        'retire:retired',
        'unblock:unblocked',
      ].sort(),
    );
  });

  it('refuses commands with fields it does not know, and other schema versions', () => {
    expect(commandSchema.safeParse({ type: 'release', buyerId: 'b', holdId: 'h', idempotencyKey: 'k1' }).success).toBe(false);
    expect(commandSchema.safeParse({ type: 'teleport' }).success).toBe(false);
    const request = { v: ROUTING_SCHEMA_VERSION, kind: 'request', requestId: 'r1', origin: 'a', eventId: 'ev', epoch: 1, sentAt: 0, deadlineAt: 1, command: { type: 'retire', actor: 'x' } };
    expect(decodeMessage('request', JSON.stringify(request))).toMatchObject({ ok: true });
    expect(decodeMessage('request', JSON.stringify({ ...request, v: ROUTING_SCHEMA_VERSION + 1 }))).toMatchObject({ ok: false, waiting: { requestId: 'r1', origin: 'a' } });
    expect(decodeMessage('reply', JSON.stringify(request))).toMatchObject({ ok: false, waiting: null });
    expect(decodeMessage('request', '{')).toEqual({ ok: false, problem: 'not JSON', waiting: null });
  });
});
