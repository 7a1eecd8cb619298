/**
 * One number format for all the entries shown of an array, chosen as numpy
 * chooses it, so the columns line up: integers as integers; otherwise fixed
 * notation with as many decimals (at most `precision`) as the most precise
 * entry needs, unless the magnitudes call for scientific notation (largest
 * ≥ 1e8, smallest non-zero < 1e-4, or a ratio over 1e3 between them).
 */
export function numberFormatter(values: readonly number[], precision: number): (v: number) => string {
  const finite = values.filter((v) => Number.isFinite(v));
  let maxAbs = 0;
  let minAbs = Infinity;
  for (const v of finite) {
    const a = Math.abs(v);
    if (a > maxAbs) maxAbs = a;
    if (a > 0 && a < minAbs) minAbs = a;
  }
  if (finite.every((v) => Number.isInteger(v)) && maxAbs < 1e16) return (v) => special(v) ?? String(v === 0 ? 0 : v);
  const scientific = maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3;
  if (scientific) {
    const digits = Math.max(0, ...finite.map((v) => neededDigits(trimMantissa(v.toExponential(precision)))));
    return (v) => special(v) ?? v.toExponential(digits);
  }
  const decimals = Math.max(0, ...finite.map((v) => neededDigits(trimFixed(v.toFixed(precision)))));
  return (v) => special(v) ?? (v === 0 ? 0 : v).toFixed(decimals);
}

function special(v: number): string | undefined {
  return Number.isFinite(v) ? undefined : String(v);
}

/** "1.2300" → "1.23", "2.000" → "2". */
function trimFixed(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** "1.2300e+5" → "1.23e+5". */
function trimMantissa(s: string): string {
  const [m, e] = s.split('e');
  return `${trimFixed(m)}e${e}`;
}

/** Digits after the decimal point of a (trimmed) fixed or scientific string. */
function neededDigits(s: string): number {
  const m = s.split('e')[0];
  const dot = m.indexOf('.');
  return dot < 0 ? 0 : m.length - dot - 1;
}
