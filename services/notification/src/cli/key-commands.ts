import {
  type ApiKeySummary,
  type IssuedApiKey,
  MAX_ROTATION_OVERLAP_HOURS,
  type RotatedApiKey,
} from '@harbour/platform';
import { parsePositiveInt, parseRoles, parseUuid } from './cli-arguments';
import { type CliContext, cliAudit } from './cli-context';
import { CliError } from './cli-error';

export interface IssueKeyInput {
  organisationId: string;
  roles: string[];
  label?: string;
  expiresInDays?: string;
}

export interface IssuedKey extends IssuedApiKey {
  organisationName: string;
  expiresAt: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Issues an API key. The returned `key` is the only copy: only its hash is stored. */
export async function issueKey(
  context: CliContext,
  input: IssueKeyInput,
  now: Date = new Date(),
): Promise<IssuedKey> {
  const organisationId = parseUuid(input.organisationId, '--org');
  const roles = parseRoles(input.roles);
  const days =
    input.expiresInDays === undefined
      ? undefined
      : parsePositiveInt(input.expiresInDays, '--expires-in-days');
  const organisation = await context.identity.findOrganisation(organisationId);
  if (organisation === null) throw new CliError(`unknown organisation ${organisationId}`);
  const expiresAt = days === undefined ? null : new Date(now.getTime() + days * DAY_MS);
  const issued = await context.identity.issueApiKey(
    {
      organisationId,
      roles,
      label: input.label?.trim() || 'issued with the harbour CLI',
      ...(expiresAt === null ? {} : { expiresAt }),
    },
    cliAudit('key issue'),
  );
  return { ...issued, organisationName: organisation.name, expiresAt };
}

export async function listKeys(
  context: CliContext,
  organisationIdInput: string,
): Promise<ApiKeySummary[]> {
  const organisationId = parseUuid(organisationIdInput, '--org');
  if ((await context.identity.findOrganisation(organisationId)) === null) {
    throw new CliError(`unknown organisation ${organisationId}`);
  }
  return context.identity.listApiKeys(organisationId);
}

export async function revokeKey(context: CliContext, keyIdInput: string): Promise<void> {
  const keyId = parseUuid(keyIdInput, 'key id');
  if (!(await context.identity.revokeApiKey(keyId, cliAudit('key revoke')))) {
    throw new CliError(`no active key ${keyId} (unknown, or already revoked)`);
  }
}

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Rotates a key: a new one for the same organisation, roles and label, printed once, while the
 * old one keeps working for `--overlap-hours` (default 24) so its holder can switch without an
 * outage. Revoke the old key instead when it must stop at once (a leak).
 */
export async function rotateKey(
  context: CliContext,
  keyIdInput: string,
  overlapHoursInput?: string,
): Promise<RotatedApiKey> {
  const keyId = parseUuid(keyIdInput, 'key id');
  let overlapHours: number | undefined;
  if (overlapHoursInput !== undefined) {
    const trimmed = overlapHoursInput.trim();
    overlapHours = Number(trimmed);
    if (!DECIMAL.test(trimmed) || overlapHours > MAX_ROTATION_OVERLAP_HOURS) {
      throw new CliError(
        `--overlap-hours must be a number of hours from 0 to ${MAX_ROTATION_OVERLAP_HOURS}`,
      );
    }
  }
  const rotated = await context.identity.rotateApiKey(
    keyId,
    overlapHours === undefined ? {} : { overlapHours },
    cliAudit('key rotate'),
  );
  if (rotated === null) {
    throw new CliError(`no active key ${keyId} (unknown, revoked or expired): issue a new one`);
  }
  return rotated;
}
