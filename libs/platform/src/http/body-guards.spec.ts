import { isUnstorableText, refuseUnstorableText } from './body-guards';

describe('text Postgres cannot store', () => {
  it.each([
    ['left at 9\u0000pm', true],
    ['x\uDC00y', true],
    ['\uD800', true],
    ['ends with a high half \uD83D', true],
    ['a pair is fine 😀', false],
    ['Zoë, Łódź, 北京, עברית', false],
    ['', false],
  ])('%j → %s', (text, unstorable) => {
    expect(isUnstorableText(text)).toBe(unstorable);
  });

  it('makes the JSON parser refuse such a string or key, anywhere in the body', () => {
    const parse = (text: string) => JSON.parse(text, refuseUnstorableText) as unknown;
    expect(parse('{"note":"fine","nested":[{"a":"b"}]}')).toEqual({
      note: 'fine',
      nested: [{ a: 'b' }],
    });
    expect(() => parse('{"nested":[{"note":"a\\u0000b"}]}')).toThrow(SyntaxError);
    expect(() => parse('{"note":"\\ud800"}')).toThrow(SyntaxError);
    expect(() => parse('{"\\u0000key":1}')).toThrow(SyntaxError);
  });
});
