// Tickets as buyers and the door see them (part of lib/protocol.ts's contract).

export interface TicketView {
  id: string;
  seatId: string;
  section: string;
  row: string;
  number: string;
  category: string;
  priceCents: number;
  /** Secret printed as the ticket's QR code; checked at the door. */
  code: string;
  /** Set for a general-admission place: the area's id (the ticket has no seat to find). */
  gaArea?: string;
  /** 'cancelled' tickets are no longer valid at the door (an organizer cancelled them). */
  status: 'valid' | 'cancelled';
  /** When and why an organizer cancelled the ticket (null while it is valid). */
  cancelledAt: number | null;
  cancelReason: string | null;
}

/** A scanned ticket as the door sees it (organizer check-in, POST /api/admin/events/:id/check-in). */
export interface CheckInTicketView {
  ticketId: string;
  orderId: string;
  eventId: string;
  seatId: string;
  /** The section's (or general-admission area's) display name. */
  section: string;
  row: string;
  number: string;
  /** The price category's display name. */
  category: string;
  /** Set for a general-admission place: the area's id (no row or seat to find). */
  gaArea?: string;
  buyerName: string;
  /** When and at which door the ticket was admitted; null if it never was. */
  checkedInAt: number | null;
  door: string | null;
  /** Set when the ticket was cancelled. */
  cancelledAt: number | null;
}
