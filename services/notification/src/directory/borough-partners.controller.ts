import { Controller, Get, Inject, Param } from '@nestjs/common';
import { authorityByGss } from '@harbour/london';
import { Authorize, NotFoundProblem } from '@harbour/platform';
import { BOROUGH_PARTNERS } from '../tokens';
import type { BoroughPartner, BoroughPartners } from './borough-partners';

export interface BoroughPartnersView {
  gss: string;
  name: string;
  partners: BoroughPartner[];
}

/** `GET /v1/boroughs/{gss}/partners`: who serves a London authority, for the coordinator's map. */
@Controller('v1/boroughs')
export class BoroughPartnersController {
  constructor(@Inject(BOROUGH_PARTNERS) private readonly partners: BoroughPartners) {}

  @Get(':gss/partners')
  @Authorize('notification.borough.partners')
  async partnersOf(@Param('gss') gss: string): Promise<BoroughPartnersView> {
    const authority = authorityByGss(gss);
    if (authority === undefined) {
      throw new NotFoundProblem('No London authority has that GSS code.');
    }
    return { gss: authority.gss, name: authority.name, partners: await this.partners.of(gss) };
  }
}
