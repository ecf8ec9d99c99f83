import { redactPhoneNumbers } from './operation-redaction';

describe('phone numbers in free text', () => {
  it.each([
    ['a UK mobile', 'call 07700 900123 today', 'call [REDACTED] today'],
    ['a mobile without spaces', 'ring 07700900123.', 'ring [REDACTED].'],
    ['a London landline', 'on 020 7946 0001', 'on [REDACTED]'],
    ['with brackets and dashes', 'tel (020) 7946-0001', 'tel [REDACTED]'],
    ['international', 'whatsapp +44 7700 900123', 'whatsapp [REDACTED]'],
    ['international with (0)', '+44 (0)20 7946 0001 is hers', '[REDACTED] is hers'],
    ['an overseas number', 'family on +40 721 234 567', 'family on [REDACTED]'],
    ['two numbers', '07700 900123 or 07700 900456', '[REDACTED] or [REDACTED]'],
  ])('%s', (_case, text, expected) => {
    expect(redactPhoneNumbers(text)).toBe(expected);
  });

  it.each([
    ['counts', '12 women and 3 men, 2 children'],
    ['a date', 'visited on 2026-11-28 at 14:30'],
    ['a year range', 'worked there 2019-2024'],
    ['a short reference', 'case 1234567'],
    ['digits inside a word', 'ref AB123456789X'],
  ])('leaves %s alone', (_case, text) => {
    expect(redactPhoneNumbers(text)).toBe(text);
  });
});
