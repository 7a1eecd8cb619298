/**
 * Gauss–Legendre quadrature on [−1, 1]: ∫ f ≈ Σᵢ wᵢ f(xᵢ), exact for
 * polynomials of degree < 2n. Nodes by Newton's method on the Legendre
 * recurrence (accurate to round-off for the small orders used here).
 */
import type { Quadrature } from './gauss-hermite';

const cache = new Map<number, Quadrature>();

export function gaussLegendre(n: number): Quadrature {
  const hit = cache.get(n);
  if (hit) return hit;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      dp = (n * (z * p1 - p2)) / (z * z - 1);
      const z1 = z;
      z = z1 - p1 / dp;
      if (Math.abs(z - z1) <= 1e-16) break;
    }
    nodes[i] = -z;
    nodes[n - 1 - i] = z;
    weights[i] = 2 / ((1 - z * z) * dp * dp);
    weights[n - 1 - i] = weights[i];
  }
  const q = { nodes, weights };
  cache.set(n, q);
  return q;
}
