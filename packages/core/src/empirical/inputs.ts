import { ShapeError } from '../errors';
import { examplesFrom, exampleShape, sameExampleShape, type Examples } from '../examples';
import type { InputLike } from '../tensor';

/** The two input batches of an empirical kernel; x2 null (or x1 itself) means x1 with itself. */
export function kernelInputs(where: string, x1: InputLike, x2: InputLike | null | undefined): { a: Examples; b: Examples | null } {
  const a = examplesFrom(x1, 'x1');
  if (x2 === null || x2 === undefined || x2 === x1) return { a, b: null };
  const b = examplesFrom(x2, 'x2');
  if (!sameExampleShape(a, b)) {
    throw new ShapeError(`${where}: x1 and x2 have different example shapes ((${exampleShape(a).join(', ')}) vs (${exampleShape(b).join(', ')}))`);
  }
  return { a, b };
}
