/**
 * Short number labels for ticks, slider steps and summaries: at most
 * `digits` significant digits, exponent notation only for very large or
 * small magnitudes, and a real minus sign.
 *
 * @example
 * ```ts
 * formatNumber(0.000123); // '1.23e−4'
 * formatNumber(-2.5);     // '−2.5'
 * ```
 */
export function formatNumber(value: number, digits = 3): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const text =
    magnitude >= 1e-3 && magnitude < 1e5
      ? String(Number(value.toPrecision(digits)))
      : value
          .toExponential(digits - 1)
          .replace(/\.?0+e/, 'e')
          .replace('e+', 'e');
  return text.replace(/-/g, '−');
}
