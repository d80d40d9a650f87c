// The tickets of an order as a PDF (pdfkit): one A5 landscape page per valid
// ticket with the event, the seat, the holder and the ticket's QR code, drawn
// as vectors so it prints sharp at any size.
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { formatPrice, type TicketView } from '../../lib/protocol';
import type { OrderDocument } from './orderDocument';
import { eventWhen, seatFacts } from './mailText';

const PAGE = { width: 595.28, height: 419.53 }; // A5 landscape, points
const MARGIN = 36;
const QR_SIZE = 168;
const INK = '#111827';
const MUTED = '#5b6472';
const BRAND = '#1e3a8a';

/**
 * The standard PDF fonts only have the WinAnsi characters; anything else would print as
 * garbage, so it becomes '?'. (Names in other scripts need an embedded font: not done.)
 */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
function printable(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    out += (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch) ? ch : '?';
  }
  return out;
}

function drawQr(pdf: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2; // modules of white border inside the box
  const cell = size / (modules.size + 2 * quiet);
  pdf.save().rect(x, y, size, size).fill('#ffffff');
  for (let r = 0; r < modules.size; r++) {
    for (let c = 0; c < modules.size; c++) {
      // A hair wider than a cell, so neighbouring cells do not show seams in viewers.
      if (modules.get(r, c)) pdf.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell + 0.2, cell + 0.2);
    }
  }
  pdf.fill(INK).restore();
}

function label(pdf: PDFKit.PDFDocument, text: string, x: number, y: number, width?: number): void {
  pdf.font('Helvetica').fontSize(8).fillColor(MUTED).text(text.toUpperCase(), x, y, { width, characterSpacing: 0.8, lineBreak: false });
}

function drawTicket(pdf: PDFKit.PDFDocument, doc: OrderDocument, ticket: TicketView, index: number, count: number): void {
  const { order, event } = doc;
  const stubX = PAGE.width - MARGIN - QR_SIZE - 24;
  const bodyWidth = stubX - MARGIN - 24;

  pdf.rect(0, 0, PAGE.width, 8).fill(BRAND);
  label(pdf, `Seatline ticket ${index + 1} of ${count}`, MARGIN, 28);
  pdf.font('Helvetica-Bold').fontSize(20).fillColor(INK).text(printable(event?.name ?? order.eventId), MARGIN, 44, { width: bodyWidth });
  if (event) pdf.font('Helvetica').fontSize(11).fillColor(MUTED).text(printable(eventWhen(event)), { width: bodyWidth });

  const factsY = Math.max(pdf.y + 22, 120);
  const facts = seatFacts(ticket).map((f) => ({ label: f.label, value: printable(f.value) }));
  // Long section names: a smaller size rather than running into the stub.
  const widthAt = (size: number) => facts.reduce((sum, f) => sum + Math.max(70, pdf.font('Helvetica-Bold').fontSize(size).widthOfString(f.value) + 28), 0);
  const size = [18, 15, 12].find((s) => widthAt(s) <= bodyWidth) ?? 10;
  let x = MARGIN;
  for (const fact of facts) {
    label(pdf, fact.label, x, factsY);
    pdf.font('Helvetica-Bold').fontSize(size).fillColor(INK).text(fact.value, x, factsY + 12, { lineBreak: false });
    x += Math.max(70, pdf.widthOfString(fact.value) + 28);
  }

  const category = event?.categoryNames[ticket.category];
  pdf
    .font('Helvetica')
    .fontSize(11)
    .fillColor(MUTED)
    .text(`${category ? `${printable(category)} · ` : ''}${formatPrice(ticket.priceCents, order.currency)}`, MARGIN, factsY + 44, { width: bodyWidth });

  const holderY = factsY + 84;
  label(pdf, 'Ticket holder', MARGIN, holderY);
  pdf.font('Helvetica-Bold').fontSize(12).fillColor(INK).text(printable(order.buyer.name), MARGIN, holderY + 12, { width: bodyWidth });
  label(pdf, 'Order', MARGIN, holderY + 36);
  pdf.font('Courier').fontSize(10).fillColor(INK).text(order.id, MARGIN, holderY + 48, { width: bodyWidth });

  // The stub: a dashed tear line, the QR code and its text.
  pdf
    .save()
    .moveTo(stubX, 28)
    .lineTo(stubX, PAGE.height - 40)
    .dash(4, { space: 4 })
    .strokeColor('#cbd0d8')
    .stroke()
    .restore();
  const qrX = PAGE.width - MARGIN - QR_SIZE;
  drawQr(pdf, ticket.code, qrX, 48, QR_SIZE);
  pdf.font('Courier').fontSize(7.5).fillColor(MUTED).text(ticket.code, qrX, 48 + QR_SIZE + 8, { width: QR_SIZE, align: 'center' });

  pdf
    .font('Helvetica')
    .fontSize(8)
    .fillColor(MUTED)
    .text('Valid for one entry. Show this QR code at the door, on paper or on your phone.', MARGIN, PAGE.height - 30, {
      width: PAGE.width - 2 * MARGIN,
      lineBreak: false,
    });
}

/** One page per ticket given (callers pass the valid ones); resolves with the PDF bytes. */
export function ticketsPdf(doc: OrderDocument, tickets: readonly TicketView[]): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: 0,
    autoFirstPage: false,
    info: { Title: printable(`Tickets, order ${doc.order.id}${doc.event ? ` (${doc.event.name})` : ''}`), Author: 'Seatline' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  tickets.forEach((ticket, i) => {
    pdf.addPage({ size: [PAGE.width, PAGE.height], margin: 0 });
    drawTicket(pdf, doc, ticket, i, tickets.length);
  });
  pdf.end();
  return done;
}
