import { generateWebhookSecret, webhookSecretProblem } from '../channels/webhook-secret';
import {
  MAX_SECRET_OVERLAP_HOURS,
  type RotatedWebhookSecret,
} from '../channels/webhook-secret-store';
import { webhookUrlProblem } from '../channels/webhook-url';
import { type Contact, WebhookSecretsUnavailableError } from '../directory/directory-repository';
import { parseEmail, parseUuid } from './cli-arguments';
import { type CliContext, cliAudit } from './cli-context';
import { CliError } from './cli-error';

export interface AddContactInput {
  organisationId: string;
  /** Exactly one of `email` and `webhook`. */
  email?: string;
  /** The webhook endpoint: https (plain http only for 127.0.0.1 / localhost). */
  webhook?: string;
  /** `whsec_<base64>`; a fresh one is generated for a new webhook contact when absent. */
  secret?: string;
  label?: string;
  /** Reached outside the organisation's duty hours and by escalations. */
  outOfHours?: boolean;
}

export interface AddedContact {
  contact: Contact;
  created: boolean;
  /** Only when this call generated the webhook's signing secret: show it once, it is not shown again. */
  generatedSecret?: string;
}

/** Adds an e-mail or webhook contact to a directory organisation (again: no change). */
export async function addContact(
  context: CliContext,
  input: AddContactInput,
): Promise<AddedContact> {
  const organisationId = parseUuid(input.organisationId, '--org');
  if ((input.email === undefined) === (input.webhook === undefined)) {
    throw new CliError('give either --email <address> or --webhook <url>');
  }
  if (input.email !== undefined && input.secret !== undefined) {
    throw new CliError('--secret is for webhook contacts only');
  }
  const email = input.email === undefined ? undefined : parseEmail(input.email);
  const webhook =
    input.webhook === undefined ? undefined : parseWebhook(input.webhook, input.secret);
  const organisation = await context.directory.findOrganisation(organisationId);
  if (organisation === null) {
    throw new CliError(
      `unknown organisation ${organisationId}: add it first with "harbour org add"`,
    );
  }
  const label = input.label?.trim() ?? '';
  const audit = cliAudit('contact add');
  if (webhook === undefined) {
    const added = await context.directory.addContact(
      {
        organisationId,
        channel: 'email',
        address: email ?? '',
        label,
        outOfHours: input.outOfHours ?? false,
      },
      undefined,
      audit,
    );
    return { contact: added.value, created: added.created };
  }
  const added = await context.directory
    .addContact(
      {
        organisationId,
        channel: 'webhook',
        address: webhook.url,
        secret: webhook.secret,
        label,
        outOfHours: input.outOfHours ?? false,
      },
      undefined,
      audit,
    )
    .catch((error: unknown) => {
      if (error instanceof WebhookSecretsUnavailableError) throw new CliError(error.message);
      throw error;
    });
  return {
    contact: added.value,
    created: added.created,
    ...(added.created && webhook.generated ? { generatedSecret: webhook.secret } : {}),
  };
}

function parseWebhook(
  url: string,
  secret: string | undefined,
): { url: string; secret: string; generated: boolean } {
  const trimmed = url.trim();
  const urlProblem = webhookUrlProblem(trimmed);
  if (urlProblem !== null) throw new CliError(urlProblem);
  if (secret === undefined)
    return { url: trimmed, secret: generateWebhookSecret(), generated: true };
  const secretProblem = webhookSecretProblem(secret.trim());
  if (secretProblem !== null) throw new CliError(secretProblem);
  return { url: trimmed, secret: secret.trim(), generated: false };
}

export interface RotateSecretInput {
  /** Hours the replaced secret keeps signing beside the new one, 0 to 168 (default 24). */
  overlapHours?: string;
  /** The partner's own new `whsec_<base64>`; generated when absent. */
  secret?: string;
}

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Gives a webhook contact a new signing secret. During the overlap every request carries a
 * signature by each secret, so the partner switches its verification when it likes; after it,
 * only the new secret signs. An overlap of 0 drops the old secret at once (a leaked secret).
 */
export async function rotateContactSecret(
  context: CliContext,
  contactIdInput: string,
  input: RotateSecretInput = {},
): Promise<RotatedWebhookSecret> {
  const contactId = parseUuid(contactIdInput, 'contact id');
  let overlapHours: number | undefined;
  if (input.overlapHours !== undefined) {
    const trimmed = input.overlapHours.trim();
    overlapHours = Number(trimmed);
    if (!DECIMAL.test(trimmed) || overlapHours > MAX_SECRET_OVERLAP_HOURS) {
      throw new CliError(
        `--overlap-hours must be a number of hours from 0 to ${MAX_SECRET_OVERLAP_HOURS}`,
      );
    }
  }
  const secret = input.secret?.trim();
  if (secret !== undefined) {
    const problem = webhookSecretProblem(secret);
    if (problem !== null) throw new CliError(problem);
  }
  if (context.webhookSecrets === undefined) {
    throw new CliError(new WebhookSecretsUnavailableError().message);
  }
  const rotated = await context.webhookSecrets.rotate(
    contactId,
    {
      ...(overlapHours === undefined ? {} : { overlapHours }),
      ...(secret === undefined ? {} : { secret }),
    },
    cliAudit('contact rotate-secret'),
  );
  if (rotated === null) throw new CliError(`no webhook contact ${contactId}`);
  return rotated;
}
