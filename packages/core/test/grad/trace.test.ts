import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, losses, NumericalError, params as tree, random, ShapeError, stax, valueAndGrad, type Params } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';

describe('valueAndGrad: what the tape cannot see is an error, never a wrong gradient', () => {
  const net = stax.serial(stax.dense(8, { bStd: 0.1 }), stax.erf(), stax.dense(1));
  const { params } = net.init(random.key(0), 2);
  const x = inputs(5, 2, 1);
  const y = inputs(5, 1, 2);

  it('arithmetic on the loss (2 · loss, loss + penalty)', () => {
    assert.throws(
      () => valueAndGrad((p: Params) => 2 * losses.mse.value(net.apply(p, x), y))(params),
      (e: Error) =>
        e instanceof InputError &&
        /not the loss it computed/.test(e.message) &&
        /no operator overloading/.test(e.message) &&
        /valueAndGrad\(net\.apply, loss\)/.test(e.message),
    );
    assert.throws(() => valueAndGrad((p: Params) => losses.mse.value(net.apply(p, x), y) + 0.1 * tree.dot(p, p))(params), /not the loss it computed/);
  });

  it('a copy of the params, or no network at all', () => {
    assert.throws(
      () => valueAndGrad((p: Params) => losses.mse.value(net.apply(tree.scale(p, 1), x), y))(params),
      /never applied a network to the params.*copy of the params/,
    );
    assert.throws(() => valueAndGrad(() => 0)(params), /never applied a network/);
  });

  it('arithmetic on, or slices of, the outputs', () => {
    const sliced = (p: Params) => losses.mse.value(net.apply(p, x).sliceRows(0, 3), y.slice(0, 3));
    assert.throws(() => valueAndGrad(sliced)(params), /no built-in loss on them.*slices or copies/);
  });

  it('two equal losses on different outputs are ambiguous; the same loss computed twice is not', () => {
    const twice = (p: Params) => {
      losses.mse.value(net.apply(p, x), y);
      return losses.mse.value(net.apply(p, x), y);
    };
    assert.throws(() => valueAndGrad(twice)(params), /ambiguous/);
    const logged = (p: Params) => {
      const out = net.apply(p, x);
      const value = losses.mse.value(out, y);
      assert.equal(losses.mse.value(out, y), value);
      return value;
    };
    const [, g] = valueAndGrad(logged)(params);
    const [, expected] = valueAndGrad(net.apply, 'mse')(params, x, y);
    assert.deepEqual(tree.leaves(g), tree.leaves(expected));
  });

  it('promises, non-numbers, non-finite losses, bad params and mismatched targets', () => {
    assert.throws(() => valueAndGrad((async (p: Params) => losses.mse.value(net.apply(p, x), y)) as never)(params), /returned a Promise/);
    assert.throws(
      () => valueAndGrad((p: Params) => net.apply(p, x) as never)(params),
      (e: Error) => e instanceof InputError && /must return the loss, a number.*got a Matrix/.test(e.message),
    );
    const nanTargets = y.map(() => [NaN]);
    assert.throws(
      () =>
        valueAndGrad((p: Params) =>
          losses.mse.value(
            net.apply(p, x),
            y.map(() => [1e200]),
          ),
        )(params),
      (e: Error) => e instanceof NumericalError && /the loss is Infinity/.test(e.message),
    );
    assert.throws(() => valueAndGrad((p: Params) => losses.mse.value(net.apply(p, x), nanTargets))(params), /non-finite/);
    assert.throws(() => valueAndGrad((p: Params) => losses.mse.value(net.apply(p, x), y))(null), /params must be a parameter tree/);
    assert.throws(
      () => valueAndGrad((p: Params) => losses.mse.value(net.apply(p, x), y.slice(1)))(params),
      (e: Error) => e instanceof ShapeError && /targets are 4×1 but the outputs are 5×1/.test(e.message),
    );
    assert.throws(() => valueAndGrad((p: Params) => losses.mse.value(net.apply(p, x), y), { has_aux: true } as never), /unknown option "has_aux".*hasAux/);
    assert.throws(() => valueAndGrad((p: Params) => losses.mse.value(net.apply(p, x), y), 'mse' as never), /a loss name goes with a network/);
  });

  it('nests, and an error inside the loss function leaves no tape behind', () => {
    const inner = valueAndGrad((p: Params) => losses.mse.value(net.apply(p, x), y));
    const outer = (p: Params) => {
      inner(p);
      return losses.mse.value(
        net.apply(p, x),
        y.map(([v]) => [2 * v]),
      );
    };
    const [, g] = valueAndGrad(outer)(params);
    const [, expected] = valueAndGrad(net.apply, 'mse')(
      params,
      x,
      y.map(([v]) => [2 * v]),
    );
    assert.deepEqual(tree.leaves(g), tree.leaves(expected));
    assert.throws(
      () =>
        valueAndGrad(() => {
          throw new Error('boom');
        })(params),
      /boom/,
    );
    const [, again] = valueAndGrad((p: Params) => losses.mse.value(net.apply(p, x), y))(params);
    assert.equal(tree.leaves(again).length, tree.leaves(params).length);
  });
});
