import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, InputError, stax } from '@tangent-lab/core';
import { inputs } from '../../helpers/compare';
import {
  assertActsPerPosition,
  assertMatchesNumpy,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
  pyDense,
} from '../../helpers/layer-checks';

describe('stax.tanh', () => {
  it('equals the numpy reference (2-D quadrature of eq. S1) to its accuracy', () => {
    assertMatchesNumpy([pyDense(8, 1.5, 0.05), ['tanh'], pyDense(8, 1.5, 0.05), ['tanh'], pyDense(1, 1.5, 0.05)], 1e-9);
  });

  it('is stax.elementwise(Math.tanh) with the exact derivative, bit for bit', () => {
    const x = inputs(7, 3, 9);
    const net = (a: ReturnType<typeof stax.tanh>) => stax.serial(stax.dense(8, { wStd: 1.5, bStd: 0.05 }), a, stax.dense(1));
    const a = net(stax.tanh()).kernel(x);
    const b = net(stax.elementwise(Math.tanh, { grad: (v) => 1 - Math.tanh(v) ** 2 })).kernel(x);
    assert.deepEqual(Array.from(a.nngp.data), Array.from(b.nngp.data));
    assert.deepEqual(Array.from(a.ntk!.data), Array.from(b.ntk!.data));
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.tanh())));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.1 }), stax.tanh(), stax.dense(10)), 512, 100);
  });

  it('tiles on worker threads equal the untiled kernel bit for bit', async () => {
    const net = stax.serial(stax.dense(16, { wStd: 1.5, bStd: 0.05 }), stax.tanh(), stax.dense(16, { wStd: 1.5 }), stax.tanh(), stax.dense(1));
    const x = inputs(40, 3, 2);
    const tiled = await batch(net.kernel, { batchSize: 7, workers: 2 })(x);
    const whole = net.kernel(x);
    assert.deepEqual(Array.from(tiled.nngp.data), Array.from(whole.nngp.data));
    assert.deepEqual(Array.from(tiled.ntk!.data), Array.from(whole.ntk!.data));
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.tanh(), stax.dense(1)));
  });

  it('takes tol and rejects other options', () => {
    assert.deepEqual(stax.tanh({ tol: 1e-6 }).spec, { type: 'tanh', args: [{ tol: 1e-6 }] });
    assert.throws(
      () => stax.tanh({ tol: 0 }),
      (e: Error) => e instanceof InputError && /tol must be a number between/.test(e.message),
    );
    assert.throws(() => stax.tanh({ degree: 4 } as never), /unknown option "degree"/);
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.tanh());
  });
});
