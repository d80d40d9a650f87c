'use client';
// Open / Pause / Close the sale. Closing asks for confirmation.
import { useState } from 'react';
import { adminApi, type SaleStatus } from '../../../lib/client/adminApi';
import { useAdminUi } from '../ui/AdminUi';
import d from './dashboard.module.css';

const LABEL: Record<SaleStatus, string> = { open: 'Open sale', paused: 'Pause', closed: 'Close sale' };

export function SaleControls({ eventId, eventName, status, onChanged }: { eventId: string; eventName: string; status: string; onChanged(status: SaleStatus): void }) {
  const ui = useAdminUi();
  const [busy, setBusy] = useState<SaleStatus | null>(null);

  const set = async (next: SaleStatus) => {
    if (next === status) return;
    if (next === 'closed') {
      const ok = await ui.confirm({
        title: `Close the sale for “${eventName}”?`,
        body: 'Buyers can no longer hold seats, and people who are checking out cannot complete their purchase (Pause lets them finish). You can reopen the sale later.',
        confirmLabel: 'Close sale',
        danger: true,
      });
      if (ok === null) return;
    }
    setBusy(next);
    const res = await adminApi.setSale(eventId, next);
    setBusy(null);
    if (ui.report(res, next === 'open' ? 'The sale is open.' : next === 'paused' ? 'The sale is paused.' : 'The sale is closed.', 'Could not change the sale status')) onChanged(next);
  };

  return (
    <div className={d.saleGroup} role="group" aria-label="Sale status">
      {(['open', 'paused', 'closed'] as const).map((s) => (
        <button key={s} type="button" data-status={s} aria-pressed={status === s} disabled={busy !== null} onClick={() => set(s)}>
          {busy === s ? '…' : status === s ? { open: 'On sale', paused: 'Paused', closed: 'Closed' }[s] : LABEL[s]}
        </button>
      ))}
    </div>
  );
}
