/*
 * The mirror of a symmetric kernel below its diagonal, a group of rows at a
 * time: a[j, i] = a[i, j] for rows i in [g0, g1) and every j > i of an n x n
 * array (row-major). Copies, so every way of doing it gives the same bits.
 */
#ifndef TANGENT_LAB_MIRROR_H
#define TANGENT_LAB_MIRROR_H

#include <stddef.h>

static inline void mirror_group(double *a, int n, int g0, int g1) {
  for (int j = g0 + 1; j < n; j++) {
    const int end = g1 < j ? g1 : j;
    for (int i = g0; i < end; i++) a[(size_t)j * n + i] = a[(size_t)i * n + j];
  }
}

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * mirror_group for the eight rows g0 to g0 + 8 (all of them rows of a) with
 * AVX-512: eight columns of the eight rows at a time, transposed in
 * registers, each column written as one vector of eight (a cache line where
 * the rows are aligned), instead of one copy per entry. Measured on the rows of a 400 x 400 kernel's last layer (see
 * mehler-rows.c; best of 500 runs each, three times), the mirror added
 * 0.049-0.058 ms a copy at a time, 0.023-0.045 ms this way.
 */
__attribute__((target("avx512f"))) static inline void mirror_eight_avx512(double *a, int n, int g0) {
  const int g1 = g0 + 8;
  // The corner above the diagonal among the eight rows themselves.
  for (int j = g0 + 1; j < g1; j++)
    for (int i = g0; i < j; i++) a[(size_t)j * n + i] = a[(size_t)i * n + j];
  int j = g1;
  for (; j + 8 <= n; j += 8) {
    __m512d r[8], t[8], u[8];
    for (int k = 0; k < 8; k++) r[k] = _mm512_loadu_pd(a + (size_t)(g0 + k) * n + j);
    for (int k = 0; k < 8; k += 2) {
      t[k] = _mm512_unpacklo_pd(r[k], r[k + 1]);
      t[k + 1] = _mm512_unpackhi_pd(r[k], r[k + 1]);
    }
    // 128-bit pairs: u[0] holds columns 0 and 4 of rows 0-3, u[1] columns 2 and 6, u[2] 1 and 5, u[3] 3 and 7; u[4..7] the same of rows 4-7.
    for (int k = 0; k < 8; k += 4) {
      u[k] = _mm512_shuffle_f64x2(t[k], t[k + 2], 0x88);
      u[k + 1] = _mm512_shuffle_f64x2(t[k], t[k + 2], 0xdd);
      u[k + 2] = _mm512_shuffle_f64x2(t[k + 1], t[k + 3], 0x88);
      u[k + 3] = _mm512_shuffle_f64x2(t[k + 1], t[k + 3], 0xdd);
    }
    static const int column_of[4][2] = {{0, 4}, {2, 6}, {1, 5}, {3, 7}};
    for (int k = 0; k < 4; k++) {
      _mm512_storeu_pd(a + (size_t)(j + column_of[k][0]) * n + g0, _mm512_shuffle_f64x2(u[k], u[k + 4], 0x88));
      _mm512_storeu_pd(a + (size_t)(j + column_of[k][1]) * n + g0, _mm512_shuffle_f64x2(u[k], u[k + 4], 0xdd));
    }
  }
  for (; j < n; j++)
    for (int i = g0; i < g1; i++) a[(size_t)j * n + i] = a[(size_t)i * n + j];
}
#endif

#endif
