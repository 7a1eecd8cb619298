import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { checkDerivatives } from '../helpers/layer-checks';

describe('stax.avgPool', () => {
  it('backward and JVP equal finite differences: VALID, SAME with and without edge normalisation, CIRCULAR, strides, 1-D', () => {
    checkDerivatives(stax.avgPool([2, 2]), [4, 4, 2]);
    checkDerivatives(stax.avgPool([3, 2], { padding: 'SAME', strides: [2, 1] }), [5, 4, 2]);
    checkDerivatives(stax.avgPool([3, 3], { padding: 'SAME', normalizeEdges: true }), [4, 4, 1]);
    checkDerivatives(stax.serial(stax.conv(2, [2, 2]), stax.avgPool([2, 2], { padding: 'CIRCULAR' })), [3, 3, 2]);
    checkDerivatives(stax.avgPool([2], { strides: [2] }), [6, 2]);
  });
});
