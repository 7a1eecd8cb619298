import { InputError, OptionError } from './errors';

/**
 * Rejects option names a function does not know, so a typo like `wstd` for
 * `wStd` fails loudly instead of being silently ignored.
 */
export function checkOptions(
  where: string,
  options: object | undefined,
  allowed: readonly string[],
): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${where}: options must be an object like { ${allowed.join(', ')} }, got ${String(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      const suggestion = allowed.find((a) => a.toLowerCase() === name.toLowerCase());
      const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
      throw new OptionError(
        `${where}: unknown option "${name}".${hint} Known options: ${allowed.join(', ') || '(none)'}.`,
      );
    }
  }
}

/** A finite number, else an error naming the option. */
export function finiteNumber(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(`${where}: ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** A positive integer, else an error naming the option. */
export function positiveInteger(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InputError(`${where}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
