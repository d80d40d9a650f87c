import type { Metadata } from 'next';
import { EventsOverview } from '../../../components/admin/events/EventsOverview';

export const metadata: Metadata = { title: 'Events' };

export default function AdminHomePage() {
  return <EventsOverview />;
}
