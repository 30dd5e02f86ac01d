import { useState } from 'react';

/** A confirmation ("Link copied") that clears itself after a few seconds, unless replaced. */
export function useTransientStatus(ms = 3000): [string | null, (message: string) => void] {
  const [status, setStatus] = useState<string | null>(null);
  const say = (message: string) => {
    setStatus(message);
    window.setTimeout(() => setStatus((m) => (m === message ? null : m)), ms);
  };
  return [status, say];
}
