/**
 * The checks every layer type's test runs on it: backward/JVP against finite
 * differences, closed forms against numerical integration of the same
 * integral, kernels against an independent numpy implementation and against
 * Monte Carlo over random finite networks.
 */
import assert from 'node:assert/strict';
import { Matrix, params as tree, random, stax, Tensor, train, type Layer, type Params } from '@tangent-lab/core';
import { assertClose, images, inputs } from './compare';
import { runPython } from './python';

const H = 1e-6;

/** An activation with the shape of `x` and other entries. */
function like(x: Matrix | Tensor, data: Float64Array): Matrix | Tensor {
  return x instanceof Matrix ? new Matrix(x.rows, x.cols, data) : new Tensor(x.shape, data);
}

function loss(make: () => Layer, params: Params, x: Matrix | Tensor, c: Float64Array): number {
  const out = make().impl.forward(params, x).out as Matrix | Tensor;
  let s = 0;
  for (let i = 0; i < out.data.length; i++) s += c[i] * out.data[i];
  return s;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-8);
}

/**
 * A layer's backward pass (VJP) and forward-mode JVP against central finite
 * differences of its forward pass (≤ 1e-6 relative), through
 * L(θ, x) = Σ c ⊙ f(θ, x) with a fixed random c: ∂L/∂θ from backward, ∂L/∂x
 * from backward's input gradient, and the directional derivative along
 * (δθ, δx) from jvp, which must also equal ⟨backward(c), (δθ, δx)⟩.
 *
 * Pass a function building the layer for a layer whose forward pass draws
 * randomness (dropout): every evaluation then uses a fresh copy, whose first
 * pass draws the same mask.
 */
export function checkDerivatives(layerOrMake: Layer | (() => Layer), inputShape: number[] = [3]): void {
  const make = typeof layerOrMake === 'function' ? layerOrMake : () => layerOrMake;
  const layer = make();
  const size = inputShape.reduce((a, b) => a * b, 1);
  const flat = Float64Array.from(inputs(4, size, 5).flat());
  const x = inputShape.length === 1 ? new Matrix(4, size, flat) : new Tensor([4, ...inputShape], flat);
  const { params } = layer.init(random.key(11), inputShape.length === 1 ? inputShape[0] : inputShape);
  const out = layer.impl.forward(params, x);
  const y = out.out as Matrix | Tensor;
  const c = Float64Array.from(inputs(1, y.data.length, 6)[0]);
  const { gIn, gParams } = layer.impl.backward(params, out.cache, like(y, c));

  const theta = tree.leaves(params);
  const grad = tree.leaves(gParams);
  theta.forEach((leaf, l) => {
    for (let i = 0; i < leaf.length; i++) {
      const keep = leaf[i];
      leaf[i] = keep + H;
      const up = loss(make, params, x, c);
      leaf[i] = keep - H;
      const down = loss(make, params, x, c);
      leaf[i] = keep;
      const fd = (up - down) / (2 * H);
      assert.ok(relErr(grad[l][i], fd) < 1e-6, `∂L/∂θ, leaf ${l} entry ${i}: backward ${grad[l][i]} vs finite difference ${fd}`);
    }
  });

  const gx = gIn as Matrix | Tensor;
  for (let i = 0; i < x.data.length; i++) {
    const keep = x.data[i];
    x.data[i] = keep + H;
    const up = loss(make, params, x, c);
    x.data[i] = keep - H;
    const down = loss(make, params, x, c);
    x.data[i] = keep;
    assert.ok(relErr(gx.data[i], (up - down) / (2 * H)) < 1e-6, `∂L/∂x entry ${i}`);
  }

  const dTheta = tree.zerosLike(params);
  tree.leaves(dTheta).forEach((leaf, l) => leaf.set(Float64Array.from(inputs(1, leaf.length, 20 + l)[0])));
  const dx = like(x, Float64Array.from(inputs(4, size, 30).flat()));
  const { tOut } = make().impl.jvp(params, x, dTheta, dx);
  let directional = 0;
  (tOut as Matrix | Tensor).data.forEach((v, i) => (directional += c[i] * v));
  const shifted = (s: number) => {
    const p = tree.cloneParams(params);
    tree.axpy(p, s, dTheta);
    return loss(
      make,
      p,
      like(
        x,
        x.data.map((v, i) => v + s * dx.data[i]),
      ),
      c,
    );
  };
  const fd = (shifted(H) - shifted(-H)) / (2 * H);
  assert.ok(relErr(directional, fd) < 1e-6, `jvp ${directional} vs finite difference ${fd}`);
  const adjoint = tree.dot(gParams, dTheta) + gx.data.reduce((s, v, i) => s + v * dx.data[i], 0);
  assert.ok(relErr(directional, adjoint) < 1e-12, `jvp ${directional} vs vjp ${adjoint}`);
}

/** dense → act → dense → act → dense, the net the kernel checks run through. */
export function twoLayer(act: Layer): Layer {
  return stax.serial(stax.dense(16, { wStd: 1.4, bStd: 0.3 }), act, stax.dense(16, { wStd: 1.2, bStd: 0.1 }), act, stax.dense(1, { wStd: 0.9 }));
}

/**
 * A closed-form activation against `numeric`, the same φ through
 * `stax.elementwise` (numerical integration of Lee et al. 2019, eq. S1):
 * NNGP and NTK of {@link twoLayer} agree to `rtol`, for x1 ≠ x2 and x1 = x2.
 */
export function assertMatchesQuadrature(closed: Layer, numeric: Layer, rtol = 1e-8): void {
  const x1 = inputs(6, 3, 11);
  const x2 = inputs(5, 3, 12);
  for (const [a, b] of [
    [x1, x2],
    [x1, null],
  ] as const) {
    const c = twoLayer(closed).kernel(a, b);
    const q = twoLayer(numeric).kernel(a, b);
    assertClose(q.nngp, c.nngp.data, rtol, `${closed.name} nngp`);
    assertClose(q.ntk!, c.ntk!.data, rtol, `${closed.name} ntk`);
  }
}

/**
 * A layer as the numpy references describe it (fixtures/kernels_reference.py
 * and, with convolutions, pooling and branches, conv_kernels_reference.py).
 */
export type PyLayer = readonly (string | number | readonly number[] | readonly PyLayer[])[];

/** A dense layer in the numpy references' description. */
export const pyDense = (out: number, w: number, b: number, p = 'ntk'): PyLayer => ['dense', out, w, b, p];

/** A 3×3 SAME convolution with stride 1 in conv_kernels_reference.py's description. */
export const pyConv3x3 = (out: number, w: number, b: number): PyLayer => ['conv', out, [3, 3], [1, 1], 'SAME', w, b, 'ntk'];

/** The stax network a numpy reference's description stands for. */
export function fromPy(desc: readonly PyLayer[]): Layer {
  return stax.serial(
    ...desc.map((l): Layer => {
      const [kind, ...args] = l as [string, ...number[]];
      switch (kind) {
        case 'dense':
          return stax.dense(args[0], { wStd: args[1], bStd: args[2], parameterization: l[4] as 'ntk' | 'standard' });
        case 'conv':
          return stax.conv(args[0], l[2] as number[], {
            strides: l[3] as number[],
            padding: l[4] as 'SAME',
            wStd: args[4],
            bStd: args[5],
            parameterization: l[7] as 'ntk',
          });
        case 'avgPool':
          return stax.avgPool(l[1] as number[], { strides: l[2] as number[], padding: l[3] as 'VALID' });
        case 'flatten':
          return stax.flatten();
        case 'globalAvgPool':
          return stax.globalAvgPool();
        case 'layerNorm':
          return stax.layerNorm({ axis: l[1] as number[], eps: args[1] });
        case 'dropout':
          return stax.dropout(args[0]);
        case 'prod':
          return stax.serial(stax.fanOut(2), stax.parallel(fromPy(l[1] as PyLayer[]), fromPy(l[2] as PyLayer[])), stax.fanInProd());
        case 'relu':
          return stax.relu();
        case 'leakyRelu':
          return stax.leakyRelu(args[0]);
        case 'abRelu':
          return stax.abRelu(args[0], args[1]);
        case 'abs':
          return stax.abs();
        case 'erf':
          return stax.erf();
        case 'gelu':
          return stax.gelu();
        case 'sin':
          return stax.sin();
        case 'cos':
          return stax.cos();
        case 'sigmoidLike':
          return stax.sigmoidLike();
        case 'tanh':
          return stax.tanh();
        default:
          throw new Error(kind);
      }
    }),
  );
}

/**
 * The network's NNGP and NTK against an independent numpy implementation of
 * eqs. S1–S18 (fixtures/kernels_reference.py), for x1 ≠ x2 and x1 = x2.
 */
export function assertMatchesNumpy(layers: readonly PyLayer[], rtol: number): void {
  const x1 = inputs(7, 5, 1);
  const x2 = inputs(4, 5, 2);
  const layer = fromPy(layers);
  for (const [a, b] of [
    [x1, x2],
    [x1, null],
  ] as const) {
    const ref = runPython<{ nngp: number[][]; ntk: number[][] }>('kernels_reference.py', { x1: a, x2: b, net: layers });
    const k = layer.kernel(a, b);
    assertClose(k.nngp, ref.nngp, rtol, `${layer.name} nngp`);
    assertClose(k.ntk!, ref.ntk, rtol, `${layer.name} ntk`);
  }
}

/**
 * 𝒦̂(x, x′) = mean over nets and outputs of f(x)·f(x′), where each output of a
 * random finite net is (at infinite width) a draw from 𝒢𝒫(0, 𝒦) (eq. 13).
 */
function monteCarloNngp(net: Layer, x: Matrix, samples: number): Float64Array {
  const keys = random.split(random.key(2024), samples);
  const n = x.rows;
  const sum = new Float64Array(n * n);
  let k = 0;
  for (const key of keys) {
    const { params } = net.init(key, x.cols);
    const f = net.apply(params, x);
    k = f.cols;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let o = 0; o < k; o++) s += f.get(i, o) * f.get(j, o);
        sum[i * n + j] += s;
      }
    }
  }
  return sum.map((v) => v / (samples * k));
}

/**
 * The analytic NNGP of `net` against the Monte Carlo estimate from `samples`
 * random finite nets of hidden width `width`: every entry within 5 standard
 * errors √((𝒦₁₁𝒦₂₂ + 𝒦₁₂²)/(M·k)) (the 36 entries are correlated; 5σ keeps the
 * false-alarm rate below 1e-5) plus an O(1/n) finite-width bias allowance.
 */
export function assertNngpWithinSamplingError(net: Layer, width: number, samples: number, analyticNet: Layer = net): void {
  const x = Matrix.from(inputs(6, 3, 41));
  const analytic = analyticNet.kernel(x, null, 'nngp');
  const mc = monteCarloNngp(net, x, samples);
  const n = x.rows;
  const k = net.init(random.key(0), x.cols).outputDim as number;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const kij = analytic.get(i, j);
      const se = Math.sqrt((analytic.get(i, i) * analytic.get(j, j) + kij * kij) / (samples * k));
      const bound = 5 * se + (2 / width) * Math.abs(kij);
      assert.ok(Math.abs(mc[i * n + j] - kij) <= bound, `entry (${i}, ${j}): Monte Carlo ${mc[i * n + j]} vs analytic ${kij}, bound ${bound}`);
    }
  }
}

/**
 * The network trains on the float64 engine (the loss falls) and on the tfjs
 * engine, and the two agree step for step to float32 accuracy, as in
 * `define.test.ts`. `make` builds the network; each engine gets its own copy
 * (so layers with random masks start their streams alike).
 */
export async function assertTrainsOnBothEngines(make: () => Layer, { steps = 20, learningRate = 0.05, rtol = 1e-4 } = {}): Promise<void> {
  const x = inputs(8, 4, 7);
  const y = x.map((r) => [Math.sin(r[0]) + 0.5 * r[1]]);
  const { params } = make().init(random.key(3), 4);
  const options = { learningRate, steps };
  const f64 = train.gradientDescent(make().apply, params, x, y, options);
  assert.ok(f64.losses[steps] < 0.9 * f64.losses[0], `float64 loss ${f64.losses[0]} → ${f64.losses[steps]}`);
  const f32 = await train.gradientDescent(make().apply, params, x, y, { ...options, engine: 'tfjs' });
  assert.equal(f32.engine.name, 'tfjs');
  f64.losses.forEach((l, i) => assert.ok(Math.abs(l - f32.losses[i]) < rtol * Math.max(1, l), `step ${i}: float64 ${l} vs tfjs ${f32.losses[i]}`));
}

/** Rows (example, position) of (n, ...spatial, C) nested arrays: (n·S)×C. */
function positionRowsOf(x: unknown, channels: number): number[][] {
  const flat = (x as unknown[]).flat(Infinity) as number[];
  return Array.from({ length: flat.length / channels }, (_, r) => flat.slice(r * channels, (r + 1) * channels));
}

/**
 * A layer that acts per position (an activation, or layers like layerNorm
 * over channels) on images, against the same layer on the positions taken as
 * separate examples of (n·S, C) matrices — an independent route through the
 * feature-vector kernels:
 * - finite: apply on (n, H, W, C) equals apply on the (n·S)×C rows;
 * - kernel: dense(8) → `act` → readout → dense(1), with the flatten readout
 *   the mean over p of the per-position kernels between x_p and x′_p (same
 *   positions only), with globalAvgPool the mean over every pair (p, p′),
 *   for x1 ≠ x2 and x1 = x2, NNGP and NTK, to `rtol`.
 */
export function assertActsPerPosition(act: () => Layer, rtol = 1e-12): void {
  const shape1 = [3, 2, 3, 2];
  const shape2 = [2, 2, 3, 2];
  const s = 6;
  const c = 2;
  const x1 = images(shape1, 7);
  const x2 = images(shape2, 8);
  const rows1 = positionRowsOf(x1, c);
  const rows2 = positionRowsOf(x2, c);

  const finite = stax.serial(stax.dense(4, { bStd: 0.3 }), act());
  const { params } = finite.init(random.key(1), [2, 3, c]);
  const onImages = finite.apply(params, new Tensor(shape1, Float64Array.from(rows1.flat())));
  const onRows = finite.apply(params, rows1);
  assertClose(onImages.data, onRows.data, 1e-14, `${finite.name} apply per position`);

  const hidden = () => stax.dense(8, { wStd: 1.3, bStd: 0.2 });
  const readoutLayer = () => stax.dense(1, { wStd: 1.1, bStd: 0.05 });
  const perPosition = stax.serial(hidden(), act(), readoutLayer());
  for (const [pool, readout] of [
    ['flatten', stax.flatten()],
    ['globalAvgPool', stax.globalAvgPool()],
  ] as const) {
    const net = stax.serial(hidden(), act(), readout, readoutLayer());
    for (const [a, b, ra, rb] of [
      [x1, x2, rows1, rows2],
      [x1, null, rows1, null],
    ] as const) {
      const k = net.kernel(a as never, b as never);
      const flat = perPosition.kernel(ra as number[][], rb as number[][] | null);
      const n1 = ra.length / s;
      const n2 = (rb ?? ra).length / s;
      const expected = (m: Matrix) =>
        Array.from({ length: n1 }, (_, i) =>
          Array.from({ length: n2 }, (_, j) => {
            let sum = 0;
            let count = 0;
            for (let p = 0; p < s; p++) {
              for (let q = 0; q < s; q++) {
                if (pool === 'flatten' && p !== q) continue;
                sum += m.get(i * s + p, j * s + q);
                count++;
              }
            }
            return sum / count;
          }),
        );
      assertClose(k.nngp, expected(flat.nngp), rtol, `${net.name} nngp`);
      assertClose(k.ntk!, expected(flat.ntk!), rtol, `${net.name} ntk`);
    }
  }
}

/**
 * A network on images or sequences against the numpy recursion of
 * fixtures/conv_kernels_reference.py (`net` in its layer language), for
 * x1 ≠ x2 and x1 = x2, NNGP and NTK, to `rtol`.
 */
export function assertMatchesCnnNumpy(layer: Layer, net: readonly PyLayer[], shape1: number[], shape2: number[], rtol: number): void {
  const x1 = images(shape1, 1);
  const x2 = images(shape2, 2);
  for (const [a, b] of [
    [x1, x2],
    [x1, null],
  ] as const) {
    const ref = runPython<{ nngp: number[][]; ntk: number[][] }>('conv_kernels_reference.py', { x1: a, x2: b, net });
    const k = layer.kernel(a as never, b as never);
    assertClose(k.nngp, ref.nngp, rtol, `${layer.name} nngp`);
    assertClose(k.ntk!, ref.ntk, rtol, `${layer.name} ntk`);
  }
}
