import { ShapeError } from '../errors';
import { ntkFn } from '../empirical/ntk';
import { product } from '../linalg/product';
import { Matrix, type MatrixLike } from '../matrix';
import { differentiable, type Network } from '../models/differentiable';
import { checkOptions } from '../options';
import { axpy, checkSameStructure, cloneParams } from '../params/tree';
import type { Params } from '../stax/types';
import { learningRateArg, matrixArg, regularizerArg, timesArg } from '../predict/inputs';
import { scaleRows } from '../predict/scale-rows';
import { gain, spectrum } from '../predict/spectrum';

export interface GradientDescentMseWeightsOptions {
  /** η; training time is measured in units of it (default 1). */
  learningRate?: number;
  /** Diagonal regulariser relative to mean(diag Θ₀) (default 0). */
  diagReg?: number;
  /** Add `diagReg` to the diagonal as is, not scaled by mean(diag Θ₀) (default false). */
  diagRegAbsoluteScale?: boolean;
}

/** The weights function returned by {@link gradientDescentMseWeights}. */
export interface GradientDescentMseWeightsFn {
  (t: number): Params;
  (t: readonly number[]): Params[];
}

/**
 * The weights of a linearized network trained by gradient flow on MSE, in
 * closed form (Lee et al. 2019, eq. 9): with J₀ = ∂f(θ₀, 𝒳)/∂θ, Θ₀ = J₀J₀ᵀ its empirical NTK,
 * N = yTrain.size and τ = η·t/N,
 *   θ_t = θ₀ − J₀ᵀ Θ₀⁻¹ (I − e^{−Θ₀τ}) (f₀(𝒳) − 𝒴).
 * Θ₀ is eigendecomposed once; each time then costs one backward pass at θ₀
 * (the product with J₀ᵀ), so J₀ is never formed. `t = Infinity` gives the
 * minimum-norm change that fits the training set exactly (the pseudo-inverse
 * on null directions of Θ₀). The network must have one output: with several,
 * eq. 9 needs the output–output blocks of Θ₀ that the averaged empirical NTK
 * (Neural Tangents' default `trace_axes`) leaves out.
 *
 * This is what `train.gradientDescent(linearize(apply, params0), …)` converges
 * to as the learning rate goes to 0 at fixed t = steps · learningRate. It
 * lives beside `linearize` (it needs the network), and `predict` re-exports it
 * under its public name.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(256), stax.erf(), stax.dense(1));
 * const { params } = net.init(random.key(0), 1);
 * const weightsAt = predict.gradientDescentMseWeights(net.apply, params, [[-1], [1]], [[0.5], [-0.5]]);
 * const trained = weightsAt(Infinity);
 * net.apply(trained, [[-1], [1]]); // ≈ the targets, to first order in θ − θ₀
 * ```
 */
export function gradientDescentMseWeights(
  apply: Network,
  params0: Params,
  xTrain: MatrixLike,
  yTrain: MatrixLike,
  options: GradientDescentMseWeightsOptions = {},
): GradientDescentMseWeightsFn {
  const where = 'predict.gradientDescentMseWeights';
  checkOptions(where, options, ['learningRate', 'diagReg', 'diagRegAbsoluteScale']);
  const model = differentiable(where, apply);
  const x = matrixArg(where, 'xTrain', xTrain).clone(); // the forward cache below may keep it
  const y = matrixArg(where, 'yTrain', yTrain, x.rows);
  const learningRate = learningRateArg(where, options.learningRate ?? 1);
  const reg = regularizerArg(where, options);
  // θ₀ is copied: updating params0 in place later must not move these weights.
  const theta0 = cloneParams(params0);
  const { out: f0, cache } = model.forward(theta0, x);
  if (f0.cols !== 1) {
    throw new ShapeError(`${where}: the network has ${f0.cols} outputs; eq. 9 is computed here for one output (train one network per output column)`);
  }
  if (y.cols !== 1) throw new ShapeError(`${where}: yTrain has ${y.cols} columns but the network has one output`);
  const theta = ntkFn(model.layer)(x, null, theta0);
  const { values, vectors } = spectrum(where, 'the empirical NTK Θ₀ of the training set', theta, reg);
  // The residual at t = 0 in the eigenbasis of Θ₀.
  const z = product(vectors, new Matrix(y.rows, 1, f0.data.map((v, i) => v - y.data[i])), true);
  const normalization = y.rows;

  function weightsAt(t: number | readonly number[]): Params | Params[] {
    const times = timesArg(where, t);
    const results = times.map((time) => {
      const tau = time === Infinity ? Infinity : (learningRate * time) / normalization;
      const coefficients = product(vectors, scaleRows(z, values.map((l) => gain(l, tau))));
      const step = model.gradient(theta0, cache, coefficients);
      checkSameStructure(where, step, theta0);
      const params = cloneParams(theta0);
      axpy(params, -1, step);
      return params;
    });
    return Array.isArray(t) ? results : results[0];
  }
  return weightsAt as GradientDescentMseWeightsFn;
}
