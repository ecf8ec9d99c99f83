/** How a variable's text is parsed, and so which TypeScript type the loaded value has. */
export type VariableKind = 'string' | 'url' | 'int' | 'port' | 'boolean' | 'list' | 'enum';

/** One environment variable a service reads. */
export interface VariableSpec {
  /** Shown in every error about this variable, so an operator knows what it is for. */
  readonly description: string;
  readonly kind: VariableKind;
  /** The accepted values of an `enum` variable. */
  readonly values?: readonly string[];
  /** Used when the variable is unset or empty; parsed like a real value. */
  readonly default?: string;
  /** Without a default, an optional variable loads as `undefined` when unset. */
  readonly optional?: boolean;
  /** Its value is never echoed in an error message (passwords, URLs with credentials). */
  readonly sensitive?: boolean;
}

/** Maps an environment variable name to how it is read. */
export type ConfigSpec = Readonly<Record<string, VariableSpec>>;

type ValueOfKind<S extends VariableSpec> = S['kind'] extends 'int' | 'port'
  ? number
  : S['kind'] extends 'boolean'
    ? boolean
    : S['kind'] extends 'list'
      ? string[]
      : S['kind'] extends 'enum'
        ? S['values'] extends readonly (infer V extends string)[]
          ? V
          : string
        : string;

/** The loaded type of one variable: absent only when it is optional and has no default. */
export type VariableValue<S extends VariableSpec> = S extends { readonly default: string }
  ? ValueOfKind<S>
  : S extends { readonly optional: true }
    ? ValueOfKind<S> | undefined
    : ValueOfKind<S>;

/** The typed, validated configuration produced from a spec. */
export type Config<S extends ConfigSpec> = { readonly [K in keyof S]: VariableValue<S[K]> };

/**
 * Declares a spec while keeping its literal types (`kind`, enum `values`, `optional: true`),
 * so `loadConfig` can infer real value types without casts.
 */
export function defineConfig<const S extends ConfigSpec>(spec: S): S {
  return spec;
}
