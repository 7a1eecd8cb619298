import type { Range } from '../extent';

/**
 * Axis scales of the static SVG: an axis range mapped onto pixels, linearly
 * or logarithmically, with "nice" tick values.
 */
export interface Scale {
  /** The pixel coordinate of a data value. */
  pixel(value: number): number;
  /** Tick values inside the axis range. */
  ticks: number[];
}

/**
 * A scale from `range` (in axis units, log10 for a log axis) onto pixels
 * `[p0, p1]` (p1 < p0 for a y axis, whose pixels grow downwards).
 */
export function makeScale([lo, hi]: Range, p0: number, p1: number, log: boolean): Scale {
  const f = log ? Math.log10 : (v: number) => v;
  const pixel = (value: number) => p0 + ((f(value) - lo) / (hi - lo)) * (p1 - p0);
  return { pixel, ticks: log ? logTicks(lo, hi) : linearTicks(lo, hi) };
}

/** About `count` ticks at 1, 2 or 5 times a power of ten. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) {
    ticks.push(Number((k * step).toPrecision(12)));
  }
  return ticks;
}

/** Ticks of a log axis whose range is `[10^lo, 10^hi]`: powers of ten, with 2× and 5× when the range is short. */
export function logTicks(lo: number, hi: number): number[] {
  const decades: number[] = [];
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) decades.push(k);
  const inside = (mult: number) =>
    decades.map((k) => Number((mult * 10 ** k).toPrecision(12))).filter((v) => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9);
  const powers = inside(1);
  if (powers.length >= 3) {
    const every = Math.ceil(powers.length / 8);
    return powers.filter((_, i) => i % every === 0);
  }
  const multiples = [...powers, ...inside(2), ...inside(5)].sort((a, b) => a - b);
  if (multiples.length >= 2) return multiples;
  return linearTicks(10 ** lo, 10 ** hi).filter((v) => v > 0);
}
