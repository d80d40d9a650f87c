// Cancellations are told, and links can be revoked: an open order page (a
// socket in the order's room, let in by its session or by the access key)
// hears `order:updated` after the organizer's cancel commits; the order
// answers which tickets, when, why and the refund; the buyer gets an email.
// Revoking the key: the old link answers access_key_revoked, the new one
// works and is emailed, and sockets let in by the old key leave the room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderUpdatedNotice } from '../../lib/orderProtocol';
import type { OrderAck } from '../../lib/protocol';
import { orderLinksIn, pdfAttachments, readPdf } from '../support/mailChecks';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink';
import {
  adminLogin,
  ask,
  buy,
  call,
  closeAll,
  connectBuyerSocket,
  createEvent,
  record,
  startAdminServer,
  waitFor,
  type AdminTestServer,
  type BuyerSocket,
} from './adminHelpers';

describe('cancellations and revoked links', { timeout: 60_000 }, () => {
  let sink: SmtpSink;
  let server: AdminTestServer;
  let admin: string;
  let eventId: string;
  const sockets: BuyerSocket[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startAdminServer({ env: { SMTP_URL: sink.url } });
    admin = await adminLogin(server.url);
    eventId = (await createEvent(server.url, admin, { name: 'Late Show' })).id;
  });
  afterAll(async () => {
    closeAll(sockets);
    await server?.stop();
    await sink?.close();
  });

  const keyOf = async (orderId: string, token: string): Promise<string> => {
    const res = await call<OrderAck>(server.url, 'GET', `/api/orders/${orderId}`, { token });
    if (!res.body.ok) throw new Error(`owner cannot read ${orderId}`);
    return res.body.accessKey;
  };
  const asAdmin = (method: string, path: string, body?: unknown) => call(server.url, method, path, { token: admin, body });
  const stranger = async () => {
    const s = await connectBuyerSocket(server.url);
    sockets.push(s.socket);
    return s.socket;
  };

  it('an open page hears each cancellation; the order tells which tickets, when, why and the refund; the buyer gets an email each time', async () => {
    const ada = await buy(server.url, eventId, ['S-B-1', 'S-B-2', 'S-B-3'], { name: 'Ada', email: 'ada@example.com' });
    sockets.push(ada.socket);
    const key = await keyOf(ada.order.id, ada.token);
    await sink.waitFor((m) => m.parsed.subject?.includes(`order ${ada.order.id}`) === true);

    // The buyer's own page joins by session; a phone that opened the link joins by key.
    expect(await ask(ada.socket, 'order:watch', { orderId: ada.order.id })).toEqual({ ok: true, orderId: ada.order.id });
    const phone = await stranger();
    expect(await ask(phone, 'order:watch', { orderId: ada.order.id, key })).toEqual({ ok: true, orderId: ada.order.id });
    // Nobody else gets in.
    const nosy = await stranger();
    expect((await ask(nosy, 'order:watch', { orderId: ada.order.id })).error.code).toBe('not_found');
    expect((await ask(nosy, 'order:watch', { orderId: ada.order.id, key: `${key.slice(0, -2)}xx` })).error.code).toBe('access_key_invalid');
    expect((await ask(nosy, 'order:watch', { orderId: 'bad id!' })).error.code).toBe('invalid_request');
    const nosySaw = record<OrderUpdatedNotice>(nosy, 'order:updated');

    // The organizer cancels one ticket.
    const heardByOwner = waitFor<OrderUpdatedNotice>(ada.socket, 'order:updated');
    const heardByPhone = waitFor<OrderUpdatedNotice>(phone, 'order:updated');
    const before = Date.now();
    expect((await asAdmin('POST', `/api/admin/orders/${ada.order.id}/cancel`, { seatIds: ['S-B-1'], reason: 'Seat damaged' })).status).toBe(200);
    expect(await heardByOwner).toEqual({ orderId: ada.order.id, change: 'tickets_cancelled' });
    expect(await heardByPhone).toEqual({ orderId: ada.order.id, change: 'tickets_cancelled' });

    const partly = await call<OrderAck>(server.url, 'GET', `/api/orders/${ada.order.id}?key=${key}`);
    if (!partly.body.ok) throw new Error('not ok');
    expect(partly.body.order).toMatchObject({ status: 'partially_cancelled', paidCents: 9000, refundCents: 3000, totalCents: 6000 });
    const s1 = partly.body.order.tickets.find((t) => t.seatId === 'S-B-1')!;
    expect(s1).toMatchObject({ status: 'cancelled', cancelReason: 'Seat damaged' });
    expect(s1.cancelledAt).toBeGreaterThanOrEqual(before);
    expect(partly.body.order.tickets.filter((t) => t.status === 'valid').map((t) => t.seatId)).toEqual(['S-B-2', 'S-B-3']);

    const notice1 = await sink.waitFor((m) => m.parsed.subject === `1 ticket cancelled: order ${ada.order.id} for Late Show`);
    expect(notice1.to).toEqual(['ada@example.com']);
    expect(notice1.messageId).toMatch(new RegExp(`^<order-${ada.order.id}-cancel-[A-Za-z0-9]{16}@localhost>$`));
    expect(notice1.parsed.text).toContain('Stalls, row B, seat 1');
    expect(notice1.parsed.text).toContain('Reason: Seat damaged');
    expect(notice1.parsed.text).toContain('To be refunded: €30');
    expect(notice1.parsed.text).toContain('Your other 2 tickets are still valid');
    expect(orderLinksIn(notice1.parsed).map((l) => l.searchParams.get('key'))).toEqual([key]);
    // The attached PDF holds the tickets that are still valid, not the cancelled one.
    const { pages } = await readPdf(pdfAttachments(notice1.parsed)[0]);
    expect(pages).toHaveLength(2);
    expect(pages.some((p) => p.includes(s1.code))).toBe(false);

    // Then the rest of the order.
    const heardAgain = waitFor<OrderUpdatedNotice>(phone, 'order:updated');
    expect((await asAdmin('POST', `/api/admin/orders/${ada.order.id}/cancel`, { reason: 'Show moved to March' })).status).toBe(200);
    await heardAgain;
    const gone = await call<OrderAck>(server.url, 'GET', `/api/orders/${ada.order.id}?key=${key}`);
    if (!gone.body.ok) throw new Error('not ok');
    expect(gone.body.order).toMatchObject({ status: 'cancelled', paidCents: 9000, refundCents: 9000, totalCents: 0 });
    expect(gone.body.order.tickets.map((t) => [t.seatId, t.status, t.cancelReason])).toEqual([
      ['S-B-1', 'cancelled', 'Seat damaged'],
      ['S-B-2', 'cancelled', 'Show moved to March'],
      ['S-B-3', 'cancelled', 'Show moved to March'],
    ]);
    const notice2 = await sink.waitFor((m) => m.parsed.subject === `Cancelled: your order ${ada.order.id} for Late Show`);
    expect(notice2.parsed.text).toContain('Reason: Show moved to March');
    expect(notice2.parsed.text).toContain('To be refunded: €60');
    expect(notice2.parsed.text).toContain('None of the order’s tickets is valid any more');
    for (const part of [notice2.parsed.text, notice2.parsed.html]) expect(part).not.toMatch(/confirmed|You’re going/i);
    expect(pdfAttachments(notice2.parsed)).toEqual([]);

    // Exactly three emails about this order, and nobody outside the room heard anything.
    await server.mail.drain();
    expect(sink.messages.filter((m) => m.parsed.subject?.includes(ada.order.id))).toHaveLength(3);
    await ask(nosy, 'order:unwatch', { orderId: ada.order.id }); // a round trip: anything sent to it before has arrived
    expect(nosySaw).toEqual([]);
  });

  it('revoking the key: the old link is refused as revoked, the new one works and is emailed, key holders leave the room', async () => {
    const bob = await buy(server.url, eventId, ['S-C-1', 'S-C-2'], { name: 'Bob', email: 'bob@example.com' });
    sockets.push(bob.socket);
    const oldKey = await keyOf(bob.order.id, bob.token);
    const phone = await stranger();
    expect((await ask(phone, 'order:watch', { orderId: bob.order.id, key: oldKey })).ok).toBe(true);
    expect((await ask(bob.socket, 'order:watch', { orderId: bob.order.id })).ok).toBe(true);

    // Only organizers may revoke.
    expect((await call(server.url, 'POST', `/api/admin/orders/${bob.order.id}/access/revoke`, { body: {} })).status).toBe(401);
    expect((await call(server.url, 'POST', `/api/admin/orders/${bob.order.id}/access/revoke`, { token: bob.token, body: {} })).status).toBe(403);
    expect((await asAdmin('POST', '/api/admin/orders/o_missing/access/revoke', {})).status).toBe(404);
    expect((await asAdmin('POST', `/api/admin/orders/${bob.order.id}/access/revoke`, { emailBuyer: 'yes' })).status).toBe(400);
    expect((await call(server.url, 'GET', `/api/orders/${bob.order.id}?key=${oldKey}`)).status).toBe(200);

    const phoneHeard = waitFor<OrderUpdatedNotice>(phone, 'order:updated');
    const revoked = await asAdmin('POST', `/api/admin/orders/${bob.order.id}/access/revoke`, {});
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ ok: true, orderId: bob.order.id, generation: 2, emailed: true });
    expect(await phoneHeard).toEqual({ orderId: bob.order.id, change: 'access_revoked' });
    const newKey = new URL(revoked.body.accessUrl).searchParams.get('key')!;
    expect(newKey).not.toBe(oldKey);

    const old = await call(server.url, 'GET', `/api/orders/${bob.order.id}?key=${oldKey}`);
    expect(old.status).toBe(410);
    expect(old.body.error.code).toBe('access_key_revoked');
    expect((await call(server.url, 'GET', `/api/orders/${bob.order.id}?key=${newKey}`)).status).toBe(200);
    expect(await keyOf(bob.order.id, bob.token)).toBe(newKey); // the buyer's own page shows the new link

    // The new link reaches the buyer.
    const mail = await sink.waitFor((m) => m.parsed.subject === `A new link to your order ${bob.order.id}`);
    expect(mail.to).toEqual(['bob@example.com']);
    expect(orderLinksIn(mail.parsed).map((l) => l.searchParams.get('key'))).toEqual([newKey]);

    // The phone was let in by the old key: it no longer hears the order; the buyer's own page still does.
    const phoneSaw = record<OrderUpdatedNotice>(phone, 'order:updated');
    const ownerHeard = waitFor<OrderUpdatedNotice>(bob.socket, 'order:updated');
    expect((await asAdmin('POST', `/api/admin/orders/${bob.order.id}/cancel`, { seatIds: ['S-C-1'], reason: 'Broken' })).status).toBe(200);
    expect((await ownerHeard).change).toBe('tickets_cancelled');
    await ask(phone, 'order:unwatch', { orderId: 'o_other' }); // round trip
    expect(phoneSaw).toEqual([]);
    expect((await ask(phone, 'order:watch', { orderId: bob.order.id, key: oldKey })).error.code).toBe('access_key_revoked');
    expect((await ask(phone, 'order:watch', { orderId: bob.order.id, key: newKey })).ok).toBe(true);

    // The organizer sees the order's emails and the current link.
    await server.mail.drain();
    const info = await asAdmin('GET', `/api/admin/orders/${bob.order.id}/access`);
    expect(info.status).toBe(200);
    expect(info.body.accessUrl).toBe(revoked.body.accessUrl);
    expect(info.body.generation).toBe(2);
    expect(info.body.emails.map((e: { kind: string; state: string }) => [e.kind, e.state])).toEqual([
      ['order_confirmation', 'sent'],
      ['order_links', 'sent'],
      ['order_cancellation', 'sent'],
    ]);
    expect((await call(server.url, 'GET', `/api/admin/orders/${bob.order.id}/access`, { token: bob.token })).status).toBe(403);
  });
});
