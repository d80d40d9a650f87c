import { useId, type ReactNode } from 'react';
import f from '../forms.module.css';

/** Label + control + hint/error. `children` receives the input's id and described-by. */
export function Field({
  label,
  error,
  hint,
  wide,
  children,
}: {
  label: string;
  error?: string;
  hint?: ReactNode;
  wide?: boolean;
  children(props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }): ReactNode;
}) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={`${f.field} ${wide ? f.wide : ''}`}>
      <label className={f.label} htmlFor={id}>
        {label}
      </label>
      {children({ id, ...(error ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {error ? (
        <span id={`${id}-error`} className={f.error}>
          {error}
        </span>
      ) : hint ? (
        <span id={`${id}-hint`} className={f.hint}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}
