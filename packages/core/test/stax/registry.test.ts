import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, random, stax, Tensor, type Layer } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';

/** A network with one layer of every built-in type. */
const every: Layer = stax.serial(
  stax.dense(6, { wStd: 1.2, bStd: 0.1 }),
  stax.fanOut(5),
  stax.parallel(
    stax.serial(
      stax.tanh(),
      stax.dense(6),
      stax.sign(),
      stax.dense(6),
      stax.exp({ a: 0.5, b: 0.3 }),
      stax.dense(6),
      stax.expNormalized({ gamma: 0.7 }),
      stax.dense(6),
      stax.gaussian(),
      stax.dense(6),
      stax.rbf(0.5),
      stax.dense(6),
    ),
    stax.serial(
      stax.gabor(),
      stax.dense(6),
      stax.monomial(2),
      stax.dense(6),
      stax.rectifiedMonomial(1),
      stax.dense(6),
      stax.polynomial([0.1, 1, 0.2]),
      stax.dense(6),
      stax.hermite(2),
      stax.dense(6),
      stax.layerNorm(),
      stax.dropout(0.9, { key: random.key(4) }),
      stax.dense(6),
      stax.repeat(stax.serial(stax.erf(), stax.dense(6)), 2),
      stax.fanOut(2),
      stax.parallel(stax.dense(6), stax.dense(6)),
      stax.fanInProd(),
      stax.dense(6),
    ),
    stax.serial(stax.relu(), stax.dense(6), stax.leakyRelu(0.1), stax.dense(6), stax.abRelu(-0.2, 1.1), stax.dense(6), stax.abs(), stax.dense(6)),
    stax.serial(
      stax.erf({ a: 1.1, b: 0.9, c: 0.1 }),
      stax.dense(6),
      stax.gelu(),
      stax.dense(6),
      stax.sin({ b: 0.7 }),
      stax.dense(6),
      stax.cos(),
      stax.dense(6),
    ),
    stax.serial(
      stax.sigmoidLike(),
      stax.dense(6, { parameterization: 'standard' }),
      stax.elementwise((v: number) => Math.tanh(v), { degree: 12 }),
      stax.dense(6),
      stax.identity(),
    ),
  ),
  stax.fanOut(2),
  stax.parallel(stax.fanInSum(), stax.fanInConcat()),
  stax.fanInConcat(),
  stax.dense(2),
);

/** A network with every built-in spatial layer type, on (n, 5, 5, 2) images. */
const spatial: Layer = stax.serial(
  stax.conv(4, [3, 3], { padding: 'CIRCULAR', bStd: 0.1 }),
  stax.relu(),
  stax.fanOut(2),
  stax.parallel(
    stax.serial(stax.avgPool([2, 2], { padding: 'SAME' }), stax.conv(3, [2, 2]), stax.globalAvgPool()),
    stax.serial(stax.conv(3, [3, 3], { padding: 'VALID', strides: [2, 2] }), stax.flatten(), stax.dense(3)),
  ),
  stax.fanInSum(),
  stax.dense(1),
);

describe('the layer registry', () => {
  it('every built-in layer type round-trips through its spec: fromSpec(net.spec) is the same network, bit for bit', () => {
    const rebuilt = stax.fromSpec(JSON.parse(JSON.stringify(every.spec)));
    assert.deepEqual(rebuilt.spec, every.spec);
    const x = inputs(5, 3, 4);
    const a = every.kernel(x);
    const b = rebuilt.kernel(x);
    assert.deepEqual(b.nngp.data, a.nngp.data);
    assert.deepEqual(b.ntk!.data, a.ntk!.data);
    const { params } = every.init(random.key(1), 3);
    assert.deepEqual(rebuilt.apply(params, x).data, every.apply(params, x).data);
    const images = new Tensor([3, 5, 5, 2], Float64Array.from(inputs(3, 50, 6).flat()));
    const again = stax.fromSpec(JSON.parse(JSON.stringify(spatial.spec)));
    assert.deepEqual(again.kernel(images).ntk!.data, spatial.kernel(images).ntk!.data);
  });

  it('lists every built-in type, and the networks above use all of them', () => {
    const builtIn = stax
      .layerTypes()
      .filter((t) => t.builtIn)
      .map((t) => t.type)
      .sort();
    const used = new Set<string>();
    const walk = (spec: { type: string; args: readonly unknown[] }) => {
      used.add(spec.type);
      spec.args.forEach((a) => {
        if (a && typeof a === 'object' && 'type' in a) walk(a as never);
      });
    };
    walk(every.spec);
    walk(spatial.spec);
    assert.deepEqual([...used].sort(), builtIn);
  });

  it('an unknown type says which types exist', () => {
    assert.throws(
      () => stax.fromSpec({ type: 'dens', args: [3] }),
      (e: Error) => e instanceof InputError && /unknown layer type "dens"; known types: dense,/.test(e.message),
    );
  });
});
