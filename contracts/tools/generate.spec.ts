import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const script = path.join(__dirname, 'generate.ts');
// Each run validates the AsyncAPI document and compiles every schema: a few seconds each.
const GENERATOR_TIMEOUT_MS = 60_000;
const committedOutput = path.join(__dirname, '..', '..', 'libs', 'contracts', 'src', 'generated');

function runGenerator(...args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('contracts generator --check', () => {
  let copy: string;

  beforeEach(() => {
    copy = mkdtempSync(path.join(tmpdir(), 'harbour-contracts-'));
    cpSync(committedOutput, copy, { recursive: true });
  });

  afterEach(() => {
    rmSync(copy, { recursive: true, force: true });
  });

  it(
    'passes on the committed output',
    () => {
      const result = runGenerator('--check');
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
    GENERATOR_TIMEOUT_MS,
  );

  it(
    'fails naming the file that was edited by hand, and only that one',
    () => {
      appendFileSync(path.join(copy, 'types.ts'), 'export type HandEdited = string;\n');
      const result = runGenerator('--check', '--out', copy);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('types.ts differs from the contracts');
      expect(result.stderr).not.toContain('catalog.ts');
      expect(result.stderr).not.toContain('validators.js');
    },
    GENERATOR_TIMEOUT_MS,
  );

  it(
    'fails when a generated file is missing or a stray file is present',
    () => {
      unlinkSync(path.join(copy, 'validators.js'));
      appendFileSync(path.join(copy, 'old-types.ts'), '\n');
      const result = runGenerator('--check', '--out', copy);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('validators.js differs from the contracts');
      expect(result.stderr).toContain('old-types.ts is not generated');
    },
    GENERATOR_TIMEOUT_MS,
  );

  it(
    'writes output that then passes its own check',
    () => {
      rmSync(copy, { recursive: true, force: true });
      expect(runGenerator('--out', copy).status).toBe(0);
      expect(runGenerator('--check', '--out', copy).status).toBe(0);
    },
    2 * GENERATOR_TIMEOUT_MS,
  );
});
