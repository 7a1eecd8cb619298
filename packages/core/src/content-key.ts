import { Matrix } from './matrix';

/**
 * A snapshot of a matrix's contents, for caches that must never be fooled by
 * a caller who overwrites an array in place and passes the same object again:
 * an entry is reused only when the shape and every entry are equal, whatever
 * the object. Comparing costs one pass over the entries, far less than the
 * products such a cache saves.
 */
export class ContentKey {
  /** The private copy the key compares against; safe to compute with, never handed to users. */
  readonly copy: Matrix;

  constructor(m: Matrix) {
    this.copy = m.clone();
  }

  /** Whether `m` holds exactly the contents this key was made from. */
  matches(m: Matrix): boolean {
    if (m.rows !== this.copy.rows || m.cols !== this.copy.cols) return false;
    const a = m.data;
    const b = this.copy.data;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
}
