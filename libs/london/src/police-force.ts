/** The two territorial police forces covering London's 33 local authorities. */
export type PoliceForce = 'Metropolitan Police Service' | 'City of London Police';
