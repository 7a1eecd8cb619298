import { InputError, OptionError } from './errors';

/**
 * Rejects option names a function does not know, so a typo like `wstd` for
 * `wStd` fails loudly instead of being silently ignored. The error suggests
 * the known name that the given one most likely means: the same name up to
 * case and underscores or dashes (Neural Tangents' `diag_reg` → `diagReg`),
 * else the one name it abbreviates, else the closest within two edits.
 */
export function checkOptions(where: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${where}: options must be an object like { ${allowed.join(', ')} }, got ${String(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!allowed.includes(name)) {
      const suggestion = suggestOption(name, allowed);
      const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
      throw new OptionError(`${where}: unknown option "${name}".${hint} Known options: ${allowed.join(', ') || '(none)'}.`);
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

/** `diag_reg`, `DiagReg`, `diag-reg` → `diagreg`: how NT's snake_case and typos in case compare. */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

/**
 * The allowed name a mistyped option most likely means: equal after
 * {@link normalizeName}, else the only one it is a prefix of (three letters
 * or more), else the unique closest one within two edits (one for short
 * names) of the normalized names.
 */
export function suggestOption(name: string, allowed: readonly string[]): string | undefined {
  const n = normalizeName(name);
  const exact = allowed.find((a) => normalizeName(a) === n);
  if (exact !== undefined) return exact;
  // An abbreviation (`delim` for `delimiter`) that starts one name only.
  const prefixed = n.length >= 3 ? allowed.filter((a) => normalizeName(a).startsWith(n)) : [];
  if (prefixed.length === 1) return prefixed[0];
  const limit = n.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const a of allowed) {
    const d = editDistance(n, normalizeName(a));
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  return bestDistance <= limit && !tie ? best : undefined;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
