import {
  AUTHORIZATION_ENTRIES,
  AUTHORIZATION_SCOPES,
  type AuthorizationEntry,
  type GuardedEntry,
  HARBOUR_SERVICES,
  type PublicEntry,
} from './authorization-matrix';

/** Marks the part of `docs/authorization.md` rendered from the matrix (prettier leaves it be). */
export const TABLE_START = '<!-- prettier-ignore-start -->';
export const TABLE_END = '<!-- prettier-ignore-end -->';

const cell = (text: string): string => text.replaceAll('|', '\\|');
const code = (items: readonly string[]): string => items.map((item) => `\`${item}\``).join(', ');

function guardedRow(entry: GuardedEntry): string {
  const kinds = entry.kinds === 'any' ? 'any' : code(entry.kinds);
  return `| \`${entry.action}\` | ${entry.method} \`${entry.path}\` | ${kinds} | ${code(entry.roles)} | ${entry.scope} | ${cell(entry.note)} |`;
}

function publicRow(entry: PublicEntry): string {
  const service = entry.service === 'every' ? 'every service' : entry.service;
  return `| \`${entry.action}\` | ${service} | ${entry.method} \`${entry.path}\` | ${cell(entry.reason)} |`;
}

const isGuarded = (entry: AuthorizationEntry): entry is GuardedEntry => entry.access === 'key';
const isPublic = (entry: AuthorizationEntry): entry is PublicEntry => entry.access === 'public';

/** The matrix as Markdown: one table of guarded routes per service, the public routes, the scopes. */
export function renderAuthorizationTable(): string {
  const lines: string[] = [TABLE_START];
  for (const service of HARBOUR_SERVICES) {
    lines.push(
      '',
      `### ${service}`,
      '',
      '| Action | Route | Organisation kinds | Roles (any of) | Scope | Note |',
      '| --- | --- | --- | --- | --- | --- |',
      ...AUTHORIZATION_ENTRIES.filter((e) => e.service === service)
        .filter(isGuarded)
        .map(guardedRow),
    );
  }
  lines.push(
    '',
    '### Public routes',
    '',
    '| Action | Service | Route | Why it needs no key |',
    '| --- | --- | --- | --- |',
    ...AUTHORIZATION_ENTRIES.filter(isPublic).map(publicRow),
    '',
    '### Scopes',
    '',
    '| Scope | What the handler enforces |',
    '| --- | --- |',
    ...Object.entries(AUTHORIZATION_SCOPES).map(([scope, meaning]) => `| ${scope} | ${meaning} |`),
    '',
    TABLE_END,
  );
  return lines.join('\n');
}

/** `document` with its rendered block replaced by the current matrix. */
export function withCurrentTable(document: string): string {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`the document has no ${TABLE_START} … ${TABLE_END} block`);
  }
  return (
    document.slice(0, start) + renderAuthorizationTable() + document.slice(end + TABLE_END.length)
  );
}
