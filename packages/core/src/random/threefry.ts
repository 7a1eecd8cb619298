/**
 * Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011) — the counter-based generator behind JAX's
 * `jax.random`. A key and a counter map to two pseudo-random 32-bit words;
 * there is no hidden state, which is what makes keys splittable.
 *
 * Random numbers are drawn through {@link threefryStream}, which encrypts a
 * run of counters in one loop: the rounds unrolled on int32 locals (`| 0`
 * keeps V8 on small-integer arithmetic; words become unsigned only when
 * stored), nothing allocated, no call per block.
 */

const KS_PARITY = 0x1bd11bda;

/** x rotated left by r bits, as int32. */
function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/**
 * Encrypts the counter (c0, c1) under the key (k0, k1) and writes the two
 * output words into `out[offset]`, `out[offset + 1]`.
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array, offset = 0): void {
  threefryStream(k0, k1, c0, c1, 1, out, offset);
}

/**
 * Encrypts `count` consecutive counters — (c0, c1), (c0 + 1, c1), …, the
 * low word wrapping mod 2³² — under the key (k0, k1), writing the pairs of
 * words into `out[offset..offset + 2·count)`. One loop with the rounds
 * unrolled, so the blocks of a long stream cost no call each.
 */
export function threefryStream(k0: number, k1: number, c0: number, c1: number, count: number, out: Uint32Array, offset = 0): void {
  const ks0 = k0 | 0;
  const ks1 = k1 | 0;
  const ks2 = (k0 ^ k1 ^ KS_PARITY) | 0;
  for (let i = 0; i < count; i++) {
    let x0 = (c0 + i + ks0) | 0;
    let x1 = (c1 + ks1) | 0;
    // Rounds 1–4 (rotations 13, 15, 26, 6), then key injection 1.
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 13) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 15) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 26) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 6) ^ x0;
    x0 = (x0 + ks1) | 0;
    x1 = (x1 + ks2 + 1) | 0;
    // Rounds 5–8 (17, 29, 16, 24), injection 2.
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 17) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 29) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 16) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 24) ^ x0;
    x0 = (x0 + ks2) | 0;
    x1 = (x1 + ks0 + 2) | 0;
    // Rounds 9–12, injection 3.
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 13) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 15) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 26) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 6) ^ x0;
    x0 = (x0 + ks0) | 0;
    x1 = (x1 + ks1 + 3) | 0;
    // Rounds 13–16, injection 4.
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 17) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 29) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 16) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 24) ^ x0;
    x0 = (x0 + ks1) | 0;
    x1 = (x1 + ks2 + 4) | 0;
    // Rounds 17–20, injection 5.
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 13) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 15) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 26) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, 6) ^ x0;
    x0 = (x0 + ks2) | 0;
    x1 = (x1 + ks0 + 5) | 0;
    out[offset + 2 * i] = x0;
    out[offset + 2 * i + 1] = x1;
  }
}
