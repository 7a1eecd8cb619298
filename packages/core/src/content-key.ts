import { batchShape, examplesOn, type Examples } from './examples';

/**
 * A snapshot of a batch's contents (a matrix or a tensor), for caches that
 * must never be fooled by a caller who overwrites an array in place and passes
 * the same object again: an entry is reused only when the shape and every
 * entry are equal, whatever the object. Comparing costs one pass over the
 * entries, far less than the products such a cache saves.
 */
export class ContentKey<T extends Examples = Examples> {
  /** The private copy the key compares against; safe to compute with, never handed to users. */
  readonly copy: T;

  constructor(m: T) {
    this.copy = examplesOn({ shape: batchShape(m) }, m.data.slice()) as T;
  }

  /** Whether `m` holds exactly the contents this key was made from. */
  matches(m: Examples): boolean {
    const a = batchShape(m);
    const b = batchShape(this.copy);
    if (a.length !== b.length || a.some((d, i) => d !== b[i])) return false;
    const x = m.data;
    const y = this.copy.data;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
}
