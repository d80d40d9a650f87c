import { EventList } from '../components/EventList/EventList';

export default function HomePage() {
  return <EventList />;
}
