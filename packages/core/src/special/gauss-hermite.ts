/**
 * Gauss–Hermite quadrature: nodes xᵢ and weights wᵢ with
 * ∫ f(x) e^{−x²} dx ≈ Σᵢ wᵢ f(xᵢ), exact for polynomials of degree < 2n.
 * Nodes are found by Newton's method on the orthonormal Hermite recurrence
 * (the classic `gauher` algorithm), which is accurate to float64 round-off for
 * the degrees used here (≤ 200).
 */
export interface Quadrature {
  nodes: Float64Array;
  weights: Float64Array;
}

const cache = new Map<number, Quadrature>();
const PI_M4 = 0.7511255444649425; // π^(−1/4)

export function gaussHermite(n: number): Quadrature {
  const hit = cache.get(n);
  if (hit) return hit;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  let z = 0;
  for (let i = 0; i < m; i++) {
    // Initial guesses for the largest roots first, then from the previous ones.
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(n, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[0];
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[1];
    else z = 2 * z - nodes[i - 2];
    let pp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = PI_M4;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    nodes[i] = z;
    nodes[n - 1 - i] = -z;
    weights[i] = 2 / (pp * pp);
    weights[n - 1 - i] = weights[i];
  }
  const q = { nodes, weights };
  cache.set(n, q);
  return q;
}
