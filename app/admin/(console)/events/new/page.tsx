import type { Metadata } from 'next';
import { EventEditor } from '../../../../../components/admin/editor/EventEditor';

export const metadata: Metadata = { title: 'New event' };

export default function NewEventPage() {
  return <EventEditor eventId={null} />;
}
