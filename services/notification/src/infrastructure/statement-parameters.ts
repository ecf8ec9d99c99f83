/**
 * The parameters of one statement put together from several repositories' parts (a
 * data-modifying CTE each): every part adds its values here and writes the placeholder it gets
 * back, so the parts never have to agree on numbering.
 */
export class StatementParameters {
  readonly values: unknown[] = [];

  /** `$n` for `value`, with `cast` (e.g. `uuid[]`) when given. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    const placeholder = `$${this.values.length}`;
    return cast === undefined ? placeholder : `${placeholder}::${cast}`;
  }
}
