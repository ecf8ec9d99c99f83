import type { OrganisationKind } from '@harbour/contracts';
import { LONDON_AUTHORITIES } from '@harbour/london';
import { type AgeGroup, PAN_LONDON } from '../domain/audience';
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
  specialisms?: string[];
  languages?: string[];
  ageGroups?: AgeGroup[];
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
 * Pan-London partners with specialisms, languages and age groups, so routing by them can be
 * tried on the demo stack. Invented names: they stand for the kinds of partner the submission
 * names (a specialist police unit, UKVI immigration enforcement, a child trafficking guardian service, NGOs for domestic
 * workers, sex workers and labour exploitation, safe houses for women and for men).
 */
function demoSpecialist(
  key: string,
  kind: OrganisationKind,
  name: string,
  details: Pick<DemoOrganisation, 'specialisms' | 'languages' | 'ageGroups'>,
): DemoOrganisation {
  return {
    id: demoOrganisationId(`${PAN_LONDON}:${key}`, kind),
    name,
    kind,
    boroughs: [PAN_LONDON],
    email: `${key}@${DEMO_EMAIL_DOMAIN}`,
    ...details,
  };
}

/** UKVI immigration enforcement for London: plans welfare visits (the demo's `ukviSubmit` key). */
export const DEMO_UKVI: DemoOrganisation = demoSpecialist(
  'ukvi-london',
  'immigration',
  'Demo UKVI Immigration Enforcement London',
  {},
);

export const DEMO_SPECIALISTS: readonly DemoOrganisation[] = [
  DEMO_UKVI,
  demoSpecialist(
    'modern-slavery-unit',
    'police_specialist',
    'Demo Modern Slavery & Child Exploitation Unit',
    {
      specialisms: ['sexual', 'labour', 'criminal', 'domestic_servitude', 'children'],
    },
  ),
  demoSpecialist('guardians', 'ngo', 'Demo Child Trafficking Guardians', {
    specialisms: ['children', 'criminal', 'sexual'],
    languages: ['en', 'sq', 'vi', 'ro'],
    ageGroups: ['child'],
  }),
  demoSpecialist('domestic-workers', 'ngo', 'Demo Domestic Workers Support', {
    specialisms: ['domestic_servitude', 'domestic_workers', 'women'],
    languages: ['en', 'tl', 'hi', 'am'],
    ageGroups: ['adult'],
  }),
  // Outreach teams are told of displacement watches (people moved on after an operation).
  demoSpecialist('sex-work-outreach', 'ngo', 'Demo Sex Work Outreach', {
    specialisms: ['sexual', 'women', 'lgbt', 'outreach'],
    languages: ['en', 'ro', 'bg', 'zh', 'th'],
    ageGroups: ['adult'],
  }),
  demoSpecialist('labour-rights', 'ngo', 'Demo Labour Exploitation Advice', {
    specialisms: ['labour', 'criminal', 'men', 'homelessness', 'outreach'],
    languages: ['en', 'ro', 'pl', 'lt', 'vi'],
    ageGroups: ['adult'],
  }),
  demoSpecialist('womens-safe-house', 'housing_provider', 'Demo Women’s Safe House', {
    specialisms: ['women', 'sexual', 'domestic_servitude'],
    languages: ['en', 'ro', 'sq'],
    ageGroups: ['adult'],
  }),
  demoSpecialist('mens-safe-house', 'housing_provider', 'Demo Men’s Move-On House', {
    specialisms: ['men', 'labour', 'criminal'],
    languages: ['en', 'pl', 'ro'],
    ageGroups: ['adult'],
  }),
];

/**
 * A demo London directory: for each of the 33 local authorities, its missing-person unit, its
 * police SPoC and its children's services; pan-London specialists; and one coordinator. Ids are
 * name-based UUIDs of the GSS code (or key) and kind, so the same directory comes out every run.
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
  return [...borough, ...DEMO_SPECIALISTS, DEMO_COORDINATOR];
}
