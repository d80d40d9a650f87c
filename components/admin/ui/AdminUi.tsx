'use client';
// Console-wide feedback: toasts for every action's outcome, and a modal
// confirmation (optionally asking for a reason) for destructive actions.
import { createContext, useCallback, useContext, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Ack } from '../../../lib/protocol';
import { ackErrorText } from '../../../lib/client/adminApi';
import a from '../admin.module.css';
import f from '../forms.module.css';

type Tone = 'success' | 'error' | 'info';
interface Toast {
  id: number;
  tone: Tone;
  title: string;
  detail?: string;
}

export interface ConfirmOptions {
  title: string;
  body?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  cancelLabel?: string;
  /** Ask for a reason; `required` refuses an empty one. */
  reason?: { label: string; required: boolean; placeholder?: string };
}

interface UiContext {
  toast(tone: Tone, title: string, detail?: string): void;
  /** Toasts the outcome of an API call; returns whether it succeeded. */
  report<T>(ack: Ack<T>, success: string, failurePrefix?: string): boolean;
  /** Resolves to the reason ('' when none was asked) or null when cancelled. */
  confirm(options: ConfirmOptions): Promise<string | null>;
}

const Ctx = createContext<UiContext | null>(null);

export function useAdminUi(): UiContext {
  const ui = useContext(Ctx);
  if (!ui) throw new Error('useAdminUi outside AdminUiProvider');
  return ui;
}

export function AdminUiProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [pending, setPending] = useState<(ConfirmOptions & { resolve(v: string | null): void }) | null>(null);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const toast = useCallback(
    (tone: Tone, title: string, detail?: string) => {
      const id = nextId.current++;
      setToasts((list) => [...list.slice(-3), { id, tone, title, detail }]);
      setTimeout(() => dismiss(id), tone === 'error' ? 12_000 : 6_000);
    },
    [dismiss],
  );
  const report = useCallback(
    <T,>(ack: Ack<T>, success: string, failurePrefix = 'Action failed'): boolean => {
      if (ack.ok) toast('success', success);
      else toast('error', failurePrefix, ackErrorText(ack.error));
      return ack.ok;
    },
    [toast],
  );
  const confirm = useCallback((options: ConfirmOptions) => new Promise<string | null>((resolve) => setPending({ ...options, resolve })), []);
  const value = useMemo(() => ({ toast, report, confirm }), [toast, report, confirm]);

  return (
    <Ctx.Provider value={value}>
      {children}
      <div className={f.toasts} aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={f.toast} data-tone={t.tone} role={t.tone === 'error' ? 'alert' : 'status'} data-testid="toast">
            <div>
              <div className={f.toastTitle}>{t.title}</div>
              {t.detail && <div className={a.muted}>{t.detail}</div>}
            </div>
            <button type="button" className={f.toastClose} onClick={() => dismiss(t.id)} aria-label="Dismiss">
              ×
            </button>
          </div>
        ))}
      </div>
      {pending && (
        <ConfirmDialog
          options={pending}
          onClose={(value) => {
            pending.resolve(value);
            setPending(null);
          }}
        />
      )}
    </Ctx.Provider>
  );
}

function ConfirmDialog({ options, onClose }: { options: ConfirmOptions; onClose(value: string | null): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);

  const submit = () => {
    if (options.reason?.required && reason.trim() === '') {
      setError('Give a reason; it is recorded in the audit log.');
      return;
    }
    onClose(reason.trim());
  };

  return (
    <dialog
      ref={ref}
      className={f.dialog}
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose(null);
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className={f.dialogBody}>
          <h2 id={`${id}-title`}>{options.title}</h2>
          {options.body && <div className={a.muted}>{options.body}</div>}
          {options.reason && (
            <label className={f.field}>
              <span className={f.label}>
                {options.reason.label}
                {options.reason.required ? '' : ' (optional)'}
              </span>
              <input
                className={f.input}
                value={reason}
                maxLength={200}
                placeholder={options.reason.placeholder}
                onChange={(e) => {
                  setReason(e.target.value);
                  setError(null);
                }}
                aria-invalid={error ? true : undefined}
                autoFocus
              />
              {error && <span className={f.error}>{error}</span>}
            </label>
          )}
        </div>
        <div className={f.dialogActions}>
          <button type="button" className={a.btn} onClick={() => onClose(null)}>
            {options.cancelLabel ?? 'Back'}
          </button>
          <button type="submit" className={`${a.btn} ${options.danger ? a.dangerSolid : a.primary}`} autoFocus={!options.reason}>
            {options.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
