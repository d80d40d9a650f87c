// Child processes with an IPC request/response channel, bounded in time.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const benchDir = fileURLToPath(new URL('.', import.meta.url));
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Child {
  proc: ChildProcess;
  /** Sends a request and resolves with the child's answer to it. */
  request<T>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Resolves with the first unsolicited message of this type. */
  next<T>(type: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface ForkOptions {
  env?: Record<string, string>;
  maxOldSpaceMb?: number;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export function forkTs(file: string, args: string[], options: ForkOptions = {}): Child {
  const execArgv = ['--import', 'tsx', '--expose-gc', ...(options.nodeArgs ?? [])];
  if (options.maxOldSpaceMb) execArgv.push(`--max-old-space-size=${options.maxOldSpaceMb}`);
  const proc = fork(file, args, {
    cwd: projectRoot,
    execArgv,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const waiters: { type: string; resolve: (v: unknown) => void }[] = [];
  // Messages nobody waited for yet (a worker's 'ready' can arrive while the parent is still starting
  // something else, e.g. Chromium): kept so a later next() finds them instead of timing out.
  const unclaimed: { type?: string; message?: string }[] = [];
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.on('message', (raw) => {
    const message = raw as { id?: number; body?: unknown; type?: string; message?: string };
    if (message.id !== undefined && pending.has(message.id)) {
      const p = pending.get(message.id)!;
      pending.delete(message.id);
      p.resolve(message.body);
      return;
    }
    const i = waiters.findIndex((w) => w.type === message.type || message.type === 'error');
    if (i >= 0) waiters.splice(i, 1)[0].resolve(message);
    else if (message.type !== undefined) unclaimed.push(message);
  });
  proc.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`${file} exited (${code ?? signal}) before answering`));
    pending.clear();
  });
  const timed = <T>(promise: Promise<T>, ms: number, what: string) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref()),
    ]);
  return {
    proc,
    request<T>(message: Record<string, unknown>, timeoutMs = 120_000) {
      const id = nextId++;
      const answer = new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ ...message, id });
      });
      return timed(answer, timeoutMs, `${file} ${String(message.type)}`);
    },
    next<T>(type: string, timeoutMs = 60_000) {
      const k = unclaimed.findIndex((m) => m.type === type || m.type === 'error');
      if (k >= 0) {
        const msg = unclaimed.splice(k, 1)[0];
        return msg.type === 'error' && type !== 'error' ? Promise.reject(new Error(msg.message)) : Promise.resolve(msg as T);
      }
      const got = new Promise<T>((resolve, reject) => {
        waiters.push({
          type,
          resolve: (m) => {
            const msg = m as { type: string; message?: string };
            if (msg.type === 'error' && type !== 'error') reject(new Error(msg.message));
            else resolve(m as T);
          },
        });
        proc.once('exit', (code) => reject(new Error(`${file} exited with ${code} while waiting for ${type}`)));
      });
      return timed(got, timeoutMs, `${file} ${type}`);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      try {
        proc.send({ type: 'stop', id: 0 });
      } catch {
        // channel already closed
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
