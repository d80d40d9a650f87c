import type { Metadata } from 'next';
import { ClusterView } from '../../../../components/admin/cluster/ClusterView';

export const metadata: Metadata = { title: 'Cluster' };

export default function ClusterPage() {
  return <ClusterView />;
}
