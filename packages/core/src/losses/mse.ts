import type { Matrix } from '../matrix';
import type { Loss } from './loss';

/**
 * Mean squared error as Neural Tangents defines it, ℒ = ½·mean((f − y)²) over
 * all N·k entries; so ∇_f ℒ = (f − y)/(N·k), and gradient flow runs with the
 * kernel divided by y.size (the normalisation of `predict.gradientDescentMse`).
 */
export const mse: Loss = {
  name: 'mse',
  value(fx, y) {
    let s = 0;
    for (let i = 0; i < fx.data.length; i++) {
      const d = fx.data[i] - y.data[i];
      s += d * d;
    }
    return (0.5 * s) / fx.data.length;
  },
  grad(fx: Matrix, y: Matrix, out: Matrix) {
    const scale = 1 / fx.data.length;
    for (let i = 0; i < fx.data.length; i++) out.data[i] = scale * (fx.data[i] - y.data[i]);
    return out;
  },
};
