import { InputError, ShapeError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { product } from '../linalg/product';
import { Matrix, type MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { ContentKey } from '../content-key';
import type { Get } from '../stax/types';
import type { Gaussian } from './gp-inference';
import { diagRegArg, learningRateArg, matrixArg, timesArg, trainKernelArg } from './inputs';
import { scaleColumns, scaleRows } from './scale-rows';
import { decay, gain, learned, spectrum, type Spectrum } from './spectrum';

/** A kernel function such as a layer's `kernel`: (x1, x2 | null, get) → that kernel. */
export type EnsembleKernelFn = (x1: MatrixLike, x2: MatrixLike | null, get: Get) => Matrix;

export interface EnsembleQuery {
  /** Test inputs; omitted: predictions on the training inputs. */
  xTest?: MatrixLike;
  /** `'ntk'` (all layers trained, eqs. 15–16; default) or `'nngp'` (readout only, S30–S31). */
  get?: Get;
  /** Training time(s) (default Infinity). */
  t?: number | readonly number[];
  /** Also return the covariance over random initialisations (default false). */
  computeCov?: boolean;
}

/** The prediction function returned by {@link gradientDescentMseEnsemble}. */
export interface EnsemblePredictFn {
  (query?: EnsembleQuery & { t?: number }): Gaussian;
  (query: EnsembleQuery & { t: readonly number[] }): Gaussian[];
}

interface Projected {
  /** Θ(x, 𝒳) V (or V when predicting on the training set). */
  a: Matrix;
  /** Vᵀ 𝒦(𝒳, x) — NTK covariance only. */
  c?: Matrix;
  /** 𝒦(x, x). */
  kxx?: Matrix;
}

/**
 * The mean and covariance, over random initialisations, of an infinite
 * ensemble of infinitely wide networks trained by gradient flow on MSE for time
 * t (Neural Tangents' `predict.gradient_descent_mse_ensemble`). With Θ the
 * train-train kernel of `get`, 𝒦 the NNGP, N = yTrain.size, τ = η·t/N and
 * M = Θ⁻¹(I − e^{−Θτ}):
 * - `get: 'ntk'` (every layer trained), eqs. (15)–(16):
 *     μ(x) = Θ(x, 𝒳) M 𝒴,
 *     Σ(x, x′) = 𝒦(x, x′) − Θ(x, 𝒳) M 𝒦(𝒳, x′) − 𝒦(x, 𝒳) M Θ(𝒳, x′) + Θ(x, 𝒳) M 𝒦 M Θ(𝒳, x′).
 * - `get: 'nngp'` (readout layer only), eqs. (S30)–(S31) with Θ = 𝒦:
 *     μ(x) = 𝒦(x, 𝒳) 𝒦⁻¹(I − e^{−𝒦τ}) 𝒴,  Σ = 𝒦(x, x′) − 𝒦(x, 𝒳) 𝒦⁻¹(I − e^{−2𝒦τ}) 𝒦(𝒳, x′).
 *   The factor 2 in the exponent is what eq. (16) gives with Θ = 𝒦 (and what
 *   Neural Tangents computes); eq. (S31) as printed in the paper has e^{−η𝒦t}.
 *   As t → ∞ both become the NNGP posterior of eq. (14).
 * Kernels (train-train, test-train, test-test) and the eigendecomposition of
 * each train-train kernel are computed once and cached; the last test set's
 * projections are cached too, keyed on its contents (never on the array
 * object), so many times t cost one matrix product each. `xTrain` and
 * `yTrain` are copied; `kernelFn` must be a pure function of its arguments.
 *
 * @param kernelFn - e.g. `net.kernel`.
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(1, { wStd: 1.5, bStd: 0.05 }));
 * const xTrain = [[-1], [0], [1]];
 * const predictFn = predict.gradientDescentMseEnsemble(net.kernel, xTrain, [[-0.8], [0], [0.8]], { diagReg: 1e-4 });
 * const { mean, cov } = predictFn({ xTest: [[0.5]], get: 'ntk', t: 10, computeCov: true });
 * ```
 */
export function gradientDescentMseEnsemble(
  kernelFn: EnsembleKernelFn,
  xTrain: MatrixLike,
  yTrain: MatrixLike,
  options: { learningRate?: number; diagReg?: number } = {},
): EnsemblePredictFn {
  const where = 'predict.gradientDescentMseEnsemble';
  checkOptions(where, options, ['learningRate', 'diagReg']);
  if (typeof kernelFn !== 'function') throw new InputError(`${where}: kernelFn must be a kernel function such as net.kernel`);
  const x = matrixArg(where, 'xTrain', xTrain).clone();
  const y = matrixArg(where, 'yTrain', yTrain, x.rows).clone();
  const learningRate = learningRateArg(where, options.learningRate ?? 1);
  const diagReg = diagRegArg(where, options.diagReg ?? 0);
  const normalization = y.data.length;

  const kernel = (g: Get, x1: Matrix, x2: Matrix | null): Matrix => {
    const k = kernelFn(x1, x2, g);
    if (!(k instanceof Matrix)) throw new InputError(`${where}: kernelFn(x1, x2, '${g}') must return a Matrix`);
    return matrixArg(where, `kernelFn(…, '${g}')`, k, x1.rows, (x2 ?? x1).rows);
  };
  const trainKernels = new Map<Get, Matrix>();
  const trainKernel = (g: Get): Matrix => {
    let k = trainKernels.get(g);
    if (!k) {
      k = trainKernelArg(where, `the ${g} of xTrain`, kernel(g, x, null), x.rows);
      trainKernels.set(g, k);
    }
    return k;
  };
  const spectra = new Map<Get, Spectrum>();
  const eigen = (g: Get): Spectrum => {
    let s = spectra.get(g);
    if (!s) {
      s = spectrum(where, `the ${g} of xTrain`, trainKernel(g), diagReg);
      spectra.set(g, s);
    }
    return s;
  };
  /** Vᵀ𝒴 and Vᵀ𝒦V per kernel: shared by every query. */
  const rotatedTargets = new Map<Get, Matrix>();
  const rotatedNngp = new Map<Get, Matrix>();
  let lastTest: { key: ContentKey; g: Get; cov: boolean; value: Projected } | undefined;

  const project = (g: Get, xTest: Matrix | null, withCov: boolean): Projected => {
    const { vectors } = eigen(g);
    if (xTest === null) return { a: vectors };
    const a = product(kernel(g, xTest, x), vectors);
    if (!withCov) return { a };
    const kxx = kernel('nngp', xTest, null);
    const c = g === 'ntk' ? product(vectors, kernel('nngp', xTest, x), true, true) : undefined;
    return { a, c, kxx };
  };

  function predictFn(query: EnsembleQuery = {}): Gaussian | Gaussian[] {
    checkOptions(where, query, ['xTest', 'get', 't', 'computeCov']);
    const { get = 'ntk', t = Infinity, computeCov = false } = query;
    if (get !== 'ntk' && get !== 'nngp') throw new InputError(`${where}: get must be 'ntk' or 'nngp', got ${JSON.stringify(get)}`);
    const times = timesArg(where, t);
    const xTest = query.xTest === undefined ? null : matrixArg(where, 'xTest', query.xTest);
    if (xTest !== null && xTest.cols !== x.cols) {
      throw new ShapeError(`${where}: xTest has ${xTest.cols} features but xTrain has ${x.cols}`);
    }
    const { values, vectors } = eigen(get);
    let vy = rotatedTargets.get(get);
    if (!vy) {
      vy = product(vectors, y, true);
      rotatedTargets.set(get, vy);
    }
    let projected: Projected;
    if (xTest !== null && lastTest && lastTest.g === get && (lastTest.cov || !computeCov) && lastTest.key.matches(xTest)) {
      projected = lastTest.value;
    } else {
      projected = project(get, xTest, computeCov);
      if (xTest !== null) lastTest = { key: new ContentKey(xTest), g: get, cov: computeCov, value: projected };
    }
    let rotatedK: Matrix | undefined;
    if (computeCov && get === 'ntk') {
      rotatedK = rotatedNngp.get(get);
      if (!rotatedK) {
        rotatedK = product(vectors, product(trainKernel('nngp'), vectors), true);
        rotatedNngp.set(get, rotatedK);
      }
    }

    const results = times.map((time): Gaussian => {
      const tau = time === Infinity ? Infinity : (learningRate * time) / normalization;
      if (xTest === null) return onTrainingSet(get, values, vectors, vy as Matrix, tau, computeCov ? trainKernel('nngp') : null);
      // μ = Θ(x, 𝒳) V · gain · Vᵀ𝒴 (eqs. 15, S30).
      const g = values.map((l) => gain(l, tau));
      const b = scaleColumns(projected.a, g);
      const out: Gaussian = { mean: product(b, vy as Matrix) };
      if (computeCov) {
        const kxx = projected.kxx as Matrix;
        if (get === 'nngp') {
          // S31 (with e^{−2𝒦τ}, see above): 𝒦(x, x′) − (A√g₂)(A√g₂)ᵀ, one symmetric rank-n update (dsyrk).
          const root = values.map((l) => Math.sqrt(gain(l, tau === Infinity ? Infinity : 2 * tau)));
          const half = scaleColumns(projected.a, root);
          const reduction = new Matrix(half.rows, half.rows);
          activeBackend().syrk(half.rows, half.cols, half.data, reduction.data);
          out.cov = new Matrix(kxx.rows, kxx.cols, kxx.data.map((v, i) => v - reduction.data[i]));
        } else {
          // eq. 16 with B = Θ(x, 𝒳) M V, C = Vᵀ𝒦(𝒳, x), G = Vᵀ𝒦V: 𝒦(x, x′) − BC − (BC)ᵀ + B G Bᵀ.
          const bc = product(b, projected.c as Matrix);
          const bgb = product(product(b, rotatedK as Matrix), b, false, true);
          const m = kxx.rows;
          const cov = new Matrix(m, m);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < m; j++) {
              cov.data[i * m + j] = kxx.data[i * m + j] - bc.data[i * m + j] - bc.data[j * m + i] + bgb.data[i * m + j];
            }
          }
          out.cov = cov;
        }
      }
      return out;
    });
    return Array.isArray(t) ? results : results[0];
  }
  return predictFn as EnsemblePredictFn;
}

/**
 * Predictions on the training inputs themselves: μ = V(1 − e^{−Λτ})Vᵀ𝒴 and
 * Σ = V Λe^{−2Λτ} Vᵀ (readout only) or e^{−Θτ} 𝒦 e^{−Θτ} (all layers) —
 * the variance that training has not yet removed.
 */
function onTrainingSet(get: Get, values: Float64Array, vectors: Matrix, vy: Matrix, tau: number, nngp: Matrix | null): Gaussian {
  const out: Gaussian = { mean: product(vectors, scaleRows(vy, values.map((l) => learned(l, tau)))) };
  if (nngp !== null) {
    if (get === 'nngp') {
      const w = values.map((l) => l * decay(l, tau === Infinity ? Infinity : 2 * tau));
      out.cov = product(scaleColumns(vectors, w), vectors, false, true);
    } else {
      const e = product(scaleColumns(vectors, values.map((l) => decay(l, tau))), vectors, false, true);
      out.cov = product(product(e, nngp), e);
    }
  }
  return out;
}
