// What the door screen shows for a scan: the check-in answer turned into a
// verdict (admit / refuse / try again), a title, the reason and the ticket's
// seat and holder. Pure, so the wording is tested without a browser.
import type { DoorCounts } from '../adminProtocol';
import type { Ack, CheckInTicketView } from '../protocol';
import { fmtClock, fmtDateTime } from './adminFormat';

export type ScanVerdict = 'admit' | 'refuse' | 'retry';

export interface ScanEntry {
  id: number;
  /** When the answer came (browser clock). */
  at: number;
  code: string;
  verdict: ScanVerdict;
  /** "Admit", "Already checked in", "Cancelled ticket", … */
  title: string;
  /** Why, in a few words: "at 19:42 · door North", "for Matinee, Sat 12 Dec…". */
  reason: string | null;
  /** "Stalls · Row A · Seat 1" or "Standing · General admission". */
  seat: string | null;
  category: string | null;
  name: string | null;
  /** The error code of a refusal (for tests and the history's data attributes). */
  errorCode: string | null;
}

export function seatText(ticket: CheckInTicketView): string {
  if (ticket.gaArea !== undefined) return `${ticket.section} · General admission`;
  return `${ticket.section} · Row ${ticket.row} · Seat ${ticket.number}`;
}

/** The scan's answer as one sentence for screen readers. */
export function announcement(entry: ScanEntry): string {
  const verdict = entry.verdict === 'admit' ? 'Admit' : entry.verdict === 'refuse' ? 'Do not admit' : 'Not checked';
  const parts = [verdict, entry.verdict === 'admit' ? null : entry.title, entry.reason, entry.seat?.replaceAll(' · ', ', '), entry.name];
  return `${parts.filter(Boolean).join('. ')}.`;
}

export function scanEntryOf(id: number, code: string, ack: Ack<{ ticket: CheckInTicketView; counts: DoorCounts }>, at: number): ScanEntry {
  const base = { id, at, code, category: null, errorCode: null } as const;
  if (ack.ok) {
    const t = ack.ticket;
    return { ...base, verdict: 'admit', title: 'Admit', reason: t.door ? `Door ${t.door}` : null, seat: seatText(t), category: t.category || null, name: t.buyerName };
  }
  const { error } = ack;
  const t = error.ticket;
  const ticketFacts = t ? { seat: seatText(t), category: t.category || null, name: t.buyerName } : { seat: null, category: null, name: null };
  const refuse = (title: string, reason: string | null) => ({ ...base, ...ticketFacts, verdict: 'refuse' as const, title, reason, errorCode: error.code });
  switch (error.code) {
    case 'already_checked_in':
      return refuse('Already checked in', t?.checkedInAt ? `at ${fmtClock(t.checkedInAt)}${t.door ? ` · door ${t.door}` : ''}` : null);
    case 'ticket_cancelled':
      return refuse('Cancelled ticket', t?.cancelledAt ? `cancelled ${fmtDateTime(t.cancelledAt)}` : null);
    case 'wrong_event':
      return refuse('Wrong event', error.ticketEvent ? `for ${error.ticketEvent.name}, ${fmtDateTime(error.ticketEvent.startsAt)}` : error.message);
    case 'unknown_ticket':
      return refuse('Unknown code', 'Not a ticket: mistyped or forged');
    case 'invalid_request':
      return refuse('Not a ticket code', 'Ticket codes have only letters, digits, _ and -');
    case 'not_found':
      return refuse('No such event', error.message);
    default:
      // Busy, offline, storage trouble: nothing was decided; scan again.
      return { ...base, ...ticketFacts, verdict: 'retry', title: 'Could not check', reason: error.message, errorCode: error.code };
  }
}
