import { InputError } from '../errors';
import { ntkFn } from '../empirical/ntk';
import { nngpFn } from '../empirical/nngp';
import { examplesFrom, exampleShape } from '../examples';
import { Matrix } from '../matrix';
import type { InputLike } from '../tensor';
import { checkOptions } from '../options';
import { checkKey, split, type Key } from '../random/key';
import type { Network } from '../models/differentiable';
import { parseGet } from '../stax/make-layer';
import type { Get, InputShape, Kernel, Params } from '../stax/types';

export interface MonteCarloOptions {
  /** The example shape passed to `init` (features, or [H, W, C]); inferred from x1 when omitted, as Neural Tangents does. */
  inputShape?: InputShape;
  /** Former name of `inputShape`. */
  inputDim?: InputShape;
  /** Called after each network with the number done and in total. */
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Empirical NTK implementation (default 'structured'). */
  implementation?: 'structured' | 'jacobian';
}

/** A Monte Carlo kernel function: like a layer's `kernel`. */
export interface MonteCarloKernelFn {
  (x1: InputLike, x2?: InputLike | null): Kernel;
  (x1: InputLike, x2: InputLike | null | undefined, get: Get): Matrix;
  (x1: InputLike, x2: InputLike | null | undefined, get: readonly Get[]): Kernel;
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
 * const kernelFn = monteCarloKernelFn(net.init, net.apply, random.key(0), 100);
 * const { nngp, ntk } = kernelFn([[1, 0], [0, 1]]);
 * ```
 */
export function monteCarloKernelFn(
  init: (key: Key, inputShape: InputShape) => { params: Params },
  apply: Network,
  key: Key,
  nSamples: number,
  options: MonteCarloOptions = {},
): MonteCarloKernelFn {
  const where = 'monteCarloKernelFn';
  if (typeof init !== 'function') throw new InputError(`${where}: init must be a network's init function (net.init)`);
  checkKey(where, key);
  if (!Number.isInteger(nSamples) || nSamples < 1) throw new InputError(`${where}: nSamples must be an integer ≥ 1, got ${String(nSamples)}`);
  checkOptions(where, options, ['inputShape', 'inputDim', 'onProgress', 'implementation']);
  const ntk = ntkFn(apply, { implementation: options.implementation ?? 'structured' });
  const nngp = nngpFn(apply);
  const keys = split(key, nSamples);

  const kernelFn = (x1: InputLike, x2?: InputLike | null, get?: Get | readonly Get[]) => {
    const { kernels, single } = parseGet(where, get);
    let inputShape = options.inputShape ?? options.inputDim;
    if (inputShape === undefined) {
      const shape = exampleShape(examplesFrom(x1, 'x1'));
      inputShape = shape.length === 1 ? shape[0] : shape;
    }
    let sumNngp: Float64Array | null = null;
    let sumNtk: Float64Array | null = null;
    let shape: [number, number] = [0, 0];
    keys.forEach((k, s) => {
      const { params } = init(k, inputShape as InputShape);
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
    const out: Kernel = { nngp: sumNngp ? mean(sumNngp) : (undefined as unknown as Matrix), x1IsX2: x2 === undefined || x2 === null || x2 === x1 };
    if (sumNtk) out.ntk = mean(sumNtk);
    if (single) return kernels[0] === 'nngp' ? out.nngp : (out.ntk as Matrix);
    if (!sumNngp) delete (out as Partial<Kernel>).nngp;
    return out;
  };
  return kernelFn as MonteCarloKernelFn;
}
