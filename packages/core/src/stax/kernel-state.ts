import { activeBackend } from '../linalg/backend';
import { Matrix } from '../matrix';
import { sharedFloat64 } from '../workers/pool';

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
}

/** The map `second ∘ first`. */
export function composeAffine(first: KernelAffine | null, second: KernelAffine): KernelAffine {
  if (first === null) return second;
  return {
    a: second.a * first.a,
    b: second.a * first.b + second.b,
    c: second.c * first.c,
    d: second.c * first.d + second.d * first.a,
    e: second.c * first.e + second.d * first.b + second.e,
  };
}

/**
 * What the infinite-width kernel rules pass from layer to layer (Neural
 * Tangents' `Kernel`): the NNGP between the two input batches, the NTK, and the
 * variances of each input with itself, which make `kernel(x1, x2)` exact for
 * x1 ≠ x2 (every 2×2 covariance in eq. S1 needs 𝒦(x, x) and 𝒦(x′, x′)).
 *
 * The stored entries may lag behind: `pending` is a dense layer's map not yet
 * applied to `nngp`/`ntk`, and `upperOnly` says only the upper triangle is
 * filled (symmetric kernels). `materialize` brings them up to date.
 */
export interface KernelState {
  readonly n1: number;
  readonly n2: number;
  /** 𝒦(x1, x2), n1×n2 row-major (before `pending`). */
  readonly nngp: Float64Array;
  /** Θ(x1, x2), n1×n2 row-major (before `pending`); null when the NTK was not requested. */
  readonly ntk: Float64Array | null;
  /** 𝒦(x, x) for each row of x1 (always up to date). */
  readonly cov1: Float64Array;
  /** 𝒦(x′, x′) for each row of x2 (the same array as cov1 when x1 is x2). */
  readonly cov2: Float64Array;
  /** x2 is x1: the kernels are symmetric and only the upper triangle needs computing. */
  readonly x1IsX2: boolean;
  /** A dense layer's map still to apply to every entry of nngp/ntk. */
  readonly pending: KernelAffine | null;
  /** Only entries with j ≥ i are filled (x1 is x2). */
  readonly upperOnly: boolean;
  /** Width (feature count) of the finite network at this point; used by standard parameterization and fan-in checks. */
  readonly width: number;
  /** The pre-activations here are a centred Gaussian process (true right after a dense layer). */
  readonly isGaussian: boolean;
  /** Some layer below has trainable parameters (otherwise the NTK is identically zero). */
  readonly hasTrainable: boolean;
}

/** Kernel states: one, or one per branch. */
export type Kernels = KernelState | readonly Kernels[];

export function isKernelList(k: Kernels): k is readonly Kernels[] {
  return Array.isArray(k);
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

/** Copies the upper triangle onto the lower one (for symmetric kernels computed on i ≤ j). */
function mirrorUpper(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
  }
}

/** Applies `pending` and fills the lower triangle, in place; returns the up-to-date state. */
export function materialize(k: KernelState): KernelState {
  const { nngp, ntk, pending, n1, n2 } = k;
  if (pending !== null) {
    const { a, b, c, d, e } = pending;
    for (let i = 0; i < n1; i++) {
      for (let idx = i * n2 + (k.upperOnly ? i : 0); idx < (i + 1) * n2; idx++) {
        const q = nngp[idx];
        nngp[idx] = a * q + b;
        if (ntk !== null) ntk[idx] = c * ntk[idx] + d * q + e;
      }
    }
  }
  if (k.upperOnly) {
    mirrorUpper(nngp, n1);
    if (ntk !== null) mirrorUpper(ntk, n1);
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
 * The kernel of the raw inputs: 𝒦⁰(x, x′) = x·x′ / n₀ (the part of eq. S4
 * before the first layer's σ_w², σ_b²), and a zero NTK.
 *
 * The product always goes through gemm (even for x1 = x2) so that each entry is
 * accumulated in the same order whether or not the kernel is computed in tiles.
 * Variances are computed as dot(x, x) · (1/n₀), the same arithmetic as gemm's alpha.
 * Large kernels live in shared memory so activation layers can split their
 * rows across threads.
 */
export function inputKernel(x1: Matrix, x2: Matrix | null, wantNtk: boolean): KernelState {
  const other = x2 ?? x1;
  const n0 = x1.cols;
  const nngp = sharedFloat64(x1.rows * other.rows);
  activeBackend().gemm(false, true, x1.rows, other.rows, n0, 1 / n0, x1.data, other.data, 0, nngp);
  const cov1 = rowVariances(x1);
  if (x2 === null) {
    // 𝒦⁰(x, x) is one number: make the diagonal agree with the variances to
    // the last bit, so that every later 2×2 covariance on the diagonal is
    // exactly singular (angle 0 in eq. S14) rather than off by round-off.
    for (let i = 0; i < x1.rows; i++) nngp[i * x1.rows + i] = cov1[i];
  }
  return {
    n1: x1.rows,
    n2: other.rows,
    nngp,
    ntk: wantNtk ? sharedFloat64(nngp.length) : null,
    cov1,
    cov2: x2 === null ? cov1 : rowVariances(x2),
    x1IsX2: x2 === null,
    pending: null,
    upperOnly: false,
    width: n0,
    isGaussian: false,
    hasTrainable: false,
  };
}
