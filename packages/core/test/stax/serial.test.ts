import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { checkDerivatives } from '../helpers/layer-checks';

describe('stax.serial', () => {
  it('backward and JVP equal finite differences through three layers', () => {
    checkDerivatives(stax.serial(stax.dense(6, { bStd: 0.1 }), stax.erf(), stax.dense(4), stax.gelu(), stax.dense(2)));
  });

  it('is associative: serial(a, serial(b, c)) has the kernel of serial(a, b, c), bit for bit', () => {
    const x = inputs(6, 3, 8);
    const flat = stax.serial(stax.dense(8, { bStd: 0.2 }), stax.relu(), stax.dense(4), stax.erf(), stax.dense(1));
    const nested = stax.serial(stax.dense(8, { bStd: 0.2 }), stax.serial(stax.relu(), stax.dense(4)), stax.serial(stax.erf(), stax.dense(1)));
    assert.deepEqual(nested.kernel(x).ntk!.data, flat.kernel(x).ntk!.data);
  });

  it('rejects what is not a layer, with the usual slip named', () => {
    assert.throws(() => stax.serial(), /needs at least one layer/);
    assert.throws(() => stax.serial(stax.relu as never), /call it, e\.g\. stax\.relu\(\) rather than stax\.relu/);
    assert.throws(() => stax.serial({} as never), /argument 0 is not a layer/);
  });
});
