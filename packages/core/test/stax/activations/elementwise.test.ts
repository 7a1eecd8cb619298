import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, InputError, stax } from '@tangent-lab/core';
import { erf as erfFn } from '@tangent-lab/core/internal/special/erf';
import { assertClose, inputs, maxRelError } from '../../helpers/compare';
import { assertMatchesNumpy, checkDerivatives, pyDense, twoLayer } from '../../helpers/layer-checks';

describe('stax.elementwise', () => {
  it('tanh by Gauss–Hermite quadrature equals the numpy reference', () => {
    assertMatchesNumpy([pyDense(8, 1.5, 0.05), ['tanh'], pyDense(8, 1.5, 0.05), ['tanh'], pyDense(1, 1.5, 0.05)], 1e-8);
  });

  it('Gauss–Hermite alone cannot resolve a kink, which is why `kinks` exists', () => {
    const x = inputs(4, 3, 13);
    const closed = twoLayer(stax.relu()).kernel(x, null, 'ntk');
    const gh = twoLayer(stax.elementwise((v) => Math.max(v, 0), { grad: (v) => (v > 0 ? 1 : 0), degree: 64 })).kernel(x, null, 'ntk');
    assert.ok(maxRelError(gh.data, closed.data) > 1e-3);
  });

  it('without grad, the derivative comes from a fourth-order central difference', () => {
    const x = inputs(4, 3, 14);
    const exact = twoLayer(stax.erf()).kernel(x, null, 'ntk');
    const numeric = twoLayer(stax.elementwise(erfFn)).kernel(x, null, 'ntk');
    assertClose(numeric, exact.data, 1e-8, 'erf ntk with numerical derivative');
  });

  it('backward and JVP equal finite differences (numerical derivative)', () => {
    checkDerivatives(stax.serial(stax.dense(5), stax.elementwise((v) => v / (1 + Math.exp(-v)))));
  });

  it('rejects bad arguments before any work', () => {
    assert.throws(() => stax.elementwise(undefined as never), (e: Error) => e instanceof InputError && /needs the activation function/.test(e.message));
    assert.throws(() => stax.elementwise(Math.tanh, { kinks: [NaN] }), /kinks must be an array of finite numbers/);
    assert.throws(() => stax.elementwise(Math.tanh, { deg: 10 } as never), /unknown option "deg"/);
    assert.throws(() => stax.elementwise(Math.tanh, { degree: 401 }), /degree 401 is too large/);
  });

  it('worker threads rebuild self-contained functions and Math built-ins from their spec', async () => {
    const x = inputs(20, 2, 3);
    for (const act of [stax.elementwise((v: number) => Math.tanh(v), { degree: 24 }), stax.elementwise(Math.tanh, { degree: 24 })]) {
      const net = stax.serial(stax.dense(16), act, stax.dense(1));
      assert.equal(act.impl.localOnly, undefined);
      const got = await batch(net.kernel, { batchSize: 5, workers: 2 })(x);
      assert.deepEqual(got.nngp.data, net.kernel(x).nngp.data);
    }
    assert.deepEqual(stax.elementwise(Math.tanh).spec.args[0], { fn: 'Math.tanh', tol: 1e-10 });
  });

  it('a closure is kept on the calling thread, and batch workers refuse it, saying why and how to wrap it', async () => {
    const scale = 1.7;
    const closure = stax.serial(stax.dense(16), stax.elementwise((v: number) => Math.tanh(scale * v)), stax.dense(1));
    assert.throws(() => batch(closure.kernel, { workers: 2 }),
      (e: Error) => e instanceof InputError && /refers to variables outside its own body.*wrap it in a self-contained arrow function, e\.g\. \(v\) => Math\.tanh\(v\)/.test(e.message));
    const x = inputs(20, 2, 3);
    const inThread = await batch(closure.kernel, { batchSize: 5, workers: 0 })(x, null, 'nngp');
    assert.deepEqual(inThread.data, closure.kernel(x, null, 'nngp').data);
  });
});
