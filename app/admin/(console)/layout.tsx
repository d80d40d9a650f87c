import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { AdminShell } from '../../../components/admin/AdminShell';

export const metadata: Metadata = {
  title: { default: 'Box office', template: '%s · Seatline box office' },
  robots: { index: false, follow: false },
};

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  return <AdminShell>{children}</AdminShell>;
}
