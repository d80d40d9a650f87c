import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { EVENT_PRELOAD_SCRIPT } from '../lib/client/preload';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Seatline — tickets with real seats', template: '%s · Seatline' },
  description: 'Pick your exact seat on a live map and check out in minutes.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#ffffff',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The Content-Security-Policy nonce of this response (server/http/pages.ts): Next puts it on its
  // own scripts; our inline script needs it too. Reading headers makes every page dynamic, as a
  // per-response nonce requires.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    <html lang="en">
      <head>
        {/* Starts the event page's data requests and its early map script before the bundles load (see lib/client/preload.ts). */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: EVENT_PRELOAD_SCRIPT }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="site-header__inner">
            <Link href="/" className="brand" aria-label="Seatline home">
              <span className="brand__mark" aria-hidden="true">
                <svg viewBox="0 0 20 20" width="18" height="18">
                  <path
                    d="M5 9.5V6.5a2 2 0 0 1 2-2h6a2 2 0 0 1 2 2v3M3.5 9.5h13v4a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1zM6 14.5V17M14 14.5V17"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="1.7"
                    strokeLinecap="round"
                    strokeLinejoin="round"
                  />
                </svg>
              </span>
              Seatline
            </Link>
            <nav className="site-nav" aria-label="Main">
              <Link href="/">Events</Link>
              <Link href="/find-tickets">Find my tickets</Link>
            </nav>
          </div>
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <div className="site-footer__inner">
            <span>© Seatline. Secure checkout · Seats held for you while you pay.</span>
            <span>
              Lost your tickets? <Link href="/find-tickets">Find my tickets</Link> · Need help? support@seatline.example
            </span>
          </div>
        </footer>
      </body>
    </html>
  );
}
