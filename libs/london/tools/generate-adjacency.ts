// Derives the London reference data that comes from the borough boundaries shipped in the
// vega-datasets package and writes it under src/generated/:
//   adjacency.json   which local authorities share a boundary (from londonBoroughs.json)
//   centroids.json   each authority's centroid, longitude and latitude (from londonCentroids.json)
//
//   node libs/london/tools/generate-adjacency.ts            regenerate the committed files
//   node libs/london/tools/generate-adjacency.ts --check    exit 1 if a committed file is stale
//
// --source <topojson> and --output <json> override the adjacency input and output files,
// --centroids-source <json> and --centroids-output <json> the centroid ones (used by tests).
// Exit codes: 0 success, 1 a committed file differs from what would be generated, 2 a source
// could not be used (unknown or missing borough, bad file, bad flag); nothing is written then.
//
// This file is deliberately CommonJS (type-only imports, modules fetched at runtime) so that Node
// runs it as-is, without re-parsing it as an ES module and warning about the untyped package.json.
import type * as Prettier from 'prettier';
import type * as TopojsonClient from 'topojson-client';
import type { GeometryObject, Objects, Topology } from 'topojson-specification';

const { createHash } = process.getBuiltinModule('node:crypto');
const { existsSync, readFileSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { createRequire } = process.getBuiltinModule('node:module');
const path = process.getBuiltinModule('node:path');
const { parseArgs } = process.getBuiltinModule('node:util');

const requireHere = createRequire(__filename);
const LIB_ROOT = path.resolve(__dirname, '..');
const DEFAULT_OUTPUT = path.join(LIB_ROOT, 'src', 'generated', 'adjacency.json');
const DEFAULT_CENTROIDS_OUTPUT = path.join(LIB_ROOT, 'src', 'generated', 'centroids.json');
const GENERATED_BY = 'node libs/london/tools/generate-adjacency.ts';
const SOURCE_OBJECT = 'boroughs';
/** 5 decimal places of a degree is about 1 m: more would be noise from the simplified shapes. */
const CENTROID_DECIMALS = 5;
/** A generous box around Greater London; a centroid outside it means a damaged or wrong source. */
const LONDON_BOUNDS = { minLon: -0.6, maxLon: 0.4, minLat: 51.2, maxLat: 51.8 } as const;

/**
 * The dataset's feature ids mapped to ONS GSS codes. Spelled out so that a renamed, added or
 * dropped feature stops the run instead of silently losing a borough.
 */
const GSS_BY_FEATURE_ID: ReadonlyMap<string, string> = new Map([
  ['City of London', 'E09000001'],
  ['Barking and Dagenham', 'E09000002'],
  ['Barnet', 'E09000003'],
  ['Bexley', 'E09000004'],
  ['Brent', 'E09000005'],
  ['Bromley', 'E09000006'],
  ['Camden', 'E09000007'],
  ['Croydon', 'E09000008'],
  ['Ealing', 'E09000009'],
  ['Enfield', 'E09000010'],
  ['Greenwich', 'E09000011'],
  ['Hackney', 'E09000012'],
  ['Hammersmith and Fulham', 'E09000013'],
  ['Haringey', 'E09000014'],
  ['Harrow', 'E09000015'],
  ['Havering', 'E09000016'],
  ['Hillingdon', 'E09000017'],
  ['Hounslow', 'E09000018'],
  ['Islington', 'E09000019'],
  ['Kensington and Chelsea', 'E09000020'],
  ['Kingston upon Thames', 'E09000021'],
  ['Lambeth', 'E09000022'],
  ['Lewisham', 'E09000023'],
  ['Merton', 'E09000024'],
  ['Newham', 'E09000025'],
  ['Redbridge', 'E09000026'],
  ['Richmond upon Thames', 'E09000027'],
  ['Southwark', 'E09000028'],
  ['Sutton', 'E09000029'],
  ['Tower Hamlets', 'E09000030'],
  ['Waltham Forest', 'E09000031'],
  ['Wandsworth', 'E09000032'],
  ['Westminster', 'E09000033'],
]);

/** Provenance written at the top of the generated file. Licence per vega-datasets' datapackage.json. */
const SOURCE_DESCRIPTION = {
  dataset: 'London borough boundaries, data/londonBoroughs.json in the vega-datasets npm package',
  derivedFrom:
    'London_Borough_Excluding_MHW from the Statistical GIS Boundary Files for London ' +
    '(London Datastore, https://data.london.gov.uk/dataset/statistical-gis-boundary-files-london), ' +
    'reprojected and simplified by vega-datasets',
  licence:
    'Open Government Licence v3.0 ' +
    '(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)',
  attribution:
    'Contains National Statistics data © Crown copyright and database right 2015. ' +
    'Contains Ordnance Survey data © Crown copyright and database right 2015.',
  packageLicence: 'vega-datasets is distributed under the BSD-3-Clause licence',
};

const METHOD =
  'Two authorities are adjacent when their boundaries share at least one TopoJSON arc ' +
  '(topojson-client neighbors()). The boundaries exclude the Thames below mean high water, ' +
  'so authorities that face each other only across the river are not adjacent.';

class GenerationError extends Error {}

function fail(message: string): never {
  throw new GenerationError(message);
}

/** The vega-datasets package exports only its JS entry point, so find its data folder from there. */
function dataFolder(): string {
  let dir = path.dirname(requireHere.resolve('vega-datasets'));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === 'vega-datasets') return path.join(dir, 'data');
    }
    const parent = path.dirname(dir);
    if (parent === dir) fail('cannot find the vega-datasets package folder');
    dir = parent;
  }
}

function boroughGeometries(sourceText: string, sourceFile: string): GeometryObject[] {
  let topology: Partial<Topology<Objects>>;
  try {
    topology = JSON.parse(sourceText) as Partial<Topology<Objects>>;
  } catch {
    fail(`${sourceFile} is not JSON`);
  }
  const boroughs = topology.objects?.[SOURCE_OBJECT];
  if (topology.type !== 'Topology' || boroughs?.type !== 'GeometryCollection') {
    fail(`${sourceFile} has no TopoJSON GeometryCollection named "${SOURCE_OBJECT}"`);
  }
  return boroughs.geometries;
}

/**
 * GSS codes for the dataset's borough names, in the order given. Stops the run on a name with no
 * mapping, a borough given twice or a borough missing, naming them.
 */
function gssCodesFor(names: readonly string[]): string[] {
  const unmatched = names.filter((name) => !GSS_BY_FEATURE_ID.has(name));
  if (unmatched.length > 0) {
    fail(`features with no GSS code mapping: ${unmatched.map((id) => `"${id}"`).join(', ')}`);
  }
  const codes = names.map((name) => GSS_BY_FEATURE_ID.get(name) ?? '');
  const duplicated = codes.filter((gss, index) => codes.indexOf(gss) !== index);
  if (duplicated.length > 0) fail(`authorities appearing more than once: ${duplicated.join(', ')}`);
  const missing = [...GSS_BY_FEATURE_ID].filter(([, gss]) => !codes.includes(gss));
  if (missing.length > 0) {
    fail(`authorities absent from the source: ${missing.map(([id]) => id).join(', ')}`);
  }
  return codes;
}

interface SourceFeature {
  readonly gss: string;
  readonly featureId: string;
}

function matchFeatures(geometries: readonly GeometryObject[]): SourceFeature[] {
  const featureIds = geometries.map((geometry, index) =>
    geometry.id === undefined ? `(feature #${index} without id)` : String(geometry.id),
  );
  const codes = gssCodesFor(featureIds);
  return featureIds.map((featureId, index) => ({ gss: codes[index] ?? '', featureId }));
}

const byCode = <T>(map: Map<string, T>): Record<string, T> =>
  Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function buildAdjacencyDocument(sourceText: string, sourceFile: string): object {
  const { neighbors } = requireHere('topojson-client') as typeof TopojsonClient;
  const geometries = boroughGeometries(sourceText, sourceFile);
  const features = matchFeatures(geometries);
  const neighbourIndexes = neighbors(geometries);

  const gssAt = (index: number): string =>
    features[index]?.gss ?? fail(`topojson-client returned an unknown feature index ${index}`);
  const adjacency = new Map<string, string[]>();
  const featureIds = new Map<string, string>();
  for (const [index, { gss, featureId }] of features.entries()) {
    const neighbours = (neighbourIndexes[index] ?? []).map(gssAt);
    adjacency.set(gss, [...new Set(neighbours)].sort());
    featureIds.set(gss, featureId);
  }
  return {
    source: {
      ...SOURCE_DESCRIPTION,
      sha1: createHash('sha1').update(sourceText).digest('hex'),
    },
    method: METHOD,
    generatedBy: GENERATED_BY,
    featureIds: byCode(featureIds),
    adjacency: byCode(adjacency),
  };
}

/** Provenance of the centroids, per vega-datasets' datapackage.json (same licence as the shapes). */
const CENTROIDS_SOURCE_DESCRIPTION = {
  ...SOURCE_DESCRIPTION,
  dataset: 'London borough centroids, data/londonCentroids.json in the vega-datasets npm package',
  derivedFrom:
    'Calculated by vega-datasets with d3.geoCentroid from its data/londonBoroughs.json, the ' +
    'London_Borough_Excluding_MHW boundaries from the Statistical GIS Boundary Files for London ' +
    '(London Datastore, https://data.london.gov.uk/dataset/statistical-gis-boundary-files-london)',
};

const CENTROIDS_METHOD =
  "Each authority's centroid as computed by vega-datasets (d3.geoCentroid of its boundary, " +
  `excluding the Thames below mean high water), in WGS84 degrees rounded to ${CENTROID_DECIMALS} ` +
  'decimal places. Distances between boroughs are measured between these points.';

interface CentroidRow {
  readonly name?: unknown;
  readonly cx?: unknown;
  readonly cy?: unknown;
}

function round(value: number): number {
  const factor = 10 ** CENTROID_DECIMALS;
  return Math.round(value * factor) / factor;
}

function buildCentroidsDocument(sourceText: string, sourceFile: string): object {
  let rows: unknown;
  try {
    rows = JSON.parse(sourceText);
  } catch {
    fail(`${sourceFile} is not JSON`);
  }
  if (!Array.isArray(rows)) fail(`${sourceFile} is not a list of {name, cx, cy} rows`);
  const table = rows as readonly CentroidRow[];
  const names = table.map((row, index) =>
    typeof row.name === 'string' ? row.name : `(row #${index} without name)`,
  );
  const codes = gssCodesFor(names);
  const centroids = new Map<string, { lon: number; lat: number }>();
  for (const [index, { cx, cy }] of table.entries()) {
    const name = names[index] ?? '';
    if (typeof cx !== 'number' || typeof cy !== 'number') {
      fail(`${name} has no numeric cx (longitude) and cy (latitude)`);
    }
    const { minLon, maxLon, minLat, maxLat } = LONDON_BOUNDS;
    if (!(cx >= minLon && cx <= maxLon && cy >= minLat && cy <= maxLat)) {
      fail(`${name}'s centroid (${cx}, ${cy}) is not in London`);
    }
    centroids.set(codes[index] ?? '', { lon: round(cx), lat: round(cy) });
  }
  return {
    source: {
      ...CENTROIDS_SOURCE_DESCRIPTION,
      sha1: createHash('sha1').update(sourceText).digest('hex'),
    },
    method: CENTROIDS_METHOD,
    generatedBy: GENERATED_BY,
    centroids: byCode(centroids),
  };
}

/** Formatted exactly as the workspace formatter would, so formatting never shows up as drift. */
async function render(document: object): Promise<string> {
  const prettier = requireHere('prettier') as typeof Prettier;
  const options = (await prettier.resolveConfig(DEFAULT_OUTPUT)) ?? {};
  return prettier.format(JSON.stringify(document, null, 2), { ...options, parser: 'json' });
}

/** Codes whose entry under `key` differs, to make a drift report actionable. */
function changedCodes(committedText: string, generatedText: string, key: string): string[] {
  type GeneratedFile = Record<string, Record<string, unknown> | undefined>;
  let committed: GeneratedFile;
  try {
    committed = JSON.parse(committedText) as GeneratedFile;
  } catch {
    return ['(committed file is not JSON)'];
  }
  const before = committed[key] ?? {};
  const after = (JSON.parse(generatedText) as GeneratedFile)[key] ?? {};
  const codes = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...codes]
    .filter((gss) => JSON.stringify(before[gss]) !== JSON.stringify(after[gss]))
    .sort();
}

interface GeneratedOutput {
  readonly file: string;
  readonly text: string;
  /** The document's top-level key holding one entry per GSS code. */
  readonly key: string;
  /** What differs for the listed codes, e.g. "neighbour lists". */
  readonly what: string;
}

/** Compares one output with the committed file; returns true when it is up to date. */
function check({ file, text, key, what }: GeneratedOutput): boolean {
  const shown = path.relative(process.cwd(), file);
  const committed = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (committed === text) {
    process.stdout.write(`${shown} is up to date\n`);
    return true;
  }
  const detail =
    committed === undefined
      ? 'the file does not exist'
      : `${what} differ for: ${changedCodes(committed, text, key).join(', ') || '(header or formatting only)'}`;
  process.stderr.write(
    `${shown} is out of date (${detail}).\nRegenerate it with: ${GENERATED_BY}\n`,
  );
  return false;
}

function write({ file, text }: GeneratedOutput): void {
  const shown = path.relative(process.cwd(), file);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) {
    process.stdout.write(`${shown} unchanged\n`);
  } else {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${shown}\n`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      check: { type: 'boolean', default: false },
      source: { type: 'string' },
      output: { type: 'string' },
      'centroids-source': { type: 'string' },
      'centroids-output': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const sourceFile = values.source ?? path.join(dataFolder(), 'londonBoroughs.json');
  const centroidsSourceFile =
    values['centroids-source'] ?? path.join(dataFolder(), 'londonCentroids.json');

  // Both documents are built before anything is written, so a bad source leaves no half-update.
  const outputs: GeneratedOutput[] = [
    {
      file: values.output ?? DEFAULT_OUTPUT,
      text: await render(buildAdjacencyDocument(readFileSync(sourceFile, 'utf8'), sourceFile)),
      key: 'adjacency',
      what: 'neighbour lists',
    },
    {
      file: values['centroids-output'] ?? DEFAULT_CENTROIDS_OUTPUT,
      text: await render(
        buildCentroidsDocument(readFileSync(centroidsSourceFile, 'utf8'), centroidsSourceFile),
      ),
      key: 'centroids',
      what: 'centroids',
    },
  ];

  if (values.check) {
    const upToDate = outputs.map(check);
    return upToDate.every(Boolean) ? 0 : 1;
  }
  outputs.forEach(write);
  return 0;
}

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`generate-adjacency: ${message}\n`);
    process.exitCode = 2;
  },
);
