// Starts one app server for the browser tests on 127.0.0.1 and a free port,
// with a fresh database, and hands its URL to the tests via E2E_BASE_URL.
// Its emails go by SMTP to a real SMTP server started here (smtp-server on a
// loopback port), which writes each message it accepts to E2E_MAIL_DIR for
// the tests to read (e2e/mailbox.ts).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startSmtpSink } from '../tests/support/smtpSink';

/** The organizer password of the e2e server (tests log in with it). */
export const E2E_ADMIN_PASSWORD = 'e2e-organizer-password';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'seatline-e2e-'));
  const mailDir = join(dir, 'mail');
  mkdirSync(mailDir);
  let received = 0;
  const sink = await startSmtpSink((mail) => writeFileSync(join(mailDir, `${String(++received).padStart(5, '0')}.eml`), mail.raw));
  process.env.E2E_MAIL_DIR = mailDir;
  const child = spawn(process.execPath, ['--import', 'tsx', 'e2e/serve.ts'], {
    env: {
      ...process.env,
      DATABASE_PATH: join(dir, 'e2e.db'),
      SQLITE_SYNCHRONOUS: 'NORMAL',
      ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      // Every browser context comes from 127.0.0.1: the per-address session limit would be one household for the whole suite.
      LIMIT_SESSIONS_PER_ADDRESS_PER_HOUR: '0',
      LIMIT_QUEUE_ENTRIES_PER_ADDRESS_PER_HOUR: '0',
      LIMIT_HELD_SEATS_PER_ADDRESS: '0',
      NEXT_TELEMETRY_DISABLED: '1',
      SMTP_URL: sink.url,
      MAIL_RETRY_BASE_MS: '500',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('e2e server did not start within 90 s')), 90_000);
    child.once('exit', (code) => reject(new Error(`e2e server exited early with ${code} (did you run "next build"?)`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (process.env.E2E_SERVER_LOG) appendFileSync(process.env.E2E_SERVER_LOG, `${line}\n`);
      try {
        const parsed = JSON.parse(line) as { url?: string };
        if (parsed.url) {
          clearTimeout(timer);
          resolve(parsed.url);
        }
      } catch {
        // not our line
      }
    });
  });
  process.env.E2E_BASE_URL = url;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    if (child.exitCode === null) child.kill('SIGKILL');
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
