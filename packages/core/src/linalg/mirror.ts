/**
 * Copies the upper triangle of a row-major n×n matrix onto its lower one, for
 * symmetric results computed one triangle at a time (dsyrk, or a sum of them).
 */
export function mirrorUpper(c: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) c[j * n + i] = c[i * n + j];
  }
}
