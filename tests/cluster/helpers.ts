// Shared by the cluster suites: a logger whose lines the test can read.
import pino from 'pino';
import type { Logger } from '../../server/logger';

export interface CapturedLog {
  logger: Logger;
  lines: { level: number; msg: string; [key: string]: unknown }[];
  /** Lines whose message contains `text`. */
  find(text: string): CapturedLog['lines'];
}

export function captureLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as CapturedLog['lines'][number]) });
  return { logger, lines, find: (text) => lines.filter((line) => line.msg.includes(text)) };
}
