import assert from 'node:assert/strict';
import type { Matrix } from '@tangent-lab/core';

/** Largest |a − b| / max(|b|, floor) over all entries. */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-12): number {
  assert.equal(a.length, b.length, 'length mismatch');
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

/** max|a − b| / max|b|: the error relative to the size of the reference (float32 engines' results against float64). */
export function scaledGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'length mismatch');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

export function assertClose(actual: Matrix | ArrayLike<number>, expected: number[][] | ArrayLike<number>, rtol: number, what: string): void {
  const a = 'data' in (actual as Matrix) ? (actual as Matrix).data : (actual as ArrayLike<number>);
  const b = Array.isArray(expected) && Array.isArray(expected[0]) ? (expected as number[][]).flat() : (expected as ArrayLike<number>);
  const e = maxRelError(a, b);
  assert.ok(e <= rtol, `${what}: max relative error ${e.toExponential(3)} > ${rtol}`);
}

/** Deterministic pseudo-random inputs (no dependence on the library under test). */
export function inputs(rows: number, cols: number, seed: number): number[][] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * next() - 1));
}

/** Deterministic pseudo-random images or sequences, (n, ...spatial, C). */
export function images(shape: number[], seed: number): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 2 * (s / 4294967296) - 1;
  };
  const build = (d: number): unknown => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? next() : build(d + 1)));
  return build(0) as number[];
}
