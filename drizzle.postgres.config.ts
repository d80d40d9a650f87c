import { defineConfig } from 'drizzle-kit';

// The PostgreSQL store's schema and migrations (db/postgres/). `npm run db:generate` runs both dialects.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/postgres/schema.ts',
  out: './db/migrations/postgres',
});
