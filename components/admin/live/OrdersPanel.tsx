'use client';
// Orders: look one up by order id or buyer email, or browse the event's
// most recent orders (refreshed when new orders arrive); CSV export.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { AdminOrderView } from '../../../lib/adminProtocol';
import { adminApi } from '../../../lib/client/adminApi';
import { fmtInt } from '../../../lib/client/adminFormat';
import { OrderCard } from './OrderCard';
import a from '../admin.module.css';
import f from '../forms.module.css';
import o from './orders.module.css';

export function OrdersPanel({ eventId, ordersCount }: { eventId: string; ordersCount: number }) {
  const id = useId();
  const [recent, setRecent] = useState<AdminOrderView[] | null>(null);
  const [q, setQ] = useState('');
  const [search, setSearch] = useState<{ q: string; orders: AdminOrderView[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);

  const loadRecent = useCallback(async () => {
    const res = await adminApi.recentOrders(eventId);
    if (res.ok) setRecent(res.orders);
    else setError(res.error.message);
  }, [eventId]);

  const runSearch = useCallback(async (query: string) => {
    setSearching(true);
    const res = await adminApi.searchOrders(query);
    setSearching(false);
    if (res.ok) {
      setSearch({ q: query, orders: res.orders });
      setError(null);
    } else setError(res.error.issues?.[0]?.message ?? res.error.message);
  }, []);

  useEffect(() => {
    void loadRecent();
  }, [loadRecent, ordersCount]);

  const refresh = () => {
    void loadRecent();
    if (search) void runSearch(search.q);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const query = q.trim();
    if (!query) {
      setError('Enter an order id or an email address.');
      return;
    }
    void runSearch(query);
  };

  return (
    <section className={a.panel} aria-labelledby={`${id}-title`} data-testid="orders-panel">
      <div className={a.panelHead}>
        <h2 id={`${id}-title`}>
          Orders<span className={a.count}>{fmtInt(ordersCount)}</span>
        </h2>
        <div className={a.actions}>
          <button type="button" className={`${a.btn} ${a.small} ${a.ghost}`} onClick={refresh}>
            Refresh
          </button>
          <a className={`${a.btn} ${a.small}`} href={adminApi.ordersCsvUrl(eventId)} download>
            Export orders CSV
          </a>
        </div>
      </div>
      <div className={a.panelBody}>
        <form className={f.inline} onSubmit={submit} role="search" aria-label="Find orders">
          <input
            className={f.input}
            type="search"
            name="q"
            placeholder="Order id or buyer email"
            aria-label="Order id or buyer email"
            value={q}
            onChange={(e) => {
              setQ(e.target.value);
              setError(null);
            }}
          />
          <button type="submit" className={`${a.btn} ${a.primary}`} disabled={searching}>
            {searching ? 'Searching…' : 'Find'}
          </button>
        </form>
        {error && (
          <div className={f.notice} data-tone="error" role="alert" style={{ marginTop: 8 }}>
            {error}
          </div>
        )}
      </div>

      {search && (
        <div className={o.group} data-testid="order-search-results">
          <div className={o.groupHead}>
            <span>
              {search.orders.length === 0 ? 'No orders match' : `${search.orders.length} match${search.orders.length === 1 ? '' : 'es'} for`} <strong>{search.q}</strong>
            </span>
            <button type="button" className={`${a.btn} ${a.small} ${a.ghost}`} onClick={() => setSearch(null)}>
              Clear search
            </button>
          </div>
          {search.orders.map((order) => (
            <OrderCard key={order.id} order={order} eventId={eventId} defaultOpen={search.orders.length <= 3} onChanged={refresh} />
          ))}
        </div>
      )}

      <div className={o.group}>
        <div className={o.groupHead}>
          <span>Most recent</span>
        </div>
        {recent === null && <p className={a.empty}>Loading orders…</p>}
        {recent?.length === 0 && <p className={a.empty}>No orders yet.</p>}
        <div className={o.list}>
          {recent?.map((order) => <OrderCard key={order.id} order={order} eventId={eventId} onChanged={refresh} />)}
        </div>
      </div>
    </section>
  );
}
