// The e2e server's emails, as the SMTP server of global-setup.ts received
// them (one .eml file each in E2E_MAIL_DIR), parsed with mailparser.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { expect } from './fixtures';

const parsed = new Map<string, ParsedMail>();

async function allMail(): Promise<ParsedMail[]> {
  const dir = process.env.E2E_MAIL_DIR;
  if (!dir) throw new Error('E2E_MAIL_DIR is not set: run through playwright.config.ts (global setup)');
  const mails: ParsedMail[] = [];
  for (const file of readdirSync(dir).sort()) {
    let mail = parsed.get(file);
    if (!mail) {
      mail = await simpleParser(readFileSync(join(dir, file)), { skipImageLinks: true });
      parsed.set(file, mail);
    }
    mails.push(mail);
  }
  return mails;
}

const recipients = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

/** Emails to `address` whose subject matches, waiting until there are `count` of them. */
export async function waitForMail(address: string, subject: RegExp, count = 1): Promise<ParsedMail[]> {
  let found: ParsedMail[] = [];
  await expect
    .poll(
      async () => {
        found = (await allMail()).filter((m) => recipients(m).includes(address) && subject.test(m.subject ?? ''));
        return found.length;
      },
      { timeout: 30_000, message: `an email to ${address} matching ${subject}` },
    )
    .toBeGreaterThanOrEqual(count);
  return found;
}

/** Every email to `address` received so far. */
export async function mailTo(address: string): Promise<ParsedMail[]> {
  return (await allMail()).filter((m) => recipients(m).includes(address));
}

/** The order links in a message's plain-text part. */
export function orderLinks(mail: ParsedMail): string[] {
  return [...(mail.text ?? '').matchAll(/https?:\/\/\S+\/orders\/[A-Za-z0-9_-]+\?key=[A-Za-z0-9._%-]+/g)].map((m) => m[0]);
}
