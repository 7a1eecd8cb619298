import { InputError, ShapeError } from './errors';
import { Figure } from './figure';
import { formatNumber } from './format';
import { checkOptions, describe, optionalBoolean, optionalString } from './input/options';
import { sameLength, toVector, type VectorLike } from './input/vector';
import { axisSpec, optionalTitle, SPEC_VERSION, type AnnotationSpec, type LineTrace } from './spec';

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  x: VectorLike;
  series: readonly { name: string; y: VectorLike }[];
  logX?: boolean;
  logY?: boolean;
  /**
   * Fit `y ∝ x^slope` to each series on log-log axes and write the slope next to
   * it: `true` fits all points, `{ xMin, xMax }` the points in that range (the
   * convergence tail).
   */
  slope?: boolean | { xMin?: number; xMax?: number };
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

const OPTIONS = ['x', 'series', 'logX', 'logY', 'slope', 'title', 'xLabel', 'yLabel'] as const;

/**
 * Curves over a shared `x`: loss against training step, error against width.
 * On log-log axes `slope` annotates the fitted power law — e.g. the
 * 1/√width convergence of finite nets to the NTK (slope −0.5).
 *
 * @example
 * ```ts
 * import { lineChart, show } from '@tangent-lab/display';
 * const width = [64, 128, 256, 512, 1024];
 * show(lineChart({
 *   x: width, logX: true, logY: true, slope: true, xLabel: 'width',
 *   series: [{ name: '‖Θ − Θ∞‖', y: width.map((n) => 3 / Math.sqrt(n)) }],
 * }));
 * ```
 */
export function lineChart(options: LineChartOptions): Figure {
  const where = 'lineChart';
  checkOptions(where, options, OPTIONS);
  const logX = optionalBoolean(where, 'logX', options.logX) ?? false;
  const logY = optionalBoolean(where, 'logY', options.logY) ?? false;
  const x = toVector(options.x, { where, name: 'x' });
  if (!Array.isArray(options.series) || options.series.length === 0) {
    throw new ShapeError(`${where}: series must be a non-empty list of { name, y }, got ${describe(options.series)}`);
  }
  if (logX) x.forEach((v, i) => positive(v, `x[${i}]`, 'logX'));
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const sortedX = order.map((i) => x[i]);
  const lines: LineTrace[] = options.series.map((s, k) => {
    checkOptions(`${where}: series[${k}]`, s, ['name', 'y']);
    const name = optionalString(where, `series[${k}].name`, s.name) ?? `series ${k + 1}`;
    const y = toVector(s.y, { where, name: `series[${k}].y` });
    sameLength(where, `series[${k}].y`, y, x.length, 'x');
    if (logY) y.forEach((v, i) => positive(v, `series[${k}].y[${i}]`, 'logY'));
    return { type: 'line', name, color: k, x: sortedX, y: order.map((i) => y[i]), style: 'solid', legend: true };
  });
  const fits: LineTrace[] = [];
  const annotations: AnnotationSpec[] = [];
  if (options.slope !== undefined && options.slope !== false) {
    if (!logX || !logY) throw new InputError(`${where}: slope fits a power law, which needs logX: true and logY: true`);
    const range = options.slope === true ? {} : options.slope;
    checkOptions(`${where}: slope`, range, ['xMin', 'xMax']);
    const xMin = range.xMin ?? -Infinity;
    const xMax = range.xMax ?? Infinity;
    if (typeof xMin !== 'number' || typeof xMax !== 'number' || Number.isNaN(xMin) || Number.isNaN(xMax) || xMin >= xMax) {
      throw new InputError(`${where}: slope needs numbers xMin < xMax, got xMin ${describe(range.xMin)}, xMax ${describe(range.xMax)}`);
    }
    for (const line of lines) {
      const idx = line.x.map((_, i) => i).filter((i) => line.x[i] >= xMin && line.x[i] <= xMax);
      if (idx.length < 2 || line.x[idx[0]] === line.x[idx[idx.length - 1]]) {
        throw new InputError(`${where}: slope needs at least two distinct x in [${xMin}, ${xMax}] for series "${line.name}", found ${idx.length}`);
      }
      const { slope, intercept } = fitLogLog(
        idx.map((i) => line.x[i]),
        idx.map((i) => line.y[i]),
      );
      const ends = [line.x[idx[0]], line.x[idx[idx.length - 1]]];
      const fitted = ends.map((v) => 10 ** (intercept + slope * Math.log10(v)));
      fits.push({ type: 'line', name: `${line.name} fit`, color: line.color, x: ends, y: fitted, style: 'dash', legend: false });
      annotations.push({ x: ends[1], y: fitted[1], text: `slope ${formatNumber(slope)}`, color: line.color });
    }
  }
  return new Figure({
    version: SPEC_VERSION,
    kind: 'lineChart',
    ...optionalTitle(optionalString(where, 'title', options.title)),
    xAxis: axisSpec(optionalString(where, 'xLabel', options.xLabel), logX),
    yAxis: axisSpec(optionalString(where, 'yLabel', options.yLabel), logY),
    traces: [...lines, ...fits],
    annotations,
  });
}

/** Least squares of log10 y = intercept + slope · log10 x. */
function fitLogLog(x: number[], y: number[]): { slope: number; intercept: number } {
  const u = x.map(Math.log10);
  const v = y.map(Math.log10);
  const mu = u.reduce((a, b) => a + b, 0) / u.length;
  const mv = v.reduce((a, b) => a + b, 0) / v.length;
  let suv = 0;
  let suu = 0;
  u.forEach((ui, i) => {
    suv += (ui - mu) * (v[i] - mv);
    suu += (ui - mu) ** 2;
  });
  const slope = suv / suu;
  return { slope, intercept: mv - slope * mu };
}

function positive(v: number, name: string, flag: string): void {
  if (!(v > 0)) throw new InputError(`lineChart: ${name} is ${v}; a log axis (${flag}: true) needs values > 0`);
}
