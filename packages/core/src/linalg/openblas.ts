import { isMainThread } from 'node:worker_threads';
import { cpuFlags } from '../cpu-flags';
import { withScratch } from '../scratch-pool';
import type { LinalgBackend } from './backend-interface';
import { mirrorUpper, transposeInPlace } from './mirror';

/**
 * OpenBLAS (BLAS + LAPACK) through koffi. Debian's `libopenblas0-pthread`
 * exports both the CBLAS and the Fortran LAPACK symbols; when a LAPACK symbol is
 * missing we fall back to `liblapack.so.3`.
 *
 * LAPACK is column-major and our matrices are row-major. For symmetric
 * matrices the two layouts coincide; elsewhere we transpose explicitly, or use
 * the transposed problem (noted at each call).
 */

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;
const UPPER = 121;
const LOWER = 122;
const RIGHT = 142;
const NON_UNIT = 131;

const LIBRARY_CANDIDATES = [
  'libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0',
  'libopenblas.so',
  'libopenblas.dylib',
];
const LAPACK_CANDIDATES = ['liblapack.so.3', 'liblapack.so', 'liblapack.dylib'];

type Fn = (...args: unknown[]) => unknown;

interface Symbols {
  dgemm: Fn;
  dsyrk: Fn;
  dsyr2k: Fn;
  dtrmm: Fn;
  dtrsm: Fn;
  dpstrf: Fn;
  dsyevd: Fn;
  dpotrf: Fn;
  dpotrs: Fn;
  dgetrf: Fn;
  dgetrs: Fn;
  setThreads: Fn | null;
  getThreads: Fn | null;
  setThreadsLocal: Fn | null;
  corename: Fn | null;
}

// Fortran character arguments carry hidden length arguments (size_t) at the
// end; passing them avoids undefined behaviour with modern gfortran builds.
const PROTOTYPES = {
  dgemm: 'void cblas_dgemm(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int)',
  dsyrk: 'void cblas_dsyrk(int, int, int, int, int, double, const double *, int, double, double *, int)',
  dsyr2k: 'void cblas_dsyr2k(int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int)',
  dtrmm: 'void cblas_dtrmm(int, int, int, int, int, int, int, double, const double *, int, double *, int)',
  dtrsm: 'void cblas_dtrsm(int, int, int, int, int, int, int, double, const double *, int, double *, int)',
  dpstrf: 'void dpstrf_(const char *, const int *, double *, const int *, int *, int *, const double *, double *, int *, size_t)',
  dsyevd:
    'void dsyevd_(const char *, const char *, const int *, double *, const int *, double *, double *, const int *, int *, const int *, int *, size_t, size_t)',
  dpotrf: 'void dpotrf_(const char *, const int *, double *, const int *, int *, size_t)',
  dpotrs: 'void dpotrs_(const char *, const int *, const int *, const double *, const int *, double *, const int *, int *, size_t)',
  dgetrf: 'void dgetrf_(const int *, const int *, double *, const int *, int *, int *)',
  dgetrs: 'void dgetrs_(const char *, const int *, const int *, const double *, const int *, const int *, double *, const int *, int *, size_t)',
} as const;

function loadFirst(koffi: { load(path: string): unknown }, candidates: string[]): { lib: { func(p: string): Fn }; path: string } {
  const errors: string[] = [];
  for (const path of candidates) {
    try {
      return { lib: koffi.load(path) as { func(p: string): Fn }, path };
    } catch (e) {
      errors.push(`${path}: ${(e as Error).message}`);
    }
  }
  throw new Error(`could not load OpenBLAS (${errors.join('; ')})`);
}

/**
 * The OpenBLAS kernel family for this CPU, from its instruction-set flags, or
 * undefined to leave the choice to OpenBLAS. Why: a DYNAMIC_ARCH OpenBLAS
 * older than the CPU does not recognise its model number and falls back to
 * generic SSE3 kernels ("Prescott"). Debian 12's 0.3.21 does this on Sapphire
 * and Emerald Rapids: dgemm ran at 30 GFLOP/s instead of 133 on 2 cores
 * (measured). For float64 every AVX-512 Intel and AMD target of OpenBLAS uses
 * the SkylakeX kernels, and every AVX2 one the Haswell kernels, so naming the
 * family from the flags loses nothing when OpenBLAS would have known the CPU.
 */
export function coreTypeForFlags(flags: ReadonlySet<string>): string | undefined {
  if (['avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl'].every((f) => flags.has(f))) return 'SkylakeX';
  if (flags.has('avx2') && flags.has('fma')) return 'Haswell';
  return undefined;
}

type Koffi = { load(path: string): unknown };

/**
 * How long OpenBLAS's idle threads spin after a call before they sleep, as
 * log₂ of CPU cycles: 2²² cycles, about 1.5 ms. OpenBLAS's default, 2²⁸
 * (about 0.1 s), keeps a thread spinning in sched_yield long after each call,
 * and on a 2-core machine that takes the core our own kernel threads need
 * right after a gemm: the 10-layer analytic kernel on 2000 inputs took either
 * 68 ms or 100–113 ms, depending on where the spinning thread landed, and
 * 67–71 ms with 2²² (measured). 1.5 ms still keeps the threads awake through
 * back-to-back calls, so waking them costs nothing in a loop of BLAS calls.
 */
export const THREAD_TIMEOUT = '22';

/**
 * The variables set while OpenBLAS loads, where the user has not set them:
 * OPENBLAS_CORETYPE as {@link coreTypeForFlags} chooses, and
 * OPENBLAS_THREAD_TIMEOUT ({@link THREAD_TIMEOUT}).
 */
function loadDefaults(): [string, string][] {
  const defaults: [string, string | undefined][] = [
    ['OPENBLAS_CORETYPE', process.platform === 'linux' ? coreTypeForFlags(cpuFlags()) : undefined],
    ['OPENBLAS_THREAD_TIMEOUT', THREAD_TIMEOUT],
  ];
  return defaults.filter((d): d is [string, string] => d[1] !== undefined && process.env[d[0]] === undefined);
}

/**
 * Loads OpenBLAS with {@link loadDefaults}' variables set. They are read
 * once, by the library's constructor at load time; they are set through libc
 * (worker threads have their own copy of process.env, which native code does
 * not see) and removed afterwards, so child processes (numpy baselines,
 * workers) see the environment the user gave.
 */
function loadBlas(koffi: Koffi): { func(p: string): Fn } {
  const defaults = loadDefaults();
  let libc: { func(p: string): Fn } | undefined;
  if (defaults.length > 0) {
    try {
      libc = koffi.load('libc.so.6') as { func(p: string): Fn };
      const setenv = libc.func('int setenv(const char *, const char *, int)');
      for (const [name, value] of defaults) setenv(name, value, 1);
    } catch {
      libc = undefined;
    }
  }
  try {
    return loadFirst(koffi, LIBRARY_CANDIDATES).lib;
  } finally {
    const unsetenv = libc?.func('int unsetenv(const char *)');
    for (const [name] of defaults) unsetenv?.(name);
  }
}

function bind(): Symbols {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi');
  const blas = loadBlas(koffi);
  let lapack = blas;
  try {
    blas.func(PROTOTYPES.dsyevd);
  } catch {
    lapack = loadFirst(koffi, LAPACK_CANDIDATES).lib;
  }
  return {
    dgemm: blas.func(PROTOTYPES.dgemm),
    dsyrk: blas.func(PROTOTYPES.dsyrk),
    dsyr2k: blas.func(PROTOTYPES.dsyr2k),
    dtrmm: blas.func(PROTOTYPES.dtrmm),
    dtrsm: blas.func(PROTOTYPES.dtrsm),
    dpstrf: lapack.func(PROTOTYPES.dpstrf),
    dsyevd: lapack.func(PROTOTYPES.dsyevd),
    dpotrf: lapack.func(PROTOTYPES.dpotrf),
    dpotrs: lapack.func(PROTOTYPES.dpotrs),
    dgetrf: lapack.func(PROTOTYPES.dgetrf),
    dgetrs: lapack.func(PROTOTYPES.dgetrs),
    setThreads: optional(blas, 'void openblas_set_num_threads(int)'),
    getThreads: optional(blas, 'int openblas_get_num_threads()'),
    // OpenBLAS ≥ 0.3.27 only (Debian 12 ships 0.3.21).
    setThreadsLocal: optional(blas, 'int openblas_set_num_threads_local(int)'),
    corename: optional(blas, 'const char *openblas_get_corename()'),
  };
}

function optional(lib: { func(p: string): Fn }, prototype: string): Fn | null {
  try {
    return lib.func(prototype);
  } catch {
    return null;
  }
}

/**
 * Below this many multiply–adds a product runs on one OpenBLAS thread: waking
 * the thread pool costs more than it saves (measured: training a width-512
 * network on 5 points is ~30% faster single-threaded).
 */
const SINGLE_THREAD_BELOW = 1 << 22;

const int = (v: number) => Int32Array.of(v);

function transposeInto(src: Float64Array, rows: number, cols: number, dst: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j];
  }
}

/**
 * Loads the native libraries; throws (with the paths tried) when they are absent.
 *
 * Threads: OpenBLAS's thread count is one process-wide setting (before 0.3.27,
 * which adds a per-thread one), and changing it while another thread computes
 * races. So only the main thread ever sets it. Worker threads of our pool run
 * their products on one BLAS thread: with a per-thread setting they pin
 * themselves; without one the pool holds the whole process at one thread
 * while they work ({@link LinalgBackend.holdOneThread}). Calls from several
 * threads at once are safe in the pthread build: a one-thread call goes
 * straight to the serial kernel (buffer allocation is locked), and
 * multi-threaded level-3 calls are serialised by OpenBLAS itself (0.3.4+).
 */
export function createOpenblasBackend(): LinalgBackend {
  const s = bind();
  const threads = s.getThreads ? (s.getThreads() as number) : 1;
  const inWorker = !isMainThread;
  if (inWorker && s.setThreadsLocal) s.setThreadsLocal(1);
  let current = threads;
  let holds = 0;
  const setThreads = (wanted: number) => {
    if (wanted !== current && s.setThreads) {
      s.setThreads(wanted);
      current = wanted;
    }
  };
  const useThreads = (work: number) => {
    if (inWorker) return;
    setThreads(holds > 0 || work < SINGLE_THREAD_BELOW ? 1 : threads);
  };
  const core = s.corename ? String(s.corename()) : 'unknown';
  return {
    name: 'openblas',
    info: () => ({ core, threads }),

    holdOneThread() {
      if (inWorker) return () => {};
      holds++;
      setThreads(1);
      let released = false;
      return () => {
        if (!released) holds--;
        released = true;
      };
    },

    gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      if (m === 0 || n === 0) return;
      useThreads(m * n * k);
      s.dgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, transA ? m : k, b, transB ? k : n, beta, c, n);
    },

    syrk(n, k, a, c) {
      useThreads(n * n * k);
      s.dsyrk(ROW_MAJOR, UPPER, NO_TRANS, n, k, 1.0, a, k, 0.0, c, n);
      mirrorUpper(c, n);
    },

    syrkUpper(n, k, a, c) {
      if (n === 0) return;
      useThreads(n * n * k);
      s.dsyrk(ROW_MAJOR, UPPER, NO_TRANS, n, k, 1.0, a, k, 0.0, c, n);
    },

    syrkUpdate(n, k, alpha, a, beta, c) {
      if (n === 0) return;
      useThreads(n * n * k);
      s.dsyrk(ROW_MAJOR, UPPER, NO_TRANS, n, k, alpha, a, k, beta, c, n);
      mirrorUpper(c, n);
    },

    syr2k(n, k, alpha, a, b, beta, c) {
      if (n === 0) return;
      useThreads(2 * n * n * k);
      s.dsyr2k(ROW_MAJOR, UPPER, NO_TRANS, n, k, alpha, a, k, b, k, beta, c, n);
      mirrorUpper(c, n);
    },

    trmmRightLower(m, n, l, b) {
      if (m === 0 || n === 0) return;
      useThreads(m * n * n);
      s.dtrmm(ROW_MAJOR, RIGHT, LOWER, NO_TRANS, NON_UNIT, m, n, 1.0, l, n, b, n);
    },

    trsmRightLowerTrans(m, n, l, b) {
      if (m === 0 || n === 0) return;
      useThreads(m * n * n);
      s.dtrsm(ROW_MAJOR, RIGHT, LOWER, TRANS, NON_UNIT, m, n, 1.0, l, n, b, n);
    },

    pstrf(n, a, piv) {
      // Column-major 'U' is row-major 'L' (the input is symmetric): Pᵀ A P = L Lᵀ.
      useThreads(n * n * n);
      const rank = new Int32Array(1);
      const info = new Int32Array(1);
      s.dpstrf('U', int(n), a, int(n), piv, rank, Float64Array.of(-1), new Float64Array(2 * n), info, 1);
      if (info[0] < 0) throw new Error(`dpstrf: illegal argument ${-info[0]}`);
      const r = rank[0];
      for (let i = 0; i < n; i++) {
        for (let j = Math.min(i + 1, r); j < n; j++) a[i * n + j] = 0;
        piv[i] -= 1;
      }
      return r;
    },

    syevd(n, a, w) {
      // Symmetric input reads the same in both layouts. LAPACK writes the
      // eigenvectors as columns of a column-major array, i.e. as rows of our
      // row-major one, so we transpose in place afterwards.
      useThreads(n * n * n);
      const info = new Int32Array(1);
      const workQuery = new Float64Array(1);
      const iworkQuery = new Int32Array(1);
      s.dsyevd('V', 'U', int(n), a, int(n), w, workQuery, int(-1), iworkQuery, int(-1), info, 1, 1);
      const lwork = Math.max(1, Math.ceil(workQuery[0]));
      const liwork = Math.max(1, iworkQuery[0]);
      // The work array (2n² doubles) comes from the scratch pool: a fresh one is
      // 64 MB of page faults at n = 2000, on every call.
      withScratch(lwork, (work) => s.dsyevd('V', 'U', int(n), a, int(n), w, work, int(lwork), new Int32Array(liwork), int(liwork), info, 1, 1));
      if (info[0] !== 0) throw new Error(`dsyevd failed to converge (info ${info[0]})`);
      transposeInPlace(a, n);
    },

    potrf(n, a) {
      // 'U' in column-major is the lower factor L in row-major.
      useThreads(n * n * n);
      const info = new Int32Array(1);
      s.dpotrf('U', int(n), a, int(n), info, 1);
      if (info[0] > 0) return info[0];
      if (info[0] < 0) throw new Error(`dpotrf: illegal argument ${-info[0]}`);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) a[i * n + j] = 0;
      }
      return 0;
    },

    potrs(n, nrhs, l, b) {
      // Row-major L is the column-major 'U' factor; the right-hand side goes
      // to column-major and back.
      useThreads(n * n * nrhs);
      const cm = new Float64Array(n * nrhs);
      transposeInto(b, n, nrhs, cm);
      const info = new Int32Array(1);
      s.dpotrs('U', int(n), int(nrhs), l, int(n), cm, int(n), info, 1);
      if (info[0] !== 0) throw new Error(`dpotrs: illegal argument ${-info[0]}`);
      transposeInto(cm, nrhs, n, b);
    },

    gesv(n, nrhs, a, b) {
      // Row-major A is column-major Aᵀ: factor Aᵀ = P L U, then solve with
      // trans = 'T', i.e. (Aᵀ)ᵀ X = A X = B.
      useThreads(n * n * n);
      const ipiv = new Int32Array(n);
      const info = new Int32Array(1);
      s.dgetrf(int(n), int(n), a, int(n), ipiv, info);
      if (info[0] > 0) return info[0];
      const cm = new Float64Array(n * nrhs);
      transposeInto(b, n, nrhs, cm);
      s.dgetrs('T', int(n), int(nrhs), a, int(n), ipiv, cm, int(n), info, 1);
      if (info[0] !== 0) throw new Error(`dgetrs: illegal argument ${-info[0]}`);
      transposeInto(cm, nrhs, n, b);
      return 0;
    },
  };
}
