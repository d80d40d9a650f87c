import { defineConfig } from 'drizzle-kit';

// The embedded store's schema and migrations (db/sqlite/). `npm run db:generate` runs both dialects.
export default defineConfig({
  dialect: 'sqlite',
  schema: './db/sqlite/schema.ts',
  out: './db/migrations/sqlite',
});
