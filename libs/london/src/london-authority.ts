import type { GssCode } from './gss-code';
import type { MetBcu } from './met-bcu';
import type { PoliceForce } from './police-force';

/** One of London's 33 local authorities: the 32 London boroughs and the City of London. */
export interface LondonAuthority {
  readonly gss: GssCode;
  /** The ONS name, e.g. "Kingston upon Thames". */
  readonly name: string;
  /** A compact form for narrow displays and text messages, where one is in common use. */
  readonly shortName?: string;
  readonly policeForce: PoliceForce;
  /** The Met BCU policing the borough; null for the City of London, which the Met does not police. */
  readonly bcu: MetBcu | null;
}
