/**
 * Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011) — the counter-based generator behind JAX's
 * `jax.random`. A key and a counter map to two pseudo-random 32-bit words;
 * there is no hidden state, which is what makes keys splittable.
 */

const ROTATIONS_A = [13, 15, 26, 6] as const;
const ROTATIONS_B = [17, 29, 16, 24] as const;
const KS_PARITY = 0x1bd11bda;

/**
 * Encrypts the counter (c0, c1) under the key (k0, k1) and writes the two
 * output words into `out[offset]`, `out[offset + 1]`.
 */
export function threefry2x32(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  out: Uint32Array,
  offset = 0,
): void {
  const k2 = (k0 ^ k1 ^ KS_PARITY) >>> 0;
  let x0 = (c0 + k0) >>> 0;
  let x1 = (c1 + k1) >>> 0;
  const ks = [k0 >>> 0, k1 >>> 0, k2];
  for (let block = 0; block < 5; block++) {
    const rot = block % 2 === 0 ? ROTATIONS_A : ROTATIONS_B;
    for (let r = 0; r < 4; r++) {
      x0 = (x0 + x1) >>> 0;
      x1 = ((x1 << rot[r]) | (x1 >>> (32 - rot[r]))) >>> 0;
      x1 = (x1 ^ x0) >>> 0;
    }
    // Key injection after every four rounds.
    x0 = (x0 + ks[(block + 1) % 3]) >>> 0;
    x1 = (x1 + ks[(block + 2) % 3] + block + 1) >>> 0;
  }
  out[offset] = x0;
  out[offset + 1] = x1;
}
