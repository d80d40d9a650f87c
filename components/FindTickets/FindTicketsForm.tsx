'use client';
// "Find my tickets": a buyer who lost the confirmation email (or bought on
// another device) asks for links to every order of their address. The server
// answers the same for every address, so this page cannot tell whether there
// are orders either: it says what will happen if there are.
import Link from 'next/link';
import { useId, useState, type FormEvent } from 'react';
import { findTicketsSchema } from '../../lib/orderProtocol';
import { api } from '../../lib/client/api';
import styles from './FindTickets.module.css';

type State = { kind: 'idle' } | { kind: 'sending' } | { kind: 'sent'; message: string; email: string } | { kind: 'error'; message: string };

export function FindTicketsForm() {
  const id = useId();
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [state, setState] = useState<State>({ kind: 'idle' });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = findTicketsSchema.safeParse({ email: email.trim() });
    if (!parsed.success) {
      setFieldError('Enter the email address you used at checkout, like name@example.com.');
      return;
    }
    setFieldError(null);
    setState({ kind: 'sending' });
    const res = await api.findTickets(parsed.data.email);
    if (res.ok) return setState({ kind: 'sent', message: res.message, email: parsed.data.email });
    if (res.error.code === 'rate_limited') {
      const minutes = Math.max(1, Math.ceil((res.error.retryAfterMs ?? 60_000) / 60_000));
      return setState({ kind: 'error', message: `Too many requests from this network. Please try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` });
    }
    if (res.error.code === 'invalid_request') {
      setState({ kind: 'idle' });
      return setFieldError('Enter the email address you used at checkout, like name@example.com.');
    }
    setState({ kind: 'error', message: res.error.message });
  };

  return (
    <div className={`page ${styles.page}`}>
      <section className={`card ${styles.card}`} aria-labelledby={`${id}-title`}>
        <h1 id={`${id}-title`}>Find my tickets</h1>
        <p className="muted">
          Enter the email address you bought tickets with. We’ll email you a link to each of your orders; the links open your tickets on any phone
          or computer.
        </p>
        <form className={styles.form} onSubmit={submit} noValidate aria-label="Find my tickets">
          <div className="field">
            <label className="field__label" htmlFor={`${id}-email`}>
              Email address
            </label>
            <input
              id={`${id}-email`}
              className="input"
              type="email"
              name="email"
              autoComplete="email"
              inputMode="email"
              required
              value={email}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={fieldError ? `${id}-error` : undefined}
              onChange={(e) => {
                setEmail(e.target.value);
                setFieldError(null);
              }}
            />
            {fieldError && (
              <p id={`${id}-error`} className="field__error">
                {fieldError}
              </p>
            )}
          </div>
          <button type="submit" className="button button--primary" disabled={state.kind === 'sending'}>
            {state.kind === 'sending' ? 'Sending…' : 'Email me my links'}
          </button>
        </form>
        <div role="status" aria-live="polite">
          {state.kind === 'sent' && (
            <div className={`notice notice--success ${styles.result}`}>
              <div>
                <strong>Request received.</strong> {state.message}
                <p className={styles.hint}>Sent for {state.email}. Nothing after a few minutes? Check the address you bought with and try again.</p>
              </div>
            </div>
          )}
        </div>
        {state.kind === 'error' && (
          <div className={`notice notice--error ${styles.result}`} role="alert">
            {state.message}
          </div>
        )}
        <p className={`muted ${styles.hint}`}>
          Still have the page you bought on? Your tickets are there too. Looking for something new? <Link href="/">See all events</Link>.
        </p>
      </section>
    </div>
  );
}
