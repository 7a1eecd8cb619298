import { InputError } from '../../errors';
import { abReluGradTimesPass, abReluPass } from '../../simd/passes';
import { abReluRow, simdRows } from '../../simd/rows';
import { angleUpper } from '../../special/atan';
import { activationType, type Activation } from '../activation';

/**
 * The dual of φ(x) = a·min(x, 0) + b·max(x, 0) in closed form, from the
 * arc-cosine kernels of Cho & Saul (2009) — Lee et al. 2019, eqs. (S13)–(S16)
 * for ReLU (a = 0, b = 1), generalised as in Neural Tangents' `ABRelu`. With
 * θ = arccos(q12/√(q11 q22)):
 *   𝒯(Σ) = (a−b)²/(2π) · √(q11 q22 − q12²) + ((a²+b²)/2 − (a−b)²θ/(2π)) · q12,
 *   𝒯̇(Σ) = (a²+b²)/2 − (a−b)²θ/(2π).
 * θ is computed as the angle of (q12, √(q11 q22 − q12²)), which keeps full
 * precision near θ = 0 and π where arccos does not (`angleUpper`, a fast atan;
 * rows of entries run on WebAssembly SIMD, `simd/rows`). In tfjs, φ = b·relu(x) − a·relu(−x),
 * whose derivative is a below 0 and b above, as the float64 φ′.
 */
export function abReluActivation(name: string, a: number, b: number): Activation {
  for (const [label, v] of [
    ['a', a],
    ['b', b],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${name}: slope ${label} must be a finite number, got ${v}`);
  }
  const factor = ((a - b) * (a - b)) / (2 * Math.PI);
  const half = (a * a + b * b) / 2;
  // φ′ by a lookup on (x > 0) instead of a branch: random signs mispredict a
  // branch half of the time, which made the finite passes ~4× slower.
  const slopes = Float64Array.of(a, b);
  return {
    name,
    fn: (x) => (x > 0 ? b * x : a * x),
    grad: (x) => (x > 0 ? b : a),
    // On SIMD when the arrays live in a Workspace arena (`simd/passes`, the
    // same bits). Otherwise four entries per iteration: V8 does not
    // vectorise, and the unrolled loop runs ~30% faster (measured on 256×1024 arrays).
    fnArray(x, out) {
      const n = out.length;
      if (abReluPass(x, out, n, a, b)) return;
      let i = 0;
      for (; i + 3 < n; i += 4) {
        const u0 = x[i];
        const u1 = x[i + 1];
        const u2 = x[i + 2];
        const u3 = x[i + 3];
        out[i] = slopes[+(u0 > 0)] * u0;
        out[i + 1] = slopes[+(u1 > 0)] * u1;
        out[i + 2] = slopes[+(u2 > 0)] * u2;
        out[i + 3] = slopes[+(u3 > 0)] * u3;
      }
      for (; i < n; i++) out[i] = slopes[+(x[i] > 0)] * x[i];
    },
    gradTimes(g, x, out) {
      const n = out.length;
      if (abReluGradTimesPass(g, x, out, n, a, b)) return;
      let i = 0;
      for (; i + 3 < n; i += 4) {
        out[i] = g[i] * slopes[+(x[i] > 0)];
        out[i + 1] = g[i + 1] * slopes[+(x[i + 1] > 0)];
        out[i + 2] = g[i + 2] * slopes[+(x[i + 2] > 0)];
        out[i + 3] = g[i + 3] * slopes[+(x[i + 3] > 0)];
      }
      for (; i < n; i++) out[i] = g[i] * slopes[+(x[i] > 0)];
    },
    dual(q11, q12, q22, out, wantDot) {
      const gap = q11 * q22 - q12 * q12;
      const root = Math.sqrt(gap > 0 ? gap : 0);
      const dot = half - factor * angleUpper(root, q12);
      out[0] = factor * root + dot * q12;
      if (wantDot) out[1] = dot;
    },
    // Rows two entries at a time on SIMD, with the same arithmetic (and bits) as `dual`.
    nativeDual: { kind: 'abRelu', factor, half },
    ...(simdRows() ? { dualRow: (q11, q12, q22, n, t, tDot) => abReluRow(q11, q12, q22, n, t, tDot, factor, half) } : {}),
    tfjs: (tf, h) => tf.sub(tf.mul(tf.relu(h), b), tf.mul(tf.relu(tf.neg(h)), a)),
  };
}

/**
 * φ(x) = a·min(x, 0) + b·max(x, 0): slope a for x < 0, b for x > 0.
 * Neural Tangents' `ABRelu(a, b)`.
 */
export const abRelu = activationType({
  type: 'abRelu',
  create: (a: number, b: number) => abReluActivation(`ABRelu(${a}, ${b})`, a, b),
});
