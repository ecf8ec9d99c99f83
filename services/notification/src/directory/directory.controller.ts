import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  auditActorOf,
  Authorize,
  CurrentPrincipal,
  type Principal,
  ValidationProblem,
} from '@harbour/platform';
import { DIRECTORY_STORES } from '../tokens';
import { type DirectoryStores, exportDirectory, importDirectory } from './directory-transfer';
import type { OpenReferralDocument } from './open-referral';

/** The partner directory for the coordinator's administrators, in Open Referral UK shape. */
@Controller('v1/directory')
export class DirectoryController {
  constructor(@Inject(DIRECTORY_STORES) private readonly stores: DirectoryStores) {}

  /** The whole directory (webhook secrets are never included). */
  @Get()
  @Authorize('notification.directory.export')
  export(): Promise<OpenReferralDocument> {
    return exportDirectory(this.stores);
  }

  /** Adds organisations and contacts; a document with any problem is refused whole (400). */
  @Post('import')
  @Authorize('notification.directory.import')
  @HttpCode(200)
  async import(
    @Body() document: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    // The audit trail names the administrator's key, not the service, as who changed the directory.
    const outcome = await importDirectory(this.stores, document, {
      actor: auditActorOf(principal),
      reason: 'POST /v1/directory/import',
    });
    if (!outcome.ok) throw new ValidationProblem(outcome.issues);
    return { organisations: outcome.organisations, contacts: outcome.contacts };
  }
}
