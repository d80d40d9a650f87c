'use client';
// Buyer details → hold:confirm. The idempotency key is fixed per hold (and kept
// in sessionStorage) so a retry after a timeout or reload can never buy twice.
import { useId, useState, type FormEvent } from 'react';
import { buyerDetailsSchema, type BuyerDetails, type ConfirmAck } from '../../lib/protocol';
import { errorText } from '../../lib/client/errorText';
import { newIdempotencyKey } from '../../lib/client/format';
import styles from './EventPage.module.css';

type FieldErrors = Partial<Record<keyof BuyerDetails, string>>;

function idempotencyKeyFor(holdId: string): string {
  const storageKey = `seatline:checkout:${holdId}`;
  try {
    const existing = sessionStorage.getItem(storageKey);
    if (existing) return existing;
    const key = newIdempotencyKey();
    sessionStorage.setItem(storageKey, key);
    return key;
  } catch {
    return newIdempotencyKey();
  }
}

function validate(values: BuyerDetails): { data?: BuyerDetails; errors: FieldErrors } {
  const parsed = buyerDetailsSchema.safeParse(values);
  if (parsed.success) return { data: parsed.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as keyof BuyerDetails;
    errors[field] ??= issue.message[0].toUpperCase() + issue.message.slice(1) + '.';
  }
  return { errors };
}

interface CheckoutFormProps {
  holdId: string;
  totalText: string;
  onConfirm(holdId: string, buyer: BuyerDetails, idempotencyKey: string): Promise<ConfirmAck>;
  onOrder(orderId: string): void;
  onCancel(): void;
}

export function CheckoutForm({ holdId, totalText, onConfirm, onOrder, onCancel }: CheckoutFormProps) {
  const id = useId();
  const [values, setValues] = useState<BuyerDetails>({ name: '', email: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [touched, setTouched] = useState<Partial<Record<keyof BuyerDetails, boolean>>>({});
  const [submitting, setSubmitting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);

  const update = (field: keyof BuyerDetails, value: string) => {
    const next = { ...values, [field]: value };
    setValues(next);
    if (touched[field]) setErrors(validate(next).errors);
  };
  const blur = (field: keyof BuyerDetails) => {
    setTouched((t) => ({ ...t, [field]: true }));
    if (values[field] !== '') setErrors((e) => ({ ...e, [field]: validate(values).errors[field] }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const result = validate(values);
    setErrors(result.errors);
    setTouched({ name: true, email: true });
    if (!result.data) {
      const first = result.errors.name ? 'name' : 'email';
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setSubmitting(true);
    setFormError(null);
    const res = await onConfirm(holdId, result.data, idempotencyKeyFor(holdId));
    if (res.ok) {
      onOrder(res.order.id);
      return;
    }
    setSubmitting(false);
    if (res.error.code === 'already_confirmed' && res.error.orderId) return onOrder(res.error.orderId);
    setFormError(errorText(res.error));
  };

  const field = (name: keyof BuyerDetails, label: string, type: string, autoComplete: string) => {
    const error = touched[name] ? errors[name] : undefined;
    return (
      <div className="field">
        <label className="field__label" htmlFor={`${id}-${name}`}>
          {label}
        </label>
        <input
          id={`${id}-${name}`}
          name={name}
          type={type}
          className="input"
          autoComplete={autoComplete}
          value={values[name]}
          onChange={(e) => update(name, e.target.value)}
          onBlur={() => blur(name)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-${name}-error` : undefined}
          disabled={submitting}
          required
        />
        {error && (
          <p id={`${id}-${name}-error`} className="field__error">
            {error}
          </p>
        )}
      </div>
    );
  };

  return (
    <form className={styles.checkout} onSubmit={submit} noValidate aria-label="Checkout">
      <h3>Your details</h3>
      <p className={styles.help}>Your tickets appear on the next page, ready to print or show at the door.</p>
      {field('name', 'Full name', 'text', 'name')}
      {field('email', 'Email', 'email', 'email')}
      {formError && (
        <p className="notice notice--error" role="alert">
          {formError}
        </p>
      )}
      <button type="submit" className="button button--primary button--block" disabled={submitting}>
        {submitting ? 'Confirming…' : `Confirm purchase · ${totalText}`}
      </button>
      <button type="button" className="button button--ghost button--block" onClick={onCancel} disabled={submitting}>
        Back
      </button>
    </form>
  );
}
