import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The custom server (server/main.ts) serves /api and /socket.io itself;
  // Next.js only renders pages.
};

export default nextConfig;
