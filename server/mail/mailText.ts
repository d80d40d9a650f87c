// Small formatting pieces shared by the emails and the ticket PDF.
import type { TicketView } from '../../lib/protocol';
import { formatEventDate } from '../../lib/client/format';

// Emails are read far from the server: times carry their zone (the server's, TZ).
const zoneFormat = new Intl.DateTimeFormat('en-IE', { timeZoneName: 'short' });
const dateTimeFormat = new Intl.DateTimeFormat('en-IE', { dateStyle: 'medium', timeStyle: 'short' });
function zoneOf(epochMs: number): string {
  return zoneFormat.formatToParts(new Date(epochMs)).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** "6 Dec 2026, 14:05 UTC" */
export function formatDateTime(epochMs: number): string {
  return `${dateTimeFormat.format(new Date(epochMs))} ${zoneOf(epochMs)}`.trim();
}

/** "Royal Court Theatre · Sun 27 Dec 2026 · 19:30 UTC" */
export function eventWhen(event: { venueName: string; startsAt: number }): string {
  return `${event.venueName} · ${formatEventDate(event.startsAt)} ${zoneOf(event.startsAt)}`.trim();
}

/** Section / row / seat, or section / general admission: what is printed big on a ticket. */
export function seatFacts(ticket: TicketView): { label: string; value: string }[] {
  if (ticket.gaArea !== undefined) {
    return [
      { label: 'Section', value: ticket.section },
      { label: 'Admission', value: 'General admission' },
    ];
  }
  return [
    { label: 'Section', value: ticket.section },
    { label: 'Row', value: ticket.row },
    { label: 'Seat', value: ticket.number },
  ];
}

/** "Stalls Centre, row D, seat 7" or "Floor, general admission". */
export function seatLine(ticket: TicketView): string {
  return ticket.gaArea !== undefined ? `${ticket.section}, general admission` : `${ticket.section}, row ${ticket.row}, seat ${ticket.number}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Everything a buyer or organizer typed goes through this before it is put in HTML. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
