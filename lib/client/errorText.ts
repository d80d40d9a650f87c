// Buyer-facing sentences for API errors. The server's message is a fallback:
// these read better in a shop and never leak internals.
import type { ApiError } from '../protocol';
import { pluralize } from './format';

export function errorText(error: ApiError, context: { maxSeatsPerBuyer?: number } = {}): string {
  switch (error.code) {
    case 'limit_exceeded':
      return context.maxSeatsPerBuyer
        ? `You can hold at most ${pluralize(context.maxSeatsPerBuyer, 'seat')} for this event.`
        : 'You have reached the seat limit for this event.';
    case 'sale_closed':
      return 'Sales for this event are not open right now.';
    case 'busy':
    case 'rate_limited':
      return error.message.includes('offline') || error.message.includes('answer in time')
        ? error.message
        : 'Lots of people are buying right now. Please try again in a few seconds.';
    case 'hold_expired':
      return 'Your hold expired; the seats were released.';
    case 'extend_limit':
      return 'This hold has already been extended the maximum number of times.';
    case 'not_hold_owner':
      return 'This hold belongs to another session.';
    case 'unauthorized':
      return 'Your session has ended. Reload the page to continue.';
    case 'storage_unavailable':
    case 'internal':
      return 'Something went wrong on our side and nothing was changed. Please try again.';
    case 'orphan_seat':
      return 'That choice would leave a single empty seat on its own in the row, which nobody could buy. Include that seat, or choose seats that leave it a neighbour.';
    case 'invalid_request':
      return error.issues?.[0]?.message ? `Please check your details: ${error.issues[0].message}.` : error.message;
    default:
      return error.message;
  }
}
