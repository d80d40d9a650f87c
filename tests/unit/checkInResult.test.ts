// The door screen's wording for every check-in answer, and reading a ticket
// code out of what the camera saw.
import { describe, expect, it } from 'vitest';
import type { CheckInTicketView } from '../../lib/protocol';
import { announcement, scanEntryOf, seatText } from '../../lib/client/checkInResult';
import { ticketCodeFromScan } from '../../lib/client/ticketScan';

const ticket: CheckInTicketView = {
  ticketId: 't1',
  orderId: 'o1',
  eventId: 'ev',
  seatId: 'S-A-1',
  section: 'Stalls',
  row: 'A',
  number: '1',
  category: 'Front',
  buyerName: 'Grace Hopper',
  checkedInAt: null,
  door: null,
  cancelledAt: null,
};
const at = new Date(2026, 4, 12, 19, 42).getTime();

describe('scan entries', () => {
  it('admit: seat, category and name; announced as "Admit."', () => {
    const e = scanEntryOf(1, 'c', { ok: true, ticket: { ...ticket, checkedInAt: at, door: 'North' }, counts: { checkedIn: 1, expected: 2 } }, at);
    expect(e).toMatchObject({ verdict: 'admit', title: 'Admit', reason: 'Door North', seat: 'Stalls · Row A · Seat 1', category: 'Front', name: 'Grace Hopper', errorCode: null });
    expect(announcement(e)).toBe('Admit. Door North. Stalls, Row A, Seat 1. Grace Hopper.');
  });

  it('a general-admission place names its area', () => {
    expect(seatText({ ...ticket, section: 'Standing', row: 'GA', number: '3', gaArea: 'GA' })).toBe('Standing · General admission');
  });

  it('refusals: already checked in (time and door), cancelled, wrong event, unknown, malformed', () => {
    const refused = (error: object) => scanEntryOf(2, 'c', { ok: false, error: { message: 'm', ...error } as never }, at);
    const again = refused({ code: 'already_checked_in', ticket: { ...ticket, checkedInAt: at, door: 'North' } });
    expect(again).toMatchObject({ verdict: 'refuse', title: 'Already checked in', reason: 'at 19:42 · door North', seat: 'Stalls · Row A · Seat 1', name: 'Grace Hopper' });
    expect(announcement(again)).toBe('Do not admit. Already checked in. at 19:42 · door North. Stalls, Row A, Seat 1. Grace Hopper.');
    expect(refused({ code: 'ticket_cancelled', ticket: { ...ticket, cancelledAt: at } })).toMatchObject({ verdict: 'refuse', title: 'Cancelled ticket', name: 'Grace Hopper' });
    expect(refused({ code: 'wrong_event', ticketEvent: { id: 'x', name: 'Matinee', startsAt: at } }).reason).toMatch(/^for Matinee, /);
    expect(refused({ code: 'unknown_ticket' })).toMatchObject({ verdict: 'refuse', title: 'Unknown code', seat: null, name: null });
    expect(refused({ code: 'invalid_request' })).toMatchObject({ verdict: 'refuse', title: 'Not a ticket code' });
  });

  it('busy, storage trouble or no connection: "scan again", never red', () => {
    for (const code of ['busy', 'storage_unavailable', 'internal', 'rate_limited']) {
      expect(scanEntryOf(3, 'c', { ok: false, error: { code, message: 'Try later.' } as never }, at)).toMatchObject({ verdict: 'retry', reason: 'Try later.' });
    }
  });
});

describe('ticketCodeFromScan', () => {
  it('takes a bare code as it is (trimmed), and the code out of a link', () => {
    expect(ticketCodeFromScan('  Abc_123-xyz \n')).toBe('Abc_123-xyz');
    expect(ticketCodeFromScan('https://tickets.example/t/Abc_123')).toBe('Abc_123');
    expect(ticketCodeFromScan('https://tickets.example/check?code=Abc_123&x=1')).toBe('Abc_123');
    expect(ticketCodeFromScan('not a url at all')).toBe('not a url at all');
  });
});
