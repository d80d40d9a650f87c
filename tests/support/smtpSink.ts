// A real SMTP server for tests (the smtp-server package) on a loopback port:
// it requires a login (so SMTP_URL's credentials are exercised), keeps every
// message it accepted (raw and parsed), and can refuse the next deliveries
// with a chosen reply code to exercise retries.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients, as given in RCPT TO. */
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
  messageId: string;
}

export interface SmtpSink {
  /** smtp://user:password@127.0.0.1:port, ready for SMTP_URL. */
  url: string;
  port: number;
  readonly messages: ReceivedMail[];
  /** Refuse the next `count` messages at DATA with `code` (4xx: try again later; 5xx: never). */
  refuseNext(count: number, code: number): void;
  /** Refuse this recipient at RCPT TO with 550 (a mailbox that does not exist): a permanent failure. */
  refuseRecipient(address: string): void;
  /** Resolves with the first message (already received or arriving within timeoutMs) that `match` accepts. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  /** Resolves once at least `count` messages matching `match` have arrived. */
  waitForCount(count: number, match?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export const SMTP_USER = 'seatline-test';
export const SMTP_PASSWORD = 'not-a-real-password';

export async function startSmtpSink(onMessage?: (mail: ReceivedMail) => void): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  let refusals: { count: number; code: number } = { count: 0, code: 451 };
  const refusedRecipients = new Set<string>();
  const server = new SMTPServer({
    // Plain SMTP with AUTH on loopback: no STARTTLS, so the login goes in the clear (test only).
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    size: 20 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (!refusedRecipients.has(address.address.toLowerCase())) return callback();
      const error = new Error('No such mailbox') as Error & { responseCode: number };
      error.responseCode = 550;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals.count > 0) {
          refusals = { ...refusals, count: refusals.count - 1 };
          const error = new Error(refusals.code >= 500 ? 'Mailbox unavailable' : 'Try again later') as Error & { responseCode: number };
          error.responseCode = refusals.code;
          return callback(error);
        }
        const raw = Buffer.concat(chunks);
        // skipImageLinks: keep the cid: references in the HTML as sent (mailparser would inline them).
        simpleParser(raw, { skipImageLinks: true }).then(
          (parsed) => {
            const mail: ReceivedMail = { to: session.envelope.rcptTo.map((r) => r.address), raw, parsed, messageId: parsed.messageId ?? '' };
            messages.push(mail);
            onMessage?.(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });

  const poll = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const tick = () => {
        const found = check();
        if (found !== undefined) return resolve(found);
        if (Date.now() > deadline) return reject(new Error(`${what} within ${timeoutMs} ms (have ${messages.length} messages)`));
        setTimeout(tick, 20);
      };
      tick();
    });

  return {
    url: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    port,
    messages,
    refuseNext(count, code) {
      refusals = { count, code };
    },
    refuseRecipient(address) {
      refusedRecipients.add(address.toLowerCase());
    },
    waitFor(match, timeoutMs = 20_000) {
      return poll(() => messages.find(match), timeoutMs, 'no matching email');
    },
    waitForCount(count, match = () => true, timeoutMs = 20_000) {
      return poll(
        () => {
          const found = messages.filter(match);
          return found.length >= count ? found : undefined;
        },
        timeoutMs,
        `fewer than ${count} matching emails`,
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
