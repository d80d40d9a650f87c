'use client';
// The organizer's waiting room for one event (issue 12): the settings form,
// and the live view (people waiting, admitted per minute, active shoppers,
// time to drain, pause / resume, admissions and joins per minute).
import { useCallback, useEffect, useRef, useState, type CSSProperties, type FormEvent } from 'react';
import { adminRequest } from '../../../lib/client/adminApi';
import { fmtClock, fmtDuration, fmtInt } from '../../../lib/client/adminFormat';
import type { AdminWaitingRoomAck, AdminWaitingRoomView } from '../../../lib/waitingRoom';
import { useAdminUi } from '../ui/AdminUi';
import { Field } from '../ui/Field';
import a from '../admin.module.css';
import f from '../forms.module.css';
import d from '../live/dashboard.module.css';
import w from './waitingRoom.module.css';

const enc = encodeURIComponent;
const POLL_MS = 2000;

/** datetime-local value in the browser's zone, to the second (an on-sale opens at 10:00:00), and back. */
const toLocal = (ms: number | null) => (ms === null ? '' : new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 19));
const fromLocal = (v: string) => (v ? new Date(v).getTime() : null);

function Tile({ label, value, sub, accent, testId }: { label: string; value: string; sub?: string; accent: string; testId: string }) {
  return (
    <div className={d.tile} style={{ '--accent': accent } as CSSProperties} data-testid={testId}>
      <div className={d.tileLabel}>{label}</div>
      <div className={d.tileValue} data-testid={`${testId}-value`}>
        {value}
      </div>
      {sub && <div className={d.tileSub}>{sub}</div>}
    </div>
  );
}

function AdmissionsChart({ room }: { room: AdminWaitingRoomView }) {
  const W = 640;
  const H = 150;
  const nowMinute = Math.floor(room.at / 60_000) * 60_000;
  const byMinute = new Map(room.perMinute.map((p) => [p.minute, p]));
  const points = Array.from({ length: 30 }, (_, k) => byMinute.get(nowMinute - (29 - k) * 60_000) ?? { minute: nowMinute - (29 - k) * 60_000, admitted: 0, joined: 0 });
  const max = Math.max(4, ...points.map((p) => Math.max(p.admitted, p.joined)));
  const slot = (W - 40) / points.length;
  const y = (v: number) => 10 + (H - 30) * (1 - v / max);
  const line = points.map((p, k) => `${k ? 'L' : 'M'}${(40 + slot * (k + 0.5)).toFixed(1)},${y(p.joined).toFixed(1)}`).join('');
  const admitted = points.reduce((n, p) => n + p.admitted, 0);
  const joined = points.reduce((n, p) => n + p.joined, 0);
  // Where the chart scrolls (a phone), it opens on its latest minutes.
  const plot = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (plot.current) plot.current.scrollLeft = plot.current.scrollWidth;
  }, []);
  return (
    <figure className={w.chart}>
      <figcaption className={w.legend}>
        <span>Last 30 minutes</span>
        <span>
          <svg width="10" height="10" aria-hidden="true">
            <rect width="10" height="10" rx="1.5" fill="#1e3a8a" />
          </svg>
          Admitted per minute
        </span>
        <span>
          <svg width="16" height="10" aria-hidden="true">
            <line x1="0" x2="16" y1="5" y2="5" stroke="#b45309" strokeWidth="2" />
          </svg>
          Joined per minute
        </span>
      </figcaption>
      <div className={w.plot} ref={plot} role="region" aria-label="Admissions chart (scrolls sideways on a narrow screen)" tabIndex={0}>
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Admissions (bars) and joins (line) per minute over the last 30 minutes: ${fmtInt(admitted)} admitted and ${fmtInt(joined)} joined in all`} data-testid="wr-chart">
          {[0, 0.5, 1].map((t) => (
            <g key={t}>
              <line x1={40} x2={W} y1={y(max * t)} y2={y(max * t)} stroke={t === 0 ? '#cbd0d8' : '#eef0f3'} />
              <text x={34} y={y(max * t)} textAnchor="end" dominantBaseline="middle" fontSize="10" fill="#5b6472">
                {fmtInt(Math.round(max * t))}
              </text>
            </g>
          ))}
          {points.map((p, k) => {
            const h = (H - 30) * (p.admitted / max);
            return <rect key={p.minute} x={40 + slot * k + slot * 0.15} y={y(p.admitted)} width={slot * 0.7} height={h} rx={1.5} fill="#1e3a8a"><title>{`${fmtClock(p.minute)}: ${p.admitted} admitted, ${p.joined} joined`}</title></rect>;
          })}
          <path d={line} fill="none" stroke="#b45309" strokeWidth="2" />
          <text x={W} y={H - 4} textAnchor="end" fontSize="10" fill="#5b6472">now</text>
          <text x={40} y={H - 4} fontSize="10" fill="#5b6472">{fmtClock(points[0].minute)}</text>
        </svg>
      </div>
    </figure>
  );
}

type SettingsForm = { enabled: boolean; admitPerMinute: string; maxActiveShoppers: string; windowMinutes: string; opensAt: string; powRequired: boolean };

const formOf = (r: AdminWaitingRoomView): SettingsForm => ({
  enabled: r.enabled,
  admitPerMinute: String(r.admitPerMinute),
  maxActiveShoppers: r.maxActiveShoppers === null ? '' : String(r.maxActiveShoppers),
  windowMinutes: String(r.shoppingWindowMs / 60_000),
  opensAt: toLocal(r.opensAt),
  powRequired: r.powRequired,
});
const sameForm = (x: SettingsForm, y: SettingsForm) => (Object.keys(x) as (keyof SettingsForm)[]).every((k) => x[k] === y[k]);

export function WaitingRoomPanel({ eventId }: { eventId: string }) {
  const ui = useAdminUi();
  const [room, setRoom] = useState<AdminWaitingRoomView | null | undefined>(undefined);
  const [form, setFormState] = useState<SettingsForm>({ enabled: true, admitPerMinute: '600', maxActiveShoppers: '', windowMinutes: '15', opensAt: '', powRequired: false });
  /** The saved settings the form last showed: while the form is untouched, a change saved elsewhere replaces it. */
  const [shown, setShown] = useState<SettingsForm | null>(null);
  const [edited, setEdited] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const path = `/api/admin/events/${enc(eventId)}/waiting-room`;
  const setForm = (next: SettingsForm) => {
    setFormState(next);
    setEdited(true);
  };
  const adopt = useCallback((r: AdminWaitingRoomView) => {
    setFormState(formOf(r));
    setShown(formOf(r));
    setEdited(false);
  }, []);

  const load = useCallback(async () => {
    const res = await adminRequest<{ room: AdminWaitingRoomView | null }>('GET', path);
    if (res.ok) setRoom(res.room);
  }, [path]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [load]);
  // Settings saved elsewhere (another organizer, another tab) show here unless this form has unsaved edits.
  const saved = room ? formOf(room) : null;
  const changedElsewhere = saved !== null && shown !== null && !sameForm(saved, shown);
  useEffect(() => {
    if (room && (shown === null || (changedElsewhere && !edited))) adopt(room);
  }, [room, shown, changedElsewhere, edited, adopt]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const next: Record<string, string> = {};
    const rate = Number(form.admitPerMinute);
    if (!Number.isInteger(rate) || rate < 1) next.admitPerMinute = 'A whole number of buyers, at least 1.';
    const cap = form.maxActiveShoppers.trim() === '' ? null : Number(form.maxActiveShoppers);
    if (cap !== null && (!Number.isInteger(cap) || cap < 1)) next.maxActiveShoppers = 'Leave empty for no cap, or a whole number ≥ 1.';
    const minutes = Number(form.windowMinutes);
    if (!(minutes >= 1 && minutes <= 24 * 60)) next.windowMinutes = 'Between 1 minute and 24 hours.';
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    const res = await adminRequest<{ room: AdminWaitingRoomView }>('PUT', path, {
      enabled: form.enabled,
      admitPerMinute: rate,
      maxActiveShoppers: cap,
      shoppingWindowMs: Math.round(minutes * 60_000),
      opensAt: fromLocal(form.opensAt),
      powRequired: form.powRequired,
    } satisfies Record<string, unknown>);
    setBusy(false);
    if (ui.report(res, 'Waiting room saved.', 'Could not save the waiting room')) {
      const savedRoom = (res as Extract<AdminWaitingRoomAck, { ok: true }>).room;
      setRoom(savedRoom);
      if (savedRoom) adopt(savedRoom);
    }
  };

  const pause = async (paused: boolean) => {
    const res = await adminRequest<{ room: AdminWaitingRoomView }>('POST', `${path}/pause`, { paused });
    if (ui.report(res, paused ? 'Admission paused.' : 'Admission resumed.', 'Could not change admission')) setRoom((res as Extract<AdminWaitingRoomAck, { ok: true }>).room);
  };

  const opened = room?.openedAt != null;
  const phaseText: Record<AdminWaitingRoomView['phase'], string> = { pre_queue: 'Pre-queue (before opening)', open: 'Admitting', paused: 'Paused', closed: 'Closed: sold out', off: 'Off' };
  return (
    <>
      {room && (
        <section className={a.panel} aria-labelledby="wr-live" style={{ marginBottom: 16 }}>
          <div className={`${a.panelHead} ${w.head}`}>
            <h2 id="wr-live">Waiting room: {phaseText[room.phase]}</h2>
            {room.enabled && room.phase !== 'off' && (
              <button type="button" className={`${a.btn} ${room.paused ? a.primary : ''}`} onClick={() => pause(!room.paused)} data-testid="wr-pause">
                {room.paused ? 'Resume admission' : 'Pause admission'}
              </button>
            )}
          </div>
          <div className={a.panelBody}>
            <div className={w.tiles} role="group" aria-label="Waiting room figures">
              <Tile label="Waiting" value={fmtInt(room.waiting)} sub={room.openedAt === null ? 'all in the pre-queue' : `${fmtInt(room.preQueueCount)} shuffled at opening`} accent="#f59e0b" testId="wr-waiting" />
              <Tile label="Admitted / min" value={fmtInt(room.admittedLastMinute)} sub={`rate ${fmtInt(room.admitPerMinute)} / min`} accent="#1e3a8a" testId="wr-rate" />
              <Tile label="Active shoppers" value={fmtInt(room.activeShoppers)} sub={room.maxActiveShoppers === null ? 'No cap' : `cap ${fmtInt(room.maxActiveShoppers)}`} accent="#16a34a" testId="wr-active" />
              <Tile label="Time to drain" value={room.estimatedDrainMs === null ? '—' : fmtDuration(room.estimatedDrainMs)} sub={room.openedAt === null ? 'places are drawn at opening' : `now serving #${fmtInt(room.serving)} of ${fmtInt(room.lastNumber)}`} accent="#7c3aed" testId="wr-drain" />
              <Tile label="Admitted" value={fmtInt(room.admittedTotal)} sub={room.openedAt ? `opened ${fmtClock(room.openedAt)}` : 'not open yet'} accent="#0d9488" testId="wr-admitted" />
            </div>
            <AdmissionsChart room={room} />
            <p className={`${a.muted} ${w.seed}`}>
              Shuffle seed commitment <code>{room.seedCommitment}</code>
              {room.seed ? <> · seed <code>{room.seed}</code></> : ' · the seed is published at opening'}
            </p>
          </div>
        </section>
      )}
      <section className={a.panel} aria-labelledby="wr-settings">
        <div className={a.panelHead}>
          <h2 id="wr-settings">Settings</h2>
        </div>
        <form className={a.panelBody} onSubmit={save} aria-label="Waiting room settings" noValidate>
          <div className={f.grid}>
            <div className={f.field}>
              <span className={f.label}>Queue</span>
              <label className={f.check}>
                <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />
                Waiting room on
              </label>
              <span className={f.hint}>Buyers queue before the seat map</span>
            </div>
            <div className={f.field}>
              <span className={f.label}>Bots</span>
              <label className={f.check}>
                <input type="checkbox" checked={form.powRequired} onChange={(e) => setForm({ ...form, powRequired: e.target.checked })} />
                Proof of work to join
              </label>
              <span className={f.hint}>Slows bots; about 1 s for a person</span>
            </div>
            <Field label="Buyers admitted per minute" error={errors.admitPerMinute}>
              {(p) => <input {...p} className={f.input} inputMode="numeric" value={form.admitPerMinute} onChange={(e) => setForm({ ...form, admitPerMinute: e.target.value })} />}
            </Field>
            <Field label="Most active shoppers at once" hint="Empty: no cap" error={errors.maxActiveShoppers}>
              {(p) => <input {...p} className={f.input} inputMode="numeric" value={form.maxActiveShoppers} onChange={(e) => setForm({ ...form, maxActiveShoppers: e.target.value })} />}
            </Field>
            <Field label="Shopping window (minutes)" hint="Ends early at checkout" error={errors.windowMinutes}>
              {(p) => <input {...p} className={f.input} inputMode="decimal" value={form.windowMinutes} onChange={(e) => setForm({ ...form, windowMinutes: e.target.value })} />}
            </Field>
            <Field wide label="Opens at" hint={opened ? `Opened at ${fmtClock(room.openedAt!)}: the opening is fixed from then on` : 'Earlier arrivals get a random place at this time; empty: open now'}>
              {(p) => <input {...p} className={f.input} type="datetime-local" step={1} value={opened ? toLocal(room.opensAt) : form.opensAt} disabled={opened} onChange={(e) => setForm({ ...form, opensAt: e.target.value })} />}
            </Field>
          </div>
          {changedElsewhere && edited && (
            <p className={w.stale} role="status" data-testid="wr-changed-elsewhere">
              These settings were changed elsewhere since you started editing.{' '}
              <button type="button" className={`${a.btn} ${a.small}`} onClick={() => room && adopt(room)}>
                Show the saved settings
              </button>{' '}
              (your edits are dropped), or save yours over them.
            </p>
          )}
          <div style={{ marginTop: 12 }}>
            <button type="submit" className={`${a.btn} ${a.primary}`} disabled={busy}>
              {busy ? 'Saving…' : 'Save waiting room'}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
