import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeError, params, random, stax } from '@tangent-lab/core';

describe('params.add / sub / scale', () => {
  const net = stax.serial(stax.dense(4, { bStd: 0.1 }), stax.relu(), stax.dense(2, { bStd: 0.1 }));
  const a = net.init(random.key(0), 3).params;
  const b = net.init(random.key(1), 3).params;

  it('compute new trees leaf by leaf and leave their arguments alone', () => {
    const a0 = params.leaves(params.cloneParams(a)).map((v) => Array.from(v));
    const b0 = params.leaves(params.cloneParams(b)).map((v) => Array.from(v));
    const sum = params.add(a, b);
    const diff = params.sub(a, b);
    const scaled = params.scale(a, -2.5);
    params.leaves(sum).forEach((v, k) => v.forEach((x, i) => assert.equal(x, a0[k][i] + b0[k][i])));
    params.leaves(diff).forEach((v, k) => v.forEach((x, i) => assert.equal(x, a0[k][i] - b0[k][i])));
    params.leaves(scaled).forEach((v, k) => v.forEach((x, i) => assert.equal(x, -2.5 * a0[k][i])));
    assert.deepEqual(
      params.leaves(a).map((v) => Array.from(v)),
      a0,
    );
    assert.deepEqual(
      params.leaves(b).map((v) => Array.from(v)),
      b0,
    );
    assert.notEqual(params.leaves(sum)[0], params.leaves(a)[0]);
  });

  it('agree with the in-place axpy, which does change its first argument', () => {
    const y = params.cloneParams(a);
    params.axpy(y, 0.3, b);
    assert.equal(params.norm(params.sub(y, params.add(a, params.scale(b, 0.3)))), 0);
    assert.notEqual(params.norm(params.sub(y, a)), 0);
  });

  it('a new tree works with the network', () => {
    const x = [[0.1, 0.2, 0.3]];
    const out = net.apply(params.scale(a, 1), x);
    assert.deepEqual(out.toArray(), net.apply(a, x).toArray());
  });

  it('reject trees of another network and non-finite factors', () => {
    const other = stax.dense(2).init(random.key(0), 3).params;
    assert.throws(() => params.add(a, other), ShapeError);
    assert.throws(() => params.scale(a, NaN), /factor must be a finite number/);
  });
});
