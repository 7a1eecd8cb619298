import { InputError, NumericalError } from '../errors';
import { cholesky, choSolve } from '../linalg';
import { activeBackend } from '../linalg/backend';
import { product } from '../linalg/product';
import { Matrix, type MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { diagonalShift, matrixArg, regularizerArg, trainKernelArg } from './inputs';
import { psdRoot, timesRoot, type PsdRoot } from './psd-root';
import { byGet, gaussian, type ByGet, type Gaussian, type GaussianWithCov, type MeanOnly } from './results';

export type { Gaussian } from './results';

/**
 * What `gpInference` computes, with Neural Tangents' meaning:
 * - `'nngp'`: the exact Bayesian posterior of an infinitely wide network (eqs. 13–14);
 * - `'ntk'`: an infinite ensemble of infinitely wide networks trained to
 *   convergence by gradient flow on MSE — eq. (16) at t = ∞, which needs both
 *   kernels: mean Θ(x, 𝒳)Θ⁻¹𝒴, covariance
 *   𝒦(x, x′) − Θ(x, 𝒳)Θ⁻¹𝒦(𝒳, x′) − 𝒦(x, 𝒳)Θ⁻¹Θ(𝒳, x′) + Θ(x, 𝒳)Θ⁻¹𝒦Θ⁻¹Θ(𝒳, x′);
 * - `'ntkgp'`: the posterior of a Gaussian process whose covariance is the NTK,
 *   Θ(x, x′) − Θ(x, 𝒳)Θ⁻¹Θ(𝒳, x′).
 */
export type GpGet = 'nngp' | 'ntk' | 'ntkgp';

/** Train-train or test kernels by name, e.g. `net.kernel(x)` (other fields are ignored). */
export interface KernelMatrices {
  nngp?: MatrixLike;
  ntk?: MatrixLike;
}

export interface GpInferenceOptions {
  /** Diagonal regulariser of each train-train kernel, relative to the mean of its diagonal (default 0). */
  diagReg?: number;
  /** Add `diagReg` to the diagonal as is (default false; Neural Tangents' `diag_reg_absolute_scale`). */
  diagRegAbsoluteScale?: boolean;
}

/** The named form of a call, as Neural Tangents' `predict_fn(get, k_test_train, k_test_test)`. */
export interface GpQuery {
  kTestTrain: MatrixLike | KernelMatrices;
  kTestTest?: MatrixLike | KernelMatrices | null;
  get?: GpGet | readonly GpGet[];
}

/** What a GP query may give for the test–test kernels: a matrix, the kernels by mode, or nothing. */
export type TestTest = MatrixLike | KernelMatrices | null | undefined;
/** With a test-test kernel the covariance is computed (and typed as present); without, the mean only. */
export type GpGaussian<T> = [T] extends [null | undefined] ? MeanOnly : [T] extends [MatrixLike | KernelMatrices] ? GaussianWithCov : Gaussian;
/** One Gaussian for one mode, one per mode for a list (`undefined` first, as for `GaussianFor`). */
export type ForGpGet<G, X> = [G] extends [undefined] ? X : [G] extends [readonly GpGet[]] ? ByGet<G[number], X> : [G] extends [GpGet] ? X : X | ByGet<GpGet, X>;

/** The type of a query field as given (undefined when absent): what result types narrow on. */
export type QueryField<Q, K extends keyof GpQuery> = K extends keyof Q ? Q[K] : undefined;

/** The prediction function returned by {@link gpInference}. */
export interface GpPredictFn {
  <Q extends GpQuery>(query: Q): ForGpGet<QueryField<Q, 'get'>, GpGaussian<QueryField<Q, 'kTestTest'>>>;
  <T extends TestTest = undefined, G extends GpGet | readonly GpGet[] | undefined = undefined>(
    kTestTrain: MatrixLike | KernelMatrices,
    kTestTest?: T,
    get?: G,
  ): ForGpGet<G, GpGaussian<T>>;
}

type Source = 'nngp' | 'ntk' | 'single';

const MODES: readonly GpGet[] = ['nngp', 'ntk', 'ntkgp'];

function isKernelMatrices(value: unknown): value is KernelMatrices {
  return value !== null && typeof value === 'object' && !(value instanceof Matrix) && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/**
 * Exact Gaussian-process inference with the kernels of an infinitely wide
 * network (Neural Tangents' `predict.gp_inference`). Each train-train kernel is
 * regularised (diagReg, relative to the mean of its diagonal unless
 * `diagRegAbsoluteScale`), factorised once by Cholesky (dpotrf) and cached;
 * kernels and targets are copied. `get` chooses the mode ({@link GpGet}).
 *
 * Call forms:
 * - `gpInference(K, y)(kTestTrain, kTestTest?)` with matrices: the posterior of
 *   the GP with kernel K — `'nngp'` when K is an NNGP, `'ntkgp'` when an NTK.
 * - `gpInference(net.kernel(xTrain), y)(net.kernel(xTest, xTrain), net.kernel(xTest, null), get)`
 *   with kernels `{ nngp, ntk }`: `get` is `'nngp'`, `'ntk'` (the default when
 *   an NTK is there), `'ntkgp'` or a list, giving `{ nngp, ntk, … }`.
 * - `predictFn({ get, kTestTrain, kTestTest })`, the named form.
 *
 * A test-test matrix stands for the kernel the mode's covariance needs: the
 * NNGP for `'nngp'` and `'ntk'`, the NTK for `'ntkgp'`.
 *
 * @example
 * ```ts
 * const posterior = predict.gpInference([[1, 0.5], [0.5, 1]], [[1], [0]], { diagReg: 1e-6 });
 * const { mean, cov } = posterior([[0.9, 0.6]], [[1]]); // cov: Matrix, no `!` needed
 *
 * const net = stax.serial(stax.dense(512), stax.erf(), stax.dense(1));
 * const xTrain = [[-1], [0], [1]];
 * const xTest = [[0.5]];
 * const ensemble = predict.gpInference(net.kernel(xTrain), [[-0.8], [0], [0.8]], { diagReg: 1e-4 });
 * const { ntk, ntkgp } = ensemble(net.kernel(xTest, xTrain), net.kernel(xTest, null), ['ntk', 'ntkgp']);
 * ntk.cov.get(0, 0) <= ntkgp.cov.get(0, 0) + 1; // trained ensemble vs NTK-GP variance
 * ```
 */
export function gpInference(kTrainTrain: MatrixLike | KernelMatrices, yTrain: MatrixLike, options: GpInferenceOptions = {}): GpPredictFn {
  const where = 'predict.gpInference';
  checkOptions(where, options, ['diagReg', 'diagRegAbsoluteScale']);
  const y = matrixArg(where, 'yTrain', yTrain).clone();
  const reg = regularizerArg(where, options);
  /** Private copies of the train-train kernels. */
  const train = new Map<Source, Matrix>();
  if (isKernelMatrices(kTrainTrain)) {
    for (const g of ['nngp', 'ntk'] as const) {
      const k = kTrainTrain[g];
      if (k != null) train.set(g, trainKernelArg(where, `kTrainTrain.${g}`, k, y.rows).clone());
    }
    if (train.size === 0)
      throw new InputError(`${where}: kTrainTrain must be a matrix or a kernel { nngp, ntk } such as net.kernel(xTrain); it has neither nngp nor ntk`);
  } else {
    train.set('single', trainKernelArg(where, 'kTrainTrain', kTrainTrain, y.rows).clone());
  }
  const single = train.has('single');

  /** Cholesky factors of the regularised kernels and K⁻¹𝒴, per kernel. */
  const factors = new Map<Source, { l: Matrix; alpha: Matrix }>();
  const factor = (s: Source) => {
    let f = factors.get(s);
    if (!f) {
      const k = train.get(s) as Matrix;
      const reg2 = k.clone();
      const shift = diagonalShift(k, reg);
      for (let i = 0; i < k.rows; i++) reg2.data[i * k.rows + i] += shift;
      let l: Matrix;
      try {
        l = cholesky(reg2);
      } catch (error) {
        const name = s === 'single' ? 'kTrainTrain' : `kTrainTrain.${s}`;
        throw new NumericalError(
          `${where}: ${name} is not positive definite (${(error as Error).message.replace(/^linalg\.cholesky: /, '')}); pass diagReg > 0, e.g. 1e-4`,
        );
      }
      f = { l, alpha: choSolve(l, y) };
      factors.set(s, f);
    }
    return f;
  };
  let nngpRoot: PsdRoot | undefined;

  /** The train-train kernel a mode solves with. */
  const sourceOf = (mode: GpGet): Source => {
    if (single) return 'single';
    const s = mode === 'nngp' ? 'nngp' : 'ntk';
    if (!train.has(s)) throw new InputError(`${where}: get '${mode}' needs kTrainTrain.${s}; pass kTrainTrain = net.kernel(xTrain) with both kernels`);
    return s;
  };

  function predictOne(mode: GpGet | undefined, ktxArg: MatrixLike | KernelMatrices, kttArg: TestTest): Gaussian {
    const m = mode ?? (single ? 'nngp' : train.has('ntk') ? 'ntk' : 'nngp');
    const source = sourceOf(m);
    const named = mode === undefined && single ? 'kTestTrain' : `get '${m}'`;
    const pick = (value: MatrixLike | KernelMatrices, g: 'nngp' | 'ntk', name: string, cols: number | undefined, rows?: number): Matrix => {
      if (!isKernelMatrices(value)) return matrixArg(where, name, value, rows, cols);
      const k = value[g];
      if (k == null) throw new InputError(`${where}: ${named} needs ${name}.${g}; pass ${name} = net.kernel(…) with both kernels`);
      return matrixArg(where, `${name}.${g}`, k, rows, cols);
    };
    const kernelOfMode = m === 'nngp' ? 'nngp' : 'ntk';
    const ktx = pick(ktxArg, kernelOfMode, 'kTestTrain', y.rows);
    const mean = product(ktx, factor(source).alpha);
    if (kttArg == null) return gaussian(mean);
    const covKernel = m === 'ntkgp' ? 'ntk' : 'nngp';
    const ktt = pick(kttArg, covKernel, 'kTestTest', ktx.rows, ktx.rows);
    if (m !== 'ntk') {
      // eq. 14: K** − K*𝒳 K⁻¹ K𝒳* = K** − W Wᵀ with W = K*𝒳 L⁻ᵀ (dtrsm, then dsyrk).
      const w = ktx.clone();
      activeBackend().trsmRightLowerTrans(w.rows, w.cols, factor(source).l.data, w.data);
      const cov = ktt.clone();
      activeBackend().syrkUpdate(cov.rows, w.cols, -1, w.data, 1, cov.data);
      return gaussian(mean, { cov });
    }
    // eq. 16 at t = ∞ with Zᵀ = Θ*𝒳 Θ⁻¹: 𝒦** − Zᵀ𝒦𝒳* − 𝒦*𝒳 Z + (Zᵀ P L)(Zᵀ P L)ᵀ, 𝒦 = (P L)(P L)ᵀ.
    if (single || !train.has('nngp')) {
      throw new InputError(
        `${where}: the covariance of get 'ntk' (eq. 16 at t = ∞) needs the NNGP as well as the NTK; pass kTrainTrain = net.kernel(xTrain) and kTestTrain = net.kernel(xTest, xTrain) with both kernels, or use get 'ntkgp' for the NTK-GP posterior`,
      );
    }
    if (!isKernelMatrices(ktxArg))
      throw new InputError(`${where}: the covariance of get 'ntk' needs kTestTrain.nngp too; pass kTestTrain = net.kernel(xTest, xTrain) with both kernels`);
    const nngpTx = pick(ktxArg, 'nngp', 'kTestTrain', y.rows, ktx.rows);
    const zt = choSolve(factor('ntk').l, ktx.transpose()).transpose();
    nngpRoot ??= psdRoot(train.get('nngp') as Matrix);
    const h = timesRoot(zt, nngpRoot);
    const cov = ktt.clone();
    const backend = activeBackend();
    backend.syr2k(cov.rows, zt.cols, -1, zt.data, nngpTx.data, 1, cov.data);
    backend.syrkUpdate(cov.rows, h.cols, 1, h.data, 1, cov.data);
    return gaussian(mean, { cov });
  }

  function predictFn(first: GpQuery | MatrixLike | KernelMatrices, kTestTest?: TestTest, get?: GpGet | readonly GpGet[]) {
    let ktxArg: MatrixLike | KernelMatrices = first as MatrixLike | KernelMatrices;
    if (isKernelMatrices(first) && 'kTestTrain' in first) {
      checkOptions(where, first, ['kTestTrain', 'kTestTest', 'get']);
      const q = first as GpQuery;
      if (kTestTest !== undefined || get !== undefined)
        throw new InputError(`${where}: pass either a query { kTestTrain, kTestTest, get } or positional arguments, not both`);
      ktxArg = q.kTestTrain;
      kTestTest = q.kTestTest;
      get = q.get;
    }
    if (ktxArg == null) throw new InputError(`${where}: pass kTestTrain, the kernel between the test and the training inputs (e.g. net.kernel(xTest, xTrain))`);
    const gets = get === undefined ? undefined : Array.isArray(get) ? get : [get];
    for (const g of gets ?? []) {
      if (!MODES.includes(g)) throw new InputError(`${where}: get must be 'nngp', 'ntk', 'ntkgp' or a list of them, got ${JSON.stringify(g)}`);
    }
    if (gets && kTestTest != null && !isKernelMatrices(kTestTest) && gets.includes('ntkgp') && gets.some((g) => g !== 'ntkgp')) {
      throw new InputError(
        `${where}: one kTestTest matrix cannot serve both 'ntkgp' (which needs the NTK) and '${gets.find((g) => g !== 'ntkgp')}' (the NNGP); pass kTestTest = net.kernel(xTest, null) with both kernels`,
      );
    }
    if (!Array.isArray(get)) return predictOne(get as GpGet | undefined, ktxArg, kTestTest);
    return byGet(get as readonly GpGet[], (g) => predictOne(g as GpGet, ktxArg, kTestTest));
  }
  return predictFn as GpPredictFn;
}
