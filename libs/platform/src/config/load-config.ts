import type { Config, ConfigSpec } from './config-spec';
import { ConfigError, type ConfigIssue } from './config-error';
import { parseVariable, type ParsedValue } from './parse-variable';

/**
 * Reads and validates every variable of `spec` from `env` once, at start-up. Code then uses the
 * returned object, never `process.env`. An empty variable counts as unset (compose files and
 * Helm charts often render `VAR=` for "not configured").
 *
 * @throws ConfigError naming every missing or invalid variable, not just the first.
 */
export function loadConfig<const S extends ConfigSpec>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
): Config<S> {
  const issues: ConfigIssue[] = [];
  const values: Record<string, ParsedValue | undefined> = {};

  for (const [variable, variableSpec] of Object.entries(spec)) {
    const { description } = variableSpec;
    if (variableSpec.kind === 'enum' && (variableSpec.values ?? []).length === 0) {
      issues.push({ variable, description, reason: 'is an enum with no allowed values' });
      continue;
    }
    const fromEnv = env[variable]?.trim() || undefined;
    const raw = fromEnv ?? variableSpec.default;
    if (raw === undefined) {
      if (variableSpec.optional) values[variable] = undefined;
      else issues.push({ variable, description, reason: 'is required but not set' });
      continue;
    }
    const parsed = parseVariable(raw, variableSpec);
    if (parsed.ok) values[variable] = parsed.value;
    else {
      const reason = fromEnv === undefined ? `${parsed.reason} (built-in default)` : parsed.reason;
      issues.push({ variable, description, reason });
    }
  }

  if (issues.length > 0) throw new ConfigError(issues);
  // The loop above gave every key of `spec` a value of the kind its spec declares.
  return Object.freeze(values) as Config<S>;
}
