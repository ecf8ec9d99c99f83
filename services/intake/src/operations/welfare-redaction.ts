import { redactText } from '@harbour/platform';
import { redactPhoneNumbers } from '../domain/operation-redaction';

/**
 * A welfare summary fit to share with NGOs: e-mail addresses and UK postcodes (the platform's
 * `redactText`) and phone numbers replaced by `[REDACTED]`.
 */
export function redactWelfareSummary(text: string): string {
  return redactPhoneNumbers(redactText(text));
}
