import type { Metadata } from 'next';
import { LiveDashboard } from '../../../../../components/admin/live/LiveDashboard';

export const metadata: Metadata = { title: 'Live sales' };

export default async function LiveEventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <LiveDashboard key={id} eventId={id} />;
}
