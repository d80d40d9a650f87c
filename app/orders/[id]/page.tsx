import type { Metadata } from 'next';
import { OrderPage } from '../../../components/OrderPage/OrderPage';

// The address may carry the order's access key: never pass it on in a Referer header.
export const metadata: Metadata = { title: 'Your tickets', referrer: 'no-referrer' };

export default async function OrderRoute({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ key?: string | string[] }> }) {
  const { id } = await params;
  const { key } = await searchParams;
  return <OrderPage orderId={id} accessKey={typeof key === 'string' && key !== '' ? key : undefined} />;
}
