import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { random, stax, Tensor } from '@tangent-lab/core';
import { checkDerivatives } from '../helpers/layer-checks';

describe('stax.flatten', () => {
  it('backward and JVP equal finite differences', () => {
    checkDerivatives(stax.serial(stax.conv(2, [2, 2]), stax.flatten(), stax.dense(3)), [3, 3, 2]);
  });

  it('reshapes (n, H, W, C) to (n, H·W·C) in row-major order, and leaves matrices as they are', () => {
    const x = new Tensor(
      [2, 2, 3, 2],
      Float64Array.from({ length: 24 }, (_, i) => i),
    );
    const flat = stax.flatten();
    const y = flat.apply(flat.init(random.key(0), [2, 3, 2]).params, x);
    assert.deepEqual([...y.data], [...x.data]);
    assert.deepEqual(stax.flatten().init(random.key(0), [2, 3, 2]).outputDim, 12);
    assert.deepEqual(stax.flatten().init(random.key(0), 5).outputDim, 5);
  });

  it('after flatten an activation needs a dense layer first', () => {
    const x = new Tensor([2, 2, 2, 1], Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    assert.throws(() => stax.serial(stax.conv(2, [2, 2]), stax.flatten(), stax.relu(), stax.dense(1)).kernel(x), /must be Gaussian/);
  });
});
