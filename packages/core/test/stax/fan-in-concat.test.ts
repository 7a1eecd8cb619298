import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { checkDerivatives } from '../helpers/layer-checks';

describe('stax.fanInConcat', () => {
  it('backward and JVP equal finite differences', () => {
    checkDerivatives(
      stax.serial(
        stax.dense(4),
        stax.fanOut(3),
        stax.parallel(stax.dense(2), stax.serial(stax.dense(3), stax.sin()), stax.identity()),
        stax.fanInConcat(),
        stax.dense(2),
      ),
    );
  });

  it("the kernel is the width-weighted mean of the branches (Neural Tangents' FanInConcat)", () => {
    const x = inputs(4, 3, 9);
    const a = stax.dense(2, { wStd: 1.3 });
    const b = stax.dense(6, { wStd: 0.6, bStd: 0.4 });
    const joined = stax.serial(stax.fanOut(2), stax.parallel(a, b), stax.fanInConcat()).kernel(x);
    const ka = a.kernel(x);
    const kb = b.kernel(x);
    joined.nngp.data.forEach((v, i) => assert.ok(Math.abs(v - (2 * ka.nngp.data[i] + 6 * kb.nngp.data[i]) / 8) < 1e-15));
  });
});
