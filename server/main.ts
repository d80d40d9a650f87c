// Entry point: `npm start` (production) or `npm run dev`.
import { configFromEnv } from './config';
import { startApp } from './app';

process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const config = configFromEnv();
const app = await startApp(config);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
