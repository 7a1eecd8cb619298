import { InputError, ShapeError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';
import { nativeSymmetryDefect, type SymmetryDefect } from '../native/matrix-passes';

/** A matrix argument of the prediction functions, with its expected shape checked. */
export function matrixArg(where: string, name: string, value: MatrixLike, rows?: number, cols?: number): Matrix {
  const m = Matrix.from(value, name);
  if ((rows !== undefined && m.rows !== rows) || (cols !== undefined && m.cols !== cols)) {
    throw new ShapeError(`${where}: ${name} is ${m.rows}×${m.cols} but must be ${rows ?? m.rows}×${cols ?? m.cols}`);
  }
  return m;
}

/**
 * A train-train kernel: square, symmetric, n×n for n training examples — or,
 * when the caller accepts the full multi-output kernel (`outputs` = k > 1),
 * also (n·k)×(n·k) (`empirical.ntkFn(f, { traceAxes: [] })`'s layout).
 */
export function trainKernelArg(where: string, name: string, value: MatrixLike, n: number, outputs?: number): Matrix {
  // A non-empty Matrix is checked for finite values in the same pass as for symmetry, below; anything else goes through matrixArg first.
  const k = value instanceof Matrix && value.rows > 0 && value.cols > 0 ? value : matrixArg(where, name, value);
  if (k.rows !== k.cols) throw new ShapeError(`${where}: ${name} must be square (train × train), got ${k.rows}×${k.cols}`);
  const full = outputs !== undefined && outputs > 1 && k.rows === n * outputs;
  if (k.rows !== n && !full) {
    if (outputs !== undefined && outputs > 1) {
      throw new ShapeError(
        `${where}: ${name} is ${k.rows}×${k.cols} but yTrain has ${n} rows and ${outputs} columns; pass the ${n}×${n} output-averaged kernel of the training inputs, or the full ${n * outputs}×${n * outputs} multi-output kernel (empirical.ntkFn(f, { traceAxes: [] }))`,
      );
    }
    const hint =
      k.rows > n && k.rows % n === 0
        ? `; a ${k.rows}×${k.cols} kernel looks like a full multi-output kernel (traceAxes: []), which only predict.gradientDescentMse accepts: compute the output-averaged kernel (the default traceAxes) for this predictor`
        : '; the kernel must be computed on the training inputs';
    throw new ShapeError(`${where}: ${name} is ${k.rows}×${k.cols} but yTrain has ${n} rows${hint}`);
  }
  const { asym, maxAbs, finite } = symmetryDefect(k);
  if (!finite) matrixArg(where, name, k); // says where the first non-finite value is
  if (asym > 1e-10 * Math.max(maxAbs, Number.MIN_VALUE)) {
    throw new ShapeError(`${where}: ${name} is not symmetric (max |k_ij − k_ji| = ${asym.toExponential(3)}); pass the kernel of the training set with itself`);
  }
  return k;
}

/**
 * Largest |k_ij − k_ji|, largest |k_ij|, and whether every entry is finite,
 * of a square matrix in one pass, tile by tile so that the transposed reads
 * stay in cache: one read of a 2000×2000 kernel, where checking finiteness,
 * scale and symmetry separately read it three times (and rows against
 * columns several times slower). In native code where it runs
 * (`native/matrix-passes.c`, vectorised: about a third of the time).
 */
export function symmetryDefect(k: Matrix): SymmetryDefect {
  const n = k.rows;
  const a = k.data;
  const native = nativeSymmetryDefect(a, n);
  if (native !== null) return native;
  let maxAbs = 0;
  let asym = 0;
  // Stays 0 unless some entry is ±Infinity or NaN (then v − v is NaN).
  let poison = 0;
  const tile = 64;
  for (let i0 = 0; i0 < n; i0 += tile) {
    const i1 = Math.min(n, i0 + tile);
    for (let j0 = i0; j0 < n; j0 += tile) {
      const j1 = Math.min(n, j0 + tile);
      for (let i = i0; i < i1; i++) {
        const start = j0 > i ? j0 : i;
        for (let j = start, upper = i * n + start, lower = start * n + i; j < j1; j++, upper++, lower += n) {
          const u = a[upper];
          const l = a[lower];
          poison += u - u + (l - l);
          const d = u - l;
          if (d > asym) asym = d;
          else if (-d > asym) asym = -d;
          const mu = u < 0 ? -u : u;
          const ml = l < 0 ? -l : l;
          if (mu > maxAbs) maxAbs = mu;
          if (ml > maxAbs) maxAbs = ml;
        }
      }
    }
  }
  return { asym, maxAbs, finite: poison === 0 };
}

/** learningRate: a positive finite number. */
export function learningRateArg(where: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new InputError(`${where}: learningRate must be a positive finite number, got ${String(value)}`);
  }
  return value;
}

/** diagReg: a non-negative finite number (relative to the mean of the kernel's diagonal, as in Neural Tangents). */
export function diagRegArg(where: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new InputError(`${where}: diagReg must be a non-negative finite number, got ${String(value)}`);
  }
  return value;
}

/**
 * The diagonal regulariser of a train-train kernel, as Neural Tangents'
 * `diag_reg` and `diag_reg_absolute_scale`: K + diagReg·(tr K / n)·I, or
 * K + diagReg·I when `absolute`.
 */
export interface Regularizer {
  diagReg: number;
  absolute: boolean;
}

/** Reads `diagReg` and `diagRegAbsoluteScale` from a predictor's options. */
export function regularizerArg(where: string, options: { diagReg?: unknown; diagRegAbsoluteScale?: unknown }): Regularizer {
  const absolute = options.diagRegAbsoluteScale ?? false;
  if (typeof absolute !== 'boolean') {
    throw new InputError(
      `${where}: diagRegAbsoluteScale must be true (diagReg is added to the diagonal as is) or false (diagReg is relative to the mean of the diagonal), got ${String(absolute)}`,
    );
  }
  return { diagReg: diagRegArg(where, options.diagReg ?? 0), absolute };
}

/** The amount added to each diagonal entry of the n×n kernel k. */
export function diagonalShift(k: Matrix, reg: Regularizer): number {
  return reg.absolute ? reg.diagReg : (reg.diagReg * k.trace()) / k.rows;
}

/** Training time(s): each ≥ 0 (Infinity allowed unless `allowInfinity` is false). */
export function timesArg(where: string, t: unknown, allowInfinity = true): number[] {
  const list = Array.isArray(t) ? t : [t];
  if (list.length === 0) throw new InputError(`${where}: t is an empty array; pass a time or a non-empty array of times`);
  for (const v of list) {
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0) {
      throw new InputError(`${where}: training time t must be a non-negative number (or Infinity), got ${String(v)}`);
    }
    if (!allowInfinity && !Number.isFinite(v)) {
      throw new InputError(
        `${where}: t = Infinity cannot be integrated; pass finite times (for MSE, predict.gradientDescentMse gives t = Infinity in closed form)`,
      );
    }
  }
  return list as number[];
}
