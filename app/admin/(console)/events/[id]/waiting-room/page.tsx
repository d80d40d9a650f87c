import type { Metadata } from 'next';
import Link from 'next/link';
import { WaitingRoomPanel } from '../../../../../../components/admin/waitingRoom/WaitingRoomPanel';
import a from '../../../../../../components/admin/admin.module.css';

export const metadata: Metadata = { title: 'Waiting room' };

export default async function WaitingRoomPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <div className={a.pageHead}>
        <div>
          <div className={a.crumbs}>
            <Link href="/admin">Events</Link> / <Link href={`/admin/events/${encodeURIComponent(id)}`}>{id}</Link> / Waiting room
          </div>
          <h1>Waiting room</h1>
        </div>
      </div>
      <WaitingRoomPanel key={id} eventId={id} />
    </>
  );
}
