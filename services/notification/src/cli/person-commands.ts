import type { Command } from 'commander';
import type { Logger, Person, PeopleStore, ReencryptionReport } from '@harbour/platform';
import { parseRoles, parseUuid } from './cli-arguments';
import { type CliContext, cliAudit } from './cli-context';
import { CliError } from './cli-error';
import type { CliIo } from './program';

interface PersonCommandDeps {
  io: CliIo;
  logger: Logger;
  withContext: <T>(work: (context: CliContext) => Promise<T>) => Promise<T>;
  table: (header: string[], rows: string[][]) => string;
}

function peopleOf(context: CliContext): PeopleStore {
  if (context.people === undefined) {
    throw new CliError(
      "set IDENTITY_DATA_KEY (the console's identity data key): people's e-mail addresses are stored encrypted under it",
    );
  }
  return context.people;
}

export async function addPerson(
  context: CliContext,
  input: { organisationId: string; email: string; roles: string[] },
): Promise<Person> {
  const people = peopleOf(context);
  const organisationId = parseUuid(input.organisationId, '--org');
  const roles = parseRoles(input.roles);
  if ((await context.identity.findOrganisation(organisationId)) === null) {
    throw new CliError(`unknown organisation ${organisationId}`);
  }
  try {
    return await people.addPerson(
      { organisationId, email: input.email, roles },
      cliAudit('person add'),
    );
  } catch (error) {
    // The store's refusals name the problem, never the address.
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}

export async function listPeople(context: CliContext, organisation?: string): Promise<Person[]> {
  const people = peopleOf(context);
  return people.listPeople(
    organisation === undefined ? undefined : parseUuid(organisation, '--org'),
  );
}

/** Removes by id, or by e-mail address (looked up by its blind index). */
export async function removePerson(context: CliContext, idOrEmail: string): Promise<string> {
  const people = peopleOf(context);
  let personId: string;
  if (idOrEmail.includes('@')) {
    const found = await people.findByEmail(idOrEmail);
    if (found === null) throw new CliError('nobody has that e-mail address');
    personId = found.id;
  } else {
    personId = parseUuid(idOrEmail, 'person id');
  }
  if (!(await people.removePerson(personId, cliAudit('person remove')))) {
    throw new CliError(`no active person ${personId} (unknown, or already removed)`);
  }
  return personId;
}

/**
 * One re-encryption pass over the identity store's encrypted columns (`person.email_encrypted`)
 * under `IDENTITY_DATA_KEY`, after a rotation: each token under a retired key is rewritten by
 * compare-and-set, one row per statement, so it may run beside the console's own job, be
 * interrupted, and be run again (only what is left is done). Progress lines (counts only) go to
 * `progress` as well as to the logger; the report says whether the retired keys may go.
 */
export async function reencryptPeople(
  context: CliContext,
  logger: Logger,
  progress: (line: string) => void,
  options: { batchSize?: number } = {},
): Promise<ReencryptionReport> {
  peopleOf(context); // refuses without IDENTITY_DATA_KEY, as every person command does
  const job = context.identityReencryption?.(progressLogger(logger, progress), options);
  if (job === undefined) throw new Error('expected the identity re-encryption with the key');
  return job.runOnce();
}

/** Mirrors the job's progress lines (table, column and counts only: no value) to `progress`. */
function progressLogger(logger: Logger, progress: (line: string) => void): Logger {
  const mirror =
    (level: 'info' | 'warn') =>
    (fields: object | string, message?: unknown, ...rest: unknown[]): void => {
      if (typeof fields === 'string') {
        logger[level](fields, message, ...rest);
        return;
      }
      logger[level](fields, typeof message === 'string' ? message : undefined, ...rest);
      const f = fields as Record<string, unknown>;
      if (typeof f.table !== 'string' || typeof f.column !== 'string') return;
      const counts = ['done', 'total', 'changedMeanwhile', 'undecryptable']
        .filter((name) => typeof f[name] === 'number')
        .map((name) => `${name} ${String(f[name])}`)
        .join(', ');
      progress(`${f.table}.${f.column}: ${String(message)}${counts ? ` (${counts})` : ''}`);
    };
  return {
    info: mirror('info'),
    warn: mirror('warn'),
    error: logger.error.bind(logger),
    debug: logger.debug.bind(logger),
    child: (bindings) => progressLogger(logger.child(bindings), progress),
  };
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `harbour person add|list|remove`: people who sign in to the console (ADR-33). */
export function registerPersonCommands(program: Command, deps: PersonCommandDeps): void {
  const { io, logger, withContext, table } = deps;
  const person = program
    .command('person')
    .alias('people')
    .description(
      'People who sign in to the console with an e-mailed link; each acts for one organisation.',
    );
  person
    .command('add')
    .description('Add a person to an organisation; prints the person id.')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--email <address>', 'their work e-mail address (sign-in links go there)')
    .requiredOption('--role <role>', 'submit, respond, read or admin; repeat for more', collect)
    .action(async (opts: { org: string; email: string; role: string[] }) => {
      const added = await withContext((context) =>
        addPerson(context, { organisationId: opts.org, email: opts.email, roles: opts.role }),
      );
      io.err(`Added to ${added.organisationName} with roles ${added.roles.join(', ')}.`);
      io.out(added.id);
    });
  person
    .command('list')
    .description('List people (removed ones too), with their e-mail addresses.')
    .option('--org <id>', 'only this organisation')
    .option('--json', 'print JSON')
    .action(async (opts: { org?: string; json?: boolean }) => {
      const people = await withContext((context) => listPeople(context, opts.org));
      if (opts.json) {
        io.out(JSON.stringify(people, null, 2));
        return;
      }
      io.out(
        table(
          ['PERSON ID', 'ORGANISATION', 'ROLES', 'ADDED', 'REMOVED', 'E-MAIL'],
          people.map((p) => [
            p.id,
            p.organisationName,
            p.roles.join(','),
            p.createdAt.toISOString(),
            p.disabledAt?.toISOString() ?? '-',
            p.email,
          ]),
        ),
      );
    });
  person
    .command('remove')
    .description('Remove a person: no more sign-in, and every session of theirs ends at once.')
    .argument('<idOrEmail>', 'the person id (from "harbour person list") or e-mail address')
    .action(async (idOrEmail: string) => {
      const removed = await withContext((context) => removePerson(context, idOrEmail));
      io.out(`removed ${removed}`);
    });
  person
    .command('reencrypt')
    .description(
      'After a rotation of IDENTITY_DATA_KEY: rewrite every stored e-mail address under a retired key (IDENTITY_DATA_RETIRED_KEYS) under the current one; prints progress and the counts. Safe to interrupt and run again.',
    )
    .action(async () => {
      const report = await withContext((context) =>
        reencryptPeople(context, logger, (line) => {
          io.err(line);
        }),
      );
      io.out(
        table(
          ['COLUMN', 'PENDING', 'RE-ENCRYPTED', 'CHANGED MEANWHILE', 'UNDECRYPTABLE', 'REMAINING'],
          report.columns.map((c) => [
            `${c.table}.${c.column}`,
            String(c.total),
            String(c.reencrypted),
            String(c.changedMeanwhile),
            String(c.undecryptable),
            String(c.remaining),
          ]),
        ),
      );
      for (const name of report.unregistered) {
        io.err(`${name} is an encrypted column nobody registered for re-encryption (a defect)`);
      }
      if (!report.complete) {
        throw new CliError(
          `re-encryption incomplete: keep IDENTITY_DATA_RETIRED_KEYS; fields are not all under key ${report.currentKeyId}`,
        );
      }
      io.out(
        `complete: every identity field is under key ${report.currentKeyId}; IDENTITY_DATA_RETIRED_KEYS may now be removed`,
      );
    });
}
