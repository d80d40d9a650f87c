'use client';
// The phone's camera reading ticket QR codes (ZXing, @zxing/browser). Starts
// by itself when camera access was granted before, otherwise on a tap; says
// plainly when there is no camera or access was refused, so the door falls
// back to typed codes. Reports every code it reads; the page decides what to do.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { IScannerControls } from '@zxing/browser';
import a from '../admin.module.css';
import c from './checkin.module.css';

type CameraState = 'off' | 'starting' | 'on' | 'denied' | 'unavailable';

const MESSAGES: Record<Exclude<CameraState, 'on'>, string> = {
  off: 'The camera is off.',
  starting: 'Starting the camera…',
  denied: 'Camera access was refused. Allow it in the browser’s site settings, or type the codes below.',
  unavailable: 'No camera can be used here. Type the codes below.',
};

function stateOfError(error: unknown): { state: 'denied' | 'unavailable'; detail: string | null } {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return { state: 'denied', detail: null };
  if (typeof window !== 'undefined' && !window.isSecureContext) return { state: 'unavailable', detail: 'The camera needs a secure (https) address.' };
  return { state: 'unavailable', detail: name === 'NotFoundError' || name === 'OverconstrainedError' ? 'This device has no camera.' : null };
}

export function CameraScanner({ onCode }: { onCode: (text: string) => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const controlsRef = useRef<IScannerControls | null>(null);
  const onCodeRef = useRef(onCode);
  useEffect(() => {
    onCodeRef.current = onCode;
  });
  const [state, setState] = useState<CameraState>('off');
  const [detail, setDetail] = useState<string | null>(null);

  const stop = useCallback(() => {
    controlsRef.current?.stop();
    controlsRef.current = null;
    setState('off');
  }, []);

  const start = useCallback(async () => {
    if (controlsRef.current || !videoRef.current) return;
    setState('starting');
    setDetail(null);
    if (!navigator.mediaDevices?.getUserMedia) {
      setState('unavailable');
      setDetail(window.isSecureContext ? null : 'The camera needs a secure (https) address.');
      return;
    }
    try {
      const { BrowserQRCodeReader } = await import('@zxing/browser');
      const reader = new BrowserQRCodeReader(undefined, { delayBetweenScanAttempts: 120 });
      const controls = await reader.decodeFromConstraints(
        { video: { facingMode: { ideal: 'environment' } }, audio: false },
        videoRef.current,
        (result) => {
          if (result) onCodeRef.current(result.getText());
        },
      );
      if (!videoRef.current) {
        controls.stop(); // unmounted while starting
        return;
      }
      controlsRef.current = controls;
      setState('on');
    } catch (error) {
      const { state: failed, detail: why } = stateOfError(error);
      setState(failed);
      setDetail(why);
    }
  }, []);

  // Start at once if the browser already allows the camera (no prompt); stop on leaving the page.
  useEffect(() => {
    let cancelled = false;
    navigator.permissions
      ?.query({ name: 'camera' as PermissionName })
      .then((status) => {
        if (!cancelled && status.state === 'granted') void start();
      })
      .catch(() => {});
    return () => {
      cancelled = true;
      controlsRef.current?.stop();
      controlsRef.current = null;
    };
  }, [start]);

  return (
    <section className={`${a.panel} ${c.camera}`} aria-labelledby="camera-title" data-camera-state={state}>
      <div className={a.panelHead}>
        <h2 id="camera-title">Camera</h2>
        {state === 'on' || state === 'starting' ? (
          <button type="button" className={`${a.btn} ${a.small}`} onClick={stop}>
            Stop camera
          </button>
        ) : (
          <button type="button" className={`${a.btn} ${a.small} ${a.primary}`} onClick={() => void start()}>
            {state === 'off' ? 'Start camera' : 'Try the camera again'}
          </button>
        )}
      </div>
      <div className={c.viewport}>
        {/* The preview is decorative: every read is announced by the result below. */}
        <video ref={videoRef} className={c.video} muted playsInline aria-hidden="true" data-active={state === 'on' || undefined} />
        {state === 'on' ? (
          <div className={c.aim} aria-hidden="true" />
        ) : (
          <p className={c.cameraMessage} role={state === 'denied' || state === 'unavailable' ? 'alert' : undefined} data-testid="camera-message">
            {MESSAGES[state]}
            {detail && <span className={c.cameraDetail}>{detail}</span>}
          </p>
        )}
      </div>
    </section>
  );
}
