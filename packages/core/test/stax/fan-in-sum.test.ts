import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, ShapeError, stax } from '@tangent-lab/core';
import { checkDerivatives } from '../helpers/layer-checks';

const x = [
  [0.1, 0.2],
  [0.3, -0.4],
];

describe('stax.fanOut, stax.parallel and stax.fanInSum (a residual block)', () => {
  it('backward and JVP equal finite differences', () => {
    checkDerivatives(
      stax.serial(stax.dense(5), stax.fanOut(2), stax.parallel(stax.serial(stax.relu(), stax.dense(5)), stax.identity()), stax.fanInSum(), stax.dense(2)),
    );
  });

  it('sums the kernels of independent branches: fanInSum of two dense branches is their sum', () => {
    const a = stax.dense(3, { wStd: 1.1, bStd: 0.2 });
    const b = stax.dense(3, { wStd: 0.7 });
    const sum = stax.serial(stax.fanOut(2), stax.parallel(a, b), stax.fanInSum()).kernel(x);
    const ka = a.kernel(x);
    const kb = b.kernel(x);
    sum.nngp.data.forEach((v, i) => assert.ok(Math.abs(v - ka.nngp.data[i] - kb.nngp.data[i]) < 1e-15));
    sum.ntk!.data.forEach((v, i) => assert.ok(Math.abs(v - ka.ntk!.data[i] - kb.ntk!.data[i]) < 1e-15));
  });

  it('rejects branches of different widths, and branches that are not Gaussian', () => {
    const bad = stax.serial(stax.dense(4), stax.fanOut(2), stax.parallel(stax.dense(3), stax.dense(5)), stax.fanInSum());
    assert.throws(
      () => bad.kernel(x),
      (e: Error) => e instanceof ShapeError && /fanInSum: branches have different widths \(3, 5\)/.test(e.message),
    );
    assert.throws(() => bad.init([0, 1], 2), /fanInSum: branches have different widths/);
    const relus = stax.serial(stax.dense(4), stax.fanOut(2), stax.parallel(stax.relu(), stax.relu()), stax.fanInSum());
    assert.throws(
      () => relus.kernel(x),
      (e: Error) => e instanceof InputError && /must be a centred Gaussian process/.test(e.message),
    );
  });
});
