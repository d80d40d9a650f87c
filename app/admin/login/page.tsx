import type { Metadata } from 'next';
import { LoginForm } from '../../../components/admin/login/LoginForm';

export const metadata: Metadata = { title: 'Organizer sign in', robots: { index: false, follow: false } };

/** Only same-site organizer paths are allowed as a post-login destination. */
function safeNext(value: string | string[] | undefined): string {
  const next = Array.isArray(value) ? value[0] : value;
  if (!next || !next.startsWith('/admin') || next.startsWith('/admin/login')) return '/admin';
  if (/[\\\s]/.test(next) || next.startsWith('//')) return '/admin';
  if (next !== '/admin' && !next.startsWith('/admin/') && !next.startsWith('/admin?')) return '/admin';
  return next;
}

export default async function AdminLoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  return <LoginForm next={safeNext(params.next)} />;
}
