// The door's verdict, big: green "Admit" with seat and name, red "Do not
// admit" with the reason, amber when nothing could be decided. The region is
// a live region, so each new verdict is read out; the history below is not.
import { fmtClock } from '../../../lib/client/adminFormat';
import { announcement, type ScanEntry } from '../../../lib/client/checkInResult';
import a from '../admin.module.css';
import c from './checkin.module.css';

const HEADLINE = { admit: 'Admit', refuse: 'Do not admit', retry: 'Scan again' } as const;

export function ScanResult({ entry, checking }: { entry: ScanEntry | null; checking: boolean }) {
  return (
    <section className={c.result} data-verdict={entry?.verdict ?? 'idle'} data-testid="scan-result" data-error-code={entry?.errorCode ?? undefined} aria-label="Scan result">
      {/* assertive: the person at the door is waiting for exactly this answer */}
      <p className={c.srOnly} role="status" aria-live="assertive" aria-atomic="true">
        {entry ? announcement(entry) : ''}
      </p>
      {entry ? (
        // key: a new scan replays the entrance animation even with the same verdict
        <div key={entry.id} className={c.resultBody} aria-hidden="true">
          <div className={c.verdictRow}>
            <span className={c.verdictIcon}>{entry.verdict === 'admit' ? '✓' : entry.verdict === 'refuse' ? '✕' : '!'}</span>
            <div>
              <p className={c.verdict}>{HEADLINE[entry.verdict]}</p>
              {entry.verdict !== 'admit' && <p className={c.reasonTitle}>{entry.title}</p>}
            </div>
          </div>
          {entry.reason && <p className={c.reason}>{entry.reason}</p>}
          {entry.seat && <p className={c.seat}>{entry.seat}</p>}
          {(entry.name || entry.category) && (
            <p className={c.holder}>
              {entry.name}
              {entry.name && entry.category ? ' · ' : ''}
              {entry.category}
            </p>
          )}
        </div>
      ) : (
        <div className={c.resultBody}>
          <p className={c.idleTitle}>{checking ? 'Checking…' : 'Ready to scan'}</p>
          <p className={c.idleHint}>Point the camera at a ticket’s QR code, or type the code printed under it.</p>
        </div>
      )}
    </section>
  );
}

export function ScanHistory({ entries }: { entries: ScanEntry[] }) {
  return (
    <section className={a.panel} aria-labelledby="history-title">
      <div className={a.panelHead}>
        <h2 id="history-title">Recent scans</h2>
        <span className={a.faint}>this screen</span>
      </div>
      {entries.length === 0 ? (
        <p className={a.empty}>No scans yet.</p>
      ) : (
        <ol className={c.history} data-testid="scan-history">
          {entries.map((e) => (
            <li key={e.id} className={c.historyItem} data-verdict={e.verdict}>
              <span className={c.historyMark} aria-hidden="true">
                {e.verdict === 'admit' ? '✓' : e.verdict === 'refuse' ? '✕' : '!'}
              </span>
              <span className={c.historyTime}>{fmtClock(e.at)}</span>
              <span className={c.historyText}>
                <strong>{e.verdict === 'admit' ? 'Admitted' : e.title}</strong>
                {e.seat && <span> · {e.seat}</span>}
                {e.name && <span> · {e.name}</span>}
                {e.verdict !== 'admit' && e.reason && <span className={c.historyReason}> · {e.reason}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
