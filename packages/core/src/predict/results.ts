import type { Matrix } from '../matrix';

/**
 * What the predictors return. Fields are named (`mean`, `cov`, `train`,
 * `test`, `nngp`, `ntk`), and each result also destructures in Neural
 * Tangents' tuple order — `const [mean, cov] = …`, `const [train, test] = …`,
 * `const [nngp, ntk] = …` — through a non-enumerable iterator, so printing and
 * deep equality see only the fields.
 */

/**
 * A Gaussian over outputs: its mean (m×k) and, when asked for, its
 * covariance (m×m, shared by the k outputs) or only its diagonal, the
 * variance of each test point (`computeCov: 'diagonal'`).
 */
export interface Gaussian {
  mean: Matrix;
  cov?: Matrix;
  variance?: Float64Array;
  /** `[mean, cov]` (or `[mean, variance]`), Neural Tangents' `Gaussian(mean, covariance)` order. */
  [Symbol.iterator](): Iterator<Matrix | Float64Array | undefined>;
}

/** A {@link Gaussian} with its full covariance. */
export interface GaussianWithCov extends Gaussian {
  cov: Matrix;
  variance?: undefined;
  [Symbol.iterator](): Iterator<Matrix>;
}

/** A {@link Gaussian} with the variance of each point only (`computeCov: 'diagonal'`). */
export interface GaussianWithVariance extends Gaussian {
  cov?: undefined;
  variance: Float64Array;
}

/** A {@link Gaussian} with its mean only (`computeCov: false`). */
export interface MeanOnly extends Gaussian {
  cov?: undefined;
  variance?: undefined;
  [Symbol.iterator](): Iterator<Matrix | undefined>;
}

/**
 * The Gaussian type that `computeCov: C` gives. (`undefined` is tested first:
 * without strictNullChecks, as in tslab, it is assignable to every type.)
 */
export type GaussianFor<C> = [C] extends [undefined]
  ? MeanOnly
  : [C] extends [true]
    ? GaussianWithCov
    : [C] extends ['diagonal']
      ? GaussianWithVariance
      : [C] extends [false]
        ? MeanOnly
        : Gaussian;

/** One result per kernel asked for (`get` as a list), destructuring in the order asked. */
export type ByGet<K extends string, X> = { [P in K]: X } & Iterable<X>;

/** Outputs on the training set and, when a test-train kernel was given, on the test set. */
export interface Prediction {
  train: Matrix;
  test?: Matrix;
  /** `[train, test]`, Neural Tangents' `(fx_train_t, fx_test_t)` order. */
  [Symbol.iterator](): Iterator<Matrix | undefined>;
}

/** A {@link Prediction} with test outputs (a `kTestTrain` was given). */
export interface PredictionWithTest extends Prediction {
  test: Matrix;
  [Symbol.iterator](): Iterator<Matrix>;
}

/** A {@link Prediction} on the training set only. */
export interface TrainPrediction extends Prediction {
  test?: undefined;
}

/** Makes `fields` destructure as `[fields[order[0]], fields[order[1]], …]`. */
function iterableAs<T extends object>(fields: T, order: readonly string[]): T {
  Object.defineProperty(fields, Symbol.iterator, {
    enumerable: false,
    value: function* iterate() {
      for (const key of order) yield (fields as Record<string, unknown>)[key];
    },
  });
  return fields;
}

/** A Gaussian result; `cov` or `variance` only when computed. */
export function gaussian(mean: Matrix, spread?: { cov?: Matrix; variance?: Float64Array }): Gaussian {
  const out: { mean: Matrix; cov?: Matrix; variance?: Float64Array } = { mean };
  if (spread?.cov) out.cov = spread.cov;
  if (spread?.variance) out.variance = spread.variance;
  return iterableAs(out, ['mean', out.variance ? 'variance' : 'cov']) as Gaussian;
}

/** A prediction result; `test` only when computed. */
export function prediction(train: Matrix, test?: Matrix | null): Prediction {
  const out: { train: Matrix; test?: Matrix } = { train };
  if (test) out.test = test;
  return iterableAs(out, ['train', 'test']) as Prediction;
}

/** Results per kernel, destructuring in the order of `gets`. */
export function byGet<X>(gets: readonly string[], value: (g: string) => X): ByGet<string, X> {
  const out: Record<string, X> = {};
  for (const g of gets) out[g] = value(g);
  return iterableAs(out, gets) as ByGet<string, X>;
}
