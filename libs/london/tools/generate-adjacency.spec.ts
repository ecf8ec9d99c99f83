import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const generator = path.join(__dirname, 'generate-adjacency.ts');
const committed = path.join(__dirname, '..', 'src', 'generated', 'adjacency.json');
const committedCentroids = path.join(__dirname, '..', 'src', 'generated', 'centroids.json');
const data = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data');
const source = path.join(data, 'londonBoroughs.json');
const centroidsSource = path.join(data, 'londonCentroids.json');

interface CentroidRow {
  name: string;
  cx: number;
  cy: number;
}

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

  /** Outputs in the scratch folder, so a test never rewrites the committed files. */
  function scratchOutputs(): string[] {
    return [
      '--output',
      path.join(scratch, 'adjacency.json'),
      '--centroids-output',
      path.join(scratch, 'centroids.json'),
    ];
  }

  it('--check passes on both committed files, without warnings', () => {
    const result = runGenerator('--check');
    expect(result).toEqual({
      status: 0,
      stdout: expect.stringMatching(
        /adjacency\.json is up to date\n.*centroids\.json is up to date/s,
      ) as unknown,
      stderr: '',
    });
  });

  it('regenerates both committed files byte for byte', () => {
    expect(runGenerator(...scratchOutputs()).status).toBe(0);
    expect(readFileSync(path.join(scratch, 'adjacency.json'), 'utf8')).toBe(
      readFileSync(committed, 'utf8'),
    );
    expect(readFileSync(path.join(scratch, 'centroids.json'), 'utf8')).toBe(
      readFileSync(committedCentroids, 'utf8'),
    );
  });

  it('writes centroids keyed by GSS code, rounded to 5 decimals', () => {
    const row = (JSON.parse(readFileSync(centroidsSource, 'utf8')) as CentroidRow[]).find(
      ({ name }) => name === 'Camden',
    );
    const { centroids } = JSON.parse(readFileSync(committedCentroids, 'utf8')) as {
      centroids: Record<string, { lon: number; lat: number }>;
    };
    expect(Object.keys(centroids)).toHaveLength(33);
    expect(centroids['E09000007']).toEqual({
      lon: Number(row!.cx.toFixed(5)),
      lat: Number(row!.cy.toFixed(5)),
    });
  });

  it('--check fails and names the borough when a centroid was edited by hand', () => {
    const edited = path.join(scratch, 'centroids.json');
    const document = JSON.parse(readFileSync(committedCentroids, 'utf8')) as {
      centroids: Record<string, { lon: number; lat: number }>;
    };
    document.centroids['E09000019'] = { lon: -0.1, lat: 51.5 };
    writeFileSync(edited, JSON.stringify(document));

    const result = runGenerator('--check', '--centroids-output', edited);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('centroids differ for: E09000019');
    expect(result.stderr).not.toContain('adjacency.json');
  });

  it('refuses a centroids source with a borough missing or unmapped, and writes neither file', () => {
    const rows = JSON.parse(readFileSync(centroidsSource, 'utf8')) as CentroidRow[];
    const broken = path.join(scratch, 'centroids-source.json');
    writeFileSync(
      broken,
      JSON.stringify(
        rows
          .filter(({ name }) => name !== 'Sutton')
          .map((row) => (row.name === 'Camden' ? { ...row, name: 'Camden Town' } : row)),
      ),
    );

    const result = runGenerator('--centroids-source', broken, ...scratchOutputs());

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"Camden Town"');
    expect(existsSync(path.join(scratch, 'adjacency.json'))).toBe(false);
    expect(existsSync(path.join(scratch, 'centroids.json'))).toBe(false);

    writeFileSync(broken, JSON.stringify(rows.filter(({ name }) => name !== 'Sutton')));
    expect(runGenerator('--check', '--centroids-source', broken).stderr).toContain(
      'absent from the source: Sutton',
    );
  });

  it('refuses a centroid outside London', () => {
    const rows = JSON.parse(readFileSync(centroidsSource, 'utf8')) as CentroidRow[];
    const moved = path.join(scratch, 'centroids-source.json');
    writeFileSync(
      moved,
      JSON.stringify(rows.map((row) => (row.name === 'Bexley' ? { ...row, cy: 53.48 } : row))),
    );

    const result = runGenerator('--check', '--centroids-source', moved);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Bexley's centroid");
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
    const topology = readFileSync(source, 'utf8').replace('"id":"Camden"', '"id":"Camden Town"');
    expect(topology).toContain('Camden Town');
    writeFileSync(renamed, topology);

    const result = runGenerator('--source', renamed, ...scratchOutputs());

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"Camden Town"');
    expect(existsSync(path.join(scratch, 'adjacency.json'))).toBe(false);
    expect(existsSync(path.join(scratch, 'centroids.json'))).toBe(false);
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
