// The two emails about one order: the confirmation (summary, every valid
// ticket with its QR code inline, a PDF of the tickets, the link that opens
// the order anywhere) and the cancellation notice. Both show the order as it
// is when they are sent.
import QRCode from 'qrcode';
import { formatPrice, type TicketView } from '../../lib/protocol';
import type { CancellationPayload } from '../../db/outbox';
import type { OrderDocument } from './orderDocument';
import { button, COLORS, emailHtml, factsTable, heading, notice, paragraph } from './emailLayout';
import { esc, eventWhen, formatDateTime, plural, seatLine } from './mailText';
import { ticketsPdf } from './ticketPdf';
import type { ComposedMail, MailAttachment } from './types';

export interface OrderMailContext {
  doc: OrderDocument;
  /** Absolute link that opens the order with its current key. */
  orderUrl: string;
  findTicketsUrl: string;
}

const qrCid = (ticket: TicketView) => `qr-${ticket.id}@seatline`;

async function qrAttachments(tickets: readonly TicketView[]): Promise<MailAttachment[]> {
  return Promise.all(
    tickets.map(async (t) => ({
      filename: `ticket-${t.id}.png`,
      content: await QRCode.toBuffer(t.code, { errorCorrectionLevel: 'M', margin: 2, width: 240, color: { dark: '#111827', light: '#ffffff' } }),
      contentType: 'image/png',
      cid: qrCid(t),
      contentDisposition: 'inline' as const,
    })),
  );
}

async function pdfAttachment(doc: OrderDocument, tickets: readonly TicketView[]): Promise<MailAttachment[]> {
  if (tickets.length === 0) return [];
  return [{ filename: `tickets-${doc.order.id}.pdf`, content: await ticketsPdf(doc, tickets), contentType: 'application/pdf' }];
}

function eventName(doc: OrderDocument): string {
  return doc.event?.name ?? doc.order.eventId;
}

function ticketBlockHtml(doc: OrderDocument, ticket: TicketView): string {
  const category = doc.event?.categoryNames[ticket.category];
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 12px;border:1px solid ${COLORS.border};border-radius:10px;">
<tr><td style="padding:14px 16px;vertical-align:top;">
<div style="font-weight:700;font-size:16px;">${esc(seatLine(ticket))}</div>
<div style="color:${COLORS.muted};font-size:13px;margin-top:2px;">${category ? `${esc(category)} · ` : ''}${esc(formatPrice(ticket.priceCents, doc.order.currency))}</div>
<div style="color:${COLORS.muted};font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;margin-top:10px;word-break:break-all;">${esc(ticket.code)}</div>
</td>
<td width="128" style="padding:10px;vertical-align:middle;text-align:center;">
<img src="cid:${qrCid(ticket)}" width="120" height="120" alt="QR code for ${esc(seatLine(ticket))}" style="display:block;width:120px;height:120px;border:0;">
</td></tr></table>`;
}

function summaryFacts(doc: OrderDocument): [string, string][] {
  const { order, event } = doc;
  const valid = order.tickets.filter((t) => t.status === 'valid').length;
  const rows: [string, string][] = [
    ['Event', `${esc(eventName(doc))}${event ? `<br><span style="font-weight:400;color:${COLORS.muted};">${esc(eventWhen(event))}</span>` : ''}`],
    ['Order', `<span style="font-family:ui-monospace,Menlo,Consolas,monospace;">${esc(order.id)}</span>`],
    ['Tickets', esc(order.status === 'confirmed' ? String(valid) : `${valid} valid of ${order.tickets.length}`)],
    ['Paid', esc(formatPrice(order.paidCents, order.currency))],
  ];
  if (order.refundCents > 0) rows.push(['To be refunded', esc(formatPrice(order.refundCents, order.currency))]);
  return rows;
}

function summaryText(doc: OrderDocument): string {
  const { order, event } = doc;
  const lines = [`Event: ${eventName(doc)}`, ...(event ? [`        ${eventWhen(event)}`] : []), `Order: ${order.id}`, `Paid:  ${formatPrice(order.paidCents, order.currency)}`];
  if (order.refundCents > 0) lines.push(`To be refunded: ${formatPrice(order.refundCents, order.currency)}`);
  return lines.join('\n');
}

const BUTTON_NOTE = 'The button opens your order on any phone or computer. Anyone with the link can see your tickets, so keep it to yourself.';
const LINK_NOTE = 'The link opens your order on any phone or computer. Anyone with it can see your tickets, so keep it to yourself.';

function summaryLine(status: OrderDocument['order']['status'], valid: number): string {
  switch (status) {
    case 'confirmed':
      return `Order confirmed · ${plural(valid, 'ticket')} · show the QR codes at the door, on your phone or printed.`;
    case 'partially_cancelled':
      return `${plural(valid, 'ticket')} still valid · show the QR codes at the door, on your phone or printed.`;
    case 'cancelled':
      return 'None of its tickets is valid any more.';
    default: {
      const _exhaustive: never = status;
      return String(_exhaustive);
    }
  }
}

export async function confirmationMail({ doc, orderUrl, findTicketsUrl }: OrderMailContext): Promise<ComposedMail> {
  const { order } = doc;
  const valid = order.tickets.filter((t) => t.status === 'valid');
  const cancelled = order.tickets.filter((t) => t.status === 'cancelled');
  const name = eventName(doc);
  // Sent late (say after an SMTP outage) it tells the order as it is now, never "confirmed" for a cancelled one.
  const title = order.status === 'cancelled' ? `Your order for ${name} was cancelled` : `You’re going to ${name}!`;
  const subject = order.status === 'cancelled' ? `Order ${order.id} for ${name} was cancelled` : `Your tickets for ${name} (order ${order.id})`;
  const cancelledNote = cancelled.length
    ? notice(`<strong>${esc(plural(cancelled.length, 'ticket'))} of this order ${cancelled.length === 1 ? 'was' : 'were'} cancelled by the organizer.</strong> ${esc(formatPrice(order.refundCents, order.currency))} will be refunded.`, 'danger')
    : '';
  const body = [
    heading(title, order.status === 'cancelled' ? COLORS.danger : COLORS.text),
    paragraph(esc(summaryLine(order.status, valid.length)), true),
    cancelledNote,
    factsTable(summaryFacts(doc)),
    button(orderUrl, order.status === 'cancelled' ? 'View your order' : 'Open your tickets'),
    paragraph(esc(BUTTON_NOTE), true),
    valid.length ? `<h2 style="margin:22px 0 10px;font-size:17px;">Your tickets</h2>${valid.map((t) => ticketBlockHtml(doc, t)).join('')}` : '',
    valid.length ? paragraph(esc('The attached PDF has one page per ticket, ready to print.'), true) : '',
  ].join('\n');
  const text = [
    title,
    '',
    summaryText(doc),
    '',
    ...(cancelled.length ? [`${plural(cancelled.length, 'ticket')} of this order ${cancelled.length === 1 ? 'was' : 'were'} cancelled by the organizer.`, ''] : []),
    `Open your order: ${orderUrl}`,
    LINK_NOTE,
    '',
    ...(valid.length ? ['Your tickets:', ...valid.map((t) => `- ${seatLine(t)} · ${formatPrice(t.priceCents, order.currency)} · ticket code ${t.code}`), '', 'The attached PDF has one page per ticket, with its QR code.'] : []),
    '',
    `Lost this email later? ${findTicketsUrl}`,
  ].join('\n');
  return {
    subject,
    text,
    html: emailHtml({ preheader: `${name}: ${plural(valid.length, 'ticket')}, order ${order.id}`, body, findTicketsUrl }),
    attachments: [...(await qrAttachments(valid)), ...(await pdfAttachment(doc, valid))],
  };
}

export async function cancellationMail(ctx: OrderMailContext, cancellation: CancellationPayload): Promise<ComposedMail> {
  const { doc, orderUrl, findTicketsUrl } = ctx;
  const { order } = doc;
  const name = eventName(doc);
  const seats = new Set(cancellation.seatIds);
  const gone = order.tickets.filter((t) => seats.has(t.seatId));
  const valid = order.tickets.filter((t) => t.status === 'valid');
  const whole = order.status === 'cancelled';
  const refund = formatPrice(cancellation.refundedCents, order.currency);
  const title = whole ? `Your order for ${name} was cancelled` : `${plural(gone.length, 'ticket')} of your order ${gone.length === 1 ? 'was' : 'were'} cancelled`;
  const subject = whole ? `Cancelled: your order ${order.id} for ${name}` : `${plural(gone.length, 'ticket')} cancelled: order ${order.id} for ${name}`;
  const when = formatDateTime(cancellation.at);
  const list = gone.map((t) => `<li>${esc(seatLine(t))} · ${esc(formatPrice(t.priceCents, order.currency))}</li>`).join('');
  const body = [
    heading(title, COLORS.danger),
    paragraph(esc(`The organizer of ${name} cancelled ${whole && gone.length === order.tickets.length ? 'your order' : plural(gone.length, 'ticket')} on ${when}.`), true),
    notice(
      `<ul style="margin:0 0 8px;padding-left:18px;">${list}</ul><div><strong>Reason:</strong> ${esc(cancellation.reason)}</div><div><strong>To be refunded:</strong> ${esc(refund)}</div>`,
      'danger',
    ),
    whole
      ? paragraph(esc('None of the order’s tickets is valid any more: their QR codes will be refused at the door.'))
      : paragraph(esc(`Your other ${plural(valid.length, 'ticket')} ${valid.length === 1 ? 'is' : 'are'} still valid. The cancelled ${gone.length === 1 ? 'ticket’s QR code' : 'tickets’ QR codes'} will be refused at the door; the attached PDF has your valid tickets only.`)),
    factsTable(summaryFacts(doc)),
    button(orderUrl, 'View your order'),
    paragraph(esc(BUTTON_NOTE), true),
  ].join('\n');
  const text = [
    title,
    '',
    `The organizer of ${name} cancelled on ${when}:`,
    ...gone.map((t) => `- ${seatLine(t)} · ${formatPrice(t.priceCents, order.currency)}`),
    `Reason: ${cancellation.reason}`,
    `To be refunded: ${refund}`,
    '',
    whole ? 'None of the order’s tickets is valid any more.' : `Your other ${plural(valid.length, 'ticket')} ${valid.length === 1 ? 'is' : 'are'} still valid (attached as a PDF).`,
    '',
    summaryText(doc),
    '',
    `View your order: ${orderUrl}`,
    LINK_NOTE,
    '',
    `Lost this email later? ${findTicketsUrl}`,
  ].join('\n');
  return {
    subject,
    text,
    html: emailHtml({ preheader: `${title}. Reason: ${cancellation.reason}`, body, findTicketsUrl }),
    attachments: whole ? [] : await pdfAttachment(doc, valid),
  };
}
