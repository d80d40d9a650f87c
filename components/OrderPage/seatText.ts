import type { TicketView } from '../../lib/protocol';

/** "Stalls Centre, row D, seat 7", or "Floor, general admission". */
export function seatText(ticket: Pick<TicketView, 'section' | 'row' | 'number' | 'gaArea'>): string {
  return ticket.gaArea !== undefined ? `${ticket.section}, general admission` : `${ticket.section}, row ${ticket.row}, seat ${ticket.number}`;
}
