import { InputError } from '../errors';
import { ntkFn } from '../empirical/ntk';
import { nngpFn } from '../empirical/nngp';
import { Matrix, type MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { checkKey, split, type Key } from '../random/key';
import type { Network } from '../models/differentiable';
import { parseGet } from '../stax/make-layer';
import type { Dims, Get, Kernel, Params } from '../stax/types';

export interface MonteCarloOptions {
  /** Input dimension passed to `init` (required). */
  inputDim: Dims;
  /** Called after each network with the number done and in total. */
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Empirical NTK implementation (default 'structured'). */
  implementation?: 'structured' | 'jacobian';
}

/** A Monte Carlo kernel function: like a layer's `kernel`. */
export interface MonteCarloKernelFn {
  (x1: MatrixLike, x2?: MatrixLike | null): Kernel;
  (x1: MatrixLike, x2: MatrixLike | null | undefined, get: Get): Matrix;
  (x1: MatrixLike, x2: MatrixLike | null | undefined, get: readonly Get[]): Kernel;
}

/**
 * Kernels estimated by averaging the empirical NNGP and NTK of `nSamples`
 * independently initialised finite networks (Neural Tangents'
 * `monte_carlo_kernel_fn`; the paper's Fig. 1 and S3). As width → ∞ and
 * nSamples → ∞ they converge to the analytic kernels. Networks are drawn one
 * at a time from `random.split(key, nSamples)` and only running sums are kept,
 * so memory is that of one network plus the output.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(1024), stax.relu(), stax.dense(1));
 * const kernelFn = monteCarloKernelFn(net.init, net.apply, random.key(0), 100, { inputDim: 2 });
 * const { nngp, ntk } = kernelFn([[1, 0], [0, 1]]);
 * ```
 */
export function monteCarloKernelFn(
  init: (key: Key, inputDim: Dims) => { params: Params },
  apply: Network,
  key: Key,
  nSamples: number,
  options: MonteCarloOptions,
): MonteCarloKernelFn {
  const where = 'monteCarloKernelFn';
  if (typeof init !== 'function') throw new InputError(`${where}: init must be a network's init function (net.init)`);
  checkKey(where, key);
  if (!Number.isInteger(nSamples) || nSamples < 1) throw new InputError(`${where}: nSamples must be an integer ≥ 1, got ${String(nSamples)}`);
  if (!options || options.inputDim === undefined) throw new InputError(`${where}: pass { inputDim }, the number of input features the networks are initialised for`);
  checkOptions(where, options, ['inputDim', 'onProgress', 'implementation']);
  const ntk = ntkFn(apply, { implementation: options.implementation ?? 'structured' });
  const nngp = nngpFn(apply);
  const keys = split(key, nSamples);

  const kernelFn = (x1: MatrixLike, x2?: MatrixLike | null, get?: Get | readonly Get[]) => {
    const { kernels, single } = parseGet(where, get);
    let sumNngp: Float64Array | null = null;
    let sumNtk: Float64Array | null = null;
    let shape: [number, number] = [0, 0];
    keys.forEach((k, s) => {
      const { params } = init(k, options.inputDim);
      if (kernels.includes('nngp')) {
        const m = nngp(x1, x2 ?? null, params);
        shape = [m.rows, m.cols];
        sumNngp ??= new Float64Array(m.data.length);
        for (let i = 0; i < m.data.length; i++) sumNngp[i] += m.data[i];
      }
      if (kernels.includes('ntk')) {
        const m = ntk(x1, x2 ?? null, params);
        shape = [m.rows, m.cols];
        sumNtk ??= new Float64Array(m.data.length);
        for (let i = 0; i < m.data.length; i++) sumNtk[i] += m.data[i];
      }
      options.onProgress?.({ done: s + 1, total: nSamples });
    });
    const mean = (sum: Float64Array) => new Matrix(shape[0], shape[1], sum.map((v) => v / nSamples));
    const out: Kernel = { nngp: sumNngp ? mean(sumNngp) : (undefined as unknown as Matrix) };
    if (sumNtk) out.ntk = mean(sumNtk);
    if (single) return kernels[0] === 'nngp' ? out.nngp : (out.ntk as Matrix);
    if (!sumNngp) delete (out as Partial<Kernel>).nngp;
    return out;
  };
  return kernelFn as MonteCarloKernelFn;
}
