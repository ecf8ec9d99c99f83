import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** A JSON Schema (or part of one) as plain data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** Where the contracts live, from this file: libs/testing/src/hostile → contracts/schemas. */
const SCHEMAS_DIR = resolve(__dirname, '..', '..', '..', '..', 'contracts', 'schemas');

/**
 * A REST body contract (`contracts/schemas/rest/<name>.schema.json`) with every `$ref` replaced
 * by the schema it names, so a generator can walk it without a resolver. The contracts only
 * reference whole files by relative path; a fragment reference is refused rather than guessed.
 */
export function restBodySchema(name: string): JsonSchema {
  return inlineSchemaFile(join(SCHEMAS_DIR, 'rest', `${name}.schema.json`));
}

function inlineSchemaFile(file: string): JsonSchema {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return inline(schema, dirname(file)) as JsonSchema;
}

function inline(node: unknown, baseDir: string): unknown {
  if (Array.isArray(node)) return node.map((item) => inline(item, baseDir));
  if (typeof node !== 'object' || node === null) return node;
  const { $ref: ref, $id: _id, $schema: _dialect, ...rest } = node as Record<string, unknown>;
  const inlined = Object.fromEntries(
    Object.entries(rest).map(([keyword, value]) => [keyword, inline(value, baseDir)]),
  );
  if (ref === undefined) return inlined;
  if (typeof ref !== 'string' || ref.includes('#')) {
    throw new Error(
      `unsupported $ref ${JSON.stringify(ref)}: only whole schema files are referenced`,
    );
  }
  return { ...inlineSchemaFile(join(baseDir, ref)), ...inlined };
}

/**
 * An independent judge of a body: Ajv over the inlined schema with full format checks (so
 * 2026-02-30 is not a date). Used to tell a hostile body that breaks the contract (must be
 * refused) from one that only looks hostile but is valid (e.g. SQL text in a free-text note).
 */
export function contractOracle(schema: JsonSchema): (body: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (body) => {
    try {
      return validate(body);
    } catch {
      // A body too deep even for the judge is certainly not a valid one.
      return false;
    }
  };
}
