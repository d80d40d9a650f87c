'use client';
// /admin/events/[id]/check-in: the door. Phone first: the camera reads the
// ticket's QR code (or staff type the code), the server's answer fills the
// screen green (admit, with seat and name) or red (why not), is announced to
// screen readers, and joins a short history. Checked in / expected is live.
import Link from 'next/link';
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { DoorCounts } from '../../../lib/adminProtocol';
import { adminApi } from '../../../lib/client/adminApi';
import { fmtDateTime, fmtInt } from '../../../lib/client/adminFormat';
import { useAdminStats } from '../../../lib/client/adminLive';
import { scanEntryOf, type ScanEntry } from '../../../lib/client/checkInResult';
import { ticketCodeFromScan } from '../../../lib/client/ticketScan';
import { CameraScanner } from './CameraScanner';
import { ScanHistory, ScanResult } from './ScanResult';
import a from '../admin.module.css';
import f from '../forms.module.css';
import c from './checkin.module.css';

const HISTORY_LENGTH = 12;
/** A code the camera keeps seeing (the same ticket still in front of it) is not checked again until it was out of sight this long. */
const SAME_CODE_QUIET_MS = 4000;
const DOOR_KEY = 'seatline.door';

export function CheckInScanner({ eventId }: { eventId: string }) {
  const { stats } = useAdminStats(eventId);
  const [event, setEvent] = useState<{ name: string; venueName: string; startsAt: number } | null>(null);
  const [door, setDoor] = useState('');
  const [typed, setTyped] = useState('');
  const [checking, setChecking] = useState(false);
  const [history, setHistory] = useState<ScanEntry[]>([]);
  /** This screen's own latest answer's counts, until the next live push (which includes it). */
  const [ackCounts, setAckCounts] = useState<DoorCounts | null>(null);
  const busy = useRef(false);
  const lastCameraRead = useRef<{ code: string; seenAt: number } | null>(null);
  const nextId = useRef(1);
  const doorId = useId();
  const codeId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void adminApi.events().then((res) => {
      const found = res.ok ? res.events.find((e) => e.id === eventId) : undefined;
      if (found) setEvent({ name: found.name, venueName: found.venueName, startsAt: found.startsAt });
    });
    setDoor(window.localStorage.getItem(DOOR_KEY) ?? '');
  }, [eventId]);

  const check = useCallback(
    async (raw: string): Promise<boolean> => {
      const code = ticketCodeFromScan(raw);
      if (!code || busy.current) return false;
      busy.current = true;
      setChecking(true);
      const doorName = door.trim();
      const ack = await adminApi.checkIn(eventId, code, doorName || undefined);
      const entry = scanEntryOf(nextId.current++, code, ack, Date.now());
      if (ack.ok) setAckCounts(ack.counts);
      setHistory((h) => [entry, ...h].slice(0, HISTORY_LENGTH));
      navigator.vibrate?.(entry.verdict === 'admit' ? 90 : [220, 90, 220]);
      busy.current = false;
      setChecking(false);
      return entry.verdict !== 'retry';
    },
    [eventId, door],
  );

  const onCameraCode = useCallback(
    (text: string) => {
      if (busy.current) return; // the next frame reads it again
      const now = Date.now();
      const last = lastCameraRead.current;
      const repeat = last !== null && last.code === text && now - last.seenAt < SAME_CODE_QUIET_MS;
      lastCameraRead.current = { code: text, seenAt: now };
      if (!repeat) void check(text);
    },
    [check],
  );

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await check(typed)) setTyped('');
    inputRef.current?.focus();
  };

  useEffect(() => setAckCounts(null), [stats]);
  const counts = ackCounts ?? stats?.checkIn ?? null;
  const latest = history[0] ?? null;

  return (
    <div className={c.page}>
      <div className={c.head}>
        <div className={a.crumbs}>
          <Link href="/admin">Events</Link> / <Link href={`/admin/events/${encodeURIComponent(eventId)}`}>{event?.name ?? eventId}</Link> / Door
        </div>
        <h1 className={c.title}>Door check-in</h1>
        {event && (
          <p className={c.eventLine}>
            {event.name} · {event.venueName} · {fmtDateTime(event.startsAt)}
          </p>
        )}
        <p className={c.counts} data-testid="door-counts" aria-live="off">
          <strong>{counts ? fmtInt(counts.checkedIn) : '—'}</strong> of {counts ? fmtInt(counts.expected) : '—'} checked in
        </p>
      </div>

      <ScanResult entry={latest} checking={checking} />

      <div className={c.inputs}>
        <CameraScanner onCode={onCameraCode} />
        <section className={a.panel} aria-labelledby="typed-title">
          <div className={a.panelHead}>
            <h2 id="typed-title">Type a code</h2>
          </div>
          <form className={c.typed} onSubmit={onSubmit}>
            <div className={f.field}>
              <label className={f.label} htmlFor={codeId}>
                Ticket code
              </label>
              <input
                ref={inputRef}
                id={codeId}
                className={`${f.input} ${c.codeInput}`}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                autoComplete="off"
                autoCapitalize="off"
                autoCorrect="off"
                spellCheck={false}
                enterKeyHint="go"
                placeholder="Printed under the QR code"
              />
            </div>
            <button type="submit" className={`${a.btn} ${a.primary} ${c.checkButton}`} disabled={checking || !typed.trim()}>
              {checking ? 'Checking…' : 'Check in'}
            </button>
          </form>
          <div className={c.doorField}>
            <label className={f.label} htmlFor={doorId}>
              This door (optional)
            </label>
            <input
              id={doorId}
              className={f.input}
              value={door}
              maxLength={40}
              onChange={(e) => {
                setDoor(e.target.value);
                window.localStorage.setItem(DOOR_KEY, e.target.value);
              }}
              placeholder="e.g. North entrance"
            />
            <span className={f.hint}>Shown to other doors that scan a ticket already admitted here.</span>
          </div>
        </section>
      </div>

      <ScanHistory entries={history} />
    </div>
  );
}
