import { Command } from 'commander';
import { createKafka, type KafkaClient } from '@harbour/messaging';
import {
  databaseConfig,
  dataEncryptionConfig,
  defineConfig,
  identityDataKeyConfig,
  kafkaConfig,
  loadConfig,
  type Logger,
} from '@harbour/platform';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { exportDirectory, importDirectory } from '../directory/directory-transfer';
import { exportAudit, verifyAudit } from './audit-commands';
import { type CliContext, cliAudit, openCliContext } from './cli-context';
import { CliError } from './cli-error';
import { addContact, rotateContactSecret } from './contact-commands';
import { listDeadLetters, replayDeadLetters } from './dlq-commands';
import { issueKey, listKeys, revokeKey, rotateKey } from './key-commands';
import { addOrganisation, listOrganisations } from './organisation-commands';
import { registerPersonCommands } from './person-commands';
import { DEFAULT_KEYS_FILE, seedDemo } from './seed-demo';

/** Where the CLI writes: results to `out` (scriptable), warnings and notes to `err`. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const cliConfigSpec = defineConfig({
  ...databaseConfig,
  ...kafkaConfig,
  NOTIFICATION_DB_SCHEMA: {
    kind: 'string',
    default: 'notification',
    description: 'Postgres schema of the notification service (its partner directory).',
  },
  DATA_ENCRYPTION_KEY: {
    kind: 'string',
    optional: true,
    sensitive: true,
    description:
      "The notification service's data key: needed to add a webhook contact or rotate its secret (they are stored encrypted).",
  },
  INTAKE_DB_SCHEMA: {
    kind: 'string',
    default: 'intake',
    description: 'Postgres schema of the intake service (its audit chain, for `harbour audit`).',
  },
  SAFEGUARDING_DB_SCHEMA: {
    kind: 'string',
    default: 'safeguarding',
    description: 'Postgres schema of the safeguarding service (its audit chain).',
  },
  ACCOMMODATION_DB_SCHEMA: {
    kind: 'string',
    default: 'accommodation',
    description: 'Postgres schema of the accommodation service (its audit chain).',
  },
  // The identity store's keys, as the console reads them; only `harbour person` needs them.
  ...identityDataKeyConfig,
  IDENTITY_DATA_KEY: { ...identityDataKeyConfig.IDENTITY_DATA_KEY, optional: true },
  // During a key rotation the CLI must read what the service can: the same retired keys and index key.
  DATA_ENCRYPTION_RETIRED_KEYS: dataEncryptionConfig.DATA_ENCRYPTION_RETIRED_KEYS,
  DATA_INDEX_KEY: dataEncryptionConfig.DATA_INDEX_KEY,
});

export interface ProgramOptions {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Formats rows as aligned columns under a header. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The `harbour` command line. Actions throw `CliError` for user mistakes (see main.ts). */
export function buildProgram(options: ProgramOptions): Command {
  const { io, env, logger } = options;
  const config = () => loadConfig(cliConfigSpec, env);

  async function withContext<T>(work: (context: CliContext) => Promise<T>): Promise<T> {
    const {
      DATABASE_URL,
      NOTIFICATION_DB_SCHEMA,
      DATA_ENCRYPTION_KEY,
      DATA_ENCRYPTION_RETIRED_KEYS,
      DATA_INDEX_KEY,
      INTAKE_DB_SCHEMA,
      SAFEGUARDING_DB_SCHEMA,
      ACCOMMODATION_DB_SCHEMA,
      IDENTITY_DATA_KEY,
      IDENTITY_DATA_RETIRED_KEYS,
      IDENTITY_DATA_INDEX_KEY,
    } = config();
    const context = await openCliContext({
      databaseUrl: DATABASE_URL,
      notificationSchema: NOTIFICATION_DB_SCHEMA,
      serviceSchemas: {
        intake: INTAKE_DB_SCHEMA,
        safeguarding: SAFEGUARDING_DB_SCHEMA,
        accommodation: ACCOMMODATION_DB_SCHEMA,
      },
      ...(DATA_ENCRYPTION_KEY === undefined
        ? {}
        : { dataKeys: { DATA_ENCRYPTION_KEY, DATA_ENCRYPTION_RETIRED_KEYS, DATA_INDEX_KEY } }),
      identityDataKeys: { IDENTITY_DATA_KEY, IDENTITY_DATA_RETIRED_KEYS, IDENTITY_DATA_INDEX_KEY },
    });
    try {
      return await work(context);
    } finally {
      await context.close();
    }
  }

  function kafka(): KafkaClient {
    return createKafka({
      brokers: config().KAFKA_BROKERS,
      clientId: 'harbour-cli',
      logger,
      // The failure reaches the user as one line (main.ts); kafkajs's retry chatter would bury it.
      logLevel: 'nothing',
    });
  }

  const program = new Command('harbour')
    .description(
      'Administer Harbour: partner organisations, contacts, API keys, dead letters, the audit log, demo data.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => {
        io.out(text.replace(/\n$/, ''));
      },
      writeErr: (text) => {
        io.err(text.replace(/\n$/, ''));
      },
    })
    .exitOverride();

  const org = program
    .command('org')
    .description('Partner organisations (identity store and directory).');
  org
    .command('add')
    .description(
      'Add an organisation to the identity store and the directory, with one id; prints the id.',
    )
    .requiredOption('--name <name>', 'organisation name')
    .requiredOption(
      '--kind <kind>',
      'police_borough, police_specialist, immigration, local_authority, ngo, housing_provider, missing_person_unit or coordinator',
    )
    .requiredOption(
      '--borough <gss>',
      'a borough served: GSS code (E09000001-E09000033) or pan_london; repeat for more',
      collect,
    )
    .option('--id <uuid>', 'use this id (re-running with the same id is safe)')
    .option(
      '--specialism <name>',
      'a specialism, e.g. sex_work, labour, children; repeat for more',
      collect,
    )
    .option('--language <iso>', 'an ISO 639-1 language offered, e.g. ro; repeat for more', collect)
    .option(
      '--age-group <group>',
      'child or adult, if it serves only those; repeat for both',
      collect,
    )
    .option(
      '--duty-hours <hours>',
      'when its ordinary contacts are staffed, e.g. "Mon-Fri 09:00-17:30" (London time)',
    )
    .action(
      async (opts: {
        name: string;
        kind: string;
        borough: string[];
        id?: string;
        specialism?: string[];
        language?: string[];
        ageGroup?: string[];
        dutyHours?: string;
      }) => {
        const added = await withContext((context) =>
          addOrganisation(context, {
            name: opts.name,
            kind: opts.kind,
            boroughs: opts.borough,
            ...(opts.id === undefined ? {} : { id: opts.id }),
            specialisms: opts.specialism ?? [],
            languages: opts.language ?? [],
            ageGroups: opts.ageGroup ?? [],
            ...(opts.dutyHours === undefined ? {} : { dutyHours: opts.dutyHours }),
          }),
        );
        if (!added.created)
          io.err(`organisation ${added.organisation.id} already exists; nothing changed`);
        io.out(added.organisation.id);
      },
    );
  org
    .command('list')
    .description('List the directory.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const organisations = await withContext(listOrganisations);
      if (opts.json) {
        io.out(JSON.stringify(organisations, null, 2));
        return;
      }
      io.out(
        table(
          ['ID', 'KIND', 'NAME', 'BOROUGHS', 'CONTACTS'],
          organisations.map((o) => [
            o.id,
            o.kind,
            o.name,
            o.boroughs.join(','),
            o.contacts.join(','),
          ]),
        ),
      );
    });

  const contact = program.command('contact').description('How organisations are reached.');
  contact
    .command('add')
    .description('Add an e-mail or webhook contact to an organisation; prints the contact id.')
    .requiredOption('--org <id>', 'organisation id')
    .option('--email <address>', 'e-mail address alerts are sent to')
    .option('--webhook <url>', 'https URL alerts are POSTed to, signed (Standard Webhooks)')
    .option('--secret <whsec>', 'webhook signing secret whsec_<base64>; generated when omitted')
    .option('--label <label>', 'e.g. "duty inbox"')
    .option('--out-of-hours', 'the on-call contact: outside duty hours and for escalations')
    .action(
      async (opts: {
        org: string;
        email?: string;
        webhook?: string;
        secret?: string;
        label?: string;
        outOfHours?: boolean;
      }) => {
        const added = await withContext((context) =>
          addContact(context, { ...opts, organisationId: opts.org }),
        );
        if (!added.created) io.err('that contact already exists; nothing changed');
        if (added.generatedSecret !== undefined) {
          io.err(
            `Signing secret (shown only now; give it to the partner to verify requests): ${added.generatedSecret}`,
          );
        }
        io.out(added.contact.id);
      },
    );
  contact
    .command('rotate-secret')
    .description(
      'Give a webhook contact a new signing secret; the old one also signs until the overlap ends, so the partner can switch at leisure.',
    )
    .argument('<contactId>', 'the webhook contact id (from "harbour contact add")')
    .option(
      '--overlap-hours <n>',
      "how long requests also carry the old secret's signature, 0 to 168 (default 24)",
    )
    .option(
      '--secret <whsec>',
      "the partner's own new secret whsec_<base64>; generated when omitted",
    )
    .action(async (contactId: string, opts: { overlapHours?: string; secret?: string }) => {
      const rotated = await withContext((context) => rotateContactSecret(context, contactId, opts));
      io.err(
        rotated.previousSecretRetiresAt === null
          ? 'Only the new secret signs from now on.'
          : `Requests carry both signatures until ${rotated.previousSecretRetiresAt.toISOString()}; then only the new secret's.`,
      );
      if (rotated.generatedSecret !== undefined) {
        io.err(
          `Signing secret (shown only now; give it to the partner to verify requests): ${rotated.generatedSecret}`,
        );
      }
      io.out(rotated.contactId);
    });

  const key = program.command('key').alias('keys').description('API keys.');
  key
    .command('issue')
    .description('Issue an API key for an organisation; prints the key once.')
    .requiredOption('--org <id>', 'organisation id')
    .requiredOption('--role <role>', 'submit, respond, read or admin; repeat for more', collect)
    .option('--label <label>', 'what the key is for, e.g. "Camden MASH case system"')
    .option('--expires-in-days <n>', 'the key stops working after this many days')
    .action(
      async (opts: { org: string; role: string[]; label?: string; expiresInDays?: string }) => {
        const issued = await withContext((context) =>
          issueKey(context, {
            organisationId: opts.org,
            roles: opts.role,
            ...(opts.label === undefined ? {} : { label: opts.label }),
            ...(opts.expiresInDays === undefined ? {} : { expiresInDays: opts.expiresInDays }),
          }),
        );
        io.err(
          `Key ${issued.keyId} for ${issued.organisationName}` +
            (issued.expiresAt ? `, expires ${issued.expiresAt.toISOString()}` : '') +
            '. It is shown only now and is not stored: keep it safe.',
        );
        io.out(issued.key);
      },
    );
  key
    .command('list')
    .description("List an organisation's keys (never the secrets).")
    .requiredOption('--org <id>', 'organisation id')
    .option('--json', 'print JSON')
    .action(async (opts: { org: string; json?: boolean }) => {
      const keys = await withContext((context) => listKeys(context, opts.org));
      if (opts.json) {
        io.out(JSON.stringify(keys, null, 2));
        return;
      }
      const when = (date: Date | null): string => date?.toISOString() ?? '-';
      io.out(
        table(
          ['KEY ID', 'PREFIX', 'ROLES', 'CREATED', 'EXPIRES', 'REVOKED', 'LAST USED', 'LABEL'],
          keys.map((k) => [
            k.id,
            k.prefix,
            k.roles.join(','),
            when(k.createdAt),
            when(k.expiresAt),
            when(k.revokedAt),
            when(k.lastUsedAt),
            k.label,
          ]),
        ),
      );
    });
  key
    .command('rotate')
    .description(
      'Issue a replacement key (same organisation, roles and label; printed once) and let the old one work until the overlap ends.',
    )
    .argument('<keyId>', 'the key id (from "harbour key list")')
    .option(
      '--overlap-hours <n>',
      'how long the old key keeps working, 0 to 168 (default 24); never longer than it had',
    )
    .action(async (keyId: string, opts: { overlapHours?: string }) => {
      const rotated = await withContext((context) => rotateKey(context, keyId, opts.overlapHours));
      io.err(
        `Key ${rotated.keyId} replaces ${rotated.replacedKeyId}, which stops working at ` +
          rotated.replacedKeyExpiresAt.toISOString() +
          (rotated.expiresAt ? `; the new key expires ${rotated.expiresAt.toISOString()}` : '') +
          '. The new key is shown only now and is not stored: keep it safe.',
      );
      io.out(rotated.key);
    });
  key
    .command('revoke')
    .description('Revoke a key at once.')
    .argument('<keyId>', 'the key id (from "harbour key list")')
    .action(async (keyId: string) => {
      await withContext((context) => revokeKey(context, keyId));
      io.out(`revoked ${keyId}`);
    });

  registerPersonCommands(program, { io, logger, withContext, table });

  const dlq = program.command('dlq').description('Dead-letter topics (<topic>.dlq).');
  dlq
    .command('list')
    .description("List a topic's dead letters (metadata only, never payloads).")
    .argument('<topic>', 'the source topic, e.g. harbour.safeguarding.alert.v1')
    .option('--limit <n>', 'at most this many, oldest first')
    .option('--json', 'print JSON')
    .action(async (topic: string, opts: { limit?: string; json?: boolean }) => {
      const entries = await listDeadLetters(
        kafka(),
        topic,
        opts.limit === undefined ? {} : { limit: opts.limit },
      );
      if (opts.json) {
        io.out(JSON.stringify(entries, null, 2));
        return;
      }
      if (entries.length === 0) {
        io.err(`no dead letters on ${topic}.dlq`);
        return;
      }
      io.out(
        table(
          ['POSITION', 'FAILED AT', 'REASON', 'TYPE', 'EVENT ID', 'CONSUMER', 'ERROR'],
          entries.map((e) => [
            `${e.partition}:${e.offset}`,
            e.failedAt ?? '-',
            e.reason,
            e.eventType ?? '-',
            e.eventId ?? '-',
            e.consumer ?? '-',
            e.error,
          ]),
        ),
      );
    });
  dlq
    .command('replay')
    .description('Republish dead letters to their source topic (all, or the given positions).')
    .argument('<topic>', 'the source topic, e.g. harbour.safeguarding.alert.v1')
    .option('--offset <partition:offset>', 'replay only this one; repeat for more', collect)
    .action(async (topic: string, opts: { offset?: string[] }) => {
      const replayed = await withContext((context) =>
        replayDeadLetters(
          kafka(),
          { dataSource: context.dataSource, audit: context.directory.audit },
          topic,
          opts.offset ?? [],
        ),
      );
      io.out(`replayed ${replayed} message${replayed === 1 ? '' : 's'} to ${topic}`);
    });

  const directoryCommand = program
    .command('directory')
    .description('The partner directory as an Open Referral UK-shaped JSON document.');
  directoryCommand
    .command('export')
    .description('Print the directory (webhook secrets are never exported).')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { out?: string }) => {
      const document = await withContext(exportDirectory);
      const text = `${JSON.stringify(document, null, 2)}\n`;
      if (opts.out) {
        writeFileSync(opts.out, text);
        io.out(`${document.organizations.length} organisations written to ${opts.out}`);
      } else {
        io.out(text.trimEnd());
      }
    });
  directoryCommand
    .command('import')
    .description('Import organisations and contacts; with any problem, nothing is written.')
    .argument('<file>', 'an Open Referral-shaped JSON document')
    .action(async (file: string) => {
      let document: unknown;
      try {
        document = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch (error) {
        throw new CliError(
          `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const outcome = await withContext((context) =>
        importDirectory(context, document, cliAudit('directory import')),
      );
      if (!outcome.ok) {
        throw new CliError(
          [`${file}: nothing imported, ${outcome.issues.length} problem(s):`]
            .concat(outcome.issues.map((i) => `  ${i.pointer}: ${i.message}`))
            .join('\n'),
        );
      }
      io.out(
        `Organisations: ${outcome.organisations.created} created, ${outcome.organisations.unchanged} unchanged. ` +
          `Contacts: ${outcome.contacts.created} created, ${outcome.contacts.unchanged} unchanged.`,
      );
    });

  const audit = program
    .command('audit')
    .description('The audit logs: disclosures, acknowledgements, keys and directory changes.');
  audit
    .command('verify')
    .description(
      'Walk the audit chains; exit 0 when intact (printing each head), 2 naming the first broken entry.',
    )
    .option(
      '--chain <name>',
      'notification, identity, intake, safeguarding, accommodation or all',
      'all',
    )
    .option(
      '--anchor <chain:seq:hash>',
      'a head printed by an earlier verify, which must still be there unchanged; repeat for more',
      collect,
    )
    .action(async (opts: { chain: string; anchor?: string[] }) => {
      const verified = await withContext((context) =>
        verifyAudit(context, { chain: opts.chain, anchors: opts.anchor ?? [] }),
      );
      for (const chain of verified) {
        io.out(
          'absent' in chain
            ? `${chain.chain}: no chain in this database (skipped)`
            : `${chain.chain}: intact, ${chain.entries} entries, head ${chain.chain}:${chain.head.seq}:${chain.head.hash}`,
        );
      }
    });
  audit
    .command('export')
    .description('Print one chain as NDJSON, oldest first, with the hashes that link it.')
    .option(
      '--chain <name>',
      'notification, identity, intake, safeguarding or accommodation',
      'notification',
    )
    .option('--from <iso>', 'entries at or after this date-time')
    .option('--to <iso>', 'entries before this date-time')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { chain: string; from?: string; to?: string; out?: string }) => {
      const file = opts.out === undefined ? undefined : openSync(opts.out, 'w', 0o600);
      try {
        const count = await withContext((context) =>
          exportAudit(
            context,
            {
              chain: opts.chain,
              ...(opts.from === undefined ? {} : { from: opts.from }),
              ...(opts.to === undefined ? {} : { to: opts.to }),
            },
            (line) => {
              if (file === undefined) io.out(line);
              else writeSync(file, `${line}\n`);
            },
          ),
        );
        if (opts.out !== undefined) io.err(`${count} entries written to ${opts.out}`);
      } finally {
        if (file !== undefined) closeSync(file);
      }
    });

  program
    .command('seed')
    .description('Demo data.')
    .command('demo')
    .description('Seed a demo London directory and issue demo API keys (safe to re-run).')
    .option('--keys-file <path>', 'where to write the demo keys', DEFAULT_KEYS_FILE)
    .action(async (opts: { keysFile: string }) => {
      const summary = await withContext((context) =>
        seedDemo(context, { keysFile: opts.keysFile }),
      );
      const { organisations, contacts, keys } = summary;
      io.out(
        [
          `Organisations: ${organisations.created} created, ${organisations.existing} already there.`,
          `Contacts: ${contacts.created} created, ${contacts.existing} already there.`,
          summary.people === null
            ? 'Console people: none (set IDENTITY_DATA_KEY to add them).'
            : `Console people: ${summary.people.created} created, ${summary.people.existing} already there (${summary.people.emails.join(', ')}).`,
          `Keys (${summary.revokedKeys} earlier demo keys revoked), written to ${summary.keysFile}:`,
          `  submit for ${keys.camdenPoliceSubmit.organisationName} (${keys.camdenPoliceSubmit.organisationId})`,
          `  submit for ${keys.camdenCouncilSubmit.organisationName} (${keys.camdenCouncilSubmit.organisationId})`,
          `  submit for ${keys.ukviSubmit.organisationName} (${keys.ukviSubmit.organisationId})`,
          `  submit for ${keys.mensSafeHouseSubmit.organisationName} (${keys.mensSafeHouseSubmit.organisationId})`,
          `  admin for ${keys.coordinatorAdmin.organisationName} (${keys.coordinatorAdmin.organisationId})`,
        ].join('\n'),
      );
    });

  return program;
}
