/** One variable that could not be loaded, and why. */
export interface ConfigIssue {
  readonly variable: string;
  readonly reason: string;
  readonly description: string;
}

/** Thrown at start-up when any variable is missing or invalid; names every one of them. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      [
        'Invalid configuration:',
        ...issues.map((issue) => `  - ${issue.variable}: ${issue.reason}. ${issue.description}`),
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}
