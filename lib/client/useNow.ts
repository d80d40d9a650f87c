'use client';
import { useEffect, useState } from 'react';
import { getClockSkewMs } from './api';

/** Server-corrected "now" in epoch ms, re-rendering every `intervalMs`. */
export function useServerNow(intervalMs = 250): number {
  const [nowMs, setNowMs] = useState(() => Date.now() + getClockSkewMs());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now() + getClockSkewMs()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return nowMs;
}
