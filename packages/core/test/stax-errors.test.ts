import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, OptionError, ShapeError, stax } from '@tangent-lab/core';

const net = stax.serial(stax.dense(16, { wStd: 1.5 }), stax.relu(), stax.dense(1));
const x = [[0.1, 0.2], [0.3, -0.4]];

describe('bad input is rejected before any work, naming the problem and the fix', () => {
  it('feature dimensions of x1 and x2 differ', () => {
    assert.throws(() => net.kernel(x, [[1, 2, 3]]), (e: Error) => e instanceof ShapeError && /different feature dimensions \(2 vs 3\)/.test(e.message));
  });

  it('ragged or empty arrays', () => {
    assert.throws(() => net.kernel([[1, 2], [3]]), (e: Error) => e instanceof ShapeError && /x1 is ragged: row 0 has 2 entries but row 1 has 1/.test(e.message));
    assert.throws(() => net.kernel([]), (e: Error) => e instanceof ShapeError && /x1 is empty/.test(e.message));
    assert.throws(() => net.kernel([[]]), /rows of length 0/);
    assert.throws(() => net.apply(null, [[1, 2], [3, 4, 5]]), /ragged/);
  });

  it('NaN or ±Infinity in inputs', () => {
    assert.throws(() => net.kernel([[1, NaN]]), (e: Error) => e instanceof InputError && /x1 has a non-finite value \(NaN\) at row 0, column 1/.test(e.message));
    assert.throws(() => net.kernel(x, [[Infinity, 0]]), /x2 has a non-finite value \(Infinity\)/);
  });

  it('non-positive wStd or negative bStd', () => {
    assert.throws(() => stax.dense(8, { wStd: 0 }), (e: Error) => e instanceof InputError && /Dense|dense\(8\).*wStd must be a positive/.test(e.message));
    assert.throws(() => stax.dense(8, { wStd: -1 }), /wStd must be a positive finite number/);
    assert.throws(() => stax.dense(8, { bStd: -0.1 }), /bStd must be a non-negative finite number/);
    assert.throws(() => stax.dense(8, { wStd: NaN }), /wStd/);
    assert.throws(() => stax.dense(0), /outDim must be a positive integer/);
  });

  it('unknown option names (a typo like wstd is not silently ignored)', () => {
    assert.throws(() => stax.dense(8, { wstd: 2 } as never), (e: Error) => e instanceof OptionError && /unknown option "wstd". Did you mean "wStd"\?/.test(e.message));
    assert.throws(() => stax.erf({ scale: 2 } as never), /stax.erf: unknown option "scale"/);
    assert.throws(() => stax.elementwise(Math.tanh, { deg: 10 } as never), /unknown option "deg"/);
    assert.throws(() => stax.dense(8, { parameterization: 'mean-field' as never }), /parameterization must be 'ntk' or 'standard'/);
  });

  it("get not in {'nngp', 'ntk'}", () => {
    assert.throws(() => net.kernel(x, null, 'ntK' as never), (e: Error) => e instanceof InputError && /get must be 'nngp' or 'ntk'/.test(e.message));
    assert.throws(() => net.kernel(x, null, [] as never), /get must be/);
  });

  it('fanInSum over branches of different widths', () => {
    const bad = stax.serial(stax.dense(4), stax.fanOut(2), stax.parallel(stax.dense(3), stax.dense(5)), stax.fanInSum());
    assert.throws(() => bad.kernel(x), (e: Error) => e instanceof ShapeError && /fanInSum: branches have different widths \(3, 5\)/.test(e.message));
    assert.throws(() => bad.init([0, 1], 2), /fanInSum: branches have different widths/);
  });

  it('elementwise without a function', () => {
    assert.throws(() => stax.elementwise(undefined as never), (e: Error) => e instanceof InputError && /needs the activation function/.test(e.message));
    assert.throws(() => stax.elementwise(Math.tanh, { kinks: [NaN] }), /kinks must be an array of finite numbers/);
  });

  it('layers used wrongly say how to fix it', () => {
    assert.throws(() => stax.serial(stax.relu as never), /call it, e.g. stax.relu\(\) rather than stax.relu/);
    assert.throws(() => stax.serial(stax.relu(), stax.dense(1)).kernel(x), /must be Gaussian.*put stax.dense/);
    assert.throws(() => stax.serial(stax.dense(2), stax.fanOut(2)).kernel(x), /ends in 2 branches/);
    assert.throws(() => net.init([0, 1], 0), /inputDim must be a positive integer/);
    assert.throws(() => net.init([0.5, 1] as never, 2), /random key/);
  });
});
