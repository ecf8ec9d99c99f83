import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const generator = path.join(__dirname, 'generate-adjacency.ts');
const committed = path.join(__dirname, '..', 'src', 'generated', 'adjacency.json');
const source = path.join(
  path.dirname(require.resolve('vega-datasets')),
  '..',
  'data',
  'londonBoroughs.json',
);

function runGenerator(...args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync(process.execPath, [generator, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('generate-adjacency', () => {
  let scratch: string;

  beforeEach(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'london-adjacency-'));
  });

  afterEach(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('--check passes on the committed file, without warnings', () => {
    const result = runGenerator('--check');
    expect(result).toEqual({
      status: 0,
      stdout: expect.stringContaining('up to date') as unknown,
      stderr: '',
    });
  });

  it('regenerates the committed file byte for byte', () => {
    const output = path.join(scratch, 'adjacency.json');
    expect(runGenerator('--output', output).status).toBe(0);
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(committed, 'utf8'));
  });

  it('--check fails and names the borough when a neighbour list was edited by hand', () => {
    const edited = path.join(scratch, 'adjacency.json');
    const document = JSON.parse(readFileSync(committed, 'utf8')) as {
      adjacency: Record<string, string[]>;
    };
    document.adjacency['E09000007'] = ['E09000019'];
    writeFileSync(edited, JSON.stringify(document));

    const result = runGenerator('--check', '--output', edited);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('E09000007');
    expect(result.stderr).toContain('node libs/london/tools/generate-adjacency.ts');
  });

  it('--check fails when the generated file is missing', () => {
    expect(runGenerator('--check', '--output', path.join(scratch, 'absent.json')).status).toBe(1);
  });

  it('refuses a source whose borough names it cannot map, and writes nothing', () => {
    const renamed = path.join(scratch, 'boroughs.json');
    const output = path.join(scratch, 'adjacency.json');
    const topology = readFileSync(source, 'utf8').replace('"id":"Camden"', '"id":"Camden Town"');
    expect(topology).toContain('Camden Town');
    writeFileSync(renamed, topology);

    const result = runGenerator('--source', renamed, '--output', output);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"Camden Town"');
    expect(existsSync(output)).toBe(false);
  });

  it('refuses a source missing a borough', () => {
    const trimmed = path.join(scratch, 'boroughs.json');
    const topology = JSON.parse(readFileSync(source, 'utf8')) as {
      objects: { boroughs: { geometries: { id: string }[] } };
    };
    topology.objects.boroughs.geometries = topology.objects.boroughs.geometries.filter(
      ({ id }) => id !== 'City of London',
    );
    writeFileSync(trimmed, JSON.stringify(topology));

    const result = runGenerator('--check', '--source', trimmed);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('absent from the source: City of London');
  });

  it('--check reports drift without rewriting the file', () => {
    const stale = path.join(scratch, 'adjacency.json');
    writeFileSync(stale, '{}');
    expect(runGenerator('--check', '--output', stale).status).toBe(1);
    expect(readFileSync(stale, 'utf8')).toBe('{}');
  });
});
