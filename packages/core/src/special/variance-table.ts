/**
 * Variances → indices, as a hash table in typed arrays: the expansions'
 * cache looks up every variance of a kernel's rows and columns, hundreds
 * per call, each new one added. A `Map` keyed by numbers keeps each key as a
 * heap object of its own and reallocates its tables as it grows, garbage
 * that a first call's collections paid for; here a lookup allocates
 * nothing. Keys compare as a `Map`'s do (SameValueZero: 0 and −0 alike, NaN
 * equal to NaN).
 */
export class VarianceTable {
  /** The slots' keys and values (an index, −1: empty), read and written in place by `native/expansions-at.c`, which probes as {@link get} does; renewed when the table grows. */
  keys: Float64Array;
  values: Int32Array;
  /** Slots − 1 (slots a power of two, at least twice the entries). */
  mask: number;
  size = 0;
  /** The bits of a key, for its hash. */
  private readonly bits = new Float64Array(1);
  private readonly words = new Int32Array(this.bits.buffer);

  constructor(capacity: number) {
    let slots = 16;
    while (slots < 2 * capacity) slots *= 2;
    this.keys = new Float64Array(slots);
    this.values = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
  }

  /** The index stored with q, or −1. */
  get(q: number): number {
    const { keys, values, mask } = this;
    for (let slot = this.hash(q); ; slot = (slot + 1) & mask) {
      const v = values[slot];
      if (v < 0) return -1;
      const k = keys[slot];
      if (k === q || (k !== k && q !== q)) return v;
    }
  }

  /** Stores index v with q, which the table does not hold; grows (rehashing) beyond half full. */
  set(q: number, v: number): void {
    if (2 * (this.size + 1) > this.values.length) this.grow();
    this.place(q, v);
    this.size++;
  }

  /** Grows now, if need be, so that `count` more entries keep the table at most half full (as native code that enters them expects). */
  reserve(count: number): void {
    while (2 * (this.size + count) > this.values.length) this.grow();
  }

  /** Empties the table (its memory stays). */
  clear(): void {
    this.values.fill(-1);
    this.size = 0;
  }

  private place(q: number, v: number): void {
    const { keys, values, mask } = this;
    let slot = this.hash(q);
    while (values[slot] >= 0) slot = (slot + 1) & mask;
    keys[slot] = q;
    values[slot] = v;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(2 * keys.length);
    this.values = new Int32Array(2 * values.length).fill(-1);
    this.mask = this.values.length - 1;
    for (let slot = 0; slot < values.length; slot++) if (values[slot] >= 0) this.place(keys[slot], values[slot]);
  }

  /** A slot from the key's bits (0 and −0, and every NaN, alike). */
  private hash(q: number): number {
    if (q === 0 || q !== q) return 0;
    this.bits[0] = q;
    const h = Math.imul(this.words[0] ^ Math.imul(this.words[1], 0x9e3779b1), 0x85ebca6b);
    return (h ^ (h >>> 15)) & this.mask;
  }
}
