// Child processes of `npm run cluster`: the Seatline servers and nginx. Each is
// started in its own process group (detached), so Ctrl-C reaches only the
// orchestrator, which then stops them in order (nginx first, then the servers).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

/** The last lines a process wrote, kept to show why it died. */
const TAIL_LINES = 12;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<Exit>;
  readonly startedAt = Date.now();
  private readonly tail: string[] = [];
  private readonly log: WriteStream;

  /** `echoPrefix`: also print every line to stdout behind this prefix. */
  constructor(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string | undefined>; logFile: string; echoPrefix?: string }) {
    this.log = createWriteStream(options.logFile, { flags: 'a' });
    this.process = spawn(command, args, { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code, signal) => resolve({ code, signal }));
      // Spawning itself failed (no such binary): reported as an exit with code 127, like a shell.
      this.process.once('error', (error) => {
        this.remember(`${command}: ${error.message}`);
        resolve({ code: 127, signal: null });
      });
    });
    for (const stream of [this.process.stdout!, this.process.stderr!]) {
      let partial = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        this.log.write(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) {
          this.remember(line);
          if (options.echoPrefix) process.stdout.write(`${options.echoPrefix} | ${line}\n`);
        }
      });
    }
    void this.exited.then(() => this.log.end());
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null && this.process.pid !== undefined;
  }

  lastLines(): string[] {
    return [...this.tail];
  }

  /** Sends `signal`, then SIGKILL if it has not exited after `graceMs`; resolves on exit. */
  async stop(signal: NodeJS.Signals, graceMs: number): Promise<Exit> {
    if (!this.running) return this.exited;
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(this.process.pid!, signal);
    } catch {
      // already gone
    }
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }
}

/** "exited with code 1" / "was killed by SIGKILL". */
export function describeExit({ code, signal }: Exit): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

export function describeUptime(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** GET url as JSON, or null when it does not answer 200 within `timeoutMs`. */
export async function getJson(url: string, timeoutMs = 2_000): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return null;
    return (await res.json()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Polls `url` until it answers 200 (resolves with the JSON) or `child` exits or
 * `timeoutMs` passes (rejects, saying which).
 */
export async function waitHealthy(url: string, child: Child, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let exit: Exit | null = null;
  void child.exited.then((e) => (exit = e));
  while (Date.now() < deadline) {
    if (exit) throw new Error(`it ${describeExit(exit)} before it answered ${url}`);
    const body = await getJson(url);
    if (body) return body;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}
