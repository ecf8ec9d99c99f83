import type { OrganisationKind } from '@harbour/contracts';
import { LONDON_AUTHORITIES } from '@harbour/london';
import { PAN_LONDON } from '../domain/audience';
import { nameBasedUuid } from './name-based-uuid';

/** Namespace of every demo id: change it and every demo organisation gets a new id. */
export const DEMO_NAMESPACE = '6f1d2c9a-3e4b-4f8a-9c1d-7b2e5a0c4d13';
export const DEMO_EMAIL_DOMAIN = 'demo.harbour.localhost';

export interface DemoOrganisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  boroughs: string[];
  email: string;
}

/** "Barking and Dagenham" → "barking-and-dagenham". */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function demoOrganisationId(key: string, kind: OrganisationKind): string {
  return nameBasedUuid(DEMO_NAMESPACE, `${key}:${kind}`);
}

export const DEMO_COORDINATOR: DemoOrganisation = {
  id: demoOrganisationId(PAN_LONDON, 'coordinator'),
  name: 'London Anti-Trafficking Coordination Hub',
  kind: 'coordinator',
  boroughs: [PAN_LONDON],
  email: `coordinator@${DEMO_EMAIL_DOMAIN}`,
};

/**
 * A demo London directory: for each of the 33 local authorities, its missing-person unit, its
 * police SPoC and its children's services; plus one pan-London coordinator. Ids are name-based
 * UUIDs of the GSS code and kind, so the same directory comes out on every run.
 */
export function demoDirectory(): DemoOrganisation[] {
  const borough = LONDON_AUTHORITIES.flatMap((authority): DemoOrganisation[] => {
    const slug = slugOf(authority.name);
    const entry = (kind: OrganisationKind, name: string, mailbox: string): DemoOrganisation => ({
      id: demoOrganisationId(authority.gss, kind),
      name,
      kind,
      boroughs: [authority.gss],
      email: `${mailbox}.${slug}@${DEMO_EMAIL_DOMAIN}`,
    });
    return [
      entry('missing_person_unit', `${authority.name} Missing Persons Unit`, 'mpu'),
      entry('police_borough', `${authority.name} Police SPoC`, 'spoc'),
      entry('local_authority', `${authority.name} Children's Services`, 'childrens'),
    ];
  });
  return [...borough, DEMO_COORDINATOR];
}
