// "Find my tickets" (and an organizer replacing an order's link): one email
// with a fresh link to each order of the address.
import { formatPrice } from '../../lib/protocol';
import type { OrderDocument } from './orderDocument';
import { button, COLORS, emailHtml, heading, paragraph } from './emailLayout';
import { esc, eventWhen, plural } from './mailText';
import type { ComposedMail } from './types';

export interface LinkedOrder {
  doc: OrderDocument;
  url: string;
}

const STATUS_TEXT = { confirmed: 'Confirmed', partially_cancelled: 'Partly cancelled', cancelled: 'Cancelled' } as const;

function orderLine({ doc }: LinkedOrder): string {
  const { order, event } = doc;
  const valid = order.tickets.filter((t) => t.status === 'valid').length;
  return `${event?.name ?? order.eventId} · ${plural(valid, 'valid ticket')} · ${STATUS_TEXT[order.status]} · order ${order.id} · paid ${formatPrice(order.paidCents, order.currency)}`;
}

export function linksMail(orders: readonly LinkedOrder[], reason: 'lookup' | 'access_replaced', findTicketsUrl: string): ComposedMail {
  const replaced = reason === 'access_replaced';
  const title = replaced ? 'A new link to your order' : orders.length === 1 ? 'Your order' : 'Your orders';
  const intro = replaced
    ? 'The organizer replaced the link to your order: the old link no longer opens it. Use this one from now on.'
    : 'Someone (we hope you) asked for links to the orders placed with this email address. If it was not you, ignore this email: the links were sent only to you.';
  const blocks = orders.map((linked) => {
    const { order, event } = linked.doc;
    const cancelled = order.status === 'cancelled';
    return `<div style="margin:0 0 14px;padding:14px 16px;border:1px solid ${COLORS.border};border-radius:10px;">
<div style="font-weight:700;font-size:16px;">${esc(event?.name ?? order.eventId)}</div>
${event ? `<div style="color:${COLORS.muted};font-size:13px;">${esc(eventWhen(event))}</div>` : ''}
<div style="margin-top:6px;font-size:14px;${cancelled ? `color:${COLORS.danger};` : ''}">${esc(STATUS_TEXT[order.status])} · ${esc(plural(order.tickets.filter((t) => t.status === 'valid').length, 'valid ticket'))} · order <span style="font-family:ui-monospace,Menlo,Consolas,monospace;">${esc(order.id)}</span></div>
${button(linked.url, cancelled ? 'View order' : 'Open tickets')}
</div>`;
  });
  const body = [heading(title), paragraph(esc(intro), true), ...blocks, paragraph(esc('Anyone with one of these links can see that order’s tickets, so keep them to yourself.'), true)].join('\n');
  const text = [title, '', intro, '', ...orders.flatMap((o) => [orderLine(o), o.url, '']), 'Anyone with one of these links can see that order’s tickets, so keep them to yourself.', '', `Find my tickets: ${findTicketsUrl}`].join('\n');
  return {
    subject: replaced ? `A new link to your order ${orders[0]?.doc.order.id ?? ''}`.trim() : orders.length === 1 ? 'Your Seatline order' : `Your ${orders.length} Seatline orders`,
    text,
    html: emailHtml({ preheader: replaced ? 'Your old order link no longer works; here is the new one.' : `${plural(orders.length, 'order')} with links that open on any device`, body, findTicketsUrl }),
    attachments: [],
  };
}
