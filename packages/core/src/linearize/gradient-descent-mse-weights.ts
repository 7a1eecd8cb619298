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
 * closed form (Lee et al. 2019, eq. 9): with J₀ = ∂f(θ₀, 𝒳)/∂θ the Jacobian
 * of all n·k outputs, Θ₀ = J₀J₀ᵀ its (n·k)×(n·k) empirical NTK (the full
 * kernel, `empirical.ntkFn(apply, { traceAxes: [] })`, outputs coupled), N =
 * yTrain.size = n·k and τ = η·t/N,
 *   θ_t = θ₀ − J₀ᵀ Θ₀⁻¹ (I − e^{−Θ₀τ}) (f₀(𝒳) − 𝒴),
 * with f₀(𝒳) − 𝒴 the vector of its n·k entries. Θ₀ is eigendecomposed once;
 * each time then costs one backward pass at θ₀ (the product with J₀ᵀ), so J₀
 * is never formed. `t = Infinity` gives the minimum-norm change that fits the
 * training set exactly (the pseudo-inverse on null directions of Θ₀). The
 * outputs of these weights are eq. (10): `predict.gradientDescentMse` fed the
 * same full kernel.
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
 *
 * // Two outputs: Θ₀ is the full 4×4 kernel of both outputs at both inputs.
 * const net2 = stax.serial(stax.dense(256), stax.erf(), stax.dense(2));
 * const p2 = net2.init(random.key(1), 1).params;
 * const weights2 = predict.gradientDescentMseWeights(net2.apply, p2, [[-1], [1]], [[0.5, -1], [-0.5, 1]]);
 * linearize(net2.apply, p2)(weights2(Infinity), [[-1], [1]]); // [[0.5, -1], [-0.5, 1]]
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
  const k = f0.cols;
  if (y.cols !== k)
    throw new ShapeError(
      `${where}: yTrain has ${y.cols} column${y.cols === 1 ? '' : 's'} but the network has ${k} output${k === 1 ? '' : 's'}; pass one target column per output`,
    );
  // Θ₀ = J₀J₀ᵀ over all n·k outputs, example-major (row i·k + a is output a of example i).
  const theta = ntkFn(model.layer, { traceAxes: [] })(x, null, theta0);
  const { values, vectors } = spectrum(where, 'the empirical NTK Θ₀ of the training set', theta, reg);
  // The residual at t = 0, as one vector of the n·k outputs, in the eigenbasis of Θ₀.
  const z = product(
    vectors,
    new Matrix(
      y.data.length,
      1,
      f0.data.map((v, i) => v - y.data[i]),
    ),
    true,
  );
  // The loss is ½·mean over all n·k entries.
  const normalization = y.data.length;

  function weightsAt(t: number | readonly number[]): Params | Params[] {
    const times = timesArg(where, t);
    const results = times.map((time) => {
      const tau = time === Infinity ? Infinity : (learningRate * time) / normalization;
      const c = product(
        vectors,
        scaleRows(
          z,
          values.map((l) => gain(l, tau)),
        ),
      );
      // J₀ᵀc is one backward pass seeded with c as an n×k output gradient.
      const step = model.gradient(theta0, cache, new Matrix(y.rows, k, c.data));
      checkSameStructure(where, step, theta0);
      const params = cloneParams(theta0);
      axpy(params, -1, step);
      return params;
    });
    return Array.isArray(t) ? results : results[0];
  }
  return weightsAt as GradientDescentMseWeightsFn;
}
