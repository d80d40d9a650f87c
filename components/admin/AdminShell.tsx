'use client';
// The organizer console frame: dark top bar (brand, navigation, sign out) and
// the feedback provider every page uses for toasts and confirmations.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { adminApi } from '../../lib/client/adminApi';
import { AdminUiProvider } from './ui/AdminUi';
import a from './shell.module.css';

export function AdminShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const [signingOut, setSigningOut] = useState(false);

  const signOut = async () => {
    setSigningOut(true);
    await adminApi.logout();
    window.location.assign('/admin/login');
  };

  const current = (href: string, exact = false) => (exact ? pathname === href : pathname === href || pathname.startsWith(`${href}/`)) ? 'page' : undefined;

  return (
    <div className={a.shell}>
      <header className={a.topbar}>
        <div className={a.topbarInner}>
          <Link href="/admin" className={a.brand}>
            <span className={a.brandMark} aria-hidden="true">
              <svg viewBox="0 0 20 20" width="16" height="16">
                <path
                  d="M5 9.5V6.5a2 2 0 0 1 2-2h6a2 2 0 0 1 2 2v3M3.5 9.5h13v4a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1zM6 14.5V17M14 14.5V17"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.8"
                  strokeLinecap="round"
                  strokeLinejoin="round"
                />
              </svg>
            </span>
            Seatline
            <span className={a.brandTag}>Box office</span>
          </Link>
          <nav className={a.nav} aria-label="Console">
            <Link href="/admin" aria-current={current('/admin', true) ?? (pathname.startsWith('/admin/events/') && !pathname.endsWith('/new') ? 'page' : undefined)}>
              Events
            </Link>
            <Link href="/admin/events/new" aria-current={current('/admin/events/new', true)}>
              New event
            </Link>
            <Link href="/admin/cluster" aria-current={current('/admin/cluster', true)}>
              Cluster
            </Link>
          </nav>
          <div className={a.topbarRight}>
            <a href="/" target="_blank" rel="noreferrer">
              Public site ↗
            </a>
            <button type="button" className={a.topbarButton} onClick={signOut} disabled={signingOut}>
              {signingOut ? 'Signing out…' : 'Sign out'}
            </button>
          </div>
        </div>
      </header>
      <AdminUiProvider>
        <div className={a.content}>{children}</div>
      </AdminUiProvider>
    </div>
  );
}
