// Entry of the mail render worker thread. The server runs TypeScript through
// tsx; a worker thread starts without the parent's loader, so it registers
// tsx itself, then loads the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./renderWorker.ts');
