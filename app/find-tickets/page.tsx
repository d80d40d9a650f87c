import type { Metadata } from 'next';
import { FindTicketsForm } from '../../components/FindTickets/FindTicketsForm';

export const metadata: Metadata = { title: 'Find my tickets' };

export default function FindTicketsPage() {
  return <FindTicketsForm />;
}
