import type { Contact } from '../directory/directory-repository';
import { parseEmail, parseUuid } from './cli-arguments';
import type { CliContext } from './cli-context';
import { CliError } from './cli-error';

export interface AddContactInput {
  organisationId: string;
  email: string;
  label?: string;
}

/** Adds an e-mail contact to a directory organisation (again: no change). */
export async function addContact(
  context: CliContext,
  input: AddContactInput,
): Promise<{ contact: Contact; created: boolean }> {
  const organisationId = parseUuid(input.organisationId, '--org');
  const address = parseEmail(input.email);
  const organisation = await context.directory.findOrganisation(organisationId);
  if (organisation === null) {
    throw new CliError(
      `unknown organisation ${organisationId}: add it first with "harbour org add"`,
    );
  }
  const added = await context.directory.addContact({
    organisationId,
    channel: 'email',
    address,
    label: input.label?.trim() ?? '',
  });
  return { contact: added.value, created: added.created };
}
