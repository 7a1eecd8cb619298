import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  grad,
  linearize,
  losses,
  Matrix,
  params as tree,
  random,
  stax,
  Tensor,
  train,
  valueAndGrad,
  type Layer,
  type Loss,
  type Params,
} from '@tangent-lab/core';
import { images, inputs, maxRelError } from '../helpers/compare';
import { typeErrors } from '../helpers/typecheck';

/** Every parameter array of a tree, in a fixed order (weights, then biases, depth first). */
function arrays(p: Params): Float64Array[] {
  if (p === null) return [];
  if (Array.isArray(p)) return (p as Params[]).flatMap(arrays);
  const { W, b } = p as { W: Matrix; b: Float64Array | null };
  return b ? [W.data, b] : [W.data];
}

/**
 * Checks ∂loss/∂θ against central finite differences (h = 1e-5) at `perLeaf`
 * entries of every parameter array: the loss is re-evaluated with one entry
 * moved, so the check knows nothing of backward passes.
 */
function checkAgainstFiniteDifferences(loss: (p: Params) => number, params: Params, gradient: Params, perLeaf = 6, tol = 1e-6): void {
  const ps = arrays(params);
  const gs = arrays(gradient);
  assert.equal(gs.length, ps.length, 'the gradient has the structure of the params');
  ps.forEach((leaf, k) => {
    assert.equal(gs[k].length, leaf.length);
    for (let t = 0; t < perLeaf; t++) {
      const i = Math.floor(((t + 0.5) / perLeaf) * leaf.length);
      const h = 1e-5 * Math.max(1, Math.abs(leaf[i]));
      const saved = leaf[i];
      leaf[i] = saved + h;
      const up = loss(params);
      leaf[i] = saved - h;
      const down = loss(params);
      leaf[i] = saved;
      const fd = (up - down) / (2 * h);
      const scale = Math.max(Math.abs(fd), 1e-6 * Math.max(...gs.map((g) => Math.max(...Array.from(g, Math.abs)))));
      assert.ok(Math.abs(gs[k][i] - fd) <= tol * scale + 1e-12, `leaf ${k}[${i}]: gradient ${gs[k][i]} vs finite difference ${fd}`);
    }
  });
}

const x = inputs(7, 3, 1);
const y = inputs(7, 2, 2);

const NETS: [string, () => Layer, number[][] | Tensor][] = [
  [
    'erf MLP with biases',
    () => stax.serial(stax.dense(24, { wStd: 1.5, bStd: 0.3 }), stax.erf(), stax.dense(16, { bStd: 0.1 }), stax.erf(), stax.dense(2, { bStd: 0.2 })),
    x,
  ],
  [
    'standard parameterization, ReLU',
    () => stax.serial(stax.dense(20, { wStd: 1.4, bStd: 0.1, parameterization: 'standard' }), stax.relu(), stax.dense(2, { parameterization: 'standard' })),
    x,
  ],
  [
    'residual block (fanOut, parallel, fanInSum, fanInConcat)',
    () =>
      stax.serial(
        stax.dense(12),
        stax.fanOut(2),
        stax.parallel(stax.serial(stax.gelu(), stax.dense(12)), stax.identity()),
        stax.fanInSum(),
        stax.sin(),
        stax.fanOut(2),
        stax.parallel(stax.dense(3), stax.dense(5)),
        stax.fanInConcat(),
        stax.dense(2),
      ),
    x,
  ],
  [
    'CNN (conv, relu, avgPool, flatten, dense) on images',
    () => stax.serial(stax.conv(4, [2, 2], { bStd: 0.1 }), stax.relu(), stax.avgPool([2, 2], { strides: [1, 1] }), stax.flatten(), stax.dense(2)),
    Tensor.from(images([7, 4, 4, 2], 3) as never),
  ],
];

describe("valueAndGrad(lossFn): JAX-style, traced through the library's pieces", () => {
  for (const [name, make, input] of NETS) {
    it(`MSE gradient = finite differences: ${name}`, () => {
      const net = make();
      const shape = input instanceof Tensor ? input.shape.slice(1) : 3;
      const { params } = net.init(random.key(4), shape);
      const lossFn = (p: Params, xs: typeof input, ys: number[][]) => losses.mse.value(net.apply(p, xs) as Matrix, ys);
      const [value, gradient] = valueAndGrad(lossFn)(params, input, y);
      assert.equal(value, lossFn(params, input, y));
      checkAgainstFiniteDifferences((p) => lossFn(p, input, y), params, gradient);
    });
  }

  it('softmax cross-entropy over 3 classes = finite differences', () => {
    const net = stax.serial(stax.dense(16, { bStd: 0.2 }), stax.relu(), stax.dense(3, { bStd: 0.1 }));
    const { params } = net.init(random.key(5), 3);
    const labels = [0, 2, 1, 1, 0, 2, 2].map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
    const lossFn = (p: Params) => losses.crossEntropy.value(net.apply(p, x), labels);
    const [value, gradient] = valueAndGrad(lossFn)(params);
    assert.ok(value > 0);
    checkAgainstFiniteDifferences(lossFn, params, gradient);
  });

  it("a part of a bigger tree: the gradient has the whole tree's structure, zeros where the loss does not look", () => {
    const a = stax.serial(stax.dense(8, { bStd: 0.1 }), stax.erf(), stax.dense(2));
    const b = stax.serial(stax.dense(5), stax.relu(), stax.dense(2));
    const both: Params = [a.init(random.key(1), 3).params, b.init(random.key(2), 3).params];
    const [, g] = valueAndGrad((p: Params) => losses.mse.value(a.apply((p as Params[])[1 - 1], x), y))(both);
    const [, direct] = valueAndGrad(a.apply, 'mse')((both as Params[])[0], x, y);
    assert.deepEqual(arrays((g as Params[])[0]), arrays(direct));
    assert.ok(arrays((g as Params[])[1]).every((leaf) => leaf.every((v) => v === 0)));
    assert.equal(arrays(g).length, arrays(both).length);
  });

  it('a linearized network (linearize): the gradient is J(θ₀)ᵀ∂ℒ/∂f = finite differences', () => {
    const net = stax.serial(stax.dense(16, { bStd: 0.2 }), stax.sin(), stax.dense(2));
    const { params: p0 } = net.init(random.key(6), 3);
    const fLin = linearize(net.apply, p0);
    const moved = tree.add(p0, tree.scale(net.init(random.key(7), 3).params, 0.3));
    const lossFn = (p: Params) => losses.mse.value(fLin(p, x), y);
    const [, gradient] = valueAndGrad(lossFn)(moved);
    checkAgainstFiniteDifferences(lossFn, moved, gradient);
  });

  it('hasAux: [[loss, aux], grad], and grad gives [grad, aux], as JAX', () => {
    const net = stax.serial(stax.dense(8), stax.erf(), stax.dense(2));
    const { params } = net.init(random.key(8), 3);
    const withOutputs = (p: Params) => {
      const out = net.apply(p, x);
      return [losses.mse.value(out, y), out] as const;
    };
    const [[value, out], g] = valueAndGrad(withOutputs, { hasAux: true })(params);
    assert.equal(value, losses.mse.value(net.apply(params, x), y));
    assert.deepEqual(out.data, net.apply(params, x).data);
    const [g2, aux] = grad(withOutputs, { hasAux: true })(params);
    assert.deepEqual(arrays(g2), arrays(g));
    assert.deepEqual(aux.data, out.data);
  });
});

describe('valueAndGrad(net.apply, loss): network and loss named up front', () => {
  const net = stax.serial(stax.dense(12, { bStd: 0.2 }), stax.erf(), stax.dense(2));
  const { params } = net.init(random.key(9), 3);

  it('equals the traced form exactly, for mse and crossEntropy', () => {
    for (const loss of ['mse', 'crossEntropy'] as const) {
      const targets = loss === 'mse' ? y : y.map((r) => (r[0] > r[1] ? [1, 0] : [0, 1]));
      const [v1, g1] = valueAndGrad(net.apply, loss)(params, x, targets);
      const [v2, g2] = valueAndGrad((p: Params) => losses[loss].value(net.apply(p, x), targets))(params);
      assert.equal(v1, v2);
      assert.deepEqual(arrays(g1), arrays(g2));
      assert.deepEqual(arrays(grad(net.apply, loss)(params, x, targets)), arrays(g1));
    }
  });

  it('takes a custom Loss { value, grad }: a quartic loss = finite differences', () => {
    const quartic: Loss = {
      name: 'quartic',
      value: (f, t) => f.data.reduce((s, v, i) => s + (v - t.data[i]) ** 4, 0) / f.data.length,
      grad: (f, t, out) => {
        f.data.forEach((v, i) => {
          out.data[i] = (4 * (v - t.data[i]) ** 3) / f.data.length;
        });
        return out;
      },
    };
    const [value, gradient] = valueAndGrad(net.apply, quartic)(params, x, y);
    const lossOf = (p: Params) => quartic.value(net.apply(p, x), Matrix.from(y));
    assert.equal(value, lossOf(params));
    checkAgainstFiniteDifferences(lossOf, params, gradient);
  });

  it('refuses an unknown loss, before any work', () => {
    assert.throws(() => valueAndGrad(net.apply, 'hinge' as never), /loss must be 'mse', 'crossEntropy' or a Loss/);
  });
});

describe('a hand-written training loop with valueAndGrad', () => {
  it('follows train.gradientDescent step for step (full batch, MSE)', () => {
    const net = stax.serial(stax.dense(32, { wStd: 1.5, bStd: 0.1 }), stax.erf(), stax.dense(2, { wStd: 1.5, bStd: 0.1 }));
    const { params: p0 } = net.init(random.key(10), 3);
    const learningRate = 0.5;
    const steps = 25;
    const step = valueAndGrad((p: Params, xs: number[][], ys: number[][]) => losses.mse.value(net.apply(p, xs), ys));
    let p = p0;
    const lossesSeen: number[] = [];
    for (let s = 0; s < steps; s++) {
      const [value, g] = step(p, x, y);
      lossesSeen.push(value);
      p = tree.sub(p, tree.scale(g, learningRate));
    }
    const run = train.gradientDescent(net.apply, p0, x, y, { learningRate, steps });
    assert.ok(maxRelError(Array.from(run.losses.subarray(0, steps)), lossesSeen, 1e-12) < 1e-12);
    arrays(p).forEach((leaf, k) => assert.ok(maxRelError(leaf, arrays(run.params)[k], 1e-9) < 1e-10));
    assert.ok(lossesSeen[steps - 1] < 0.5 * lossesSeen[0]);
  });
});

describe('types', () => {
  it('a training loop type-checks without casts or `!`; the traced form keeps the argument types', { timeout: 120_000 }, () => {
    const errors = typeErrors(
      `
      import { losses, params as tree, random, stax, valueAndGrad, grad, type Matrix, type Params } from '@tangent-lab/core';
      const net = stax.serial(stax.dense(16), stax.erf(), stax.dense(1));
      let p = net.init(random.key(0), 1).params;
      const x = [[-1], [0], [1]];
      const y = [[1], [0], [1]];
      const step = valueAndGrad((q: Params, xs: number[][], ys: number[][]) => losses.mse.value(net.apply(q, xs), ys));
      for (let i = 0; i < 3; i++) {
        const [loss, g] = step(p, x, y);
        export const l: number = loss;
        p = tree.sub(p, tree.scale(g, 0.1));
      }
      // @ts-expect-error the traced function keeps lossFn's argument types
      step(p, 'x', y);
      const [[value, out], g2] = valueAndGrad((q: Params) => { const o = net.apply(q, x); return [losses.mse.value(o, y), o] as const; }, { hasAux: true })(p);
      export const v: number = value;
      export const o: Matrix = out;
      export const h: Params = grad(net.apply, 'mse')(p, x, y);
      export const k: Params = g2;
    `.replace(/export const l: number = loss;/, 'void (loss satisfies number);'),
    );
    assert.deepEqual(errors, []);
  });
});
