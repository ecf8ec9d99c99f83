import { MAX_RESPONSE_LENGTH, readAcknowledgementResponse } from './acknowledgement-response';

describe('acknowledgement response text', () => {
  it('keeps a short reply, trimmed, with normalised line breaks', () => {
    expect(
      readAcknowledgementResponse('  2 caseworkers\r\nand an Albanian interpreter available \n'),
    ).toEqual({ ok: true, response: '2 caseworkers\nand an Albanian interpreter available' });
  });

  it('treats absent and blank as no response', () => {
    expect(readAcknowledgementResponse(undefined)).toEqual({ ok: true, response: null });
    expect(readAcknowledgementResponse(null)).toEqual({ ok: true, response: null });
    expect(readAcknowledgementResponse('   ')).toEqual({ ok: true, response: null });
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    expect(readAcknowledgementResponse('é'.repeat(MAX_RESPONSE_LENGTH)).ok).toBe(true);
    expect(readAcknowledgementResponse('🙂'.repeat(MAX_RESPONSE_LENGTH)).ok).toBe(true);
    expect(readAcknowledgementResponse('a'.repeat(MAX_RESPONSE_LENGTH + 1))).toEqual({
      ok: false,
      message: 'must be at most 500 characters',
    });
  });

  it('refuses non-strings and control characters without quoting the text', () => {
    expect(readAcknowledgementResponse(42)).toEqual({ ok: false, message: 'must be a string' });
    expect(readAcknowledgementResponse(['a'])).toEqual({ ok: false, message: 'must be a string' });
    const verdict = readAcknowledgementResponse('Ana\u0007 Popescu');
    expect(verdict).toEqual({ ok: false, message: 'must not contain control characters' });
  });
});
