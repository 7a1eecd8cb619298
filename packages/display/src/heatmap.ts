import { InputError, ShapeError } from './errors';
import { Figure } from './figure';
import { checkOptions, describe, optionalString } from './input/options';
import { sameLength, toMatrix, toVector, type MatrixLike, type VectorLike } from './input/vector';
import { linearTicks } from './svg/scale';
import { axisSpec, optionalTitle, SPEC_VERSION } from './spec';

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
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

const OPTIONS = ['z', 'x', 'y', 'contours', 'title', 'xLabel', 'yLabel'] as const;

/**
 * A colour map of a matrix: a kernel matrix Θ(x, x′), or a phase diagram
 * over (σ_w², σ_b²) with contour lines at chosen values (e.g. of the depth
 * scale, Schoenholz et al. 2017).
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
  return new Figure({
    version: SPEC_VERSION,
    kind: 'heatmap',
    ...optionalTitle(optionalString(where, 'title', options.title)),
    xAxis: axisSpec(optionalString(where, 'xLabel', options.xLabel), false),
    yAxis: axisSpec(optionalString(where, 'yLabel', options.yLabel), false),
    traces: [{ type: 'heatmap', x, y, z, contours: contourLevels(options.contours, z) }],
    annotations: [],
  });
}

function contourLevels(contours: HeatmapOptions['contours'], z: number[][]): number[] {
  if (contours === undefined || contours === false) return [];
  const values = z.flat();
  const lo = values.reduce((a, b) => Math.min(a, b));
  const hi = values.reduce((a, b) => Math.max(a, b));
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
