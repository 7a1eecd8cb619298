import { InputError, OptionError } from '../errors';

/**
 * Rejects option names a function does not know, so a typo like `logx` for
 * `logX` fails loudly instead of being silently ignored.
 */
export function checkOptions(where: string, options: unknown, allowed: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${where}: expected an object like { ${allowed.join(', ')} }, got ${describe(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      const suggestion = allowed.find((a) => a.toLowerCase() === name.toLowerCase());
      const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
      throw new OptionError(`${where}: unknown option "${name}".${hint} Known options: ${allowed.join(', ')}.`);
    }
  }
}

/** An optional string (title, label, series name), else an error naming it. */
export function optionalString(where: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InputError(`${where}: ${name} must be a string, got ${describe(value)}`);
  return value;
}

/** An optional boolean flag, else an error naming it. */
export function optionalBoolean(where: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InputError(`${where}: ${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}
