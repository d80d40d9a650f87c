'use client';
// One order: buyer, total, tickets (valid / cancelled) and cancellation of
// the whole order or chosen tickets, always with a reason.
import { useState } from 'react';
import type { AdminOrderView } from '../../../lib/adminProtocol';
import { adminApi } from '../../../lib/client/adminApi';
import { fmtShortDateTime, formatPrice } from '../../../lib/client/adminFormat';
import { useAdminUi } from '../ui/AdminUi';
import { OrderAccessPanel } from './OrderAccessPanel';
import a from '../admin.module.css';
import o from './orders.module.css';

interface Props {
  order: AdminOrderView;
  eventId: string;
  defaultOpen?: boolean;
  onChanged(): void;
}

export function OrderCard({ order, eventId, defaultOpen = false, onChanged }: Props) {
  const ui = useAdminUi();
  const [open, setOpen] = useState(defaultOpen);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const valid = order.tickets.filter((t) => t.status === 'valid');
  const validCents = valid.reduce((n, t) => n + t.priceCents, 0);
  const label = (t: AdminOrderView['tickets'][number]) => `${t.section} · row ${t.row} · seat ${t.number}`;

  const cancel = async (seatIds: string[] | null) => {
    const tickets = seatIds ? order.tickets.filter((t) => seatIds.includes(t.seatId)) : valid;
    const reason = await ui.confirm({
      title: seatIds ? `Cancel ${tickets.length} ticket${tickets.length === 1 ? '' : 's'}?` : `Cancel order ${order.id}?`,
      body: (
        <>
          {tickets.map(label).join('; ')}. Buyer: {order.buyer.name} ({order.buyer.email}). The tickets stop being valid and the seats go back on sale immediately.
        </>
      ),
      confirmLabel: seatIds ? 'Cancel tickets' : 'Cancel order',
      danger: true,
      reason: { label: 'Reason', required: true, placeholder: 'e.g. refund requested by phone' },
    });
    if (reason === null) return;
    setBusy(true);
    const res = await adminApi.cancelOrder(order.id, reason, seatIds ?? undefined);
    setBusy(false);
    const n = res.ok ? res.cancelledSeatIds.length : 0;
    if (ui.report(res, `Cancelled ${n} ticket${n === 1 ? '' : 's'} of order ${order.id}.`, 'Could not cancel')) {
      setPicked(new Set());
      onChanged();
    }
  };

  const status = valid.length === 0 ? 'cancelled' : valid.length < order.tickets.length ? 'partial' : 'valid';
  return (
    <article className={o.card} data-order-id={order.id} data-testid="order-card" aria-label={`Order ${order.id}`}>
      <button type="button" className={o.summary} onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className={o.chev} aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span className={o.id}>{order.id}</span>
        <span className={o.buyer}>
          <strong>{order.buyer.name}</strong> <span className={a.muted}>{order.buyer.email}</span>
        </span>
        <span className={a.faint}>{fmtShortDateTime(order.createdAt)}</span>
        <span className={a.badge} data-tone={status === 'valid' ? 'open' : status === 'partial' ? 'paused' : 'danger'}>
          {status === 'valid' ? `${valid.length} valid` : status === 'partial' ? `${valid.length}/${order.tickets.length} valid` : 'Cancelled'}
        </span>
        <span className={o.total}>{formatPrice(validCents, order.currency)}</span>
      </button>
      {open && (
        <div className={o.body}>
          {order.eventId !== eventId && <p className={a.muted}>Order for another event: {order.eventId}</p>}
          <table className={a.table}>
            <thead>
              <tr>
                <th style={{ width: 28 }} aria-label="Select" />
                <th>Seat</th>
                <th className={a.num}>Price</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {order.tickets.map((t) => (
                <tr key={t.id} data-seat-id={t.seatId} data-ticket-status={t.status}>
                  <td>
                    {t.status === 'valid' && (
                      <input
                        type="checkbox"
                        aria-label={`Select ${label(t)}`}
                        checked={picked.has(t.seatId)}
                        onChange={(e) => {
                          const next = new Set(picked);
                          if (e.target.checked) next.add(t.seatId);
                          else next.delete(t.seatId);
                          setPicked(next);
                        }}
                      />
                    )}
                  </td>
                  <td>{label(t)}</td>
                  <td className={a.num}>{formatPrice(t.priceCents, order.currency)}</td>
                  <td>
                    {t.status === 'valid' ? (
                      <span className={a.badge} data-tone="open">
                        Valid
                      </span>
                    ) : (
                      <span title={t.cancelledAt ? `Cancelled ${fmtShortDateTime(t.cancelledAt)}` : undefined}>
                        <span className={a.badge} data-tone="danger">
                          Cancelled
                        </span>{' '}
                        <span className={a.muted}>{t.cancelReason}</span>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className={o.actions}>
            <span className={`${a.mono} ${a.faint}`}>hold {order.holdId}</span>
            <button type="button" className={`${a.btn} ${a.small}`} disabled={busy || picked.size === 0} onClick={() => cancel([...picked])}>
              Cancel selected tickets{picked.size ? ` (${picked.size})` : ''}
            </button>
            <button type="button" className={`${a.btn} ${a.small} ${a.danger}`} disabled={busy || valid.length === 0} onClick={() => cancel(null)}>
              Cancel order
            </button>
          </div>
          <OrderAccessPanel key={order.tickets.filter((t) => t.status === 'cancelled').length} orderId={order.id} buyerEmail={order.buyer.email} />
        </div>
      )}
    </article>
  );
}
