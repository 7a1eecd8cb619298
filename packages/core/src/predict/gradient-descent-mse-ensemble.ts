import { ContentKey } from '../content-key';
import { InputError, ShapeError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { transposeInPlace } from '../linalg/mirror';
import { product } from '../linalg/product';
import { describeExamples, exampleCount, examplesFrom, sameExampleShape, sliceExamples, type Examples } from '../examples';
import { Matrix, type MatrixLike } from '../matrix';
import type { InputLike } from '../tensor';
import { checkOptions } from '../options';
import { borrow, giveBack, withScratch } from '../scratch-pool';
import type { Get } from '../stax/types';
import { learningRateArg, matrixArg, regularizerArg, timesArg, trainKernelArg } from './inputs';
import { psdRoot, timesRoot, type PsdRoot } from './psd-root';
import { byGet, gaussian, type ByGet, type Gaussian, type GaussianFor } from './results';
import { permute, permuteColumns, scaleColumns, scaleRows } from './scale-rows';
import { decay, gain, learned, spectrum, type Spectrum } from './spectrum';

/**
 * A kernel function such as a layer's `kernel`: (x1, x2 | null, get) → that
 * kernel. It must be a pure function of its arguments (results are cached).
 * When both kernels are needed it is first asked for both at once
 * (`get = ['nngp', 'ntk']`, as a layer's `kernel` allows); a function that
 * answers that with anything but `{ nngp, ntk }` is asked once per kernel.
 */
export type EnsembleKernelFn = (x1: InputLike, x2: InputLike | null, get: Get) => Matrix;

export interface GradientDescentMseEnsembleOptions {
  /** η; training time is measured in units of it (default 1). */
  learningRate?: number;
  /** Diagonal regulariser of the train-train kernel, relative to the mean of its diagonal (default 0). */
  diagReg?: number;
  /** Add `diagReg` to the diagonal as is (default false; Neural Tangents' `diag_reg_absolute_scale`). */
  diagRegAbsoluteScale?: boolean;
}

export interface EnsembleQuery {
  /** Test inputs; omitted: predictions on the training inputs. */
  xTest?: InputLike;
  /**
   * `'ntk'` (all layers trained, eqs. 15–16; default), `'nngp'` (readout only,
   * S30–S31), or a list of them, giving `{ nngp, ntk }`.
   */
  get?: Get | readonly Get[];
  /** Training time(s) (default Infinity). */
  t?: number | readonly number[];
  /**
   * The covariance over random initialisations: `true` (m×m), `'diagonal'`
   * (only the variance of each test point, `variance`, without ever forming an
   * m×m matrix — for large test sets), or `false` (default).
   */
  computeCov?: boolean | 'diagonal';
}

/** The type of a query field as given (undefined when absent): what result types narrow on. */
export type Field<Q, K extends keyof EnsembleQuery> = K extends keyof Q ? Q[K] : undefined;
// `undefined` (an option left out) is tested first: without strictNullChecks, as in tslab, it is assignable to every type.
/** One result per time for a list of times. */
export type ForTimes<T, X> = [T] extends [undefined] ? X : [T] extends [readonly number[]] ? X[] : [T] extends [number] ? X : X | X[];
/** One result per kernel for a list of kernels. */
export type ForGet<G, X> = [G] extends [undefined] ? X : [G] extends [readonly Get[]] ? ByGet<G[number], X> : [G] extends [Get] ? X : X | ByGet<Get, X>;
/** What a query returns: typed from its `get`, `t` and `computeCov`, so no `!` is needed. */
export type EnsembleResult<Q> = ForGet<Field<Q, 'get'>, ForTimes<Field<Q, 't'>, GaussianFor<Field<Q, 'computeCov'>>>>;

/** The prediction function returned by {@link gradientDescentMseEnsemble}. */
export interface EnsemblePredictFn {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  <Q extends EnsembleQuery = {}>(query?: Q): EnsembleResult<Q>;
}

/** Test-set kernels and projections, reused while the test inputs have the same contents. */
interface TestEntry {
  key: ContentKey;
  /** 𝒦(x, 𝒳) and Θ(x, 𝒳). */
  testTrain: Map<Get, Matrix>;
  /** 𝒦(x, x). */
  testTest?: Matrix;
  /** diag 𝒦(x, x). */
  testTestDiagonal?: Float64Array;
  /** Θ_g(x, 𝒳) V_g per kernel g (V_g the eigenvectors of kernel g). */
  a: Map<Get, Matrix>;
  /**
   * For the NTK covariance, in the eigenbasis of Θ permuted by the pivots P of
   * the root of Vᵀ𝒦V: Θ(x, 𝒳) V P and 𝒦(x, 𝒳) V P.
   */
  ntkCov?: { a: Matrix; c: Matrix };
}

/** Rows per call when only the diagonal of 𝒦(x, x) is needed. */
const DIAGONAL_BLOCK = 32;

/**
 * The mean and covariance, over random initialisations, of an infinite
 * ensemble of infinitely wide networks trained by gradient flow on MSE for time
 * t (Neural Tangents' `predict.gradient_descent_mse_ensemble`). With Θ the
 * train-train kernel of `get` (plus the diagonal regulariser), 𝒦 the NNGP,
 * N = yTrain.size, τ = η·t/N and M = Θ⁻¹(I − e^{−Θτ}):
 * - `get: 'ntk'` (every layer trained), eqs. (15)–(16):
 *     μ(x) = Θ(x, 𝒳) M 𝒴,
 *     Σ(x, x′) = 𝒦(x, x′) − Θ(x, 𝒳) M 𝒦(𝒳, x′) − 𝒦(x, 𝒳) M Θ(𝒳, x′) + Θ(x, 𝒳) M 𝒦 M Θ(𝒳, x′).
 * - `get: 'nngp'` (readout layer only), eqs. (S30)–(S31) with Θ = 𝒦:
 *     μ(x) = 𝒦(x, 𝒳) 𝒦⁻¹(I − e^{−𝒦τ}) 𝒴,  Σ = 𝒦(x, x′) − 𝒦(x, 𝒳) 𝒦⁻¹(I − e^{−2𝒦τ}) 𝒦(𝒳, x′).
 *   The factor 2 in the exponent is what eq. (16) gives with Θ = 𝒦 (and what
 *   Neural Tangents computes); eq. (S31) as printed in the paper has e^{−η𝒦t}.
 *   As t → ∞ both become {@link gpInference}'s modes `'nngp'` and `'ntk'`.
 *
 * How it is computed: Θ = VΛVᵀ once (dsyevd); every time t is then a diagonal
 * in that basis. The quadratic form Θ(x, 𝒳) M 𝒦 M Θ(𝒳, x′) is evaluated as
 * HHᵀ with H = Θ(x, 𝒳) V g(Λ) P L, where P L is a pivoted-Cholesky root of
 * Vᵀ𝒦V (itself from a root of 𝒦): a triangular product and a symmetric rank-k
 * update per time instead of two general products. Kernels, the
 * eigendecomposition and the roots are computed once per predictor; the
 * last test set's kernels and projections are kept, keyed on its contents
 * (never on the array object). `xTrain` and `yTrain` are copied.
 *
 * @param kernelFn - e.g. `net.kernel`.
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(1, { wStd: 1.5, bStd: 0.05 }));
 * const xTrain = [[-1], [0], [1]];
 * const predictFn = predict.gradientDescentMseEnsemble(net.kernel, xTrain, [[-0.8], [0], [0.8]], { diagReg: 1e-4 });
 * const { mean, cov } = predictFn({ xTest: [[0.5]], get: 'ntk', t: 10, computeCov: true }); // cov: Matrix
 * const { nngp, ntk } = predictFn({ xTest: [[0.5]], get: ['nngp', 'ntk'], computeCov: 'diagonal' });
 * ntk.variance[0]; // the variance at x = 0.5 after training to convergence
 * ```
 */
export function gradientDescentMseEnsemble(
  kernelFn: EnsembleKernelFn,
  xTrain: InputLike,
  yTrain: MatrixLike,
  options: GradientDescentMseEnsembleOptions = {},
): EnsemblePredictFn {
  const where = 'predict.gradientDescentMseEnsemble';
  checkOptions(where, options, ['learningRate', 'diagReg', 'diagRegAbsoluteScale']);
  if (typeof kernelFn !== 'function') throw new InputError(`${where}: kernelFn must be a kernel function such as net.kernel`);
  // Private copies: editing the arguments later must not change this predictor.
  const x = new ContentKey(examplesFrom(xTrain, 'xTrain')).copy;
  const y = matrixArg(where, 'yTrain', yTrain, exampleCount(x)).clone();
  const learningRate = learningRateArg(where, options.learningRate ?? 1);
  const reg = regularizerArg(where, options);
  const normalization = y.data.length;

  /** Kernels `gets` between x1 and x2 (null: x1 with itself), asking for all at once when there are several. */
  const kernels = (x1: Examples, x2: Examples | null, gets: readonly Get[]): Map<Get, Matrix> => {
    const out = new Map<Get, Matrix>();
    if (gets.length > 1) {
      let both: unknown;
      try {
        both = (kernelFn as unknown as (a: Examples, b: Examples | null, g: readonly Get[]) => unknown)(x1, x2, gets);
      } catch {
        both = undefined; // a kernel function of one kernel at a time: asked below, where its errors surface
      }
      if (both !== null && typeof both === 'object' && !(both instanceof Matrix)) {
        for (const g of gets) {
          const k = (both as Record<string, unknown>)[g];
          if (k instanceof Matrix) out.set(g, k);
        }
      }
    }
    for (const g of gets) {
      if (out.has(g)) continue;
      const k = kernelFn(x1, x2, g);
      if (!(k instanceof Matrix)) throw new InputError(`${where}: kernelFn(x1, x2, '${g}') must return a Matrix`);
      out.set(g, k);
    }
    for (const [g, k] of out) {
      if (k.rows !== exampleCount(x1) || k.cols !== exampleCount(x2 ?? x1)) {
        throw new ShapeError(`${where}: kernelFn(…, '${g}') is ${k.rows}×${k.cols} but must be ${exampleCount(x1)}×${exampleCount(x2 ?? x1)}`);
      }
      if (x2 !== null) matrixArg(where, `kernelFn(…, '${g}')`, k); // finite; train-train kernels are checked (and for symmetry) by trainKernelArg
    }
    return out;
  };

  const trainKernels = new Map<Get, Matrix>();
  const trainKernel = (gets: readonly Get[]): void => {
    const missing = gets.filter((g) => !trainKernels.has(g));
    if (missing.length === 0) return;
    for (const [g, k] of kernels(x, null, missing)) trainKernels.set(g, trainKernelArg(where, `the ${g} of xTrain`, k, exampleCount(x)));
  };
  const spectra = new Map<Get, Spectrum>();
  const eigen = (g: Get): Spectrum => {
    let s = spectra.get(g);
    if (!s) {
      s = spectrum(where, `the ${g} of xTrain`, trainKernels.get(g) as Matrix, reg);
      spectra.set(g, s);
    }
    return s;
  };
  /** Vᵀ𝒴 per kernel. */
  const rotatedTargets = new Map<Get, Matrix>();
  const targets = (g: Get): Matrix => {
    let vy = rotatedTargets.get(g);
    if (!vy) {
      vy = product(eigen(g).vectors, y, true);
      rotatedTargets.set(g, vy);
    }
    return vy;
  };
  /** A root of G = Vᵀ𝒦V with V the NTK's eigenvectors, from a root of 𝒦: G = W Wᵀ, W = Vᵀ P_𝒦 L_𝒦. */
  let rotatedNngpRoot: PsdRoot | undefined;
  const rootOfRotatedNngp = (): PsdRoot => {
    if (!rotatedNngpRoot) {
      const nngpRoot = psdRoot(trainKernels.get('nngp') as Matrix);
      // W = Vᵀ P L: PᵀV gathered row by row (contiguous copies), transposed in place to Vᵀ P, then L applied in place.
      const v = eigen('ntk').vectors;
      const n = v.rows;
      const { piv } = nngpRoot;
      const g = nngpRoot.l;
      // W is a temporary, every entry written by the gather: lent by the scratch pool, not faulted in afresh.
      withScratch(n * n, (w) => {
        for (let j = 0; j < n; j++) w.set(v.data.subarray(piv[j] * n, piv[j] * n + n), j * n);
        transposeInPlace(w, n);
        activeBackend().trmmRightLower(n, n, nngpRoot.l.data, w);
        // G = W Wᵀ goes into the root of 𝒦, not needed any more: no fresh n×n buffer to fault in.
        activeBackend().syrkUpdate(n, n, 1, w, 0, g.data);
      });
      rotatedNngpRoot = psdRoot(g, true);
    }
    return rotatedNngpRoot;
  };

  let lastTest: TestEntry | undefined;
  const testEntry = (xTest: Examples): TestEntry => {
    if (!lastTest?.key.matches(xTest)) lastTest = { key: new ContentKey(xTest), testTrain: new Map(), a: new Map() };
    return lastTest;
  };
  const testTrain = (entry: TestEntry, gets: readonly Get[]): void => {
    const missing = gets.filter((g) => !entry.testTrain.has(g));
    if (missing.length > 0) for (const [g, k] of kernels(entry.key.copy, x, missing)) entry.testTrain.set(g, k);
  };
  const projection = (entry: TestEntry, g: Get): Matrix => {
    let a = entry.a.get(g);
    if (!a) {
      a = product(entry.testTrain.get(g) as Matrix, eigen(g).vectors);
      entry.a.set(g, a);
    }
    return a;
  };
  const testTest = (entry: TestEntry): Matrix => {
    entry.testTest ??= matrixArg(where, "kernelFn(xTest, null, 'nngp')", kernels(entry.key.copy, null, ['nngp']).get('nngp') as Matrix);
    return entry.testTest;
  };
  const testTestDiagonal = (entry: TestEntry): Float64Array => {
    if (!entry.testTestDiagonal) {
      if (entry.testTest) {
        entry.testTestDiagonal = entry.testTest.diag();
      } else {
        const xt = entry.key.copy;
        const m = exampleCount(xt);
        const diagonal = new Float64Array(m);
        for (let start = 0; start < m; start += DIAGONAL_BLOCK) {
          const end = Math.min(m, start + DIAGONAL_BLOCK);
          diagonal.set(
            matrixArg(where, "kernelFn(xTest, null, 'nngp')", kernels(sliceExamples(xt, start, end), null, ['nngp']).get('nngp') as Matrix).diag(),
            start,
          );
        }
        entry.testTestDiagonal = diagonal;
      }
    }
    return entry.testTestDiagonal;
  };

  /** One kernel g at the given times. */
  function predictGet(g: Get, xTest: Examples | null, times: readonly number[], computeCov: boolean | 'diagonal'): Gaussian[] {
    const needed: Get[] = computeCov !== false && g === 'ntk' ? ['nngp', 'ntk'] : [g];
    trainKernel(needed);
    const { values, vectors } = eigen(g);
    const vy = targets(g);
    const taus = times.map((time) => (time === Infinity ? Infinity : (learningRate * time) / normalization));
    if (xTest === null)
      return taus.map((tau) => onTrainingSet(g, values, vectors, vy, tau, computeCov, computeCov !== false && g === 'ntk' ? rootOfRotatedNngp() : null));

    const entry = testEntry(xTest);
    testTrain(entry, needed);
    const a = projection(entry, g);
    const m = a.rows;
    const n = a.cols;
    let root: PsdRoot | undefined;
    if (computeCov !== false && g === 'ntk') {
      root = rootOfRotatedNngp();
      entry.ntkCov ??= {
        a: permuteColumns(a, root.piv),
        c: permuteColumns(product(entry.testTrain.get('nngp') as Matrix, vectors), root.piv),
      };
    }
    const kxx = computeCov === true ? testTest(entry) : null;
    const kxxDiagonal = computeCov === 'diagonal' ? testTestDiagonal(entry) : null;
    const backend = activeBackend();
    // One m×n work matrix reused by every time (B, then B P L in place; or A√g₂); no result keeps it, so the scratch pool lends it.
    const lent = computeCov === false ? null : borrow(m * n);
    const work = lent === null ? null : new Matrix(m, n, lent);
    try {
      return taus.map((tau) => {
        const gains = values.map((l) => gain(l, tau));
        // μ = Θ(x, 𝒳) V · gain(Λ) Vᵀ𝒴 (eqs. 15, S30).
        const mean = product(a, scaleRows(vy, gains));
        if (computeCov === false) return gaussian(mean);
        if (g === 'nngp') {
          // S31 (with e^{−2𝒦τ}, see above): 𝒦(x, x′) − (A√g₂)(A√g₂)ᵀ.
          const twice = values.map((l) => gain(l, tau === Infinity ? Infinity : 2 * tau));
          if (kxx !== null) {
            const half = scaleColumns(a, twice.map(Math.sqrt), work as Matrix);
            const cov = kxx.clone();
            backend.syrkUpdate(m, n, -1, half.data, 1, cov.data);
            return gaussian(mean, { cov });
          }
          const variance = Float64Array.from(kxxDiagonal as Float64Array);
          for (let i = 0, row = 0; i < m; i++, row += n) {
            let s = 0;
            for (let p = 0; p < n; p++) s += a.data[row + p] * a.data[row + p] * twice[p];
            variance[i] -= s;
          }
          return gaussian(mean, { variance });
        }
        // eq. 16 with B = Θ(x, 𝒳)V·gain, Cᵀ = 𝒦(x, 𝒳)V, Vᵀ𝒦V = (P L)(P L)ᵀ: 𝒦(x, x′) − BC − (BC)ᵀ + (B P L)(B P L)ᵀ,
        // all in the permuted basis (B P)(C P)ᵀ = B C, so B P is scaled in one pass and turned into B P L in place.
        const basis = entry.ntkCov as { a: Matrix; c: Matrix };
        const b = scaleColumns(basis.a, permute(gains, (root as PsdRoot).piv), work as Matrix);
        const c = basis.c;
        if (kxx !== null) {
          const cov = kxx.clone();
          backend.syr2k(m, n, -1, b.data, c.data, 1, cov.data);
          backend.trmmRightLower(m, n, (root as PsdRoot).l.data, b.data);
          backend.syrkUpdate(m, n, 1, b.data, 1, cov.data);
          return gaussian(mean, { cov });
        }
        const variance = Float64Array.from(kxxDiagonal as Float64Array);
        for (let i = 0, row = 0; i < m; i++, row += n) {
          let s = 0;
          for (let p = 0; p < n; p++) s += b.data[row + p] * c.data[row + p];
          variance[i] -= 2 * s;
        }
        backend.trmmRightLower(m, n, (root as PsdRoot).l.data, b.data);
        for (let i = 0, row = 0; i < m; i++, row += n) {
          let s = 0;
          for (let p = 0; p < n; p++) s += b.data[row + p] * b.data[row + p];
          variance[i] += s;
        }
        return gaussian(mean, { variance });
      });
    } finally {
      if (lent !== null) giveBack(lent);
    }
  }

  function predictFn(query: EnsembleQuery = {}): unknown {
    checkOptions(where, query, ['xTest', 'get', 't', 'computeCov']);
    const { get = 'ntk', t = Infinity, computeCov = false } = query;
    const gets: readonly Get[] = Array.isArray(get) ? get : [get as Get];
    if (gets.length === 0) throw new InputError(`${where}: get is an empty list; pass 'ntk', 'nngp' or ['nngp', 'ntk']`);
    for (const g of gets) {
      if (g !== 'ntk' && g !== 'nngp')
        throw new InputError(
          `${where}: get must be 'ntk', 'nngp' or a list of them, got ${JSON.stringify(g)}${g === 'ntkgp' ? " (the NTK-GP posterior is predict.gpInference(…, 'ntkgp'))" : ''}`,
        );
    }
    if (computeCov !== true && computeCov !== false && computeCov !== 'diagonal') {
      throw new InputError(
        `${where}: computeCov must be true (the m×m covariance), 'diagonal' (the variance of each test point) or false, got ${JSON.stringify(computeCov)}`,
      );
    }
    const times = timesArg(where, t);
    const xTest = query.xTest === undefined ? null : examplesFrom(query.xTest, 'xTest');
    if (xTest !== null && !sameExampleShape(xTest, x)) {
      throw new ShapeError(`${where}: xTest has ${describeExamples(xTest)} but xTrain has ${describeExamples(x)}`);
    }
    if (xTest !== null) {
      // Fetch every kernel this query needs in one call per pair of inputs.
      const all = computeCov !== false && gets.includes('ntk') ? (['nngp', 'ntk'] as Get[]) : [...new Set(gets)];
      trainKernel(all);
      testTrain(testEntry(xTest), all);
    }
    const perGet = (g: Get) => {
      const results = predictGet(g, xTest, times, computeCov);
      return Array.isArray(t) ? results : results[0];
    };
    return Array.isArray(get) ? byGet(gets, (g) => perGet(g as Get)) : perGet(gets[0]);
  }
  return predictFn as EnsemblePredictFn;
}

/**
 * Predictions on the training inputs themselves: μ = V(1 − e^{−Λτ})Vᵀ𝒴 and
 * Σ = V Λe^{−2Λτ} Vᵀ (readout only) or e^{−Θτ} 𝒦 e^{−Θτ} (all layers) —
 * the variance that training has not yet removed. The latter is
 * (V e^{−Λτ} P L)(V e^{−Λτ} P L)ᵀ with Vᵀ𝒦V = (P L)(P L)ᵀ.
 */
function onTrainingSet(
  g: Get,
  values: Float64Array,
  vectors: Matrix,
  vy: Matrix,
  tau: number,
  computeCov: boolean | 'diagonal',
  root: PsdRoot | null,
): Gaussian {
  const mean = product(
    vectors,
    scaleRows(
      vy,
      values.map((l) => learned(l, tau)),
    ),
  );
  if (computeCov === false) return gaussian(mean);
  const h =
    g === 'nngp'
      ? scaleColumns(
          vectors,
          values.map((l) => Math.sqrt(l * decay(l, tau === Infinity ? Infinity : 2 * tau))),
        )
      : timesRoot(
          scaleColumns(
            vectors,
            values.map((l) => decay(l, tau)),
          ),
          root as PsdRoot,
        );
  const n = h.rows;
  if (computeCov === true) {
    const cov = new Matrix(n, n);
    activeBackend().syrkUpdate(n, h.cols, 1, h.data, 0, cov.data);
    return gaussian(mean, { cov });
  }
  const variance = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < h.cols; p++) s += h.data[i * h.cols + p] ** 2;
    variance[i] = s;
  }
  return gaussian(mean, { variance });
}
