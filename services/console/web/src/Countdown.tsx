import { useEffect, useState } from 'react';
import { minutesInWords } from './hold-time';
import { londonTime } from './london-time';

function remainingSeconds(secondsLeft: number, readAt: number): number {
  return secondsLeft - (performance.now() - readAt) / 1000;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/**
 * The time left on a hold. It counts from the server's `secondsLeft` at the moment the offer was
 * read (not the device's clock, which may be wrong), says the expiry in London time, and gives
 * assistive technology words that change each minute, not a number that changes every second;
 * the ticking clock is for the eye only. Announcements are made at 5 minutes, 1 minute and expiry.
 */
export function Countdown({
  expiresAt,
  secondsLeft,
  readAt,
  onExpired,
}: {
  expiresAt: string;
  secondsLeft: number;
  /** `performance.now()` when `secondsLeft` was read. */
  readAt: number;
  onExpired?: () => void;
}) {
  const [left, setLeft] = useState(() => remainingSeconds(secondsLeft, readAt));
  useEffect(() => {
    const tick = () => {
      setLeft(remainingSeconds(secondsLeft, readAt));
    };
    tick();
    const timer = setInterval(tick, 1000);
    return () => {
      clearInterval(timer);
    };
  }, [secondsLeft, readAt]);
  const expired = left <= 0;
  useEffect(() => {
    if (expired) onExpired?.();
  }, [expired, onExpired]);

  const announcement = expired
    ? 'The hold has expired.'
    : left <= 60
      ? 'Less than a minute left on the hold.'
      : left <= 300
        ? 'Less than 5 minutes left on the hold.'
        : '';
  return (
    <div className={`countdown${expired ? ' expired' : left <= 300 ? ' urgent' : ''}`}>
      <p>
        Hold expires <time dateTime={expiresAt}>{londonTime(expiresAt)}</time> (London time):{' '}
        <strong>{minutesInWords(left)}</strong>
        {!expired && (
          <span className="clock" aria-hidden="true">
            {clock(left)}
          </span>
        )}
      </p>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}
