import type { Metadata, Viewport } from 'next';
import { CheckInScanner } from '../../../../../../components/admin/checkin/CheckInScanner';

export const metadata: Metadata = { title: 'Door check-in' };
// Door staff hold a phone in one hand: no pinch-zoom fights with the camera view.
export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function CheckInPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CheckInScanner key={id} eventId={id} />;
}
