// "Find my tickets" against a real server and a real SMTP server: the answer
// is identical for known and unknown addresses (status, headers that matter,
// body), only the owner gets an email, with a working link to every order of
// the address; per-email and per-client-address limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIND_TICKETS_ANSWER } from '../../lib/orderProtocol';
import { orderLinksIn } from '../support/mailChecks';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink';
import { adminLogin, buy, call, closeAll, createEvent, startAdminServer, type AdminTestServer, type BuyerSocket } from './adminHelpers';

const lookup = (server: AdminTestServer, email: unknown) => call(server.url, 'POST', '/api/orders/lookup', { body: { email } });

/** Waits until every accepted lookup ran and every email it queued went out. */
async function settle(server: AdminTestServer): Promise<void> {
  await server.findTickets.settled();
  await server.mail.drain();
}

describe('find my tickets', { timeout: 60_000 }, () => {
  let sink: SmtpSink;
  let server: AdminTestServer;
  let eventId: string;
  const sockets: BuyerSocket[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startAdminServer({ env: { SMTP_URL: sink.url, FIND_TICKETS_PER_EMAIL_PER_HOUR: '2', FIND_TICKETS_PER_ADDRESS_PER_HOUR: '8' } });
    eventId = (await createEvent(server.url, await adminLogin(server.url))).id;
  });
  afterAll(async () => {
    closeAll(sockets);
    await server?.stop();
    await sink?.close();
  });

  it('answers the same for known and unknown addresses and emails only the owner, with a link to each order', async () => {
    // Ada bought twice (with different capitalisation), Bob once.
    const first = await buy(server.url, eventId, ['S-A-1'], { name: 'Ada', email: 'Ada.Lovelace@Example.com' });
    const second = await buy(server.url, eventId, ['S-A-2', 'S-A-3'], { name: 'Ada', email: 'ada.lovelace@example.com' });
    const bob = await buy(server.url, eventId, ['S-B-1'], { name: 'Bob', email: 'bob@example.com' });
    sockets.push(first.socket, second.socket, bob.socket);
    await settle(server);
    const before = sink.messages.length;

    const known = await lookup(server, 'ADA.LOVELACE@example.com');
    const unknown = await lookup(server, 'nobody@example.com');
    for (const res of [known, unknown]) {
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ ok: true, message: FIND_TICKETS_ANSWER });
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    expect(known.text).toBe(unknown.text);

    await settle(server);
    const sent = sink.messages.slice(before);
    // One email, to the address the orders were placed with: none for the unknown address, none for Bob.
    expect(sent).toHaveLength(1);
    const [mail] = sent;
    expect(mail.to).toEqual(['ada.lovelace@example.com']); // the newest order's spelling
    expect(mail.parsed.subject).toBe('Your 2 Seatline orders');
    expect(mail.parsed.text).toContain('asked for links');

    // Each link opens its order with no session; newest first.
    const links = orderLinksIn(mail.parsed);
    expect(links.map((l) => l.pathname)).toEqual([`/orders/${second.order.id}`, `/orders/${first.order.id}`]);
    for (const link of links) {
      const opened = await call(server.url, 'GET', `/api${link.pathname}${link.search}`);
      expect(opened.status).toBe(200);
      expect(opened.body.order.buyer.email.toLowerCase()).toBe('ada.lovelace@example.com');
    }
  });

  it('bad input is refused and changes nothing; an address asking too often gets the same answer but no more email', async () => {
    await settle(server);
    const before = sink.messages.length;
    const rows = async () => (await server.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'order_links'`))!.n;
    const linkRows = await rows();

    for (const email of ['not-an-address', '', 42, 'a'.repeat(250) + '@x.io']) {
      const res = await lookup(server, email);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await call(server.url, 'POST', '/api/orders/lookup', { body: undefined, headers: { 'content-type': 'text/plain' } })).status).toBe(400);
    await settle(server);
    expect(await rows()).toBe(linkRows);

    // Bob may ask twice an hour (FIND_TICKETS_PER_EMAIL_PER_HOUR=2); the third answer is the same, and sends nothing.
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await lookup(server, 'bob@example.com'));
    for (const a of answers) expect([a.status, a.text]).toEqual([202, answers[0].text]);
    await settle(server);
    const bobs = sink.messages.slice(before).filter((m) => m.to.includes('bob@example.com'));
    expect(bobs).toHaveLength(2);
  });

  it('a client address asking too often is told to wait (429), whatever the email', async () => {
    // 8 an hour per client address: this file's requests so far used 2 + 3 valid ones (invalid bodies are refused first).
    const results: number[] = [];
    for (let i = 0; i < 5; i++) results.push((await lookup(server, `someone${i}@example.com`)).status);
    expect(results.slice(0, 3)).toEqual([202, 202, 202]);
    expect(results.slice(3)).toEqual([429, 429]);
    const limited = await lookup(server, 'ada.lovelace@example.com');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
