'use client';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import type { TicketView } from '../../lib/protocol';
import { formatDateTime, formatPrice } from '../../lib/client/format';
import { seatText as seatTextOf } from './seatText';
import styles from './OrderPage.module.css';

interface TicketCardProps {
  ticket: TicketView;
  currency: string;
  eventName: string;
  eventWhen: string;
  categoryName: string;
}

export function TicketCard({ ticket, currency, eventName, eventWhen, categoryName }: TicketCardProps) {
  const [qrDataUrl, setQrDataUrl] = useState<string | null>(null);
  const valid = ticket.status === 'valid';

  useEffect(() => {
    // A cancelled ticket's code is refused at the door: never show it as something to scan.
    if (!valid) return;
    let cancelled = false;
    QRCode.toDataURL(ticket.code, { errorCorrectionLevel: 'M', margin: 1, width: 176, color: { dark: '#111827', light: '#ffffff' } })
      .then((url) => !cancelled && setQrDataUrl(url))
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [ticket.code, valid]);

  // General-admission places have no seat to find: print the area only.
  const ga = ticket.gaArea !== undefined;
  const sectionName = ticket.section;
  const seatText = seatTextOf(ticket);
  return (
    <article
      className={`card ${styles.ticket}`}
      data-ticket-id={ticket.id}
      data-ga={ga || undefined}
      data-seat-id={ticket.seatId}
      data-ticket-status={ticket.status}
      aria-label={`${valid ? 'Ticket' : 'Cancelled ticket'}: ${seatText}`}
    >
      <div className={styles.ticketBody}>
        {eventName && <p className={styles.ticketEvent}>{eventName}</p>}
        {eventWhen && <p className={styles.sub}>{eventWhen}</p>}
        <dl className={styles.seatFacts}>
          <div>
            <dt>Section</dt>
            <dd>{sectionName}</dd>
          </div>
          {ga ? (
            <div>
              <dt>Admission</dt>
              <dd>General admission</dd>
            </div>
          ) : (
            <>
              <div>
                <dt>Row</dt>
                <dd>{ticket.row}</dd>
              </div>
              <div>
                <dt>Seat</dt>
                <dd>{ticket.number}</dd>
              </div>
            </>
          )}
        </dl>
        <p className={styles.ticketPrice}>
          {categoryName && <span>{categoryName} · </span>}
          <strong>{formatPrice(ticket.priceCents, currency)}</strong>
        </p>
      </div>
      <div className={styles.ticketStub}>
        {!valid ? (
          <div className={styles.voidStamp}>
            <strong>Cancelled</strong>
            {ticket.cancelledAt !== null && <span>{formatDateTime(ticket.cancelledAt)}</span>}
          </div>
        ) : qrDataUrl ? (
          <img src={qrDataUrl} width={136} height={136} alt={`QR code for ${seatText}`} className={styles.qr} />
        ) : (
          <div className={`skeleton ${styles.qr}`} aria-hidden="true" />
        )}
        {valid && <code className={styles.code}>{ticket.code}</code>}
      </div>
    </article>
  );
}
