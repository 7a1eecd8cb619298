import { InputError, ShapeError } from '../errors';
import { describeValue } from '../arrays/vector';
import { Matrix, type MatrixLike } from '../matrix';

/**
 * The arguments of a built-in loss, checked: outputs f as a {@link Matrix}
 * (examples × outputs) and targets y of the same shape — a Matrix, rows, or a
 * vector (`number[]`, `Float64Array`) for one output. Mismatched shapes would
 * otherwise read past the end and give NaN.
 */
export function lossArgs(where: string, fx: unknown, y: MatrixLike): { fx: Matrix; y: Matrix } {
  if (!(fx instanceof Matrix)) {
    throw new InputError(
      `${where}: the outputs must be a Matrix (examples × outputs), such as net.apply(params, x) returns for a network that ends in a dense readout; got ${describeValue(fx)}`,
    );
  }
  const t = y instanceof Matrix ? y : Matrix.from(y, `${where}: y`);
  if (t.rows !== fx.rows || t.cols !== fx.cols) {
    throw new ShapeError(
      `${where}: the targets are ${t.rows}×${t.cols} but the outputs are ${fx.rows}×${fx.cols}; give one row of targets per example and one column per output`,
    );
  }
  return { fx, y: t };
}
