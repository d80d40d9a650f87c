// kill -9 and the confirmation email. A server in its own process kills
// itself (FAULT_KILL_MAIL) at the two moments that matter:
//   - before_send: the order is committed and acknowledged, its email claimed
//     but not handed to SMTP. After a restart the email goes out, once.
//   - after_send: the SMTP server accepted the email, "sent" was not stored.
//     After a restart it goes out again, with the same Message-ID (and Date,
//     subject, text): the duplicate is recognisable as the same message.
// And three sender processes on one database with one queue: each email once.
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { ConfirmAck } from '../../lib/protocol';
import { startSmtpSink, type SmtpSink } from '../support/smtpSink';
import { closeSockets, connectBuyer, openReadOnly, request, seededDatabaseCopy, sendJson, startChildServer, startTestServer, tempDir, type ChildServer, type TestSocket } from './helpers';

const EVENT = 'demo-theatre';
const senderEntry = fileURLToPath(new URL('./fixtures/mailSender.ts', import.meta.url));

let children: ChildServer[] = [];
let sockets: TestSocket[] = [];
let dirs: string[] = [];
let sinks: SmtpSink[] = [];

afterEach(async () => {
  closeSockets(sockets);
  sockets = [];
  await Promise.all(children.map((c) => c.kill()));
  children = [];
  await Promise.all(sinks.map((s) => s.close()));
  sinks = [];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

async function child(env: Record<string, string>, entry?: string): Promise<ChildServer> {
  const c = await startChildServer(env, 30_000, entry);
  children.push(c);
  return c;
}

async function setup(): Promise<{ sink: SmtpSink; env: Record<string, string> }> {
  const dir = tempDir('seatline-mailcrash-');
  dirs.push(dir);
  const sink = await startSmtpSink();
  sinks.push(sink);
  // A short lease, so the restarted process may take over the dead one's claim soon.
  const env = {
    DATABASE_PATH: await seededDatabaseCopy(dir),
    SQLITE_SYNCHRONOUS: 'FULL',
    SMTP_URL: sink.url,
    PUBLIC_URL: 'https://tickets.example.test',
    MAIL_CLAIM_LEASE_MS: '1000',
    MAIL_POLL_MS: '200',
  };
  return { sink, env };
}

/** Holds the seats and confirms over HTTP (one email address per order: each address may buy only so many); returns the acknowledged order. */
async function confirmedOrder(url: string, seatIds: string[]): Promise<ConfirmAck & { ok: true }> {
  const buyer = await connectBuyer(url);
  sockets.push(buyer.socket);
  const hold = await request(buyer.socket, 'hold:create', { eventId: EVENT, seatIds });
  if (!hold.ok) throw new Error(`hold failed: ${JSON.stringify(hold.error)}`);
  const ack = await sendJson<ConfirmAck>('POST', `${url}/api/holds/${hold.hold.id}/confirm`, { buyer: { name: 'Kill Nine', email: `kill9-${seatIds.join('-').toLowerCase()}@example.com` } }, buyer.token, {
    'idempotency-key': `mail-crash-${hold.hold.id}`,
  });
  if (ack.status !== 201 || !ack.body.ok) throw new Error(`confirm failed: ${JSON.stringify(ack.body)}`);
  return ack.body;
}

type OutboxRow = { id: string; attempts: number; claimed_by: string | null; sent_at: number | null; message_id: string | null };

function outboxRow(path: string, id: string): OutboxRow {
  const db = openReadOnly(path);
  try {
    return db.prepare('SELECT id, attempts, claimed_by, sent_at, message_id FROM outbox WHERE id = ?').get(id) as OutboxRow;
  } finally {
    db.close();
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kill -9 and the confirmation email', { timeout: 120_000 }, () => {
  it('killed between commit and send: after a restart the email goes out exactly once', async () => {
    const { sink, env } = await setup();
    const first = await child({ ...env, FAULT_KILL_MAIL: 'before_send' });
    const { order } = await confirmedOrder(first.url, ['SC-F-1', 'SC-F-2']);
    // The sender claimed the email and killed the process before handing it to SMTP.
    expect((await first.exited).signal).toBe('SIGKILL');
    const id = `order-${order.id}-confirmation`;
    expect(outboxRow(env.DATABASE_PATH, id)).toMatchObject({ attempts: 1, sent_at: null, claimed_by: expect.any(String) });
    expect(sink.messages).toEqual([]);

    await child(env);
    const mail = await sink.waitFor((m) => m.parsed.subject?.includes(order.id) === true, 60_000);
    expect(mail.to).toEqual(['kill9-sc-f-1-sc-f-2@example.com']);
    expect(mail.messageId).toBe(`<${id}@localhost>`);
    for (const t of order.tickets) expect(mail.parsed.text).toContain(t.code);
    // Once it is marked sent it can never be claimed again: one email, for good.
    await until(() => outboxRow(env.DATABASE_PATH, id).sent_at !== null, 'the email to be marked sent');
    expect(outboxRow(env.DATABASE_PATH, id)).toMatchObject({ attempts: 2, claimed_by: null, message_id: mail.messageId });
    expect(sink.messages).toHaveLength(1);
  });

  it('killed after SMTP accepted but before "sent" was stored: the resend is the same message (same Message-ID)', async () => {
    const { sink, env } = await setup();
    const first = await child({ ...env, FAULT_KILL_MAIL: 'after_send' });
    const { order } = await confirmedOrder(first.url, ['SC-G-1']);
    expect((await first.exited).signal).toBe('SIGKILL');
    const id = `order-${order.id}-confirmation`;
    expect(sink.messages).toHaveLength(1);
    expect(outboxRow(env.DATABASE_PATH, id)).toMatchObject({ attempts: 1, sent_at: null });

    await child(env);
    const [original, resend] = await sink.waitForCount(2, () => true, 60_000);
    await until(() => outboxRow(env.DATABASE_PATH, id).sent_at !== null, 'the email to be marked sent');
    // The one duplicate a crash can cause carries the message's own identity, so it is recognisable.
    expect(resend.messageId).toBe(original.messageId);
    expect(resend.messageId).toBe(`<${id}@localhost>`);
    expect(resend.parsed.date?.getTime()).toBe(original.parsed.date?.getTime());
    expect(resend.parsed.subject).toBe(original.parsed.subject);
    expect(resend.parsed.text).toBe(original.parsed.text);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(1);
    expect(outboxRow(env.DATABASE_PATH, id)).toMatchObject({ attempts: 2, message_id: original.messageId });
  });
});

describe('several sender processes on one database', { timeout: 120_000 }, () => {
  it('every queued email is sent exactly once', async () => {
    const { sink, env } = await setup();
    // Queue 16 confirmations: orders made by an in-process server whose own emails are then re-queued.
    const server = await startTestServer({ DATABASE_PATH: env.DATABASE_PATH, SMTP_URL: sink.url });
    try {
      for (let i = 0; i < 16; i++) await confirmedOrder(server.url, [`SC-H-${i + 1}`]);
      await sink.waitForCount(16);
      await server.mail.drain();
    } finally {
      closeSockets(sockets);
      sockets = [];
      await server.stop(); // removes its own temp dir; the database lives in ours
    }
    sink.messages.length = 0;
    const db = openReadOnly(env.DATABASE_PATH);
    const ids = (db.prepare('SELECT id FROM outbox ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    db.close();
    expect(ids).toHaveLength(16);

    // Three sender processes are running (each polls every 200 ms) when the 16 rows become due at once.
    await Promise.all([1, 2, 3].map(() => child({ ...env, SQLITE_BUSY_TIMEOUT_MS: '2000' }, senderEntry)));
    const rw = new Database(env.DATABASE_PATH);
    rw.pragma('busy_timeout = 2000');
    rw.prepare('UPDATE outbox SET sent_at = NULL, message_id = NULL, attempts = 0').run();
    rw.close();
    await sink.waitForCount(16, () => true, 60_000);
    const check = openReadOnly(env.DATABASE_PATH);
    try {
      await until(() => (check.prepare('SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL').get() as { n: number }).n === 0, 'every row to be marked sent');
      const rows = check.prepare('SELECT id, attempts FROM outbox').all() as { id: string; attempts: number }[];
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
    } finally {
      check.close();
    }
    expect(sink.messages.map((m) => m.parsed.headers.get('x-seatline-outbox-id')).sort()).toEqual(ids);
    expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(16);
  });
});
