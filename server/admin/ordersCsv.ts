// The organizer's CSV export of an event's tickets. Spreadsheet-safe: cells
// that a spreadsheet would execute as formulas are made inert.
import type { TicketExportRow } from '../../db/store';

/** Spreadsheet apps execute cells starting with these; prefix them so an export is inert. */
function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const HEADER = ['order_id', 'created_at', 'buyer_name', 'buyer_email', 'ticket_id', 'seat_id', 'section', 'row', 'number', 'category', 'price', 'currency', 'status', 'cancel_reason'];

/** One row per ticket (valid and cancelled), in the order the store gives them. */
export function ordersCsv(rows: readonly TicketExportRow[]): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.orderId,
        new Date(r.createdAt).toISOString(),
        r.buyerName,
        r.buyerEmail,
        r.ticketId,
        r.seatId,
        r.section,
        r.row,
        r.number,
        r.category,
        (r.priceCents / 100).toFixed(2),
        r.currency,
        r.status,
        r.cancelReason,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
