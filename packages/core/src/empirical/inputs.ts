import { ShapeError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';

/** The two input batches of an empirical kernel; x2 null (or x1 itself) means x1 with itself. */
export function kernelInputs(where: string, x1: MatrixLike, x2: MatrixLike | null | undefined): { a: Matrix; b: Matrix | null } {
  const a = Matrix.from(x1, 'x1');
  if (x2 === null || x2 === undefined || x2 === x1) return { a, b: null };
  const b = Matrix.from(x2, 'x2');
  if (a.cols !== b.cols) {
    throw new ShapeError(`${where}: x1 and x2 have different feature dimensions (${a.cols} vs ${b.cols})`);
  }
  return { a, b };
}
