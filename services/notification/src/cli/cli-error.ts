/**
 * A mistake the user can fix (bad kind, bad GSS code, unknown organisation): printed as one
 * line, without a stack trace, and the CLI exits non-zero.
 */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
