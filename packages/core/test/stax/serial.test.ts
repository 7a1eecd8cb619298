import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linalg, Matrix, random, stax } from '@tangent-lab/core';
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

  it('without a caller for the input gradient (needInput false) stops at the first layer with parameters: the same parameter gradients bit for bit, one product fewer', () => {
    const x = Matrix.from(inputs(9, 5, 3));
    for (const [name, net, gemmsSaved] of [
      ['dense first', stax.serial(stax.dense(7, { bStd: 0.1 }), stax.relu(), stax.dense(6), stax.erf(), stax.dense(2)), 1],
      ['parameterless layers first', stax.serial(stax.erf(), stax.relu(), stax.dense(6, { bStd: 0.2 }), stax.gelu(), stax.dense(2)), 1],
      ['nested, and a branch first', stax.serial(stax.serial(stax.dense(6), stax.relu()), stax.dense(3)), 1],
      ['no parameters at all', stax.serial(stax.relu(), stax.erf()), 0],
    ] as const) {
      const { params } = net.init(random.key(4), 5);
      const { out, cache } = net.impl.forward(params, x);
      const g = Matrix.from(inputs((out as Matrix).rows, (out as Matrix).cols, 5));
      const all = linalg.profile(() => net.impl.backward(params, cache, g));
      const some = linalg.profile(() => net.impl.backward(params, cache, g, undefined, false));
      assert.deepEqual(some.value.gParams, all.value.gParams, name);
      assert.equal((all.calls.gemm ?? 0) - (some.calls.gemm ?? 0), gemmsSaved, name);
      if (gemmsSaved > 0) assert.deepEqual([(some.value.gIn as Matrix).rows, (some.value.gIn as Matrix).cols], [0, 0], name);
      else assert.deepEqual(some.value.gIn, all.value.gIn, name);
      // With the input gradient asked for, nothing changes.
      assert.deepEqual(net.impl.backward(params, cache, g, undefined, true).gIn, all.value.gIn);
    }
  });

  it('rejects what is not a layer, with the usual slip named', () => {
    assert.throws(() => stax.serial(), /needs at least one layer/);
    assert.throws(() => stax.serial(stax.relu as never), /call it, e\.g\. stax\.relu\(\) rather than stax\.relu/);
    assert.throws(() => stax.serial({} as never), /argument 0 is not a layer/);
  });
});
