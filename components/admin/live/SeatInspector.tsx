'use client';
// Selected seats: block / unblock with a reason; for a single seat, its
// details, current hold and full history from the audit log.
import { useEffect, useState, type FormEvent } from 'react';
import type { SeatHistoryEntry } from '../../../lib/adminProtocol';
import type { EventDetail } from '../../../lib/protocol';
import { adminApi } from '../../../lib/client/adminApi';
import { fmtCountdown, fmtInt, fmtShortDateTime, formatPrice, shortId } from '../../../lib/client/adminFormat';
import { useAdminUi } from '../ui/AdminUi';
import type { ActiveHold, AdminSeatStatus } from './LiveSeatMap';
import a from '../admin.module.css';
import f from '../forms.module.css';
import d from './dashboard.module.css';

interface Props {
  eventId: string;
  detail: EventDetail;
  selected: string[];
  statusOf(seatId: string): AdminSeatStatus;
  holdBySeat: ReadonlyMap<string, ActiveHold>;
  now: number;
  onClear(): void;
  onAdd(seatIds: string[]): void;
}

export function SeatInspector({ eventId, detail, selected, statusOf, holdBySeat, now, onClear, onAdd }: Props) {
  const ui = useAdminUi();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const byStatus = { available: 0, held: 0, sold: 0, blocked: 0 };
  for (const id of selected) byStatus[statusOf(id)]++;
  const blockable = selected.filter((id) => statusOf(id) === 'available');
  const unblockable = selected.filter((id) => statusOf(id) === 'blocked');

  const run = async (kind: 'block' | 'unblock') => {
    const ids = kind === 'block' ? blockable : unblockable;
    setBusy(true);
    const res = kind === 'block' ? await adminApi.block(eventId, ids, reason.trim() || undefined) : await adminApi.unblock(eventId, ids, reason.trim() || undefined);
    setBusy(false);
    const n = res.ok ? res.seatIds.length : 0;
    if (ui.report(res, `${kind === 'block' ? 'Blocked' : 'Unblocked'} ${fmtInt(n)} seat${n === 1 ? '' : 's'}.`, `Could not ${kind} the seats`)) {
      setReason('');
      onClear();
    }
  };

  if (selected.length === 0) {
    return (
      <div className={d.inspectorEmpty}>
        <p className={a.faint}>Click seats to select them (shift-drag for a box), then block or unblock them. One selected seat shows its history.</p>
        <SelectById detail={detail} onAdd={onAdd} />
      </div>
    );
  }

  return (
    <div className={f.field} style={{ gap: 10 }} data-testid="seat-inspector">
      <div className={d.legend}>
        <strong style={{ color: 'var(--text)' }}>{fmtInt(selected.length)} selected</strong>
        {Object.entries(byStatus)
          .filter(([, n]) => n > 0)
          .map(([status, n]) => (
            <span key={status} className={d.statusText} data-status={status}>
              {fmtInt(n)} {status}
            </span>
          ))}
      </div>
      <div className={f.inline}>
        <input className={f.input} placeholder="Reason (e.g. sightline, production hold)" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} aria-label="Reason for blocking" />
        <button type="button" className={`${a.btn} ${a.primary}`} disabled={busy || blockable.length === 0} onClick={() => run('block')}>
          Block {blockable.length > 0 ? fmtInt(blockable.length) : ''}
        </button>
        <button type="button" className={a.btn} disabled={busy || unblockable.length === 0} onClick={() => run('unblock')}>
          Unblock {unblockable.length > 0 ? fmtInt(unblockable.length) : ''}
        </button>
        <button type="button" className={`${a.btn} ${a.ghost}`} onClick={onClear}>
          Clear
        </button>
      </div>
      {selected.length === 1 && <SeatDetails eventId={eventId} detail={detail} seatId={selected[0]} status={statusOf(selected[0])} hold={holdBySeat.get(selected[0])} now={now} />}
    </div>
  );
}

/** Audit details are JSON ({ by, reason }); show them as words. */
function detailText(detail: string | null): string {
  if (!detail) return '';
  try {
    const parsed = JSON.parse(detail) as { by?: string; reason?: string | null } | null;
    if (parsed && typeof parsed === 'object') return [parsed.reason, parsed.by ? `by ${parsed.by}` : null].filter(Boolean).join(' · ');
  } catch {
    // plain text
  }
  return detail;
}

/** Keyboard alternative to the map: select seats by id ("SC-D-7, SC-D-8"). */
function SelectById({ detail, onAdd }: { detail: EventDetail; onAdd(ids: string[]): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ids = text.split(/[\s,;]+/).filter(Boolean);
    const known = new Set(detail.seats.map((s) => s.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (ids.length === 0) return setError('Enter seat ids, e.g. SC-D-7');
    if (unknown.length) return setError(`Unknown seat${unknown.length === 1 ? '' : 's'}: ${unknown.slice(0, 5).join(', ')}`);
    setError(null);
    setText('');
    onAdd(ids);
  };
  return (
    <form className={f.inline} onSubmit={submit} aria-label="Select seats by id">
      <input className={`${f.input} ${a.mono}`} placeholder="Seat ids, e.g. SC-D-7, SC-D-8" value={text} onChange={(e) => setText(e.target.value)} aria-label="Seat ids to select" aria-invalid={error ? true : undefined} />
      <button type="submit" className={a.btn}>
        Select
      </button>
      {error && <span className={f.error}>{error}</span>}
    </form>
  );
}

function SeatDetails({ eventId, detail, seatId, status, hold, now }: { eventId: string; detail: EventDetail; seatId: string; status: AdminSeatStatus; hold?: ActiveHold; now: number }) {
  const [history, setHistory] = useState<SeatHistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seat = detail.seats.find((s) => s.id === seatId);

  // Fetched on selection and status changes, then kept fresh (the audit log is written in batches).
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      adminApi.seatHistory(eventId, seatId).then((res) => {
        if (cancelled) return;
        if (res.ok) {
          setHistory(res.history);
          setError(null);
        } else setError(res.error.message);
      });
    void load();
    const timer = setInterval(load, 3000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [eventId, seatId, status]);

  return (
    <div>
      <dl className={`${d.kv} ${d.kvLeft}`} style={{ marginBottom: 8 }}>
        <dt>Seat</dt>
        <dd>{seat ? `${seat.section} · row ${seat.row} · seat ${seat.number} · ${formatPrice(seat.priceCents, detail.currency)}` : seatId}</dd>
        <dt>Status</dt>
        <dd className={d.statusText} data-status={status} style={{ textTransform: 'capitalize' }}>
          {status}
        </dd>
        {hold && (
          <>
            <dt>Hold</dt>
            <dd className={a.mono}>
              {hold.id} · buyer {shortId(hold.buyerId, 12)} · {fmtCountdown(hold.expiresAt - now)} left
            </dd>
          </>
        )}
      </dl>
      {error && <div className={f.notice} data-tone="error">{error}</div>}
      <div className={d.scroll} style={{ maxHeight: 200 }}>
        <table className={a.table} aria-label={`History of seat ${seatId}`}>
          <thead>
            <tr>
              <th>When</th>
              <th>Action</th>
              <th>Hold / order</th>
              <th>Buyer</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {history?.length === 0 && (
              <tr>
                <td colSpan={5} className={a.empty}>
                  Nothing has happened to this seat yet.
                </td>
              </tr>
            )}
            {[...(history ?? [])].reverse().map((h) => (
              <tr key={h.id}>
                <td className={a.num} style={{ textAlign: 'left' }}>
                  {fmtShortDateTime(h.at)}
                </td>
                <td>{h.action.replace(/_/g, ' ')}</td>
                <td className={a.mono}>{h.orderId ?? h.holdId ?? '—'}</td>
                <td className={a.mono}>{h.buyerId ? shortId(h.buyerId, 10) : '—'}</td>
                <td className={a.muted}>{detailText(h.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
