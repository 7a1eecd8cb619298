import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cpuFlags } from '../cpu-flags';
import { InputError } from '../errors';
import { simdAllowed } from '../simd/module';

/**
 * The package's own native code (`src/native/*.c`), built by `npm run build`
 * into `dist/native/libtangent-lab.so` when a C compiler is there, and loaded
 * through koffi, as OpenBLAS is. It is an accelerator and nothing else: its
 * kernels have WebAssembly and JavaScript twins with the same bits, which run
 * where the library is absent, on CPUs whose vectors are no wider than
 * WebAssembly's (below AVX2: nothing to gain), or when it is turned off.
 */

/** `TANGENT_LAB_NATIVE=0` keeps the kernels on WebAssembly (same results, bit for bit); `TANGENT_LAB_SIMD=0` turns it off too. */
export const NATIVE_ENV = 'TANGENT_LAB_NATIVE';

export const NATIVE_FILE = 'libtangent-lab.so';

type Fn = (...args: unknown[]) => unknown;

export interface NativeLibrary {
  /** Where it was loaded from. */
  readonly path: string;
  /** `tl_deferred_rows` of `deferred-rows.c`. */
  readonly deferredRows: Fn;
  /** `tl_spatial_duals` of `spatial-duals.c`. */
  readonly spatialDuals: Fn;
  /** `tl_conv_rows` of `conv-rows.c`. */
  readonly convRows: Fn;
  /** `tl_mehler_row` of `mehler-rows.c`. */
  readonly mehlerRow: Fn;
  /** `tl_mehler_rows` of `mehler-rows.c`. */
  readonly mehlerRows: Fn;
  /** `tl_mehler_list` of `mehler-rows.c`. */
  readonly mehlerList: Fn;
  /** `tl_mehler_pack` of `mehler-rows.c`. */
  readonly mehlerPack: Fn;
  /** `tl_heat_shift_cells` of `heat-shift.c`. */
  readonly heatShiftCells: Fn;
  /** `tl_heat_shift_jobs` of `heat-shift.c`. */
  readonly heatShiftJobs: Fn;
  /** `tl_expansions_enter` of `expansions-at.c`. */
  readonly expansionsEnter: Fn;
  /** `tl_expansions_lay_out` of `expansions-at.c`. */
  readonly expansionsLayOut: Fn;
  /** `tl_mehler_reach` of `mehler-rows.c`. */
  readonly mehlerReach: Fn;
  /** `tl_symmetry_defect` of `matrix-passes.c`. */
  readonly symmetryDefect: Fn;
  /** `tl_transpose_in_place` of `matrix-passes.c`. */
  readonly transposeInPlace: Fn;
  /** `tl_mirror_upper` of `matrix-passes.c`. */
  readonly mirrorUpper: Fn;
  /** `tl_scale_columns` of `matrix-passes.c`. */
  readonly scaleColumns: Fn;
  /** `tl_permute_columns` of `matrix-passes.c`. */
  readonly permuteColumns: Fn;
}

let library: NativeLibrary | null | undefined;
let absence = '';

function allowed(): boolean {
  const setting = process.env[NATIVE_ENV];
  if (setting !== undefined && setting !== '' && setting !== '0' && setting !== '1') {
    throw new InputError(`${NATIVE_ENV}=${setting}: use 0 (kernels on WebAssembly) or 1 (native where built, the default)`);
  }
  return setting !== '0';
}

function load(): NativeLibrary | null {
  if (!allowed() || !simdAllowed()) {
    absence = `turned off (${NATIVE_ENV}=0 or TANGENT_LAB_SIMD=0)`;
    return null;
  }
  if (process.arch !== 'x64' || !cpuFlags().has('avx2')) {
    absence = 'this CPU has no vectors wider than WebAssembly SIMD (x86-64 with AVX2 needed)';
    return null;
  }
  const path = join(__dirname, NATIVE_FILE);
  if (!existsSync(path)) {
    absence = `not built (${path} is missing: the build found no C compiler; install gcc and libc6-dev, then npm run build)`;
    return null;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as { load(p: string): { func(prototype: string): Fn } };
  let lib: { func(prototype: string): Fn };
  try {
    lib = koffi.load(path);
  } catch (error) {
    // Built elsewhere (another C library, another CPU family): the WebAssembly kernels serve instead.
    absence = `could not be loaded (${(error as Error).message}); rebuild it here with npm run build`;
    return null;
  }
  return {
    path,
    deferredRows: lib.func(
      'void tl_deferred_rows(double *, double *, int, int, int, int, int, const double *, const double *, const double *, const double *, int, int)',
    ),
    spatialDuals: lib.func('void tl_spatial_duals(double *, double *, const double *, const double *, int, int, int, int, int, const double *, int)'),
    convRows: lib.func(
      'int tl_conv_rows(const double *, const double *, double *, double *, int, int, int, int, int, const int *, const int *, const double *, int)',
    ),
    mehlerRow: lib.func(
      'int tl_mehler_row(int, double *, int, double, const double *, const double *, int, int, double *, double *, double *, int, double, int, double, double)',
    ),
    mehlerRows: lib.func(
      'void tl_mehler_rows(int, double *, const int *, const double *, double *, double *, int, int, const int *, int, const double *, int, double *, double *, int, int *, double, int, double, double, const double *, int, const double *, int, int)',
    ),
    mehlerList: lib.func(
      'int tl_mehler_list(int, double *, const int *, const double *, const int *, const double *, int, const double *, int, double *, double *, double *, double, int, double, double)',
    ),
    mehlerPack: lib.func('int tl_mehler_pack(const double *, const int *, int, const double *, int, double *, int, int, int *, int, int, int)'),
    heatShiftCells: lib.func(
      'void tl_heat_shift_cells(int, int, double *, double *, const double *, const int *, const int *, int, int, int, const int *, const double *, double, double, double, int *)',
    ),
    heatShiftJobs: lib.func(
      'int tl_heat_shift_jobs(const double *, double *, const int *, int *, const int *, int, int *, const int *, const int *, int, int, int, const double *, int, const double *, const int *, const int *, const int *, int, int, int *, int *, double *, int *)',
    ),
    expansionsEnter: lib.func(
      'int tl_expansions_enter(double *, int *, int, const double *, int, int *, double *, const int *, int, const int *, int, int, const double *, double)',
    ),
    expansionsLayOut: lib.func(
      'void tl_expansions_lay_out(double *, double *, int *, int *, int *, int, int, int, int, const double *, const int *, int, int, const double *, double)',
    ),
    mehlerReach: lib.func(
      'void tl_mehler_reach(const double *, const double *, const double *, int, int, int, double *, double *, double *, const double *, int)',
    ),
    symmetryDefect: lib.func('void tl_symmetry_defect(const double *, int, double *)'),
    transposeInPlace: lib.func('void tl_transpose_in_place(double *, int)'),
    mirrorUpper: lib.func('void tl_mirror_upper(double *, int)'),
    scaleColumns: lib.func('void tl_scale_columns(const double *, const double *, double *, int, int)'),
    permuteColumns: lib.func('void tl_permute_columns(const double *, const int *, double *, int, int)'),
  };
}

/** The native library, or null where it does not run (see {@link nativeInfo}). */
export function nativeLibrary(): NativeLibrary | null {
  if (library === undefined) library = load();
  return library;
}

/** Whether the native kernels run in this process (see {@link nativeInfo}). */
export interface NativeInfo {
  /** True when the kernel rules with a native twin run in C here. */
  readonly enabled: boolean;
  /** The library's path when enabled, else why not (turned off, not built, CPU without AVX2, not loadable). */
  readonly detail: string;
}

/**
 * Whether the native kernels (the arc-cosine and erf duals, the conv rule
 * and the Mehler sums of numerical activations, in C) run in this process,
 * and where from or why not. They give the same bits as the WebAssembly and
 * JavaScript paths, so this only tells you about speed.
 *
 * @example
 * ```ts
 * import { stax } from '@tangent-lab/core';
 * const { enabled, detail } = stax.nativeInfo();
 * console.log(enabled ? `native kernels from ${detail}` : `kernels on WebAssembly: ${detail}`);
 * ```
 */
export function nativeInfo(): NativeInfo {
  const lib = nativeLibrary();
  return lib === null ? { enabled: false, detail: absence } : { enabled: true, detail: lib.path };
}
