import { once } from 'node:events';
import { Controller, Get, Inject, Query, Res, type Type } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthorizedAction } from '../../auth/authorization-matrix';
import { Authorize } from '../../auth/authorize.decorator';
import { ValidationProblem } from '../../problems/problem-exceptions';
import type { AuditLog } from '../audit-log';
import { type AuditQuery, readAuditQuery } from './audit-query';
import { type AuditEntryView, auditEntryView } from './audit-view';

export interface AuditPageView {
  chain: string;
  /** Newest first. */
  entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: number | null;
}

/** The chains one service serves, by name (the first is the default `chain`). */
export type AuditChainsOf<Chain extends string> = Readonly<Record<Chain, AuditLog>>;

export interface AuditRoutesOptions<Chain extends string> {
  chains: readonly [Chain, ...Chain[]];
  /** Where Nest finds the `AuditChainsOf<Chain>` to read. */
  logs: string | symbol;
  /** The matrix actions of `GET /v1/audit` and `GET /v1/audit/export`. */
  listAction: AuthorizedAction;
  exportAction: AuthorizedAction;
}

/**
 * The coordinator's view of a service's audit chains: `GET /v1/audit` (one page, newest first:
 * `from`, `to`, `action`, `resource`, `chain`, `before`, `limit`) and `GET /v1/audit/export`
 * (every matching entry as NDJSON, oldest first, with the hashes that link them, so an
 * unfiltered export can be verified elsewhere). Entries hold ids, never personal data. Each
 * service that keeps a chain mounts its own, guarded by its own matrix actions.
 */
export function createAuditController<Chain extends string>(
  options: AuditRoutesOptions<Chain>,
): Type<unknown> {
  const read = (query: Record<string, unknown>): AuditQuery<Chain> => {
    const result = readAuditQuery(query, options.chains);
    if (!result.ok) throw new ValidationProblem(result.issues);
    return result.query;
  };

  @Controller('v1/audit')
  class AuditController {
    constructor(@Inject(options.logs) private readonly logs: AuditChainsOf<Chain>) {}

    @Get()
    @Authorize(options.listAction)
    async list(@Query() query: Record<string, unknown>): Promise<AuditPageView> {
      const { chain, filter, before, limit } = read(query);
      const page = await this.logs[chain].page({
        ...filter,
        limit,
        ...(before === undefined ? {} : { beforeSeq: before }),
      });
      return { chain, entries: page.entries.map(auditEntryView), next: page.next };
    }

    @Get('export')
    @Authorize(options.exportAction)
    async export(
      @Query() query: Record<string, unknown>,
      @Res() response: Response,
    ): Promise<void> {
      const { chain, filter } = read(query);
      response.status(200).type('application/x-ndjson; charset=utf-8');
      response.setHeader(
        'Content-Disposition',
        `attachment; filename="harbour-audit-${chain}.ndjson"`,
      );
      try {
        for await (const entry of this.logs[chain].entries(filter)) {
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
  return AuditController;
}
