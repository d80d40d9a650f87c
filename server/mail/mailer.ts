// Wires the outbox sender from the configuration: the transport (SMTP or
// .eml files), the composer and the outbox statements.
import type { Store } from '../../db/store';
import type { MailConfig } from '../config';
import type { Logger } from '../logger';
import type { OrderAccessKeys } from '../orderAccess';
import { prepareOutboxMessage } from './compose';
import { OutboxSender } from './outboxSender';
import { MailRenderer } from './renderPool';
import { fileTransport, smtpTransport } from './transport';

export interface MailerDeps {
  mail: MailConfig;
  store: Store;
  keys: OrderAccessKeys;
  publicUrl: () => string;
  logger: Logger;
  clock?: () => number;
  faultKillMail?: 'before_send' | 'after_send';
}

export function createOutboxSender(deps: MailerDeps): OutboxSender {
  const { mail, store, keys, publicUrl, logger } = deps;
  const transport = mail.smtpUrl ? smtpTransport(mail.smtpUrl) : fileTransport(mail.outboxDir);
  const log = logger.child({ component: 'mail' });
  log.info({ transport: transport.description }, mail.smtpUrl ? 'emails go out by SMTP' : 'SMTP_URL is not set: emails are written as .eml files');
  if (deps.faultKillMail) log.warn({ at: deps.faultKillMail }, 'FAULT_KILL_MAIL is set: this process will kill itself while sending an email');
  const renderer = new MailRenderer(log);
  return new OutboxSender({
    store,
    // Read on this thread (storage), rendered on the worker (CPU).
    async compose(row) {
      const prepared = await prepareOutboxMessage(row, { store, keys, publicUrl });
      return prepared.ok ? { ok: true, mail: await renderer.render(prepared.job) } : prepared;
    },
    dispose: () => renderer.close(),
    transport,
    from: mail.from,
    messageIdDomain: mail.fromDomain,
    clock: deps.clock,
    logger: log,
    pollMs: mail.pollMs,
    claimLeaseMs: mail.claimLeaseMs,
    retryBaseMs: mail.retryBaseMs,
    maxAttempts: mail.maxAttempts,
    faultKill: deps.faultKillMail,
  });
}
