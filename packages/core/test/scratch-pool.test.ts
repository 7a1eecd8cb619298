import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  borrow,
  giveBack,
  IDLE_MS,
  lendingZeroed,
  pooledBytes,
  releasePool,
  RETAIN_BYTES,
  withScratch,
  zeroedFloat64,
} from '@tangent-lab/core/internal/scratch-pool';

describe('scratch pool', () => {
  beforeEach(releasePool);

  it('lends a given-back array again, with its stale values, and a new one while it is out', () => {
    const a = borrow(1000);
    a.fill(7);
    const b = borrow(1000);
    assert.notEqual(b.buffer, a.buffer, 'an array that is out is never lent twice');
    giveBack(b);
    giveBack(a);
    const c = borrow(1000);
    assert.ok(c.buffer === a.buffer || c.buffer === b.buffer, 'a given-back array is lent again');
    assert.equal(c.length, 1000);
    giveBack(c);
  });

  it('lends the smallest large-enough array as a view of exactly the length asked for', () => {
    const small = borrow(100);
    const large = borrow(5000);
    giveBack(large);
    giveBack(small);
    const view = borrow(80);
    assert.equal(view.buffer, small.buffer);
    assert.equal(view.length, 80);
    const other = borrow(3000);
    assert.equal(other.buffer, large.buffer);
    assert.equal(other.length, 3000);
    giveBack(view);
    giveBack(other);
  });

  it('refuses to take back an array it did not lend, or the same one twice', () => {
    assert.throws(() => giveBack(new Float64Array(10)), /not borrowed/);
    const a = borrow(10);
    giveBack(a);
    assert.throws(() => giveBack(a), /given back already/);
  });

  it('withScratch gives the array back when its function throws', () => {
    let seen: ArrayBufferLike | undefined;
    assert.throws(
      () =>
        withScratch(2048, (a) => {
          seen = a.buffer;
          throw new Error('boom');
        }),
      /boom/,
    );
    const again = borrow(2048);
    assert.equal(again.buffer, seen);
    giveBack(again);
  });

  it(`keeps at most ${RETAIN_BYTES / 2 ** 20} MiB, and lets everything go after ${IDLE_MS} ms without a borrow`, async () => {
    const huge = borrow(RETAIN_BYTES / 8 + 1);
    const before = pooledBytes();
    giveBack(huge);
    assert.equal(pooledBytes(), before, 'an array larger than the pool may keep is dropped');
    giveBack(borrow(1 << 20));
    assert.equal(pooledBytes(), 8 << 20);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS + 300));
    assert.equal(pooledBytes(), 0);
  });

  it('zeroedFloat64 lends zeroed arrays inside lendingZeroed, gives them back after use, and makes new ones outside', () => {
    const stale = borrow(500);
    stale.fill(9);
    giveBack(stale);
    let lent: Float64Array | undefined;
    lendingZeroed(
      () => {
        lent = zeroedFloat64(500);
        return lent;
      },
      (value) => {
        assert.equal(value.buffer, stale.buffer, 'the pool lent its array');
        assert.ok(
          value.every((v) => v === 0),
          'and zeroed it',
        );
        assert.equal(pooledBytes(), 0, 'still out while used');
      },
    );
    assert.equal(pooledBytes(), 500 * 8, 'given back after use');
    const outside = zeroedFloat64(500);
    assert.notEqual(outside.buffer, stale.buffer);
    assert.equal(pooledBytes(), 500 * 8);
  });

  it('lendingZeroed gives its arrays back when compute or use throws', () => {
    const failingCompute = (): Float64Array => {
      zeroedFloat64(64);
      throw new Error('in compute');
    };
    assert.throws(() => lendingZeroed(failingCompute, () => {}), /in compute/);
    assert.equal(pooledBytes(), 64 * 8);
    const failingUse = (): void => {
      throw new Error('in use');
    };
    assert.throws(() => lendingZeroed(() => zeroedFloat64(64), failingUse), /in use/);
    assert.equal(pooledBytes(), 64 * 8);
  });
});
