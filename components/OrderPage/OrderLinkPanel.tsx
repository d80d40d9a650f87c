'use client';
// "Your tickets on any device": the order's link (with its access key), to
// copy to a phone. The same link is in the confirmation email.
import Link from 'next/link';
import { useEffect, useId, useState } from 'react';
import { orderPath } from '../../lib/orderProtocol';
import styles from './OrderPage.module.css';

export function OrderLinkPanel({ orderId, accessKey, email }: { orderId: string; accessKey: string; email: string }) {
  const id = useId();
  const [url, setUrl] = useState(orderPath(orderId, accessKey));
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  // The absolute address is only known in the browser.
  useEffect(() => setUrl(`${window.location.origin}${orderPath(orderId, accessKey)}`), [orderId, accessKey]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };

  return (
    <section className={`card ${styles.linkPanel} no-print`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Your tickets on any device</h2>
      <p className="muted">
        This link opens the order on your phone or any other browser. We emailed it to <strong>{email}</strong> with your tickets as a PDF. Anyone
        with the link can see your tickets, so keep it to yourself.
      </p>
      <div className={styles.linkRow}>
        <label htmlFor={`${id}-url`} className="sr-only">
          Link to this order
        </label>
        <input id={`${id}-url`} className={`input ${styles.linkInput}`} readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button button--secondary" onClick={copy}>
          Copy link
        </button>
      </div>
      <p className={styles.sub} role="status">
        {copied === 'yes' ? 'Link copied.' : copied === 'failed' ? 'Could not copy: select the link and copy it yourself.' : ''}
      </p>
      <p className={styles.sub}>
        Lost the email? <Link href="/find-tickets">Find my tickets</Link> sends fresh links to every order of your address.
      </p>
    </section>
  );
}
