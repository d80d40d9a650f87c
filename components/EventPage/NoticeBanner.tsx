'use client';
import type { NoticeKind } from './useSeatSelection';

export interface Notice {
  kind: NoticeKind;
  text: string;
  /** Changes for every new notice so repeated texts are announced again. */
  key: number;
}

const ICON_PATH: Record<NoticeKind, string> = {
  info: 'M10 9v5M10 6.5v.01',
  success: 'M6.5 10.2 9 12.6l4.5-5',
  warning: 'M10 6.5v4.5M10 13.5v.01',
  error: 'M7.5 7.5l5 5M12.5 7.5l-5 5',
};

export function NoticeBanner({ notice, onDismiss }: { notice: Notice; onDismiss(): void }) {
  const urgent = notice.kind === 'error' || notice.kind === 'warning';
  return (
    <div key={notice.key} className={`notice notice--${notice.kind}`} role={urgent ? 'alert' : 'status'} data-kind={notice.kind}>
      <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" style={{ flex: 'none' }}>
        <circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d={ICON_PATH[notice.kind]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span>{notice.text}</span>
      <button type="button" className="notice__dismiss" onClick={onDismiss} aria-label="Dismiss message">
        ×
      </button>
    </div>
  );
}
