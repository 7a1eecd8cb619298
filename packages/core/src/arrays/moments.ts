import { InputError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { Tensor } from '../tensor';
import { isVectorInput, vectorArg, type VectorLike } from './vector';

/** Options of {@link std}. */
export interface StdOptions {
  /** Delta degrees of freedom: the sum of squares is divided by n − ddof (numpy's default 0; 1 for the unbiased variance). */
  ddof?: number;
}

/**
 * The mean, as `numpy.mean`: of all entries without `axis`; along an axis a
 * matrix gives a `Float64Array` (axis 0: the mean of each column, i.e. over
 * examples; axis 1: of each row) and a tensor gives a tensor without that
 * axis. Negative axes count from the end.
 *
 * @example
 * ```ts
 * mean([[1, 2], [3, 4]], 0); // Float64Array [2, 3]
 * ```
 */
export function mean(x: Tensor, axis: number): Tensor;
export function mean(x: VectorLike | MatrixLike | Tensor): number;
export function mean(x: MatrixLike, axis: number): Float64Array;
export function mean(x: VectorLike | MatrixLike | Tensor, axis?: number): number | Float64Array | Tensor {
  return reduce('mean', x, axis, (data, start, count, stride) => sum(data, start, count, stride) / count);
}

/**
 * The standard deviation, as `numpy.std` (population, ddof = 0, by
 * default), with the same `axis` rules as {@link mean}. Two passes (mean,
 * then squared deviations), so it stays accurate when the mean is large.
 */
export function std(x: Tensor, axis: number, options?: StdOptions): Tensor;
export function std(x: VectorLike | MatrixLike | Tensor, axis?: undefined, options?: StdOptions): number;
export function std(x: MatrixLike, axis: number, options?: StdOptions): Float64Array;
export function std(x: VectorLike | MatrixLike | Tensor, axis?: number, options: StdOptions = {}): number | Float64Array | Tensor {
  checkOptions('std', options, ['ddof']);
  const ddof = options.ddof ?? 0;
  if (!Number.isInteger(ddof) || ddof < 0) throw new InputError(`std: ddof must be a non-negative integer, got ${String(ddof)}`);
  return reduce('std', x, axis, (data, start, count, stride) => {
    if (count - ddof <= 0) throw new InputError(`std: ddof = ${ddof} needs more than ${ddof} values along the axis, got ${count}`);
    const m = sum(data, start, count, stride) / count;
    let s = 0;
    for (let k = 0; k < count; k++) {
      const d = data[start + k * stride] - m;
      s += d * d;
    }
    return Math.sqrt(s / (count - ddof));
  });
}

type Reducer = (data: Float64Array, start: number, count: number, stride: number) => number;

function sum(data: Float64Array, start: number, count: number, stride: number): number {
  let s = 0;
  for (let k = 0; k < count; k++) s += data[start + k * stride];
  return s;
}

/** Applies `f` to every line along `axis` of a row-major array of `shape`. */
function reduce(where: string, x: VectorLike | MatrixLike | Tensor, axis: number | undefined, f: Reducer): number | Float64Array | Tensor {
  const tensor = x instanceof Tensor ? Tensor.from(x, `${where}: x`) : null;
  let shape: number[];
  let data: Float64Array;
  if (tensor) {
    ({ shape, data } = tensor);
  } else if (isVectorInput(x)) {
    data = vectorArg(where, 'x', x);
    shape = [data.length];
  } else {
    const m = Matrix.from(x, `${where}: x`);
    ({ data } = m);
    shape = [m.rows, m.cols];
  }
  if (axis === undefined) return f(data, 0, data.length, 1);
  if (!Number.isInteger(axis) || axis < -shape.length || axis >= shape.length) {
    throw new InputError(
      `${where}: axis ${String(axis)} is out of range for ${shape.length === 1 ? 'a vector' : `shape [${shape.join(', ')}]`}; pass ${shape.length === 1 ? '0 or nothing' : `0…${shape.length - 1} (or negative from the end)`}`,
    );
  }
  const a = axis < 0 ? axis + shape.length : axis;
  const outer = shape.slice(0, a).reduce((p, q) => p * q, 1);
  const inner = shape.slice(a + 1).reduce((p, q) => p * q, 1);
  const count = shape[a];
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) out[o * inner + i] = f(data, o * count * inner + i, count, inner);
  }
  if (tensor)
    return new Tensor(
      shape.filter((_, d) => d !== a),
      out,
    );
  if (shape.length === 1) return out[0];
  return out;
}
