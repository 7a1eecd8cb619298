import { describe, it } from 'node:test';
import { stax, type Layer } from '@tangent-lab/core';
import { assertClose, inputs } from './helpers/compare';
import { runPython } from './helpers/python';

type PyLayer = (string | number)[];

/** A network both as our layers and as the numpy reference's description. */
function net(desc: PyLayer[]): Layer {
  return stax.serial(...desc.map((l): Layer => {
    const [kind, ...args] = l as [string, ...number[]];
    switch (kind) {
      case 'dense': return stax.dense(args[0], { wStd: args[1], bStd: args[2], parameterization: l[4] as 'ntk' | 'standard' });
      case 'relu': return stax.relu();
      case 'leakyRelu': return stax.leakyRelu(args[0]);
      case 'abRelu': return stax.abRelu(args[0], args[1]);
      case 'abs': return stax.abs();
      case 'erf': return stax.erf();
      case 'gelu': return stax.gelu();
      case 'sin': return stax.sin();
      case 'cos': return stax.cos();
      case 'sigmoidLike': return stax.sigmoidLike();
      case 'tanh': return stax.elementwise((x) => Math.tanh(x), { grad: (x) => 1 / Math.cosh(x) ** 2, degree: 96 });
      default: throw new Error(kind);
    }
  }));
}

const d = (out: number, w: number, b: number, p = 'ntk'): PyLayer => ['dense', out, w, b, p];

const CASES: { name: string; layers: PyLayer[]; rtol: number }[] = [
  { name: 'the cookbook erf net (eq. S17-S18)', layers: [d(512, 1.5, 0.05), ['erf'], d(512, 1.5, 0.05), ['erf'], d(1, 1.5, 0.05)], rtol: 1e-10 },
  { name: 'ReLU, depth 1 (eq. S15-S16)', layers: [d(64, 1.4, 0.1), ['relu'], d(1, 1, 0)], rtol: 1e-10 },
  { name: 'ReLU, depth 5, critical init', layers: [d(64, Math.SQRT2, 0.1), ['relu'], d(64, Math.SQRT2, 0.1), ['relu'], d(64, Math.SQRT2, 0.1), ['relu'], d(64, Math.SQRT2, 0.1), ['relu'], d(64, Math.SQRT2, 0.1), ['relu'], d(3, Math.SQRT2, 0.1)], rtol: 1e-9 },
  { name: 'leaky ReLU and abs', layers: [d(8, 1.2, 0.3), ['leakyRelu', 0.1], d(8, 0.9, 0.2), ['abs'], d(1, 1.1, 0)], rtol: 1e-10 },
  { name: 'abRelu(-0.4, 1.3)', layers: [d(8, 1, 0.5), ['abRelu', -0.4, 1.3], d(1, 2, 0.1)], rtol: 1e-10 },
  { name: 'standard parameterization (eq. S32), ReLU', layers: [d(300, 1.3, 0.2, 'standard'), ['relu'], d(200, 1.3, 0.2, 'standard'), ['relu'], d(1, 1.3, 0.2, 'standard')], rtol: 1e-10 },
  { name: 'standard parameterization without bias, erf', layers: [d(50, 1.1, 0, 'standard'), ['erf'], d(1, 0.8, 0, 'standard')], rtol: 1e-10 },
  { name: 'gelu (closed form vs numpy quadrature)', layers: [d(8, 1.3, 0.1), ['gelu'], d(8, 1.3, 0.1), ['gelu'], d(1, 1, 0)], rtol: 1e-9 },
  { name: 'sin and cos', layers: [d(8, 1.1, 0.2), ['sin'], d(8, 0.9, 0.3), ['cos'], d(1, 1, 0)], rtol: 1e-9 },
  { name: 'sigmoidLike', layers: [d(8, 2, 0.5), ['sigmoidLike'], d(1, 1, 0.1)], rtol: 1e-9 },
  { name: 'tanh through elementwise quadrature', layers: [d(8, 1.5, 0.05), ['tanh'], d(8, 1.5, 0.05), ['tanh'], d(1, 1.5, 0.05)], rtol: 1e-8 },
];

describe('analytic kernels against an independent numpy implementation of eqs. S1-S18', () => {
  const x1 = inputs(7, 5, 1);
  const x2 = inputs(4, 5, 2);
  for (const c of CASES) {
    it(c.name, () => {
      const layer = net(c.layers);
      for (const [a, b] of [[x1, x2], [x1, null]] as const) {
        const ref = runPython<{ nngp: number[][]; ntk: number[][] }>('kernels_reference.py', { x1: a, x2: b, net: c.layers });
        const k = layer.kernel(a, b);
        assertClose(k.nngp, ref.nngp, c.rtol, `${c.name} nngp`);
        assertClose(k.ntk!, ref.ntk, c.rtol, `${c.name} ntk`);
      }
    });
  }
});
