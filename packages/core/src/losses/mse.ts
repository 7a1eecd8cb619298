import { recordLoss } from '../grad/trace';
import { Matrix } from '../matrix';
import type { BuiltinLoss } from './loss';
import { lossArgs } from './targets';

/**
 * Mean squared error as Neural Tangents defines it, ℒ = ½·mean((f − y)²) over
 * all N·k entries; so ∇_f ℒ = (f − y)/(N·k), and gradient flow runs with the
 * kernel divided by y.size (the normalisation of `predict.gradientDescentMse`).
 */
export const mse: BuiltinLoss = {
  name: 'mse',
  value(outputs, targets) {
    const { fx, y } = lossArgs('losses.mse', outputs, targets);
    let s = 0;
    for (let i = 0; i < fx.data.length; i++) {
      const d = fx.data[i] - y.data[i];
      s += d * d;
    }
    const value = (0.5 * s) / fx.data.length;
    recordLoss(mse, fx, y, value);
    return value;
  },
  grad(outputs, targets, out = new Matrix(outputs.rows, outputs.cols)) {
    const { fx, y } = lossArgs('losses.mse.grad', outputs, targets);
    const scale = 1 / fx.data.length;
    for (let i = 0; i < fx.data.length; i++) out.data[i] = scale * (fx.data[i] - y.data[i]);
    return out;
  },
};
