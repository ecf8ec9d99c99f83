import { isPermanentRefusal } from '../domain/delivery';

/** Why a send failed, in words safe for logs, rows and events, and whether retrying can help. */
export interface SmtpFailure {
  text: string;
  permanent: boolean;
}

const EMAIL_ADDRESS = /[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g;
const MAX_LENGTH = 500;

/**
 * Describes a nodemailer error. Servers often echo the recipient in their reply ("550 <x@y>:
 * no such user"), so addresses are masked: the delivery row already says who it was for.
 */
export function describeSmtpFailure(error: unknown): SmtpFailure {
  // Duck-typed: socket errors can come from another realm, where `instanceof Error` is false.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') {
    return { text: `non-error thrown: ${typeof error}`, permanent: false };
  }
  const details = error as Error & { code?: unknown; responseCode?: unknown; command?: unknown };
  const code = typeof details.code === 'string' ? details.code : details.name;
  const responseCode = typeof details.responseCode === 'number' ? details.responseCode : undefined;
  const command = typeof details.command === 'string' ? details.command : undefined;
  const parts = [code];
  if (responseCode !== undefined) parts.push(String(responseCode));
  if (command !== undefined) parts.push(`on ${command}`);
  const message = details.message.replace(EMAIL_ADDRESS, '[address]').replace(/\s+/g, ' ').trim();
  const text = `${parts.join(' ')}: ${message}`;
  return {
    text: text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text,
    permanent: isPermanentRefusal({
      ...(responseCode !== undefined ? { responseCode } : {}),
      ...(command !== undefined ? { command } : {}),
    }),
  };
}
