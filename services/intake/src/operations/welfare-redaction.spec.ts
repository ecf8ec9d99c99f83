import { redactWelfareSummary } from './welfare-redaction';

describe('a welfare summary shared with NGOs', () => {
  it('loses e-mail addresses, postcodes and phone numbers, and keeps the rest', () => {
    expect(
      redactWelfareSummary(
        'Four women at E15 1AA need an interpreter; contact mia.k@example.org or 07700 900123. ' +
          'Two said their passports were held at sw1a1aa.',
      ),
    ).toBe(
      'Four women at [REDACTED] need an interpreter; contact [REDACTED] or [REDACTED]. ' +
        'Two said their passports were held at [REDACTED].',
    );
  });
});
