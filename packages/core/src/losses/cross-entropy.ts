import type { Loss } from './loss';

/**
 * Softmax cross-entropy (eq. 24, S19) as a mean over all N·k entries, like
 * {@link mse} and Neural Tangents' examples, `-mean(log_softmax(f) * y)`:
 * ℒ = −(1/(N·k)) Σₙ Σᵢ yₙᵢ log σ(fₙ)ᵢ, so ∇_f ℒ = (σ(f) − y)/(N·k) for targets
 * whose rows sum to 1 (one-hot labels or probabilities). The two built-in
 * losses therefore share one time unit. This is the per-example average
 * −(1/N) Σₙ yₙ·log σ(fₙ) divided by the number of classes k: a learning rate
 * k times larger gives the same training as that convention.
 * Log-softmax is computed with the row maximum subtracted, so large logits
 * do not overflow.
 */
export const crossEntropy: Loss = {
  name: 'crossEntropy',
  value(fx, y) {
    const { rows, cols, data } = fx;
    let total = 0;
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, data[r * cols + c]);
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += Math.exp(data[r * cols + c] - max);
      const logZ = max + Math.log(sum);
      for (let c = 0; c < cols; c++) total -= y.data[r * cols + c] * (data[r * cols + c] - logZ);
    }
    return total / (rows * cols);
  },
  grad(fx, y, out) {
    const { rows, cols, data } = fx;
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, data[r * cols + c]);
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += Math.exp(data[r * cols + c] - max);
      let ySum = 0;
      for (let c = 0; c < cols; c++) ySum += y.data[r * cols + c];
      for (let c = 0; c < cols; c++) {
        const p = Math.exp(data[r * cols + c] - max) / sum;
        out.data[r * cols + c] = (ySum * p - y.data[r * cols + c]) / (rows * cols);
      }
    }
    return out;
  },
};
