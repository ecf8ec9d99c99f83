/**
 * The Metropolitan Police's 12 Basic Command Units, as named by the Met since the 2018–2019
 * merger of its 32 borough commands. The City of London is not in the Met's area.
 */
export const MET_BCUS = [
  'Central East',
  'Central North',
  'Central South',
  'Central West',
  'East Area',
  'North Area',
  'North East',
  'North West',
  'South Area',
  'South East',
  'South West',
  'West Area',
] as const;

export type MetBcu = (typeof MET_BCUS)[number];

const MET_BCU_SET: ReadonlySet<string> = new Set(MET_BCUS);

export function isMetBcu(value: string): value is MetBcu {
  return MET_BCU_SET.has(value);
}
