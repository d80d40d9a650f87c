'use client';
// Why an order did not open, in words a buyer can act on: a wrong or
// replaced link, an order of another browser, or a failure to retry.
import Link from 'next/link';
import type { Fail } from '../../lib/protocol';

function messageOf(error: Fail['error']): { title: string; text: string; retry: boolean } {
  switch (error.code) {
    case 'access_key_invalid':
      return {
        title: 'This order link doesn’t work',
        text: 'The link is incomplete or not valid. Open the whole link from your confirmation email, or get a fresh link to your orders.',
        retry: false,
      };
    case 'access_key_revoked':
      return {
        title: 'This order link was replaced',
        text: 'The organizer replaced the link to this order, so this one no longer opens it. Use the newest link we emailed you, or get a fresh one.',
        retry: false,
      };
    case 'not_found':
    case 'invalid_request':
    case 'unauthorized':
    case 'not_hold_owner':
      return {
        title: 'We couldn’t find that order',
        text: 'An order opens in the browser that bought it, or anywhere with the link from its confirmation email. Lost the email? Get a fresh link.',
        retry: false,
      };
    default:
      return { title: 'We couldn’t load your order', text: 'Please try again in a moment.', retry: true };
  }
}

export function OrderError({ error, onRetry }: { error: Fail['error']; onRetry(): void }) {
  const { title, text, retry } = messageOf(error);
  return (
    <div className="page">
      <div className="card empty-state" role="alert" data-error-code={error.code}>
        <h1>{title}</h1>
        <p>{text}</p>
        <div style={{ display: 'flex', gap: 10, justifyContent: 'center', flexWrap: 'wrap' }}>
          {retry ? (
            <button type="button" className="button button--primary" onClick={onRetry}>
              Try again
            </button>
          ) : (
            <Link href="/find-tickets" className="button button--primary">
              Find my tickets
            </Link>
          )}
          <Link href="/" className="button button--secondary">
            See all events
          </Link>
        </div>
      </div>
    </div>
  );
}
