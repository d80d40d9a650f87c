import type { Metadata } from 'next';
import { EventEditor } from '../../../../../../components/admin/editor/EventEditor';

export const metadata: Metadata = { title: 'Edit event' };

export default async function EditEventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <EventEditor key={id} eventId={id} />;
}
