import { once } from 'node:events';
import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { Authorize, ValidationProblem } from '@harbour/platform';
import type { Response } from 'express';
import { AUDIT_LOGS } from '../tokens';
import type { AuditChains } from './audit-chains';
import { type AuditQuery, readAuditQuery } from './audit-query';
import { type AuditEntryView, auditEntryView } from './audit-view';

export interface AuditPageView {
  chain: string;
  /** Newest first. */
  entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: number | null;
}

/**
 * The audit logs, for the coordinator's administrators only: what was disclosed to whom under
 * which rule, acknowledgements, keys and directory changes. Entries hold ids, never personal
 * data; `chain=identity` reads the identity store's chain (keys, organisations).
 */
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AUDIT_LOGS) private readonly chains: AuditChains) {}

  /** One page, newest first: `from`, `to`, `action`, `resource`, `chain`, `before`, `limit`. */
  @Get()
  @Authorize('notification.audit.list')
  async list(@Query() query: Record<string, unknown>): Promise<AuditPageView> {
    const { chain, filter, before, limit } = read(query);
    const page = await this.chains[chain].page({
      ...filter,
      limit,
      ...(before === undefined ? {} : { beforeSeq: before }),
    });
    return { chain, entries: page.entries.map(auditEntryView), next: page.next };
  }

  /**
   * Every matching entry as NDJSON, oldest first, with the hashes that link them (an unfiltered
   * export can be verified elsewhere). Streamed in batches; `limit` and `before` do not apply.
   */
  @Get('export')
  @Authorize('notification.audit.export')
  async export(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const { chain, filter } = read(query);
    response.status(200).type('application/x-ndjson; charset=utf-8');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="harbour-audit-${chain}.ndjson"`,
    );
    try {
      for await (const entry of this.chains[chain].entries(filter)) {
        if (!response.write(`${JSON.stringify(auditEntryView(entry))}\n`)) {
          await once(response, 'drain');
        }
      }
      response.end();
    } catch (error) {
      // Headers are gone: a cut-off stream is the only honest signal left.
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

function read(query: Record<string, unknown>): AuditQuery {
  const read = readAuditQuery(query);
  if (!read.ok) throw new ValidationProblem(read.issues);
  return read.query;
}
