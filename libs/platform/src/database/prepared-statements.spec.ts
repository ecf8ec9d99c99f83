import {
  isStalePreparedStatement,
  namedWhenRepeated,
  PREPARE_AFTER_RUNS,
  StatementNames,
} from './prepared-statements';

describe('StatementNames', () => {
  it('names a text once it has run PREPARE_AFTER_RUNS times, and keeps that name', () => {
    const names = new StatementNames();
    const text = 'SELECT * FROM t WHERE id = $1';
    const given = Array.from({ length: PREPARE_AFTER_RUNS + 2 }, () => names.nameFor(text));
    expect(given.slice(0, PREPARE_AFTER_RUNS - 1)).toEqual(
      Array(PREPARE_AFTER_RUNS - 1).fill(undefined),
    );
    const name = given[PREPARE_AFTER_RUNS - 1];
    expect(name).toMatch(/^h[0-9a-f]{32}$/);
    expect(given.slice(PREPARE_AFTER_RUNS)).toEqual([name, name]);
  });

  it('gives different texts different names', () => {
    const names = new StatementNames(1);
    expect(names.nameFor('SELECT $1::int')).not.toEqual(names.nameFor('SELECT $1::text'));
  });

  it('stops counting new texts past its bound, so one-off texts never pile up', () => {
    const names = new StatementNames(2, 3);
    for (const n of [1, 2, 3]) names.nameFor(`SELECT ${n}, $1`);
    names.nameFor('SELECT 4, $1');
    expect(names.nameFor('SELECT 4, $1')).toBeUndefined(); // never counted, never named
    expect(names.nameFor('SELECT 1, $1')).toMatch(/^h/); // counted before the bound was reached
    expect(names.preparedCount).toBe(1);
  });
});

describe('a statement whose result columns changed', () => {
  it('is recognised by its SQLSTATE and message, and nothing else is', () => {
    const stale = Object.assign(new Error('cached plan must not change result type'), {
      code: '0A000',
    });
    expect(isStalePreparedStatement(stale)).toBe(true);
    expect(isStalePreparedStatement(Object.assign(new Error('other'), { code: '0A000' }))).toBe(
      false,
    );
    expect(isStalePreparedStatement(Object.assign(new Error('x'), { code: '40001' }))).toBe(false);
    expect(isStalePreparedStatement(undefined)).toBe(false);
  });

  it('is never prepared again once refused', () => {
    const names = new StatementNames(1);
    const text = 'SELECT * FROM t WHERE id = $1';
    expect(names.nameFor(text)).toMatch(/^h/);
    names.neverPrepare(text);
    expect([names.nameFor(text), names.nameFor(text)]).toEqual([undefined, undefined]);
    expect(names.preparedCount).toBe(0);
  });
});

describe('namedWhenRepeated', () => {
  it('turns (text, values, callback) into a named config once the text repeats', () => {
    const names = new StatementNames(2);
    const callback = (): void => undefined;
    const args = ['UPDATE t SET a = $2 WHERE id = $1', [1, 'x'], callback];
    expect(namedWhenRepeated(args, names)).toBe(args);
    const [config, ...rest] = namedWhenRepeated(args, names);
    expect(config).toEqual({
      name: expect.stringMatching(/^h/) as unknown,
      text: args[0],
      values: [1, 'x'],
    });
    expect(rest).toEqual([callback]);
  });

  it('leaves statements without values (BEGIN, COMMIT, SET) and config objects alone', () => {
    const names = new StatementNames(1);
    for (const args of [['COMMIT'], ['COMMIT', []], [{ text: 'SELECT $1', values: [1] }]]) {
      expect(namedWhenRepeated(args, names)).toBe(args);
      expect(namedWhenRepeated(args, names)).toBe(args);
    }
    expect(names.preparedCount).toBe(0);
  });
});
