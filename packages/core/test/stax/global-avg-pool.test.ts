import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { checkDerivatives } from '../helpers/layer-checks';

describe('stax.globalAvgPool', () => {
  it('backward and JVP equal finite differences', () => {
    checkDerivatives(stax.serial(stax.conv(3, [2, 2]), stax.relu(), stax.globalAvgPool(), stax.dense(2)), [3, 4, 2]);
    checkDerivatives(stax.globalAvgPool(), [5, 2]);
  });
});
