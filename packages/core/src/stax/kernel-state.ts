import { ShapeError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { mirrorUpper as mirrorSquare } from '../linalg/mirror';
import { Matrix } from '../matrix';
import { withScratch } from '../scratch-pool';
import { Tensor } from '../tensor';
import { sharedFloat64 } from '../workers/pool';
import { runDeferred, type DeferredDual } from './deferred-duals';

/**
 * A dense layer's action on one kernel entry, kept pending until the next
 * layer reads the entry (so a dense layer costs no pass over the N×M arrays):
 *   𝒦′ = a·𝒦 + b,   Θ′ = c·Θ + d·𝒦 + e.
 * Consecutive dense layers compose into one map of the same form.
 */
export interface KernelAffine {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  /**
   * The Θ this map reads is zero: no trainable layer below (Θ = 0, the
   * convention `hasTrainable` records). The rows then take Θ as 0 instead of
   * reading it: the same bits, and a fresh NTK array's pages are written
   * before they are read. A page read first is mapped to the kernel's zero
   * page and copied on the first write, and on more than one thread each copy
   * flushes every core's TLB: 13% of a 10-layer ReLU kernel's time on 2000
   * inputs on 2 threads (measured).
   */
  readonly thetaZero?: boolean;
}

/** The map `second ∘ first` (it reads the Θ `first` reads). */
export function composeAffine(first: KernelAffine | null, second: KernelAffine): KernelAffine {
  if (first === null) return second;
  return {
    a: second.a * first.a,
    b: second.a * first.b + second.b,
    c: second.c * first.c,
    d: second.c * first.d + second.d * first.a,
    e: second.c * first.e + second.d * first.b + second.e,
    ...(first.thetaZero === true ? { thetaZero: true } : {}),
  };
}

/**
 * What the infinite-width kernel rules pass from layer to layer (Neural
 * Tangents' `Kernel`): the NNGP between the two input batches, the NTK, and the
 * covariances of each input with itself, which make `kernel(x1, x2)` exact for
 * x1 ≠ x2 (every 2×2 covariance in eq. S1 needs 𝒦(x, x) and 𝒦(x′, x′)).
 *
 * For images and sequences every pair of examples carries a block of spatial
 * covariances: with S positions, either all S² pairs of positions (`diagonal`
 * false: what pooling needs) or only the S same-position pairs (`diagonal`
 * true: enough for conv, activations and a `flatten` readout; Neural
 * Tangents' `diagonal_spatial`). Entry (i, j, b) of a kernel is at
 * `(i·n2 + j)·B + b`, B the block size (1, S or S²; b = p·S + p′ for full
 * blocks); cov1 holds the same block of each x1 with itself, at `i·B + b`.
 *
 * The stored entries may lag behind: `deferred` are activations' duals not
 * yet applied to `nngp`/`ntk` (each after the dense map pending before it),
 * `pending` is a dense layer's map to apply after them, and `upperOnly` says
 * only blocks with j ≥ i are filled (symmetric kernels). `settle` applies the
 * duals and the map; `materialize` also fills the lower triangle.
 */
export interface KernelState {
  readonly n1: number;
  readonly n2: number;
  /** Spatial shape of the activations ([H, W] for images, [L] for sequences, [] for features). */
  readonly spatial: readonly number[];
  /** Only same-position covariances are kept (see above); meaningless without spatial axes. */
  readonly diagonal: boolean;
  /** 𝒦(x1, x2), n1×n2 blocks (before `pending`). */
  readonly nngp: Float64Array;
  /** Θ(x1, x2), n1×n2 blocks (before `pending`); null when the NTK was not requested. */
  readonly ntk: Float64Array | null;
  /** 𝒦(x, x) for each example of x1, one block each (always up to date). */
  readonly cov1: Float64Array;
  /** 𝒦(x′, x′) for each example of x2 (the same array as cov1 when x1 is x2). */
  readonly cov2: Float64Array;
  /** x2 is x1: the kernels are symmetric and only the upper triangle of blocks needs computing. */
  readonly x1IsX2: boolean;
  /** Activations' duals still to apply to every entry of nngp/ntk, in order (kernels without spatial axes only). */
  readonly deferred: readonly DeferredDual[];
  /** A dense layer's map still to apply to every entry of nngp/ntk, after `deferred`. */
  readonly pending: KernelAffine | null;
  /** Only blocks with j ≥ i are filled (x1 is x2). */
  readonly upperOnly: boolean;
  /** Width (channel or feature count) of the finite network at this point; used by standard parameterization. */
  readonly width: number;
  /** The pre-activations here are a centred Gaussian process (true right after a dense or conv layer). */
  readonly isGaussian: boolean;
  /** Some layer below has trainable parameters (otherwise the NTK is identically zero). */
  readonly hasTrainable: boolean;
}

/** Kernel states: one, or one per branch. */
export type Kernels = KernelState | readonly Kernels[];

export function isKernelList(k: Kernels): k is readonly Kernels[] {
  return Array.isArray(k);
}

/** The number of spatial positions S (1 without spatial axes). */
export function positionCount(k: Pick<KernelState, 'spatial'>): number {
  let s = 1;
  for (const d of k.spatial) s *= d;
  return s;
}

/** Entries per pair of examples: 1, S (diagonal) or S² (full). */
export function blockSize(k: Pick<KernelState, 'spatial' | 'diagonal'>): number {
  const s = positionCount(k);
  return k.diagonal ? s : s * s;
}

/** Checks that branch kernels being joined have the same positions and representation. */
export function sameRepresentation(where: string, ks: readonly KernelState[]): void {
  const [first] = ks;
  const key = (k: KernelState) => `${k.spatial.join('×')}${k.diagonal ? '' : ' (all position pairs)'}`;
  if (ks.some((k) => key(k) !== key(first))) {
    throw new ShapeError(
      `${where}: the branches have different spatial kernels (${ks.map((k) => key(k) || 'no positions').join(', ')}); every branch must end with the same positions`,
    );
  }
}

/** A deep copy (kernel rules update their input state in place). */
export function cloneKernels(k: Kernels): Kernels {
  if (isKernelList(k)) return k.map(cloneKernels);
  const cov1 = k.cov1.slice();
  return {
    ...k,
    nngp: copyOf(k.nngp),
    ntk: k.ntk ? copyOf(k.ntk) : null,
    cov1,
    cov2: k.x1IsX2 ? cov1 : k.cov2.slice(),
  };
}

function copyOf(a: Float64Array): Float64Array {
  const out = sharedFloat64(a.length);
  out.set(a);
  return out;
}

/**
 * Copies each block above the diagonal onto its mirror image below (for
 * symmetric kernels computed on j ≥ i): 𝒦(x_j, x_i)_{p′p} = 𝒦(x_i, x_j)_{pp′}.
 */
function mirrorUpper(a: Float64Array, n: number, s: number, diagonal: boolean): void {
  if (s === 1) {
    mirrorSquare(a, n);
    return;
  }
  if (diagonal) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) a.copyWithin((j * n + i) * s, (i * n + j) * s, (i * n + j + 1) * s);
    }
    return;
  }
  const b = s * s;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const src = (i * n + j) * b;
      const dst = (j * n + i) * b;
      for (let p = 0; p < s; p++) {
        for (let q = 0; q < s; q++) a[dst + q * s + p] = a[src + p * s + q];
      }
    }
  }
}

/** Applies `deferred` and `pending` to the stored blocks, in place, leaving a symmetric kernel upper-triangular. */
export function settle(k: KernelState): KernelState {
  if (k.deferred.length > 0) {
    runDeferred(k.deferred, k.pending, k.nngp, k.ntk, k.n1, k.n2, k.upperOnly, false);
    return { ...k, deferred: [], pending: null };
  }
  if (k.pending === null) return k;
  const { nngp, ntk, n1, n2 } = k;
  const b = blockSize(k);
  const { a, b: shift, c, d, e, thetaZero } = k.pending;
  for (let i = 0; i < n1; i++) {
    const end = (i + 1) * n2 * b;
    for (let idx = (i * n2 + (k.upperOnly ? i : 0)) * b; idx < end; idx++) {
      const q = nngp[idx];
      nngp[idx] = a * q + shift;
      if (ntk !== null) ntk[idx] = c * (thetaZero === true ? 0 : ntk[idx]) + d * q + e;
    }
  }
  return { ...k, pending: null };
}

/** Applies `deferred` and `pending` and fills the lower triangle, in place; returns the up-to-date state. */
export function materialize(pending: KernelState): KernelState {
  if (pending.deferred.length > 0) {
    // The deferred pass mirrors each group of rows while they are in cache.
    runDeferred(pending.deferred, pending.pending, pending.nngp, pending.ntk, pending.n1, pending.n2, pending.upperOnly, pending.upperOnly);
    return { ...pending, deferred: [], pending: null, upperOnly: false };
  }
  const k = settle(pending);
  const { nngp, ntk, n1 } = k;
  if (k.upperOnly) {
    const s = positionCount(k);
    mirrorUpper(nngp, n1, s, k.diagonal);
    if (ntk !== null) mirrorUpper(ntk, n1, s, k.diagonal);
  }
  return { ...k, pending: null, upperOnly: false };
}

/** Squared row norms times 1/n₀: the input variances 𝒦⁰(x, x). */
function rowVariances(x: Matrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let j = 0; j < x.cols; j++) {
      const v = x.data[i * x.cols + j];
      s += v * v;
    }
    out[i] = s * (1 / x.cols);
  }
  return out;
}

/**
 * The kernel of the raw inputs: 𝒦⁰(x, x′) = x·x′ / n₀ (the part of Lee et
 * al. 2019, eq. S4 before the first layer's σ_w², σ_b²), and a zero NTK.
 * For images and sequences, 𝒦⁰(x, x′)_{pp′} = x_p·x′_{p′} / C, the channels'
 * mean product at each pair of positions (Neural Tangents' normalisation),
 * kept for all pairs or, with `diagonal`, for p = p′ only.
 *
 * The products always go through gemm (even for x1 = x2) so that each entry
 * is accumulated in the same order whether or not the kernel is computed in
 * tiles. Variances are computed as dot(x, x) · (1/n₀), the same arithmetic as
 * gemm's alpha. Large kernels live in shared memory so activation layers can
 * split their rows across threads.
 */
export function inputKernel(x1: Matrix | Tensor, x2: Matrix | Tensor | null, wantNtk: boolean, diagonal = true): KernelState {
  if (x1 instanceof Tensor) return spatialInputKernel(x1, x2 as Tensor | null, wantNtk, diagonal);
  const a = x1;
  const other = (x2 as Matrix | null) ?? a;
  const n0 = a.cols;
  const nngp = sharedFloat64(a.rows * other.rows);
  activeBackend().gemm(false, true, a.rows, other.rows, n0, 1 / n0, a.data, other.data, 0, nngp);
  const cov1 = rowVariances(a);
  if (x2 === null) {
    // 𝒦⁰(x, x) is one number: make the diagonal agree with the variances to
    // the last bit, so that every later 2×2 covariance on the diagonal is
    // exactly singular (angle 0 in eq. S14) rather than off by round-off.
    for (let i = 0; i < a.rows; i++) nngp[i * a.rows + i] = cov1[i];
  }
  return {
    n1: a.rows,
    n2: other.rows,
    spatial: [],
    diagonal: true,
    nngp,
    ntk: wantNtk ? sharedFloat64(nngp.length) : null,
    cov1,
    cov2: x2 === null ? cov1 : rowVariances(x2 as Matrix),
    x1IsX2: x2 === null,
    deferred: [],
    pending: null,
    upperOnly: false,
    width: n0,
    isGaussian: false,
    hasTrainable: false,
  };
}

/** The examples of an (n, ...spatial, C) tensor as an (n·S)×C matrix: one row per example and position. */
function positionRows(x: Tensor): Matrix {
  const c = x.shape[x.shape.length - 1];
  return new Matrix(x.data.length / c, c, x.data);
}

/** Per-position rows, position-major: (S·n)×C, row p·n + i is example i at position p (for per-position products). */
function byPosition(x: Tensor, s: number, c: number): Float64Array {
  const n = x.shape[0];
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < s; p++) out.set(x.data.subarray((i * s + p) * c, (i * s + p + 1) * c), (p * n + i) * c);
  }
  return out;
}

/** The self-covariance block of each example: S same-position variances, or the S×S position Gram. */
function selfBlocks(x: Tensor, s: number, c: number, diagonal: boolean): Float64Array {
  const n = x.shape[0];
  if (diagonal) {
    const out = new Float64Array(n * s);
    for (let r = 0; r < n * s; r++) {
      let sum = 0;
      for (let k = 0; k < c; k++) {
        const v = x.data[r * c + k];
        sum += v * v;
      }
      out[r] = sum * (1 / c);
    }
    return out;
  }
  const out = new Float64Array(n * s * s);
  const backend = activeBackend();
  for (let i = 0; i < n; i++) {
    const xi = x.data.subarray(i * s * c, (i + 1) * s * c);
    backend.gemm(false, true, s, s, c, 1 / c, xi, xi, 0, out.subarray(i * s * s, (i + 1) * s * s));
  }
  return out;
}

function spatialInputKernel(x1: Tensor, x2: Tensor | null, wantNtk: boolean, diagonal: boolean): KernelState {
  const other = x2 ?? x1;
  const spatial = x1.shape.slice(1, -1);
  const c = x1.shape[x1.shape.length - 1];
  const s = spatial.reduce((a, b) => a * b, 1);
  const [n1, n2] = [x1.shape[0], other.shape[0]];
  const block = diagonal ? s : s * s;
  const nngp = sharedFloat64(n1 * n2 * block);
  const backend = activeBackend();
  const cov1 = selfBlocks(x1, s, c, diagonal);
  const cov2 = x2 === null ? cov1 : selfBlocks(x2, s, c, diagonal);
  if (diagonal) {
    // One product per position p: 𝒦⁰(x_i, x′_j)_{pp} for all i, j.
    const a = byPosition(x1, s, c);
    const b = x2 === null ? a : byPosition(other, s, c);
    const perPosition = new Float64Array(n1 * n2);
    for (let p = 0; p < s; p++) {
      backend.gemm(false, true, n1, n2, c, 1 / c, a.subarray(p * n1 * c, (p + 1) * n1 * c), b.subarray(p * n2 * c, (p + 1) * n2 * c), 0, perPosition);
      for (let ij = 0; ij < n1 * n2; ij++) nngp[ij * s + p] = perPosition[ij];
    }
  } else {
    // One product per example of x1 against all (example, position) rows of x2, regrouped into S×S blocks per pair.
    // Per example, not one n1·S × n2·S Gram: that was as large as the kernel (537 MB for 128 images of 8×8), fresh memory
    // written once and copied once; these S × n2·S rows are lent by the scratch pool and stay in cache.
    const rows1 = positionRows(x1).data;
    const rows2 = positionRows(other).data;
    withScratch(s * n2 * s, (gram) => {
      for (let i = 0; i < n1; i++) {
        backend.gemm(false, true, s, n2 * s, c, 1 / c, rows1.subarray(i * s * c, (i + 1) * s * c), rows2, 0, gram);
        for (let p = 0; p < s; p++) {
          const row = p * n2 * s;
          for (let j = 0; j < n2; j++) nngp.set(gram.subarray(row + j * s, row + (j + 1) * s), ((i * n2 + j) * s + p) * s);
        }
      }
    });
  }
  if (x2 === null) {
    // As for features: the diagonal blocks agree with the self-covariances to the last bit.
    for (let i = 0; i < n1; i++) nngp.set(cov1.subarray(i * block, (i + 1) * block), (i * n1 + i) * block);
  }
  return {
    n1,
    n2,
    spatial,
    diagonal,
    nngp,
    ntk: wantNtk ? sharedFloat64(nngp.length) : null,
    cov1,
    cov2,
    x1IsX2: x2 === null,
    deferred: [],
    pending: null,
    upperOnly: false,
    width: c,
    isGaussian: false,
    hasTrainable: false,
  };
}
