import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { checkDerivatives } from '../helpers/layer-checks';

describe('stax.identity', () => {
  it('passes kernels through unchanged', () => {
    const x = inputs(5, 3, 2);
    const net = stax.serial(stax.dense(8, { wStd: 1.2, bStd: 0.3 }), stax.identity());
    assert.deepEqual(net.kernel(x).ntk!.data, stax.dense(8, { wStd: 1.2, bStd: 0.3 }).kernel(x).ntk!.data);
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.identity())));
});
