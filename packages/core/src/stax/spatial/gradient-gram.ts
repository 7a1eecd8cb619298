import { activeBackend } from '../../linalg/backend';

/**
 * A weight-sharing layer's contribution to the empirical NTK (Lee et al.
 * 2019, eq. 5) between two batches: with per-position inputs (patches for a
 * conv, features for a dense layer acting at every position) X_a (S×K per
 * example a) and output gradients Δ_a (S×O), the gradient of example a's
 * output with respect to W (K×O) is s·X_aᵀΔ_a and with respect to the bias
 * s_b·Σ_p Δ_a(p), so the Gram is
 *   s²·⟨X_aᵀΔ_a, X_bᵀΔ_b⟩ + s_b²·⟨Σ_p Δ_a(p), Σ_p Δ_b(p)⟩.
 * Rows are (example, position), example-major; n examples of S positions.
 * `x1(a)` gives example a's S×K inputs (a conv builds its patches on demand,
 * one example at a time); `sameBatch` says both sides are one batch with
 * itself, so its per-example gradients are formed once.
 */
export function sharedWeightGram(
  x1: (a: number) => Float64Array,
  d1: Float64Array,
  n1: number,
  x2: (a: number) => Float64Array,
  d2: Float64Array,
  n2: number,
  sameBatch: boolean,
  positions: number,
  k: number,
  o: number,
  weightScale2: number,
  biasScale2: number,
): Float64Array {
  const backend = activeBackend();
  const perExample = (x: (a: number) => Float64Array, d: Float64Array, n: number) => {
    const g = new Float64Array(n * k * o);
    const bias = new Float64Array(n * o);
    for (let a = 0; a < n; a++) {
      const rows = x(a);
      const deltas = d.subarray(a * positions * o, (a + 1) * positions * o);
      backend.gemm(true, false, k, o, positions, 1, rows, deltas, 0, g.subarray(a * k * o, (a + 1) * k * o));
      for (let p = 0; p < positions; p++) {
        for (let j = 0; j < o; j++) bias[a * o + j] += deltas[p * o + j];
      }
    }
    return { g, bias };
  };
  const one = perExample(x1, d1, n1);
  const two = sameBatch ? one : perExample(x2, d2, n2);
  const gram = new Float64Array(n1 * n2);
  backend.gemm(false, true, n1, n2, k * o, weightScale2, one.g, two.g, 0, gram);
  if (biasScale2 !== 0) backend.gemm(false, true, n1, n2, o, biasScale2, one.bias, two.bias, 1, gram);
  return gram;
}
