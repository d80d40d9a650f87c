// Words for the console's cluster page: durations, clock times and what each
// change of owner means, in one place so the page and its tests agree.
import type { OwnershipChange, OwnershipChangeReason } from '../clusterProtocol';

const clockWithSeconds = new Intl.DateTimeFormat('en-IE', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const fmtClockSeconds = (ms: number): string => clockWithSeconds.format(new Date(ms));

/** "0.4 s", "12 s", "7 min", "3 h 05 min", "2 d": precise while it changes fast, coarse later. */
export function fmtSpan(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < 10_000) return `${(abs / 1000).toFixed(1)} s`;
  if (abs < 60_000) return `${Math.floor(abs / 1000)} s`;
  if (abs < 3_600_000) return `${Math.floor(abs / 60_000)} min`;
  if (abs < 86_400_000) return `${Math.floor(abs / 3_600_000)} h ${String(Math.floor((abs % 3_600_000) / 60_000)).padStart(2, '0')} min`;
  return `${Math.floor(abs / 86_400_000)} d`;
}

export type ChangeTone = 'failover' | 'handoff' | 'granted' | 'released';

export interface ChangeWords {
  /** A short label: "Failover". */
  label: string;
  tone: ChangeTone;
  /** What happened to the event, to follow its name: "taken over by proc-b after its owner stopped renewing the lease". */
  action: string;
}

export function changeWords(change: Pick<OwnershipChange, 'ownerId' | 'reason'>): ChangeWords {
  const owner = change.ownerId;
  const reason: OwnershipChangeReason = change.reason;
  switch (reason) {
    case 'takeover':
      return { label: 'Failover', tone: 'failover', action: `taken over by ${owner} after its owner stopped renewing the lease` };
    case 'handoff':
      return { label: 'Handoff', tone: 'handoff', action: `handed to ${owner} after a graceful release` };
    case 'acquired':
      return { label: 'First owner', tone: 'granted', action: `started on ${owner}` };
    case 'reacquired':
      return { label: 'New tenure', tone: 'granted', action: `taken again by ${owner} under a new epoch` };
    case 'released':
      return { label: 'Released', tone: 'released', action: `released by ${owner}` };
    default: {
      const _exhaustive: never = reason;
      return _exhaustive;
    }
  }
}

/** What a screen reader hears when changes arrive: the first few in full, then a count. */
export function announceChanges(changes: readonly Pick<OwnershipChange, 'eventName' | 'ownerId' | 'reason' | 'epoch'>[]): string {
  if (changes.length === 0) return '';
  const shown = changes.slice(0, 3).map((c) => {
    const words = changeWords(c);
    return `${words.label}: ${c.eventName} ${words.action} (epoch ${c.epoch}).`;
  });
  const more = changes.length - shown.length;
  return [...shown, ...(more > 0 ? [`And ${more} more change${more === 1 ? '' : 's'} of owner.`] : [])].join(' ');
}
