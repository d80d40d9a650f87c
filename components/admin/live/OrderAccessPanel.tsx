'use client';
// Inside an open order card: the buyer's link (to read out or paste to a buyer
// who lost it), the order's emails and whether they went out, and replacing
// the link when it leaked (every older link stops working at once).
import { useCallback, useEffect, useState } from 'react';
import type { OrderEmailView } from '../../../lib/orderProtocol';
import { adminApi } from '../../../lib/client/adminApi';
import { fmtShortDateTime } from '../../../lib/client/adminFormat';
import { useAdminUi } from '../ui/AdminUi';
import a from '../admin.module.css';
import o from './orders.module.css';

const KIND_TEXT: Record<OrderEmailView['kind'], string> = {
  order_confirmation: 'Confirmation',
  order_cancellation: 'Cancellation notice',
  order_links: 'Order links',
};

function emailState(e: OrderEmailView): { tone: string; text: string } {
  if (e.state === 'sent') return { tone: 'open', text: `Sent ${e.sentAt ? fmtShortDateTime(e.sentAt) : ''}` };
  if (e.state === 'failed') return { tone: 'danger', text: `Failed after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}` };
  return { tone: 'paused', text: e.attempts === 0 ? 'Queued' : `Retrying (attempt ${e.attempts + 1} at ${fmtShortDateTime(e.nextAttemptAt)})` };
}

export function OrderAccessPanel({ orderId, buyerEmail }: { orderId: string; buyerEmail: string }) {
  const ui = useAdminUi();
  const [info, setInfo] = useState<{ accessUrl: string; emails: OrderEmailView[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const res = await adminApi.orderAccess(orderId);
    if (res.ok) setInfo({ accessUrl: res.accessUrl, emails: res.emails });
    else setError(res.error.message);
  }, [orderId]);

  useEffect(() => {
    void load();
  }, [load]);

  const replace = async () => {
    const answer = await ui.confirm({
      title: `Replace the buyer’s link to order ${orderId}?`,
      body: <>The link in the buyer’s emails stops working at once, on every device it was opened on. A new link is emailed to {buyerEmail}.</>,
      confirmLabel: 'Replace link',
      danger: true,
    });
    if (answer === null) return;
    setBusy(true);
    const res = await adminApi.revokeOrderAccess(orderId, true);
    setBusy(false);
    if (ui.report(res, `Replaced the link to order ${orderId}; the new one is on its way to ${buyerEmail}.`, 'Could not replace the link')) await load();
  };

  const copy = async () => {
    if (!info) return;
    try {
      await navigator.clipboard.writeText(info.accessUrl);
      ui.toast('success', 'Buyer link copied.');
    } catch {
      ui.toast('error', 'Could not copy', 'Select the link and copy it yourself.');
    }
  };

  if (error) return <p className={a.muted}>Link and emails: {error}</p>;
  if (!info) return <p className={a.muted}>Loading the buyer link…</p>;
  return (
    <div className={o.access} data-testid="order-access">
      <div className={o.accessRow}>
        <label className={a.faint} htmlFor={`link-${orderId}`}>
          Buyer link
        </label>
        <input id={`link-${orderId}`} className={`${a.mono} ${o.linkInput}`} readOnly value={info.accessUrl} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className={`${a.btn} ${a.small}`} onClick={copy}>
          Copy
        </button>
        <button type="button" className={`${a.btn} ${a.small} ${a.danger}`} disabled={busy} onClick={replace}>
          Replace link
        </button>
      </div>
      <ul className={o.emails} aria-label="Emails about this order">
        {info.emails.map((e) => {
          const state = emailState(e);
          return (
            <li key={`${e.kind}-${e.createdAt}`} data-email-kind={e.kind} data-email-state={e.state}>
              <span>{KIND_TEXT[e.kind]}</span>
              <span className={a.badge} data-tone={state.tone}>
                {state.text}
              </span>
              {e.lastError && e.state !== 'sent' && <span className={a.muted} title={e.lastError}>{e.lastError.slice(0, 80)}</span>}
            </li>
          );
        })}
        {info.emails.length === 0 && <li className={a.muted}>No emails for this order.</li>}
      </ul>
    </div>
  );
}
