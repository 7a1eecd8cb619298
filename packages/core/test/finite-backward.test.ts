import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, params as tree, random, stax, type Layer, type Params } from '@tangent-lab/core';
import { inputs } from './helpers/compare';

/**
 * Every layer's backward pass (VJP) and forward-mode JVP against central
 * finite differences of the forward pass, through L(θ, x) = Σ c ⊙ f(θ, x) with
 * a fixed random c: ∂L/∂θ from backward, ∂L/∂x from backward's input
 * gradient, and the directional derivative along (δθ, δx) from jvp.
 */
const LAYERS: [string, () => Layer][] = [
  ['dense, NTK parameterization with bias', () => stax.dense(5, { wStd: 1.3, bStd: 0.4 })],
  ['dense, NTK parameterization without bias', () => stax.dense(5, { wStd: 0.7 })],
  ['dense, standard parameterization', () => stax.dense(5, { wStd: 1.1, bStd: 0.2, parameterization: 'standard' })],
  ['relu', () => stax.serial(stax.dense(5), stax.relu())],
  ['leakyRelu', () => stax.serial(stax.dense(5), stax.leakyRelu(0.2))],
  ['abRelu', () => stax.serial(stax.dense(5), stax.abRelu(-0.3, 1.7))],
  ['abs', () => stax.serial(stax.dense(5), stax.abs())],
  ['erf', () => stax.serial(stax.dense(5), stax.erf({ a: 1.2, b: 0.8, c: 0.1 }))],
  ['gelu', () => stax.serial(stax.dense(5), stax.gelu())],
  ['sin', () => stax.serial(stax.dense(5), stax.sin({ a: 1, b: 1.5, c: 0.2 }))],
  ['cos', () => stax.serial(stax.dense(5), stax.cos())],
  ['sigmoidLike', () => stax.serial(stax.dense(5), stax.sigmoidLike())],
  ['identity', () => stax.serial(stax.dense(5), stax.identity())],
  ['elementwise (numerical derivative)', () => stax.serial(stax.dense(5), stax.elementwise((v) => v / (1 + Math.exp(-v))))],
  ['serial of three', () => stax.serial(stax.dense(6, { bStd: 0.1 }), stax.erf(), stax.dense(4), stax.gelu(), stax.dense(2))],
  ['fanOut, parallel, fanInSum (residual)', () => stax.serial(stax.dense(5), stax.fanOut(2), stax.parallel(stax.serial(stax.relu(), stax.dense(5)), stax.identity()), stax.fanInSum(), stax.dense(2))],
  ['fanInConcat', () => stax.serial(stax.dense(4), stax.fanOut(3), stax.parallel(stax.dense(2), stax.serial(stax.dense(3), stax.sin()), stax.identity()), stax.fanInConcat(), stax.dense(2))],
];

const H = 1e-6;

function loss(layer: Layer, params: Params, x: Matrix, c: Float64Array): number {
  const out = layer.forward(params, x).out as Matrix;
  let s = 0;
  for (let i = 0; i < out.data.length; i++) s += c[i] * out.data[i];
  return s;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-8);
}

describe('backward and JVP passes against central finite differences (≤ 1e-6 relative)', () => {
  for (const [name, make] of LAYERS) {
    it(name, () => {
      const layer = make();
      const x = Matrix.from(inputs(4, 3, 5));
      const { params } = layer.init(random.key(11), 3);
      const out = layer.forward(params, x);
      const y = out.out as Matrix;
      const c = Float64Array.from(inputs(1, y.data.length, 6)[0]);
      const { gIn, gParams } = layer.backward(params, out.cache, new Matrix(y.rows, y.cols, c));

      // ∂L/∂θ, every parameter.
      const theta = tree.leaves(params);
      const grad = tree.leaves(gParams);
      theta.forEach((leaf, l) => {
        for (let i = 0; i < leaf.length; i++) {
          const keep = leaf[i];
          leaf[i] = keep + H;
          const up = loss(layer, params, x, c);
          leaf[i] = keep - H;
          const down = loss(layer, params, x, c);
          leaf[i] = keep;
          const fd = (up - down) / (2 * H);
          assert.ok(relErr(grad[l][i], fd) < 1e-6, `∂L/∂θ, leaf ${l} entry ${i}: backward ${grad[l][i]} vs finite difference ${fd}`);
        }
      });

      // ∂L/∂x, every input entry.
      const gx = gIn as Matrix;
      for (let i = 0; i < x.data.length; i++) {
        const keep = x.data[i];
        x.data[i] = keep + H;
        const up = loss(layer, params, x, c);
        x.data[i] = keep - H;
        const down = loss(layer, params, x, c);
        x.data[i] = keep;
        assert.ok(relErr(gx.data[i], (up - down) / (2 * H)) < 1e-6, `∂L/∂x entry ${i}`);
      }

      // JVP: ⟨c, J (δθ, δx)⟩ equals the finite difference along (δθ, δx) and ⟨backward(c), (δθ, δx)⟩.
      const dTheta = tree.zerosLike(params);
      tree.leaves(dTheta).forEach((leaf, l) => leaf.set(Float64Array.from(inputs(1, leaf.length, 20 + l)[0])));
      const dx = Matrix.from(inputs(4, 3, 30));
      const { tOut } = layer.jvp(params, x, dTheta, dx);
      let directional = 0;
      (tOut as Matrix).data.forEach((v, i) => (directional += c[i] * v));
      const shifted = (s: number) => {
        const p = tree.cloneParams(params);
        tree.axpy(p, s, dTheta);
        return loss(layer, p, new Matrix(4, 3, x.data.map((v, i) => v + s * dx.data[i])), c);
      };
      const fd = (shifted(H) - shifted(-H)) / (2 * H);
      assert.ok(relErr(directional, fd) < 1e-6, `jvp ${directional} vs finite difference ${fd}`);
      const adjoint = tree.dot(gParams, dTheta) + gx.data.reduce((s, v, i) => s + v * dx.data[i], 0);
      assert.ok(relErr(directional, adjoint) < 1e-12, `jvp ${directional} vs vjp ${adjoint}`);
    });
  }
});
