import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RestBodyName, validateRestBody } from './index';

// The README's curl examples send these files: they must stay valid against the contracts.
const examples: [file: string, body: RestBodyName][] = [
  ['missing-episode.json', 'missing-episode-report'],
  ['missing-episode-linked.json', 'missing-episode-report'],
  ['referral.json', 'referral-submission'],
];

describe('documented examples', () => {
  it.each(examples)('docs/examples/%s is a valid %s body', (file, body) => {
    const json: unknown = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'docs', 'examples', file), 'utf8'),
    );
    expect(validateRestBody(body, json)).toEqual(expect.objectContaining({ ok: true }));
  });
});
