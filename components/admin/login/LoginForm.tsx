'use client';
// Organizer sign-in: one password. Wrong passwords and rate limiting get
// their own clear messages; success goes to the page that asked for login.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { adminApi } from '../../../lib/client/adminApi';
import a from '../admin.module.css';
import f from '../forms.module.css';
import s from './login.module.css';

export function LoginForm({ next }: { next: string }) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (retryAt === null) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= retryAt) {
        setRetryAt(null);
        setError(null);
      }
    }, 500);
    return () => clearInterval(timer);
  }, [retryAt]);

  const waitSeconds = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - now) / 1000));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password === '') {
      setError('Enter the organizer password.');
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const res = await adminApi.login(password);
    if (res.ok) {
      window.location.assign(next);
      return;
    }
    setBusy(false);
    if (res.error.code === 'rate_limited') {
      setRetryAt(Date.now() + (res.error.retryAfterMs ?? 60_000));
      setNow(Date.now());
      setError('Too many sign-in attempts from this address.');
    } else if (res.error.code === 'unauthorized') {
      setError('Wrong password. Check it and try again.');
      setPassword('');
    } else {
      setError(res.error.message);
    }
    inputRef.current?.focus();
  };

  return (
    <div className={s.page}>
      <form className={s.card} onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <div className={s.brand}>
          <span className={s.mark} aria-hidden="true">
            S
          </span>
          <span>Seatline</span>
          <span className={s.tag}>Box office</span>
        </div>
        <h1 id={`${id}-title`} className={s.title}>
          Organizer sign in
        </h1>
        <p className={a.muted}>Manage events, seat maps and live sales.</p>
        <label className={f.field} htmlFor={`${id}-password`}>
          <span className={f.label}>Password</span>
          <input
            ref={inputRef}
            id={`${id}-password`}
            name="password"
            type="password"
            className={`${f.input} ${s.input}`}
            autoComplete="current-password"
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </label>
        {error && (
          <div id={`${id}-error`} className={f.notice} data-tone="error" role="alert">
            <span>
              {error}
              {waitSeconds > 0 && ` Try again in ${waitSeconds} s.`}
            </span>
          </div>
        )}
        <button type="submit" className={`${a.btn} ${a.primary} ${s.submit}`} disabled={busy || waitSeconds > 0}>
          {busy ? 'Signing in…' : waitSeconds > 0 ? `Wait ${waitSeconds} s` : 'Sign in'}
        </button>
        <p className={`${a.faint} ${s.footnote}`}>
          {next !== '/admin' ? (
            <>
              You’ll continue to <code>{next}</code>.
            </>
          ) : (
            'Sessions last 8 hours on this browser.'
          )}
        </p>
      </form>
    </div>
  );
}
