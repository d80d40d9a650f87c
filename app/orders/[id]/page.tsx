import type { Metadata } from 'next';
import { OrderPage } from '../../../components/OrderPage/OrderPage';

export const metadata: Metadata = { title: 'Your tickets' };

export default async function OrderRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <OrderPage orderId={id} />;
}
