/*
 * An expansion's layout in a series store (`simd/series.wat`,
 * `special/variance-expansions.ts`), which the native kernels read and write.
 */
#ifndef TL_SERIES_STORE_H
#define TL_SERIES_STORE_H

/* The `grow at` of a series that has ended (`ENDED` of `simd/series.ts`). */
#define ENDED 0x7fffffff

/* A block of four coefficients, in doubles: the tail before it, a pad, x0..x3, k x0..k x3. */
enum { STORE_BLOCK = 10, STORE_X = 2, STORE_KX = 6 };

/*
 * The header (HEADER_BYTES): int32 0 the length, 1 `grow at` (ENDED once the
 * series ended), 2 the blocks' byte address, 3 the Stein flag, 10 the id, 11
 * the blocks it has room for; float64 2 E[phi^2], 3 E[phi'^2], 4 1/sqrt(q).
 */
enum { HEAD_LENGTH, HEAD_GROW, HEAD_BLOCKS, HEAD_STEIN, HEAD_ID = 10, HEAD_CAPACITY = 11 };
enum { HEAD_NORM_A = 2, HEAD_NORM_B = 3, HEAD_INV_ROOT = 4 };
enum { HEADER_BYTES = 48 };

#endif
