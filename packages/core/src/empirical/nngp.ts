import { product } from '../linalg/product';
import type { Matrix } from '../matrix';
import type { InputLike } from '../tensor';
import { differentiable, type Network } from '../models/differentiable';
import type { Params } from '../stax/types';
import { kernelInputs } from './inputs';

/** An empirical kernel of one network: (x1, x2 | null, params) → kernel matrix. */
export type EmpiricalKernelFn = (x1: InputLike, x2: InputLike | null, params: Params) => Matrix;

/**
 * The empirical NNGP of one finite network, 𝒦̂(x, x′) = f(x)·f(x′)/k, the
 * outputs' covariance estimated from the k outputs (averaged over outputs,
 * like Neural Tangents' default `trace_axes=(-1,)`). Averaged over random
 * networks it converges to the NNGP of eq. (13).
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512), stax.relu(), stax.dense(10));
 * const { params } = net.init(random.key(1), 3);
 * const k = empirical.nngpFn(net.apply)([[1, 0, 0], [0, 1, 0]], null, params);
 * ```
 */
export function nngpFn(apply: Network): EmpiricalKernelFn {
  const model = differentiable('empirical.nngpFn', apply);
  return (x1, x2, params) => {
    const { a, b } = kernelInputs('empirical.nngpFn', x1, x2);
    const fa = model.forward(params, a).out;
    const fb = b === null ? fa : model.forward(params, b).out;
    const k = product(fa, fb, false, true);
    const inv = 1 / fa.cols;
    for (let i = 0; i < k.data.length; i++) k.data[i] *= inv;
    return k;
  };
}
