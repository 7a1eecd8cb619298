/**
 * The nearest point of a grid of variances with `perOctave` points per
 * octave (q₀ = 2^{g/perOctave}, `variance-expansions.ts`): g = round(perOctave·log₂ q),
 * computed exactly. With q = m·2^e (m in [1, 2)), g = perOctave·e plus the
 * count of thresholds 2^{(2i+1)/(2·perOctave)} at or below m. Every
 * operation is exact (the exponent and significand read from q's bits,
 * comparisons with fixed doubles), so native code (`native/expansions-at.c`,
 * given the same thresholds) finds the same point as JavaScript even for a
 * variance at a cell's boundary, where Math.log2 of two libraries could
 * round apart. For finite q ≥ 2^−1022 (the grids serve q ≥ 2^−10).
 */
export function gridIndex(q: number, perOctave: number): number {
  bits[0] = q;
  const e = ((words[1] >>> 20) & 0x7ff) - 1023;
  words[1] = (words[1] & 0x000fffff) | 0x3ff00000;
  const m = bits[0];
  const t = gridThresholds(perOctave);
  // The count of thresholds ≤ m: they increase, so a binary search.
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= m) lo = mid + 1;
    else hi = mid;
  }
  return perOctave * e + lo;
}

/** The thresholds 2^{(2i+1)/(2·perOctave)}, i < perOctave, of {@link gridIndex} (computed once per grid). */
export function gridThresholds(perOctave: number): Float64Array {
  let t = thresholds.get(perOctave);
  if (t === undefined) {
    t = Float64Array.from({ length: perOctave }, (_, i) => 2 ** ((2 * i + 1) / (2 * perOctave)));
    thresholds.set(perOctave, t);
  }
  return t;
}

const thresholds = new Map<number, Float64Array>();
/** q and its bits, for {@link gridIndex}. */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
