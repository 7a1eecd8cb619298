import { nativeMirrorUpper, nativeTransposeInPlace } from '../native/matrix-passes';

/**
 * Copies the upper triangle of a row-major n×n matrix onto its lower one, for
 * symmetric results computed one triangle at a time (dsyrk, or a sum of them).
 * In native code where it runs (`native/matrix-passes.c`: the same copies,
 * vectorised).
 */
export function mirrorUpper(c: Float64Array, n: number): void {
  if (nativeMirrorUpper(c, n)) return;
  // Tile by tile, so that the column writes of a tile stay in cache.
  const T = 64;
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(i0 + T, n);
    for (let j0 = i0; j0 < n; j0 += T) {
      const j1 = Math.min(j0 + T, n);
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i + 1); j < j1; j++) c[j * n + i] = c[i * n + j];
      }
    }
  }
}

/** Transposes a row-major n×n matrix in place, tile by tile as {@link mirrorUpper} (LAPACK's column-major results); in native code where it runs. */
export function transposeInPlace(a: Float64Array, n: number): void {
  if (nativeTransposeInPlace(a, n)) return;
  const T = 64;
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(i0 + T, n);
    for (let j0 = i0; j0 < n; j0 += T) {
      const j1 = Math.min(j0 + T, n);
      for (let i = i0; i < i1; i++) {
        for (let j = Math.max(j0, i + 1); j < j1; j++) {
          const t = a[i * n + j];
          a[i * n + j] = a[j * n + i];
          a[j * n + i] = t;
        }
      }
    }
  }
}
