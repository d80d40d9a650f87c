// Emails after the purchase, end to end through a real SMTP server (smtp-server
// on a loopback port, with a login): the confirmation with every ticket, QR
// codes that decode to the ticket codes, a PDF with one page per ticket and a
// link that opens the order in a client that never bought anything; retries
// with back-off; giving up on a recipient that does not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderAck } from '../../lib/protocol';
import { decodeQrPng, inlineQrCodes, orderLinksIn, pdfAttachments, readPdf } from '../support/mailChecks';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink';
import { adminLogin, buy, call, closeAll, connectBuyerSocket, createEvent, holdSeats, confirmHold, startAdminServer, type AdminTestServer, type BuyerSocket } from './adminHelpers';

describe('confirmation email', { timeout: 60_000 }, () => {
  let sink: SmtpSink;
  let server: AdminTestServer;
  let eventId: string;
  const sockets: BuyerSocket[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startAdminServer({ env: { SMTP_URL: sink.url, MAIL_RETRY_BASE_MS: '100', MAIL_FROM: 'Box Office <tickets@seatline.test>' } });
    eventId = (await createEvent(server.url, await adminLogin(server.url), { name: 'Quartet in the Park' })).id;
  });
  afterAll(async () => {
    closeAll(sockets);
    await server?.stop();
    await sink?.close();
  });

  const row = async (id: string) => (await server.sql.get<Record<string, unknown>>('SELECT * FROM outbox WHERE id = ?', id))!;

  it('arrives with every ticket, QR codes of the ticket codes, a PDF page per ticket and a link that opens the order anywhere', async () => {
    const buyer = await connectBuyerSocket(server.url);
    sockets.push(buyer.socket);
    const hold = await holdSeats(buyer.socket, eventId, ['S-A-1', 'S-A-2'], [{ areaId: 'GA', quantity: 1 }]);
    const order = await confirmHold(buyer.socket, hold.id, { name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(order.tickets).toHaveLength(3);

    const mail = await sink.waitFor((m) => m.parsed.subject?.includes(order.id) === true);
    const { parsed } = mail;
    expect(mail.to).toEqual(['ada@example.com']);
    expect(parsed.from?.value).toEqual([{ name: 'Box Office', address: 'tickets@seatline.test' }]);
    expect(parsed.subject).toBe(`Your tickets for Quartet in the Park (order ${order.id})`);
    // The idempotency key of the message: derived from the outbox row, one per order.
    expect(mail.messageId).toBe(`<order-${order.id}-confirmation@seatline.test>`);
    expect(parsed.headers.get('x-seatline-outbox-id')).toBe(`order-${order.id}-confirmation`);

    // Plain text and HTML both list every ticket.
    for (const t of order.tickets) {
      expect(parsed.text).toContain(t.code);
      expect(parsed.html).toContain(t.code);
    }
    expect(parsed.text).toContain('Stalls, row A, seat 1');
    expect(parsed.text).toContain('Standing, general admission');

    // One inline QR image per ticket, referenced from the HTML, each decoding to its ticket's code.
    const qr = inlineQrCodes(parsed);
    expect([...qr.values()].sort()).toEqual(order.tickets.map((t) => t.code).sort());
    for (const cid of qr.keys()) expect(parsed.html).toContain(`cid:${cid}`);

    // The PDF parses (pdf.js) and has one page per ticket, each with the event, the seat, the holder and its code.
    const pdfs = pdfAttachments(parsed);
    expect(pdfs).toHaveLength(1);
    const { pages } = await readPdf(pdfs[0]);
    expect(pages).toHaveLength(3);
    for (const t of order.tickets) {
      const page = pages.find((p) => p.includes(t.code));
      expect(page, `a page for ${t.seatId}`).toBeDefined();
      expect(page).toContain('Quartet in the Park');
      expect(page).toContain('Ada Lovelace');
      expect(page).toContain(t.gaArea ? 'General admission' : `${t.row} SEAT ${t.number}`);
    }

    // The link opens the order with no session at all (a browser that never bought anything).
    const links = orderLinksIn(parsed);
    expect(links).toHaveLength(1);
    expect(links[0].origin).toBe(server.publicUrl);
    const key = links[0].searchParams.get('key')!;
    expect(links[0].pathname).toBe(`/orders/${order.id}`);
    // What the page at that address asks the API (no cookie, no token).
    const opened = await call<OrderAck>(server.url, 'GET', `/api${links[0].pathname}${links[0].search}`);
    expect(opened.status).toBe(200);
    if (!opened.body.ok) throw new Error('not ok');
    expect(opened.body.order.id).toBe(order.id);
    expect(opened.body.order.tickets.map((t) => t.code).sort()).toEqual(order.tickets.map((t) => t.code).sort());
    expect(opened.body.order.status).toBe('confirmed');
    expect(opened.body.accessKey).toBe(key);

    // Exactly one email, and the row says so.
    await server.mail.drain();
    expect(sink.messages.filter((m) => m.parsed.subject?.includes(order.id))).toHaveLength(1);
    expect(await row(`order-${order.id}-confirmation`)).toMatchObject({ kind: 'order_confirmation', attempts: 1, message_id: mail.messageId, claimed_by: null });
    expect((await row(`order-${order.id}-confirmation`)).sent_at).toBeGreaterThanOrEqual(order.createdAt);
  });

  it('a wrong, tampered or borrowed key opens nothing, and says so', async () => {
    const ada = await buy(server.url, eventId, ['S-B-1'], { name: 'Ada', email: 'ada2@example.com' });
    const bob = await buy(server.url, eventId, ['S-B-2'], { name: 'Bob', email: 'bob@example.com' });
    sockets.push(ada.socket, bob.socket);
    const adaKey = (await call<OrderAck>(server.url, 'GET', `/api/orders/${ada.order.id}`, { token: ada.token })).body;
    if (!adaKey.ok) throw new Error('owner could not read the order');
    const key = adaKey.accessKey;
    const flipped = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    const get = (orderId: string, k: string, token?: string) => call(server.url, 'GET', `/api/orders/${orderId}?key=${encodeURIComponent(k)}`, { token });

    expect((await get(ada.order.id, key)).status).toBe(200);
    for (const [what, res] of [
      ['tampered', await get(ada.order.id, flipped)],
      ['another order’s key', await get(bob.order.id, key)],
      ['malformed', await get(ada.order.id, 'not-a-key')],
      ['a generation never issued', await get(ada.order.id, `2.${key.slice(2)}`)],
      ['no such order', await get('o_nope', key)],
    ] as const) {
      expect(res.status, what).toBe(403);
      expect(res.body.error.code, what).toBe('access_key_invalid');
      expect(res.body.order, what).toBeUndefined();
    }
    // Without a key: the buyer's own session works, another buyer's is told nothing, no session is 401.
    expect((await call(server.url, 'GET', `/api/orders/${ada.order.id}`, { token: ada.token })).status).toBe(200);
    expect((await call(server.url, 'GET', `/api/orders/${ada.order.id}`, { token: bob.token })).status).toBe(404);
    expect((await call(server.url, 'GET', `/api/orders/${ada.order.id}`)).status).toBe(401);
  });

  it('a refused delivery is retried with back-off and then delivered once', async () => {
    await server.mail.drain(); // earlier tests' emails are out: the refusals are Carol's
    sink.refuseNext(2, 451);
    const carol = await buy(server.url, eventId, ['S-C-1'], { name: 'Carol', email: 'carol@example.com' });
    sockets.push(carol.socket);
    const mail = await sink.waitFor((m) => m.parsed.subject?.includes(carol.order.id) === true);
    expect(mail.to).toEqual(['carol@example.com']);
    await server.mail.drain();
    expect(sink.messages.filter((m) => m.parsed.subject?.includes(carol.order.id))).toHaveLength(1);
    const sent = (await row(`order-${carol.order.id}-confirmation`));
    expect(sent.attempts).toBe(3);
    expect(sent.last_error).toBeNull();
    expect(sent.sent_at).not.toBeNull();
  });

  it('a recipient the mail server refuses for good is given up after one attempt, and nothing is sent', async () => {
    sink.refuseRecipient('nobody-here@example.com');
    const dave = await buy(server.url, eventId, ['S-C-2'], { name: 'Dave', email: 'nobody-here@example.com' });
    sockets.push(dave.socket);
    const id = `order-${dave.order.id}-confirmation`;
    const deadline = Date.now() + 20_000;
    while ((await row(id)).failed_at === null) {
      if (Date.now() > deadline) throw new Error(`still not given up: ${JSON.stringify((await row(id)))}`);
      await server.mail.drain();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await row(id)).toMatchObject({ attempts: 1, sent_at: null });
    expect(String((await row(id)).last_error)).toMatch(/550/);
    expect(sink.messages.some((m) => m.parsed.subject?.includes(dave.order.id))).toBe(false);
  });
});

describe('the .eml default', { timeout: 60_000 }, () => {
  it('without SMTP_URL each email is written once as an .eml file next to the database', async () => {
    const server = await startAdminServer();
    const sockets: BuyerSocket[] = [];
    try {
      const { readdirSync, readFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { simpleParser } = await import('mailparser');
      const eventId = (await createEvent(server.url, await adminLogin(server.url))).id;
      const ada = await buy(server.url, eventId, ['S-A-3'], { name: 'Ada', email: 'ada@example.com' });
      sockets.push(ada.socket);
      await server.mail.drain();
      const dir = join(server.dir, 'outbox');
      const files = readdirSync(dir);
      expect(files).toEqual([expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z-order-${ada.order.id}-confirmation\\.eml$`))]);
      const parsed = await simpleParser(readFileSync(join(dir, files[0])));
      expect(parsed.to && 'text' in parsed.to ? parsed.to.text : '').toBe('ada@example.com');
      expect(decodeQrPng(parsed.attachments.find((a) => a.cid)!.content)).toBe(ada.order.tickets[0].code);
      expect(await readPdf(pdfAttachments(parsed)[0])).toMatchObject({ pages: [expect.stringContaining(ada.order.tickets[0].code)] });
    } finally {
      closeAll(sockets);
      await server.stop();
    }
  });
});
