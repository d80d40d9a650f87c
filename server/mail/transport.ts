// Delivery through nodemailer: SMTP when SMTP_URL is set, otherwise (the
// embedded default) each email is written as an .eml file, so a demo shows
// exactly what would have gone out. A file is named after its outbox row, so
// writing a message twice leaves one file.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import type { ComposedMail } from './types';

/** nodemailer is loaded with the first email, not at start: a restart after a crash is back on line sooner. */
function lazyTransporter(make: (nodemailer: typeof import('nodemailer')) => Transporter): { get(): Promise<Transporter>; close(): void } {
  let transporter: Promise<Transporter> | null = null;
  return {
    get: () => (transporter ??= import('nodemailer').then(make)),
    close: () => void transporter?.then((t) => t.close()),
  };
}

export interface OutgoingMail extends ComposedMail {
  outboxId: string;
  from: string;
  to: string;
  /** Deterministic per outbox row: `<outbox-id@domain>`; a resend carries the same one. */
  messageId: string;
  /** The Date header: when the message was queued (also the same on a resend). */
  date: Date;
}

export interface MailTransport {
  /** Where mail goes, without credentials: "smtp://host:587" or "files in ./data/outbox". */
  readonly description: string;
  /** Resolves once the message was accepted (SMTP 250, or the file is written); with where it went. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

function nodemailerMessage(mail: OutgoingMail) {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date,
    headers: { 'X-Seatline-Outbox-Id': mail.outboxId },
    attachments: mail.attachments,
    // Everything is rendered in memory; never let message data point at files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** "smtps://user:secret@host:465" → "smtps://host:465". */
export function redactSmtpUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ''}`;
}

export function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = lazyTransporter(({ createTransport }) =>
    createTransport({
      url: smtpUrl,
      // Bounded, and well inside the claim lease (renewed while sending anyway).
      connectionTimeout: 20_000,
      greetingTimeout: 20_000,
      socketTimeout: 60_000,
    }),
  );
  return {
    description: redactSmtpUrl(smtpUrl),
    async send(mail) {
      const info = await (await transporter.get()).sendMail(nodemailerMessage(mail));
      return String(info.response);
    },
    close: () => transporter.close(),
  };
}

/** `2026-12-01T14-05-09-123Z-order-abc-confirmation.eml`: sorted by queue time, one file per outbox row. */
export function emlFileName(mail: Pick<OutgoingMail, 'outboxId' | 'date'>): string {
  return `${mail.date.toISOString().replace(/[:.]/g, '-')}-${mail.outboxId}.eml`;
}

export function fileTransport(directory: string): MailTransport {
  const transporter = lazyTransporter(({ createTransport }) => createTransport({ streamTransport: true, buffer: true, newline: 'unix' }));
  return {
    description: `files in ${directory}`,
    async send(mail) {
      const info = (await (await transporter.get()).sendMail(nodemailerMessage(mail))) as { message: Buffer };
      await mkdir(directory, { recursive: true });
      const path = join(directory, emlFileName(mail));
      // Written whole or not at all: a crash never leaves half an email behind.
      const partial = `${path}.partial`;
      await writeFile(partial, info.message);
      await rename(partial, path);
      return path;
    },
    close: () => transporter.close(),
  };
}
