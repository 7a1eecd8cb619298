import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, random, ShapeError, stax, Tensor, type Layer } from '@tangent-lab/core';
import { assertClose } from '../helpers/compare';
import { checkDerivatives } from '../helpers/layer-checks';
import { runPython } from '../helpers/python';

type PyLayer = (string | number | number[])[];

/** Deterministic pseudo-random images or sequences, (n, ...spatial, C). */
export function images(shape: number[], seed: number): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 2 * (s / 4294967296) - 1;
  };
  const build = (d: number): unknown => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? next() : build(d + 1)));
  return build(0) as number[];
}

function fromPy(desc: PyLayer[]): Layer {
  return stax.serial(...desc.map((l): Layer => {
    switch (l[0]) {
      case 'conv': return stax.conv(l[1] as number, l[2] as number[], { strides: l[3] as number[], padding: l[4] as 'SAME', wStd: l[5] as number, bStd: l[6] as number, parameterization: l[7] as 'ntk' });
      case 'dense': return stax.dense(l[1] as number, { wStd: l[2] as number, bStd: l[3] as number, parameterization: l[4] as 'ntk' });
      case 'relu': return stax.relu();
      case 'erf': return stax.erf();
      case 'avgPool': return stax.avgPool(l[1] as number[], { strides: l[2] as number[], padding: l[3] as 'VALID' });
      case 'flatten': return stax.flatten();
      case 'globalAvgPool': return stax.globalAvgPool();
      default: throw new Error(String(l[0]));
    }
  }));
}

function assertMatchesNumpy(net: PyLayer[], shape1: number[], shape2: number[], rtol: number): void {
  const x1 = images(shape1, 1);
  const x2 = images(shape2, 2);
  const layer = fromPy(net);
  for (const [a, b] of [[x1, x2], [x1, null]] as const) {
    const ref = runPython<{ nngp: number[][]; ntk: number[][] }>('conv_kernels_reference.py', { x1: a, x2: b, net });
    const k = layer.kernel(a as never, b as never);
    assertClose(k.nngp, ref.nngp, rtol, `${layer.name} nngp`);
    assertClose(k.ntk!, ref.ntk, rtol, `${layer.name} ntk`);
  }
}

const conv = (out: number, f: number[], s: number[], padding: string, w = 1.3, b = 0.1, p = 'ntk'): PyLayer => ['conv', out, f, s, padding, w, b, p];

describe('stax.conv: kernels against an independent numpy implementation', () => {
  it('ReLU CNN with a flatten readout (same-position covariances only)', () => {
    assertMatchesNumpy([conv(8, [3, 3], [1, 1], 'SAME'), ['relu'], conv(8, [3, 3], [1, 1], 'SAME'), ['relu'], ['flatten'], ['dense', 1, 1.1, 0.05, 'ntk']], [4, 5, 5, 3], [3, 5, 5, 3], 1e-11);
  });

  it('ReLU CNN with global average pooling (every pair of positions)', () => {
    assertMatchesNumpy([conv(8, [3, 3], [1, 1], 'SAME'), ['relu'], conv(8, [2, 2], [1, 1], 'SAME'), ['erf'], ['globalAvgPool'], ['dense', 2, 1, 0, 'ntk']], [3, 4, 5, 2], [2, 4, 5, 2], 1e-11);
  });

  it('VALID and CIRCULAR padding, strides, average pooling', () => {
    assertMatchesNumpy([conv(4, [3, 2], [1, 1], 'VALID'), ['relu'], ['avgPool', [2, 2], [1, 1], 'SAME'], conv(4, [2, 2], [2, 1], 'CIRCULAR'), ['relu'], ['globalAvgPool'], ['dense', 1, 1, 0, 'ntk']], [3, 6, 5, 2], [2, 6, 5, 2], 1e-11);
  });

  it('standard parameterization (eq. S32)', () => {
    assertMatchesNumpy([conv(8, [3, 3], [1, 1], 'SAME', 1.4, 0.2, 'standard'), ['relu'], ['flatten'], ['dense', 1, 1, 0.1, 'standard']], [3, 4, 4, 2], [2, 4, 4, 2], 1e-11);
  });

  it('1-D convolutions on sequences', () => {
    assertMatchesNumpy([conv(8, [3], [1], 'SAME'), ['erf'], conv(8, [2], [2], 'VALID'), ['relu'], ['globalAvgPool'], ['dense', 1, 1, 0, 'ntk']], [3, 7, 2], [2, 7, 2], 1e-11);
  });

  it('a dense layer on images acts on the channels at every position', () => {
    assertMatchesNumpy([['dense', 6, 1.2, 0.3, 'ntk'], ['relu'], conv(6, [3, 3], [1, 1], 'SAME'), ['relu'], ['flatten'], ['dense', 1, 1, 0, 'ntk']], [3, 4, 4, 2], [2, 4, 4, 2], 1e-11);
  });

  it('flatten reads only same-position covariances: the same kernel whether or not the others are kept', () => {
    const body = [stax.conv(8, [3, 3]), stax.relu(), stax.conv(8, [3, 3], { padding: 'CIRCULAR' }), stax.erf()];
    const x = images([4, 5, 5, 2], 3);
    const diagonal = stax.serial(...body, stax.flatten(), stax.dense(1)).kernel(x as never);
    // An identity pooling (1×1 window) forces every pair of positions to be kept.
    const full = stax.serial(...body, stax.avgPool([1, 1]), stax.flatten(), stax.dense(1)).kernel(x as never);
    assertClose(full.ntk!, diagonal.ntk!.data, 1e-13, 'ntk');
  });
});

describe('stax.conv: finite networks', () => {
  it('backward and JVP equal finite differences: SAME, VALID with strides, CIRCULAR, standard parameterization, 1-D', () => {
    checkDerivatives(stax.serial(stax.conv(3, [3, 3], { bStd: 0.2 }), stax.erf(), stax.flatten(), stax.dense(2)), [4, 4, 2]);
    checkDerivatives(stax.conv(3, [2, 3], { padding: 'VALID', strides: [2, 1], bStd: 0.3 }), [5, 4, 2]);
    checkDerivatives(stax.conv(2, [3, 3], { padding: 'CIRCULAR', wStd: 1.4 }), [4, 3, 2]);
    checkDerivatives(stax.conv(2, [2, 2], { parameterization: 'standard', bStd: 0.1 }), [3, 3, 2]);
    checkDerivatives(stax.serial(stax.conv(3, [3], { strides: [2] }), stax.relu(), stax.conv(2, [2], { padding: 'CIRCULAR' })), [7, 2]);
  });
});

describe('stax.conv: shapes and errors', () => {
  it('init takes [H, W, C] and gives the output shape; apply gives (n, H′, W′, out)', () => {
    const net = stax.serial(stax.conv(5, [3, 3], { padding: 'VALID', strides: [2, 1] }), stax.relu());
    const { outputDim, params } = net.init(random.key(0), [7, 6, 3]);
    assert.deepEqual(outputDim, [3, 4, 5]);
    const y = net.apply(params, images([2, 7, 6, 3], 1) as never) as Tensor;
    assert.deepEqual(y.shape, [2, 3, 4, 5]);
  });

  it('refuses wrong ranks, a VALID filter larger than the input and a spatial output, naming the layer', () => {
    const net = stax.serial(stax.conv(4, [3, 3]), stax.flatten(), stax.dense(1));
    assert.throws(() => net.kernel([[1, 2, 3]]), (e: Error) => e instanceof ShapeError && /Conv\(4, 3×3, SAME\): expects \(n, H, W, C\) images, got examples of shape \(3\)/.test(e.message));
    assert.throws(() => net.kernel(images([2, 5, 3], 1) as never), /Conv\(4, 3×3, SAME\): a 2-D window needs inputs with 2 spatial axes/);
    assert.throws(() => stax.conv(4, [5, 5], { padding: 'VALID' }).init(random.key(0), [3, 8, 1]), /the window 5×5 is larger than the input's 3×8 positions on axis 0 with padding 'VALID'/);
    assert.throws(() => stax.serial(stax.conv(4, [3, 3]), stax.relu()).kernel(images([2, 4, 4, 1], 1) as never), /output is still spatial \(positions 4×4\); end it with a readout, stax\.flatten\(\) or stax\.globalAvgPool\(\)/);
    assert.throws(() => stax.conv(4, [3, 3], { padding: 'same' as never }).init(random.key(0), [4, 4, 1]), (e: Error) => e instanceof InputError && /padding must be 'SAME', 'VALID' or 'CIRCULAR'/.test(e.message));
    assert.throws(() => stax.conv(4, [3, 3, 3]), /filterShape must be \[fh, fw\] for images or \[fl\] for sequences/);
  });

  it('refuses, before any work, a kernel that would not fit in memory, naming its size and the ways out', () => {
    const x = new Tensor([3000, 32, 32, 1]);
    const gap = stax.serial(stax.conv(4, [3, 3]), stax.relu(), stax.globalAvgPool(), stax.dense(1));
    assert.throws(() => gap.kernel(x), (e: Error) => e instanceof InputError && /this kernel needs \d+(\.\d)? GB .*every pair of positions.*batch\(net\.kernel, \{ batchSize \}\)/s.test(e.message));
  });
});
