import { InputError } from '../errors';
import { ntkFn } from '../empirical/ntk';
import { nngpFn } from '../empirical/nngp';
import type { OutputAxes } from '../empirical/output-axes';
import { examplesFrom, exampleShape } from '../examples';
import { Matrix } from '../matrix';
import type { InputLike } from '../tensor';
import { checkOptions } from '../options';
import { checkKey, split, type Key } from '../random/key';
import type { Network } from '../models/differentiable';
import { orderedKernel, type KernelFor, type KernelOf } from '../stax/kernel-result';
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
  /**
   * Output axes averaged over, as in `empirical.ntkFn` (Neural Tangents'
   * `trace_axes`): `[-1]` (the default) estimates the n₁×n₂ output-averaged
   * kernels, `[]` the full (n₁·k)×(n₂·k) kernels of k outputs.
   */
  traceAxes?: OutputAxes;
}

/** A Monte Carlo kernel function: like a layer's `kernel`. */
export interface MonteCarloKernelFn {
  (x1: InputLike, x2?: InputLike | null, get?: undefined): KernelOf<Get>;
  (x1: InputLike, x2: InputLike | null | undefined, get: Get): Matrix;
  <const G extends readonly Get[]>(x1: InputLike, x2: InputLike | null | undefined, get: G): KernelFor<G>;
  (x1: InputLike, x2?: InputLike | null, get?: Get | readonly Get[]): Kernel | Matrix;
}

/**
 * A Monte Carlo kernel function for a list of sample counts: one estimate per
 * count, in the order of the list (Neural Tangents' generator, as an array).
 */
export interface MonteCarloKernelListFn {
  (x1: InputLike, x2?: InputLike | null, get?: undefined): KernelOf<Get>[];
  (x1: InputLike, x2: InputLike | null | undefined, get: Get): Matrix[];
  <const G extends readonly Get[]>(x1: InputLike, x2: InputLike | null | undefined, get: G): KernelFor<G>[];
  (x1: InputLike, x2?: InputLike | null, get?: Get | readonly Get[]): (Kernel | Matrix)[];
}

/** Validates `nSamples` (a count or a list of counts) into the counts and the largest. */
function sampleCounts(where: string, nSamples: unknown): { counts: number[]; max: number; list: boolean } {
  const list = Array.isArray(nSamples);
  const counts = (list ? nSamples : [nSamples]) as unknown[];
  if (counts.length === 0) throw new InputError(`${where}: nSamples is an empty list; pass a count (e.g. 100) or counts (e.g. [1, 10, 100])`);
  for (const n of counts) {
    if (!Number.isInteger(n) || (n as number) < 1) {
      throw new InputError(`${where}: nSamples must be an integer ≥ 1 or a list of them, got ${JSON.stringify(nSamples)}`);
    }
  }
  return { counts: counts as number[], max: Math.max(...(counts as number[])), list };
}

/**
 * Kernels estimated by averaging the empirical NNGP and NTK of `nSamples`
 * independently initialised finite networks (Neural Tangents'
 * `monte_carlo_kernel_fn`; the paper's Fig. 1 and S3). As width → ∞ and
 * nSamples → ∞ they converge to the analytic kernels.
 *
 * The networks are those of the keys `random.split(key, N)`, N the largest
 * count, drawn one at a time with only running sums kept (memory: one network
 * plus the outputs). With a list of counts, as NT's `n_samples=[1, 10, 100]`,
 * one pass over the N networks gives every estimate — the estimate for n
 * averages the first n — and the function returns them as an array in the
 * order of the list (NT yields them from a generator). A single count N gives
 * the same numbers as the list's entry N.
 *
 * The example shape passed to `init` is inferred from `x1` (NT's behaviour),
 * or given as `{ inputShape }`. `{ traceAxes: [] }` estimates the full
 * kernels of several outputs, as `empirical.ntkFn` computes them.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(1024), stax.relu(), stax.dense(1));
 * const kernelFn = monteCarloKernelFn(net.init, net.apply, random.key(0), 100);
 * const { nngp, ntk } = kernelFn([[1, 0], [0, 1]]);
 * // one pass, three estimates: 1, 10 and 100 networks
 * const [one, ten, hundred] = monteCarloKernelFn(net.init, net.apply, random.key(0), [1, 10, 100])([[1, 0], [0, 1]], null, 'ntk');
 * ```
 */
export function monteCarloKernelFn(
  init: (key: Key, inputShape: InputShape) => { params: Params },
  apply: Network,
  key: Key,
  nSamples: number,
  options?: MonteCarloOptions,
): MonteCarloKernelFn;
export function monteCarloKernelFn(
  init: (key: Key, inputShape: InputShape) => { params: Params },
  apply: Network,
  key: Key,
  nSamples: readonly number[],
  options?: MonteCarloOptions,
): MonteCarloKernelListFn;
export function monteCarloKernelFn(
  init: (key: Key, inputShape: InputShape) => { params: Params },
  apply: Network,
  key: Key,
  nSamples: number | readonly number[],
  options: MonteCarloOptions = {},
): MonteCarloKernelFn | MonteCarloKernelListFn {
  const where = 'monteCarloKernelFn';
  if (typeof init !== 'function') throw new InputError(`${where}: init must be a network's init function (net.init)`);
  checkKey(where, key);
  const { counts, max, list } = sampleCounts(where, nSamples);
  checkOptions(where, options, ['inputShape', 'inputDim', 'onProgress', 'implementation', 'traceAxes']);
  const traceAxes = options.traceAxes === undefined ? {} : { traceAxes: options.traceAxes };
  const ntk = ntkFn(apply, { implementation: options.implementation ?? 'structured', ...traceAxes });
  const nngp = nngpFn(apply, traceAxes);
  const keys = split(key, max);
  const wanted = new Set(counts);

  const kernelFn = (x1: InputLike, x2?: InputLike | null, get?: Get | readonly Get[]) => {
    const { kernels, single } = parseGet(where, get);
    let inputShape = options.inputShape ?? options.inputDim;
    if (inputShape === undefined) {
      const shape = exampleShape(examplesFrom(x1, 'x1'));
      inputShape = shape.length === 1 ? shape[0] : shape;
    }
    const distinct = [...new Set(kernels)];
    const sums: Partial<Record<Get, Float64Array>> = {};
    let shape: [number, number] = [0, 0];
    const estimates = new Map<number, Kernel | Matrix>();
    const estimate = (n: number): Kernel | Matrix => {
      const mean = (g: Get) =>
        new Matrix(
          shape[0],
          shape[1],
          (sums[g] as Float64Array).map((v) => v / n),
        );
      if (single) return mean(kernels[0]);
      const out: Partial<Kernel> = {};
      for (const g of kernels) out[g] = mean(g);
      out.x1IsX2 = x2 === undefined || x2 === null || x2 === x1;
      return orderedKernel(out as Kernel, kernels);
    };
    keys.forEach((k, s) => {
      const { params } = init(k, inputShape as InputShape);
      for (const g of distinct) {
        const m = (g === 'nngp' ? nngp : ntk)(x1, x2 ?? null, params);
        shape = [m.rows, m.cols];
        const sum = (sums[g] ??= new Float64Array(m.data.length));
        for (let i = 0; i < m.data.length; i++) sum[i] += m.data[i];
      }
      if (wanted.has(s + 1)) estimates.set(s + 1, estimate(s + 1));
      options.onProgress?.({ done: s + 1, total: max });
    });
    return list ? counts.map((n) => estimates.get(n) as Kernel | Matrix) : estimates.get(max);
  };
  return kernelFn as MonteCarloKernelFn | MonteCarloKernelListFn;
}
