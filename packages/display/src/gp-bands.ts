import { InputError, ShapeError } from './errors';
import { Figure } from './figure';
import { checkOptions, describe, optionalString } from './input/options';
import { isMatrixShape, sameLength, toMatrix, toVector, type MatrixLike, type MatrixShape, type VectorLike } from './input/vector';
import { correlate, standardNormals } from './sampling';
import { axisSpec, SPEC_VERSION, type BandTrace, type LineTrace, type PointsTrace, type SliderSpec, type TraceUpdate } from './spec';

/**
 * One model's predictive distribution over 1-D inputs `x`: its mean and
 * either per-point standard deviations (`std`) or the full covariance (`cov`,
 * whose diagonal gives the band and which samples are drawn from).
 *
 * With `t`, the series is a training trajectory: `mean`, `std` and `cov` hold
 * one entry per time (e.g. the NTK-GP of eqs. 15–16 at each `t`), and the
 * figure gets a slider over `t`.
 */
export interface GpSeries {
  x: VectorLike;
  mean: VectorLike | readonly VectorLike[];
  std?: VectorLike | readonly VectorLike[];
  cov?: MatrixLike | readonly MatrixLike[];
  /** A number of samples to draw from `cov`, or sample paths (e.g. finite nets' outputs), one per entry. */
  samples?: number | readonly VectorLike[] | MatrixShape;
  /** Seed for drawn samples (default 0), so a figure is reproducible. */
  seed?: number;
  /** Half-width of the band in standard deviations (default 2: the ±2σ band). */
  sigmas?: number;
  /** Training times: makes this series a trajectory with a slider. */
  t?: VectorLike;
  /** Training points, drawn as markers. */
  train?: { x: VectorLike; y: VectorLike };
  name?: string;
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

const SERIES_OPTIONS = ['x', 'mean', 'std', 'cov', 'samples', 'seed', 'sigmas', 't', 'train', 'name', 'title', 'xLabel', 'yLabel'] as const;

/**
 * The paper's picture: the posterior mean of an infinitely wide network with
 * its ±2σ band, samples, the training points — one model, or several (NNGP,
 * NTK-GP, an ensemble of finite nets) in one figure; a slider over training
 * time `t` when a series is a trajectory.
 *
 * @example
 * ```ts
 * import { gpBands, show } from '@tangent-lab/display';
 * const x = [-1, -0.5, 0, 0.5, 1];
 * show(gpBands([
 *   { name: 'NNGP', x, mean: [0, 0.4, 0.8, 0.4, 0], std: [0.3, 0.1, 0, 0.1, 0.3] },
 *   { name: 'NTK', x, mean: [0.1, 0.4, 0.8, 0.4, 0.1], std: [0.4, 0.2, 0, 0.2, 0.4],
 *     train: { x: [0], y: [0.8] } },
 * ]));
 * ```
 */
export function gpBands(series: GpSeries | readonly GpSeries[]): Figure {
  const list = Array.isArray(series) ? (series as readonly GpSeries[]) : [series as GpSeries];
  if (list.length === 0) throw new ShapeError('gpBands: the list of series is empty; pass at least one { x, mean, std | cov }');
  const parsed = list.map((s, k) => parseSeries(s, list.length === 1 ? 'gpBands' : `gpBands: series ${k}`, k, list.length));
  const title = agree(
    parsed.map((p) => p.title),
    'title',
  );
  const xLabel = agree(
    parsed.map((p) => p.xLabel),
    'xLabel',
  );
  const yLabel = agree(
    parsed.map((p) => p.yLabel),
    'yLabel',
  );
  const times = parsed.filter((p) => p.t);
  const t = times[0]?.t;
  for (const p of times) {
    if (p.t!.length !== t!.length || p.t!.some((v, i) => v !== t![i])) {
      throw new ShapeError(`gpBands: series "${p.name}" has different times t than series "${times[0].name}"; series with a slider must share t`);
    }
  }

  const bands: BandTrace[] = [];
  const samples: LineTrace[] = [];
  const means: LineTrace[] = [];
  const points: PointsTrace[] = [];
  // Indices in the final trace list (bands, then samples, then means, then points).
  const updates: ({ kind: 'band'; index: number; frames: [number[], number[]][] } | { kind: 'sample' | 'mean'; index: number; frames: number[][] })[] = [];
  const active = t ? t.length - 1 : 0;
  parsed.forEach((p, k) => {
    const frame = p.frames[p.t ? active : 0];
    bands.push({ type: 'band', name: `${p.name} ±${p.sigmas}σ`, color: k, x: p.x, lower: frame.lower, upper: frame.upper });
    if (p.t) updates.push({ kind: 'band', index: bands.length - 1, frames: p.frames.map((f): [number[], number[]] => [f.lower, f.upper]) });
    frame.samples.forEach((y, j) => {
      samples.push({ type: 'line', name: `${p.name} samples`, color: k, x: p.x, y, style: 'thin', legend: j === 0 });
      if (p.t) updates.push({ kind: 'sample', index: samples.length - 1, frames: p.frames.map((f) => f.samples[j]) });
    });
    means.push({ type: 'line', name: p.name, color: k, x: p.x, y: frame.mean, style: 'solid', legend: true });
    if (p.t) updates.push({ kind: 'mean', index: means.length - 1, frames: p.frames.map((f) => f.mean) });
  });
  const trainSets = parsed.filter((p) => p.train);
  trainSets.forEach((p, k) => {
    const duplicate = trainSets.slice(0, k).some((q) => sameNumbers(q.train!.x, p.train!.x) && sameNumbers(q.train!.y, p.train!.y));
    if (duplicate) return;
    const name =
      trainSets.length === 1 || trainSets.every((q) => sameNumbers(q.train!.x, p.train!.x) && sameNumbers(q.train!.y, p.train!.y))
        ? 'training data'
        : `${p.name}: training data`;
    points.push({ type: 'points', name, color: parsed.indexOf(p), x: p.train!.x, y: p.train!.y });
  });

  const offset = { band: 0, sample: bands.length, mean: bands.length + samples.length };
  let slider: SliderSpec | undefined;
  if (t) {
    slider = {
      name: 't',
      values: t,
      active,
      steps: t.map((_, step): TraceUpdate[] =>
        updates.map((u) => {
          const trace = offset[u.kind] + u.index;
          if (u.kind === 'band') {
            const [lower, upper] = u.frames[step];
            return { trace, lower, upper };
          }
          return { trace, y: u.frames[step] };
        }),
      ),
    };
  }
  return new Figure({
    version: SPEC_VERSION,
    kind: 'gpBands',
    ...(title === undefined ? {} : { title }),
    xAxis: axisSpec(xLabel, false),
    yAxis: axisSpec(yLabel, false),
    traces: [...bands, ...samples, ...means, ...points],
    annotations: [],
    ...(slider ? { slider } : {}),
  });
}

interface Frame {
  mean: number[];
  lower: number[];
  upper: number[];
  samples: number[][];
}

interface ParsedSeries {
  name: string;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  sigmas: number;
  x: number[];
  t?: number[];
  frames: Frame[];
  train?: { x: number[]; y: number[] };
}

function parseSeries(s: GpSeries, where: string, k: number, count: number): ParsedSeries {
  checkOptions(where, s, SERIES_OPTIONS);
  const name = optionalString(where, 'name', s.name) ?? (count === 1 ? 'mean' : `series ${k + 1}`);
  const x = toVector(s.x, { where, name: 'x' });
  const n = x.length;
  // Lines and bands are drawn left to right, so points are sorted by x.
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  const sort = (v: number[]) => order.map((i) => v[i]);
  const sigmas = s.sigmas ?? 2;
  if (typeof sigmas !== 'number' || !(sigmas > 0) || !Number.isFinite(sigmas)) {
    throw new InputError(`${where}: sigmas must be a positive number (2 for a ±2σ band), got ${describe(sigmas)}`);
  }
  if (s.std !== undefined && s.cov !== undefined) throw new InputError(`${where}: pass either std or cov, not both`);
  if (s.std === undefined && s.cov === undefined)
    throw new InputError(`${where}: pass std (per-point standard deviations) or cov (the covariance matrix) for the band`);

  const t = s.t === undefined ? undefined : toVector(s.t, { where, name: 't' });
  const perTime = <T>(value: unknown, name: string): T[] => {
    if (!t) return [value as T];
    if (!Array.isArray(value) || isMatrixShape(value) || value.some((v) => typeof v === 'number')) {
      throw new ShapeError(`${where}: with t, ${name} must be a list with one entry per time (${t.length}), got ${describe(value)}`);
    }
    sameLength(where, name, value, t.length, 't');
    return value as T[];
  };
  const means = perTime<VectorLike>(s.mean, 'mean').map((m, j) => toVector(m, { where, name: t ? `mean[${j}]` : 'mean' }));
  means.forEach((m, j) => sameLength(where, t ? `mean[${j}]` : 'mean', m, n, 'x'));

  let stds: number[][];
  let covs: number[][][] | undefined;
  if (s.std !== undefined) {
    stds = perTime<VectorLike>(s.std, 'std').map((v, j) => {
      const label = t ? `std[${j}]` : 'std';
      const std = toVector(v, { where, name: label });
      sameLength(where, label, std, n, 'x');
      std.forEach((sd, i) => {
        if (sd < 0) throw new InputError(`${where}: ${label}[${i}] is ${sd}; standard deviations must be ≥ 0`);
      });
      return std;
    });
  } else {
    covs = perTime<MatrixLike>(s.cov, 'cov').map((c, j) => {
      const label = t ? `cov[${j}]` : 'cov';
      const cov = toMatrix(c, { where, name: label });
      if (cov.length !== n || cov[0].length !== n) {
        throw new ShapeError(`${where}: ${label} is ${cov.length}×${cov[0].length} but x has ${n} points; cov must be ${n}×${n}`);
      }
      return cov;
    });
    stds = covs.map((cov, j) => diagonalStd(cov, where, t ? `cov[${j}]` : 'cov'));
  }

  const sampleCount = typeof s.samples === 'number' ? s.samples : 0;
  let paths: number[][] = [];
  if (typeof s.samples === 'number') {
    if (!Number.isInteger(s.samples) || s.samples < 0)
      throw new InputError(`${where}: samples must be a whole number ≥ 0 or a list of sample paths, got ${s.samples}`);
    if (!covs && s.samples > 0) throw new InputError(`${where}: drawing samples needs cov (the full covariance); with std only the band is known`);
  } else if (s.samples !== undefined) {
    if (t) throw new InputError(`${where}: with t, samples must be a number of samples to draw from cov; sample paths would need one set per time`);
    paths = readPaths(s.samples, n, where);
  }
  const seed = s.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new InputError(`${where}: seed must be an integer, got ${describe(seed)}`);
  // The same standard normals at every time make sample paths move smoothly with t.
  const zs = standardNormals(sampleCount, n, seed);

  const frames = means.map((mean, j): Frame => {
    const drawn = covs && sampleCount > 0 ? correlate(mean, covs[j], zs, where) : paths;
    return {
      mean: sort(mean),
      lower: sort(mean.map((m, i) => m - sigmas * stds[j][i])),
      upper: sort(mean.map((m, i) => m + sigmas * stds[j][i])),
      samples: drawn.map(sort),
    };
  });

  let train: ParsedSeries['train'];
  if (s.train !== undefined) {
    checkOptions(`${where}: train`, s.train, ['x', 'y']);
    const tx = toVector(s.train.x, { where, name: 'train.x' });
    const ty = toVector(s.train.y, { where, name: 'train.y' });
    sameLength(where, 'train.y', ty, tx.length, 'train.x');
    train = { x: tx, y: ty };
  }
  return {
    name,
    title: optionalString(where, 'title', s.title),
    xLabel: optionalString(where, 'xLabel', s.xLabel),
    yLabel: optionalString(where, 'yLabel', s.yLabel),
    sigmas,
    x: sort(x),
    t,
    frames,
    train,
  };
}

/**
 * √diag(cov). Round-off leaves posterior variances at training points slightly
 * negative; those within 1e-10 of the largest variance count as 0, anything
 * more negative is an error.
 */
function diagonalStd(cov: number[][], where: string, name: string): number[] {
  const diag = cov.map((row, i) => row[i]);
  const scale = diag.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  return diag.map((v, i) => {
    if (v < -1e-10 * scale) throw new InputError(`${where}: ${name}[${i}][${i}] is ${v}; variances must be ≥ 0`);
    return Math.sqrt(Math.max(v, 0));
  });
}

/** Sample paths: a list of vectors, or a matrix whose columns are the samples (rows are examples). */
function readPaths(samples: unknown, n: number, where: string): number[][] {
  if (isMatrixShape(samples)) {
    if (samples.rows !== n)
      throw new ShapeError(`${where}: samples is ${samples.rows}×${samples.cols}; a matrix of samples has one row per x (${n}) and one column per sample`);
    const m = toMatrix(samples, { where, name: 'samples' });
    return m[0].map((_, j) => m.map((row) => row[j]));
  }
  if (!Array.isArray(samples)) throw new ShapeError(`${where}: samples must be a number or a list of sample paths, got ${describe(samples)}`);
  return samples.map((path, j) => {
    const v = toVector(path, { where, name: `samples[${j}]` });
    sameLength(where, `samples[${j}]`, v, n, 'x');
    return v;
  });
}

function agree(values: (string | undefined)[], name: string): string | undefined {
  const given = values.filter((v): v is string => v !== undefined);
  if (given.some((v) => v !== given[0]))
    throw new InputError(`gpBands: series give different ${name}s (${given.map((v) => JSON.stringify(v)).join(', ')}); give it once`);
  return given[0];
}

function sameNumbers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
