import { exampleCount } from '../examples';
import { product } from '../linalg/product';
import type { Matrix } from '../matrix';
import type { InputLike, Tensor } from '../tensor';
import { differentiable, type Network } from '../models/differentiable';
import { checkOptions } from '../options';
import type { Params } from '../stax/types';
import { kernelInputs } from './inputs';
import { outputKernelArg, OutputKernelLayout, type DiagonalOutputAxes, type OutputAxesOptions } from './output-axes';

/** An empirical kernel of one network: (x1, x2 | null, params) → kernel matrix. */
export type EmpiricalKernelFn = (x1: InputLike, x2: InputLike | null, params: Params) => Matrix;

/** An empirical kernel with `diagonalAxes: [-1]`: (x1, x2 | null, params) → Tensor [n₁, n₂, k]. */
export type DiagonalEmpiricalKernelFn = (x1: InputLike, x2: InputLike | null, params: Params) => Tensor;

/** An empirical kernel whose axes are known only at run time: a Matrix, or a Tensor for `diagonalAxes: [-1]`. */
export type OutputKernelFn = (x1: InputLike, x2: InputLike | null, params: Params) => Matrix | Tensor;

/**
 * The empirical NNGP of one finite network, 𝒦̂(x, x′)ₐᵦ = fₐ(x)·fᵦ(x′), the
 * outputs' covariance estimated from one network. By default it is averaged
 * over the k outputs (Neural Tangents' default `trace_axes=(-1,)`),
 * f(x)·f(x′)/k; averaged over random networks it converges to the NNGP of
 * eq. (13). `traceAxes: []` keeps every output pair, a (n₁·k)×(n₂·k) Matrix
 * with entry (i·k + a, j·k + b) = fₐ(xᵢ)·fᵦ(xⱼ) (NT's `nngp[i, j, a, b]`, in
 * the example-major layout of {@link ntkFn}); `diagonalAxes: [-1]` keeps each
 * output, a Tensor [n₁, n₂, k]. The axes follow {@link ntkFn}.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512), stax.relu(), stax.dense(10));
 * const { params } = net.init(random.key(1), 3);
 * const k = empirical.nngpFn(net.apply)([[1, 0, 0], [0, 1, 0]], null, params);
 * const full = empirical.nngpFn(net.apply, { traceAxes: [] })([[1, 0, 0], [0, 1, 0]], null, params); // 20×20
 * ```
 */
export function nngpFn(apply: Network, options: OutputAxesOptions & { diagonalAxes: DiagonalOutputAxes }): DiagonalEmpiricalKernelFn;
export function nngpFn(apply: Network, options?: OutputAxesOptions & { diagonalAxes?: readonly [] }): EmpiricalKernelFn;
export function nngpFn(apply: Network, options: OutputAxesOptions): OutputKernelFn;
export function nngpFn(apply: Network, options: OutputAxesOptions = {}): OutputKernelFn {
  const where = 'empirical.nngpFn';
  checkOptions(where, options, ['traceAxes', 'diagonalAxes']);
  const kind = outputKernelArg(where, options);
  const model = differentiable(where, apply);
  return (x1, x2, params) => {
    const { a, b } = kernelInputs(where, x1, x2);
    const fa = model.forward(params, a).out;
    const fb = b === null ? fa : model.forward(params, b).out;
    if (kind === 'trace') {
      const k = product(fa, fb, false, true);
      const inv = 1 / fa.cols;
      for (let i = 0; i < k.data.length; i++) k.data[i] *= inv;
      return k;
    }
    const k = fa.cols;
    const layout = new OutputKernelLayout(kind, exampleCount(a), b === null ? exampleCount(a) : exampleCount(b), k);
    const pairs = layout.pairs();
    for (let i = 0; i < layout.n1; i++) {
      for (let j = 0; j < layout.n2; j++) {
        for (const [oa, ob] of pairs) layout.data[layout.index(i, j, oa, ob)] = fa.data[i * k + oa] * fb.data[j * k + ob];
      }
    }
    return layout.result();
  };
}
