// Derives which London local authorities share a boundary from the London boroughs TopoJSON
// shipped in the vega-datasets package, and writes src/generated/adjacency.json.
//
//   node libs/london/tools/generate-adjacency.ts            regenerate the committed file
//   node libs/london/tools/generate-adjacency.ts --check    exit 1 if the committed file is stale
//
// --source <topojson> and --output <json> override the input and output files (used by tests).
// Exit codes: 0 success, 1 the committed file differs from what would be generated,
// 2 the source could not be turned into adjacency (unknown or missing borough, bad file, bad flag).
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
const SOURCE_OBJECT = 'boroughs';

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
function defaultSourceFile(): string {
  let dir = path.dirname(requireHere.resolve('vega-datasets'));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === 'vega-datasets') return path.join(dir, 'data', 'londonBoroughs.json');
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

interface SourceFeature {
  readonly gss: string;
  readonly featureId: string;
}

function matchFeatures(geometries: readonly GeometryObject[]): SourceFeature[] {
  const features: SourceFeature[] = [];
  const unmatched: string[] = [];
  for (const [index, geometry] of geometries.entries()) {
    const featureId =
      geometry.id === undefined ? `(feature #${index} without id)` : String(geometry.id);
    const gss = GSS_BY_FEATURE_ID.get(featureId);
    if (gss === undefined) unmatched.push(featureId);
    else features.push({ gss, featureId });
  }
  if (unmatched.length > 0) {
    fail(`features with no GSS code mapping: ${unmatched.map((id) => `"${id}"`).join(', ')}`);
  }
  const codes = features.map(({ gss }) => gss);
  const duplicated = codes.filter((gss, index) => codes.indexOf(gss) !== index);
  if (duplicated.length > 0) fail(`authorities appearing more than once: ${duplicated.join(', ')}`);
  const missing = [...GSS_BY_FEATURE_ID].filter(([, gss]) => !codes.includes(gss));
  if (missing.length > 0) {
    fail(`authorities absent from the source: ${missing.map(([id]) => id).join(', ')}`);
  }
  return features;
}

function buildDocument(sourceText: string, sourceFile: string): object {
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
  const byCode = <T>(map: Map<string, T>): Record<string, T> =>
    Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

  return {
    source: {
      ...SOURCE_DESCRIPTION,
      sha1: createHash('sha1').update(sourceText).digest('hex'),
    },
    method: METHOD,
    generatedBy: 'node libs/london/tools/generate-adjacency.ts',
    featureIds: byCode(featureIds),
    adjacency: byCode(adjacency),
  };
}

/** Formatted exactly as the workspace formatter would, so formatting never shows up as drift. */
async function render(document: object): Promise<string> {
  const prettier = requireHere('prettier') as typeof Prettier;
  const options = (await prettier.resolveConfig(DEFAULT_OUTPUT)) ?? {};
  return prettier.format(JSON.stringify(document, null, 2), { ...options, parser: 'json' });
}

/** Codes whose neighbour lists differ, to make a drift report actionable. */
function changedCodes(committedText: string, generatedText: string): string[] {
  type AdjacencyFile = { adjacency?: Record<string, string[]> };
  let committed: AdjacencyFile;
  try {
    committed = JSON.parse(committedText) as AdjacencyFile;
  } catch {
    return ['(committed file is not JSON)'];
  }
  const generated = (JSON.parse(generatedText) as AdjacencyFile).adjacency ?? {};
  const codes = new Set([...Object.keys(committed.adjacency ?? {}), ...Object.keys(generated)]);
  return [...codes]
    .filter((gss) => String(committed.adjacency?.[gss]) !== String(generated[gss]))
    .sort();
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      check: { type: 'boolean', default: false },
      source: { type: 'string' },
      output: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const sourceFile = values.source ?? defaultSourceFile();
  const outputFile = values.output ?? DEFAULT_OUTPUT;
  const shown = path.relative(process.cwd(), outputFile);

  const generated = await render(buildDocument(readFileSync(sourceFile, 'utf8'), sourceFile));
  const committed = existsSync(outputFile) ? readFileSync(outputFile, 'utf8') : undefined;

  if (values.check) {
    if (committed === generated) {
      process.stdout.write(`${shown} is up to date\n`);
      return 0;
    }
    const detail =
      committed === undefined
        ? 'the file does not exist'
        : `neighbour lists differ for: ${changedCodes(committed, generated).join(', ') || '(header or formatting only)'}`;
    process.stderr.write(
      `${shown} is out of date (${detail}).\n` +
        'Regenerate it with: node libs/london/tools/generate-adjacency.ts\n',
    );
    return 1;
  }

  if (committed === generated) {
    process.stdout.write(`${shown} unchanged\n`);
  } else {
    writeFileSync(outputFile, generated);
    process.stdout.write(`wrote ${shown}\n`);
  }
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
