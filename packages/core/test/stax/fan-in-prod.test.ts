import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, random, stax } from '@tangent-lab/core';
import { assertClose, inputs } from '../helpers/compare';
import { assertMatchesCnnNumpy, assertNngpWithinSamplingError, assertTrainsOnBothEngines, checkDerivatives, fromPy, pyConv3x3 } from '../helpers/layer-checks';

describe('stax.fanInProd', () => {
  it('backward and JVP equal finite differences', () => {
    checkDerivatives(stax.serial(stax.fanOut(3), stax.parallel(stax.dense(4, { bStd: 0.5 }), stax.dense(4, { bStd: 0.2 }), stax.dense(4)), stax.fanInProd()));
  });

  it('kernel: 𝒦 = Π𝒦_b and Θ = Σ_b Θ_b·Π_{c≠b}𝒦_c over independent branches', () => {
    const x1 = inputs(4, 3, 1);
    const x2 = inputs(3, 3, 2);
    const a = stax.serial(stax.dense(8, { wStd: 1.2, bStd: 0.3 }), stax.erf(), stax.dense(8, { bStd: 0.1 }));
    const b = stax.dense(8, { wStd: 0.9, bStd: 0.5 });
    const ka = a.kernel(x1, x2);
    const kb = b.kernel(x1, x2);
    const k = stax.serial(stax.fanOut(2), stax.parallel(a, b), stax.fanInProd()).kernel(x1, x2);
    assertClose(
      k.nngp,
      Array.from(ka.nngp.data, (v, i) => v * kb.nngp.data[i]),
      1e-14,
      'nngp',
    );
    assertClose(
      k.ntk!,
      Array.from(ka.ntk!.data, (v, i) => v * kb.nngp.data[i] + ka.nngp.data[i] * kb.ntk!.data[i]),
      1e-14,
      'ntk',
    );
  });

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    const net = stax.serial(
      stax.dense(512, { wStd: 1.2, bStd: 0.2 }),
      stax.relu(),
      stax.fanOut(2),
      stax.parallel(stax.dense(512, { wStd: 1.1, bStd: 0.3 }), stax.dense(512, { wStd: 1.4 })),
      stax.fanInProd(),
      stax.dense(10),
    );
    assertNngpWithinSamplingError(net, 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() =>
      stax.serial(
        stax.dense(16, { bStd: 0.1 }),
        stax.relu(),
        stax.fanOut(2),
        stax.parallel(stax.dense(16, { bStd: 0.2 }), stax.dense(16, { bStd: 0.3 })),
        stax.fanInProd(),
        stax.dense(1),
      ),
    );
  });

  it('refuses branches that are not independent Gaussian processes, and a single input', () => {
    const shared = stax.serial(stax.dense(4), stax.fanOut(2), stax.parallel(stax.relu(), stax.identity()), stax.fanInProd());
    assert.throws(
      () => shared.kernel([[1, 2]]),
      (e: Error) => e instanceof InputError && /independent centred Gaussian.*stax\.dense/.test(e.message),
    );
    assert.throws(() => stax.serial(stax.dense(2), stax.fanInProd()).kernel([[1, 2]]), /expects several branches/);
  });

  it('on images: backward and JVP equal finite differences (branches multiplied position by position)', () => {
    checkDerivatives(
      stax.serial(stax.fanOut(2), stax.parallel(stax.conv(3, [2, 2], { bStd: 0.5 }), stax.dense(3, { bStd: 0.2 })), stax.fanInProd()),
      [3, 3, 2],
    );
  });

  it('CNN kernels (both readouts) equal the numpy recursion of the product rule', () => {
    for (const readout of [['flatten'], ['globalAvgPool']]) {
      const net = [
        pyConv3x3(6, 1.3, 0.2),
        ['relu'],
        ['prod', [pyConv3x3(6, 1.1, 0.3)], [['dense', 6, 1.4, 0.1, 'ntk'], ['erf'], ['dense', 6, 1, 0.2, 'ntk']]],
        readout,
        ['dense', 1, 1, 0, 'ntk'],
      ];
      assertMatchesCnnNumpy(fromPy(net), net, [3, 4, 3, 2], [2, 4, 3, 2], 1e-11);
    }
  });

  it('refuses branches of different spatial shapes, naming them', () => {
    const net = stax.serial(stax.fanOut(2), stax.parallel(stax.conv(2, [3, 3]), stax.conv(2, [3, 3], { padding: 'VALID' })), stax.fanInProd());
    assert.throws(() => net.init(random.key(0), [4, 4, 1]), /fanInProd: branches have different shapes \(\(4, 4, 2\), \(2, 2, 2\)\)/);
  });
});
