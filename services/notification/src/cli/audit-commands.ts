import type { AuditAnchor, AuditFilter, AuditLog, AuditVerification } from '@harbour/platform';
import { type CliContext, SERVICE_CHAINS, type ServiceChain } from './cli-context';
import { CliError } from './cli-error';

/**
 * The audit chains the CLI can reach: notification's own, the identity store's, and the other
 * services' (read from their schemas in the same database).
 */
export const AUDIT_CHAINS = ['notification', 'identity', ...SERVICE_CHAINS] as const;
export type AuditChainName = (typeof AUDIT_CHAINS)[number];

/** Exit code of `harbour audit verify` when a chain is broken (1 is a usage or connection error). */
export const BROKEN_CHAIN_EXIT_CODE = 2;

/** The chain's log; null for a service whose schema holds no chain in this database. */
export async function auditLogOf(
  context: CliContext,
  chain: AuditChainName,
): Promise<AuditLog | null> {
  if (chain === 'notification') return context.directory.audit;
  if (chain === 'identity') return context.identity.audit;
  return (await context.serviceAudit(chain satisfies ServiceChain))?.log ?? null;
}

function noChain(chain: AuditChainName): CliError {
  return new CliError(`there is no ${chain} audit chain in this database`);
}

export function parseChains(value: string | undefined): AuditChainName[] {
  if (value === undefined || value === 'all') return [...AUDIT_CHAINS];
  const chain = AUDIT_CHAINS.find((name) => name === value);
  if (chain === undefined) {
    throw new CliError(`unknown audit chain "${value}": use ${AUDIT_CHAINS.join(', ')} or all`);
  }
  return [chain];
}

/** `<chain>:<seq>:<hash>`, as `harbour audit verify` printed the head at some earlier time. */
export function parseAnchor(value: string): { chain: AuditChainName; anchor: AuditAnchor } {
  const match = /^([a-z]+):(\d{1,15}):([0-9a-f]{64})$/.exec(value.trim());
  const chain = AUDIT_CHAINS.find((name) => name === match?.[1]);
  if (match === null || chain === undefined) {
    throw new CliError(
      `--anchor "${value}" is not <${AUDIT_CHAINS.join('|')}>:<seq>:<sha-256 hex>`,
    );
  }
  return { chain, anchor: { seq: Number(match[2]), hash: match[3] ?? '' } };
}

const PROBLEMS: Record<Exclude<AuditVerification, { intact: true }>['problem'], string> = {
  gap: 'it is missing (the entries around it do not follow on)',
  'prev-hash': 'it does not link to the entry before it',
  hash: 'its hash does not match its contents',
  missing: 'the chain head says it exists, but it is gone',
  head: 'the chain head does not match it',
  anchor: 'its hash differs from the anchor given',
};

export type ChainVerified =
  | { chain: AuditChainName; entries: number; head: { seq: number; hash: string } }
  /** A service chain asked for as part of `all` whose schema holds none here. */
  | { chain: AuditChainName; absent: true };

/**
 * Walks each chain. Every chain intact: one line each with its head, to keep as an anchor. The
 * first broken chain: a `CliError` naming the first broken entry (exit code 2).
 */
export async function verifyAudit(
  context: CliContext,
  options: { chain?: string; anchors?: readonly string[] } = {},
): Promise<ChainVerified[]> {
  const chains = parseChains(options.chain);
  const anchors = (options.anchors ?? []).map(parseAnchor);
  const verified: ChainVerified[] = [];
  const everyChain = options.chain === undefined || options.chain === 'all';
  for (const chain of chains) {
    const log = await auditLogOf(context, chain);
    if (log === null) {
      if (!everyChain) throw noChain(chain);
      verified.push({ chain, absent: true });
      continue;
    }
    const result = await log.verify(anchors.filter((a) => a.chain === chain).map((a) => a.anchor));
    if (!result.intact) {
      throw new CliError(
        `${chain} audit chain is broken at entry ${result.brokenSeq}: ${PROBLEMS[result.problem]} ` +
          `(${result.entries} entries before it hold)`,
        BROKEN_CHAIN_EXIT_CODE,
      );
    }
    verified.push({ chain, entries: result.entries, head: result.head });
  }
  return verified;
}

/** Writes one chain's entries, oldest first, one JSON object a line; returns how many. */
export async function exportAudit(
  context: CliContext,
  options: { chain?: string; from?: string; to?: string },
  writeLine: (line: string) => void,
): Promise<number> {
  const [chain, ...others] = parseChains(options.chain ?? 'notification');
  if (chain === undefined || others.length > 0) {
    throw new CliError(`export one chain at a time: --chain ${AUDIT_CHAINS.join(', --chain ')}`);
  }
  const filter: AuditFilter = {
    ...(options.from === undefined ? {} : { from: parseInstant(options.from, '--from') }),
    ...(options.to === undefined ? {} : { to: parseInstant(options.to, '--to') }),
  };
  let count = 0;
  const log = await auditLogOf(context, chain);
  if (log === null) throw noChain(chain);
  for await (const entry of log.entries(filter)) {
    writeLine(JSON.stringify(entry));
    count += 1;
  }
  return count;
}

function parseInstant(value: string, what: string): Date {
  const instant = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(instant.getTime())) {
    throw new CliError(`${what} "${value}" is not an ISO 8601 date or date-time`);
  }
  return instant;
}
