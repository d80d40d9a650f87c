# Seatline's production server (the one `npm start` runs) as an image, for docker-compose.yml.
# Not built on the machine this was written on (no Docker there): see docs/scaling.md, "Deployment".

# Build: all dependencies (better-sqlite3 may compile if no prebuilt binary fits), then `next build`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV NEXT_TELEMETRY_DISABLED=1
# The lock file and the patches first (postinstall applies them), so this layer is cached until they change.
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
# The build cache is for rebuilds only: not shipped.
RUN npm run build && rm -rf .next/cache

# Run: the same tree, as the unprivileged `node` user. The server runs from TypeScript via tsx
# (a runtime dependency), like `npm run serve`, but without npm or a shell in between, so the
# SIGTERM of `docker stop` reaches the server's graceful shutdown directly.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    MAIL_OUTBOX_DIR=/app/data/outbox
COPY --from=build /app /app
# Writable by the server: Next's cache, and the emails (a volume in docker-compose.yml).
RUN mkdir -p /app/data/outbox /app/.next/cache && chown -R node:node /app/data /app/.next/cache
USER node
EXPOSE 3000
HEALTHCHECK --interval=5s --timeout=3s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "server/main.ts"]
