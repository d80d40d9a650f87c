import a from '../admin.module.css';

const TEXT: Record<string, string> = { open: 'On sale', paused: 'Paused', closed: 'Closed' };

export function SaleBadge({ status }: { status: string }) {
  return (
    <span className={a.badge} data-tone={status in TEXT ? status : 'neutral'} data-testid="sale-badge">
      {TEXT[status] ?? status}
    </span>
  );
}
