/** Raised when a code that is not one of the 33 London GSS codes is used where one is required. */
export class UnknownLondonAuthorityError extends Error {
  readonly code = 'LONDON_UNKNOWN_AUTHORITY';

  constructor(readonly gss: string) {
    super(`${JSON.stringify(gss)} is not the GSS code of a London local authority`);
    this.name = 'UnknownLondonAuthorityError';
  }
}
