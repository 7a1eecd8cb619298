import { InputError, ShapeError } from './errors';
import { Figure } from './figure';
import { checkOptions, describe, optionalString } from './input/options';
import { sameLength, toMatrix, toVector, type MatrixLike, type VectorLike } from './input/vector';
import { linearTicks } from './svg/scale';
import { encodeGrid, EXACT_LIMIT } from './grid';
import { axisSpec, optionalTitle, SPEC_VERSION, type HeatmapTrace } from './spec';

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  /** Values `z[i][j]` at `(x[j], y[i])`: rows go along y, columns along x. */
  z: MatrixLike;
  /** Increasing column coordinates (default 0, 1, …). */
  x?: VectorLike;
  /** Increasing row coordinates (default 0, 1, …). */
  y?: VectorLike;
  /** Contour lines: `true` for about eight nice levels, a count, or the levels themselves. */
  contours?: boolean | number | readonly number[];
  /**
   * Where row 0 goes. `'upper'`: at the top, as a matrix is written and as
   * `imshow` (matplotlib, plotly) draws it; `'lower'`: at the bottom, y
   * increasing upwards as on a graph. The default follows what `z` is: a
   * plain matrix (no `y`) is drawn `'upper'`; a field sampled at coordinates
   * `y` (a phase diagram over σ_b², say) is drawn `'lower'`.
   */
  origin?: 'upper' | 'lower';
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

const OPTIONS = ['z', 'x', 'y', 'contours', 'origin', 'title', 'xLabel', 'yLabel'] as const;

/**
 * A colour map of a matrix: a kernel matrix Θ(x, x′), or a phase diagram
 * over (σ_w², σ_b²) with contour lines at chosen values (e.g. of the depth
 * scale, Schoenholz et al. 2017).
 *
 * Any size is fine: up to 2500 entries the figure keeps the true values (shown
 * on hover); a larger matrix is drawn from the means of at most 100 × 100
 * blocks of entries (a 1000×1000 kernel: blocks of 10×10), which is finer than
 * the picture's pixels and keeps a saved notebook light. Hover then shows the
 * block's mean and its size.
 *
 * @example
 * ```ts
 * import { heatmap, show } from '@tangent-lab/display';
 * const s = [0.5, 1, 1.5, 2];
 * show(heatmap({ x: s, y: s, z: s.map((b) => s.map((w) => w * w + b)), contours: 3,
 *                xLabel: 'σ_w', yLabel: 'σ_b' }));
 * ```
 */
export function heatmap(options: HeatmapOptions): Figure {
  const where = 'heatmap';
  checkOptions(where, options, OPTIONS);
  const z = toMatrix(options.z, { where, name: 'z' });
  const x = options.x === undefined ? z[0].map((_, j) => j) : toVector(options.x, { where, name: 'x' });
  const y = options.y === undefined ? z.map((_, i) => i) : toVector(options.y, { where, name: 'y' });
  sameLength(where, 'x', x, z[0].length, 'each row of z');
  sameLength(where, 'y', y, z.length, 'z (its rows)');
  increasing(x, 'x');
  increasing(y, 'y');
  const origin = options.origin ?? (options.y === undefined ? 'upper' : 'lower');
  if (origin !== 'upper' && origin !== 'lower')
    throw new InputError(`heatmap: origin must be 'upper' (row 0 at the top) or 'lower' (row 0 at the bottom), got ${describe(origin)}`);
  const contours = contourLevels(options.contours, z);
  const trace: HeatmapTrace =
    z.length * z[0].length <= EXACT_LIMIT ? { type: 'heatmap', x, y, z, contours, origin } : { type: 'heatmap', ...encodeGrid(z, x, y), contours, origin };
  return new Figure({
    version: SPEC_VERSION,
    kind: 'heatmap',
    ...optionalTitle(optionalString(where, 'title', options.title)),
    xAxis: axisSpec(optionalString(where, 'xLabel', options.xLabel), false),
    yAxis: axisSpec(optionalString(where, 'yLabel', options.yLabel), false),
    traces: [trace],
    annotations: [],
  });
}

function contourLevels(contours: HeatmapOptions['contours'], z: number[][]): number[] {
  if (contours === undefined || contours === false) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of z)
    for (const v of row) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (Array.isArray(contours)) return toVector(contours, { where: 'heatmap', name: 'contours' });
  if (contours !== true && !(typeof contours === 'number' && Number.isInteger(contours) && contours > 0)) {
    throw new InputError(`heatmap: contours must be true, a positive whole number of levels, or a list of levels, got ${describe(contours)}`);
  }
  if (hi === lo) return [];
  if (contours === true) return linearTicks(lo, hi, 8).filter((v) => v > lo && v < hi);
  return Array.from({ length: contours }, (_, k) => lo + ((k + 1) * (hi - lo)) / (contours + 1));
}

function increasing(c: number[], name: string): void {
  for (let i = 1; i < c.length; i++) {
    if (!(c[i] > c[i - 1])) throw new ShapeError(`heatmap: ${name} must increase strictly; ${name}[${i}] = ${c[i]} follows ${c[i - 1]}`);
  }
}
