import type { Metadata } from 'next';
import { EventPage } from '../../../components/EventPage/EventPage';

export const metadata: Metadata = { title: 'Choose your seats' };

export default async function EventRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EventPage key={id} eventId={id} />;
}
