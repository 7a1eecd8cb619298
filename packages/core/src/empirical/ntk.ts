import { engineOption } from '../engines/engine';
import { backendOption, type TfjsBackend } from '../engines/tfjs/backend';
import { tfjsNtkFn, type TfjsEmpiricalKernelFn, type TfjsModelFn, type TfjsParams } from '../engines/tfjs/ntk';
import { InputError, ShapeError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { mirrorUpper } from '../linalg/mirror';
import { exampleCount, sliceExamples, type Examples } from '../examples';
import { Matrix } from '../matrix';
import type { Tensor } from '../tensor';
import { scratch, Workspace } from '../workspace';
import { differentiable, isNetwork, type Differentiable, type Network } from '../models/differentiable';
import { checkOptions } from '../options';
import { leaves } from '../params/tree';
import type { LayerImpl, Params, Tensors } from '../stax/types';
import { kernelInputs } from './inputs';
import type { DiagonalEmpiricalKernelFn, EmpiricalKernelFn, OutputKernelFn } from './nngp';
import { outputKernelArg, OutputKernelLayout, type DiagonalOutputAxes, type OutputAxesOptions, type OutputKernel } from './output-axes';

export interface NtkFnOptions extends OutputAxesOptions {
  /** `'structured'` (default: layer by layer, never forming J) or `'jacobian'` (per-example Jacobians). */
  implementation?: 'structured' | 'jacobian';
  /** Bytes the `'jacobian'` implementation may spend on Jacobian blocks (default 256 MiB). */
  memoryLimit?: number;
  /** `'float64'` (default). See {@link TfjsNtkFnOptions} for `'tfjs'`. */
  engine?: 'float64';
}

/**
 * Options of the empirical NTK on the `'tfjs'` engine (float32, tfjs
 * autodiff). It computes the output-averaged kernel only: `traceAxes` and
 * `diagonalAxes` may be given but must leave the default (`traceAxes: [-1]`).
 */
export interface TfjsNtkFnOptions extends OutputAxesOptions {
  engine: 'tfjs';
  /** Force a backend; by default the first of tfjs-node-gpu, tfjs-node, wasm, cpu that loads. */
  backend?: TfjsBackend;
  /** Bytes the per-example Jacobian blocks may take (default 256 MiB). */
  memoryLimit?: number;
}

/** The seed ∂(Σᵢ fᵢ,ₒ)/∂f: ones in output column o, zeros elsewhere. */
function seed(rows: number, cols: number, o: number): Matrix {
  const s = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) s.data[i * cols + o] = 1;
  return s;
}

interface Visit {
  layer: LayerImpl;
  params: Params;
  cache: unknown;
  gOut: Tensors;
}

/** Every parameterised layer's (cache, output gradient) in one backward pass seeded at output o. */
function visits(model: Differentiable, params: Params, cache: unknown, rows: number, cols: number, o: number): Visit[] {
  const seen: Visit[] = [];
  model.gradient(params, cache, seed(rows, cols, o), (layer, p, c, g) => {
    seen.push({ layer, params: p, cache: c, gOut: g });
    // The Grams need only the caches and signals seen here, not ∂f/∂θ itself.
    return 'skipParams';
  });
  return seen;
}

/**
 * eq. (5) layer by layer: for output o, one backward pass per batch gives each
 * dense layer's input X and backward signal Δ for every example at once, and
 * the layer contributes s²(X₁X₂ᵀ) ⊙ (Δ₁Δ₂ᵀ) + s_b² Δ₁Δ₂ᵀ; seeding the two
 * sides at outputs a and b gives the (a, b) block. Cost: k backward passes per
 * side and two Grams per layer and output pair; the Jacobian is never formed.
 * The averaged and diagonal kernels keep one output's signals at a time; the
 * full kernel keeps all k.
 */
function structured(model: Differentiable, params: Params, a: Examples, b: Examples | null, kind: OutputKernel): Matrix | Tensor {
  const fa = model.forward(params, a);
  const fb = b === null ? fa : model.forward(params, b);
  const k = fa.out.cols;
  const rowsA = exampleCount(a);
  const rowsB = b === null ? rowsA : exampleCount(b);
  const layout = new OutputKernelLayout(kind, rowsA, rowsB, k);
  const sides = (o: number) => {
    const va = visits(model, params, fa.cache, rowsA, k, o);
    return { va, vb: b === null ? va : visits(model, params, fb.cache, rowsB, k, o) };
  };
  const all = kind === 'full' ? Array.from({ length: k }, (_, o) => sides(o)) : null;
  // The layers add their Grams into a Workspace array: from the second call
  // on it lives in the arena with their own, and the sums run on SIMD
  // (`simd/passes`). The averaged kernel sums every output's Grams in it.
  const block = scratch(rowsA * rowsB).fill(0);
  for (const [oa, ob] of layout.pairs()) {
    // With x2 = x1 the (b, a) block is the transpose of the (a, b) block.
    if (b === null && ob < oa) continue;
    // Without `all` the pairs are (o, o): one backward pass per side.
    const { va, vb } = all ? { va: all[oa].va, vb: all[ob].vb } : sides(oa);
    if (kind !== 'trace') block.fill(0);
    va.forEach((v, l) => {
      if (!v.layer.gradientGram)
        throw new InputError(`empirical.ntkFn: layer ${v.layer.name} has parameters but no gradientGram; use implementation: 'jacobian'`);
      const gram = v.layer.gradientGram(v.params, v.cache, v.gOut, vb[l].cache, vb[l].gOut, block);
      if (gram !== block) for (let i = 0; i < block.length; i++) block[i] += gram[i];
    });
    if (kind === 'trace') continue;
    // One batch with one output on both sides: the layers may have added their upper triangles only.
    if (b === null && oa === ob) mirrorUpper(block, rowsA);
    for (let i = 0; i < rowsA; i++) {
      for (let j = 0; j < rowsB; j++) {
        const v = block[i * rowsB + j];
        layout.data[layout.index(i, j, oa, ob)] += v;
        if (b === null && oa !== ob) layout.data[layout.index(j, i, ob, oa)] += v;
      }
    }
  }
  if (kind === 'trace') {
    layout.data.set(block);
    // Every output's blocks are symmetric: their sum's upper triangle is all there is.
    if (b === null) mirrorUpper(layout.data, rowsA);
  }
  return layout.result();
}

/** Rows [r0, r1) of the per-example Jacobian J (row = example × output, columns = parameters). */
function jacobianRows(model: Differentiable, params: Params, x: Examples, r0: number, r1: number, size: number): { j: Float64Array; k: number } {
  let k = 0;
  let j = new Float64Array(0);
  for (let r = r0; r < r1; r++) {
    const xi = sliceExamples(x, r, r + 1);
    const { out, cache } = model.forward(params, xi);
    if (k === 0) {
      k = out.cols;
      j = new Float64Array((r1 - r0) * k * size);
    }
    for (let o = 0; o < k; o++) {
      const g = leaves(model.gradient(params, cache, seed(1, k, o)));
      let offset = ((r - r0) * k + o) * size;
      for (const leaf of g) {
        j.set(leaf, offset);
        offset += leaf.length;
      }
    }
  }
  return { j, k };
}

/**
 * eq. (5) literally: Θ̂ = J₁J₂ᵀ from per-example Jacobians (one backward pass
 * per example and output), in blocks of rows that fit `memoryLimit`. Each
 * block holds every output pair; the layout keeps what `kind` asks for.
 */
function jacobian(model: Differentiable, params: Params, a: Examples, b: Examples | null, memoryLimit: number, kind: OutputKernel): Matrix | Tensor {
  const size = leaves(params).reduce((s, v) => s + v.length, 0);
  const k = model.forward(params, sliceExamples(a, 0, 1)).out.cols;
  const rowsA = exampleCount(a);
  const rowsB = b === null ? rowsA : exampleCount(b);
  const block = Math.max(1, Math.floor(memoryLimit / (2 * 8 * size * k)));
  const layout = new OutputKernelLayout(kind, rowsA, rowsB, k);
  const out = layout.data;
  const pairs = layout.pairs();
  const backend = activeBackend();
  const other = b ?? a;
  for (let i0 = 0; i0 < rowsA; i0 += block) {
    const i1 = Math.min(i0 + block, rowsA);
    const ja = jacobianRows(model, params, a, i0, i1, size).j;
    for (let j0 = b === null ? i0 : 0; j0 < rowsB; j0 += block) {
      const j1 = Math.min(j0 + block, rowsB);
      const jb = b === null && j0 === i0 ? ja : jacobianRows(model, params, other, j0, j1, size).j;
      const rowsA = (i1 - i0) * k;
      const rowsOther = (j1 - j0) * k;
      const full = new Float64Array(rowsA * rowsOther);
      backend.gemm(false, true, rowsA, rowsOther, size, 1, ja, jb, 0, full);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          // Entry (a, b) of this example pair's k×k block is full[base + a·rowsOther + b].
          const base = (i - i0) * k * rowsOther + (j - j0) * k;
          if (kind === 'trace') {
            // Σₒ ∂fₒ(x)·∂fₒ(x′); the layout divides by k.
            let s = 0;
            for (let o = 0; o < k; o++) s += full[base + o * rowsOther + o];
            out[layout.index(i, j, 0, 0)] = s;
            if (b === null) out[layout.index(j, i, 0, 0)] = s;
            continue;
          }
          for (const [oa, ob] of pairs) {
            const v = full[base + oa * rowsOther + ob];
            out[layout.index(i, j, oa, ob)] = v;
            if (b === null) out[layout.index(j, i, ob, oa)] = v;
          }
        }
      }
    }
  }
  return layout.result();
}

/**
 * The empirical neural tangent kernel of one finite network (eq. 5),
 * Θ̂(x, x′)ₐᵦ = Σ_θ ∂fₐ(x)/∂θ · ∂fᵦ(x′)/∂θ for outputs a, b of k. Two
 * implementations that agree to round-off, for every choice of axes below:
 * `'structured'` (default; per-layer Grams from batched backward passes) and
 * `'jacobian'` (materialised per-example Jacobians, in memory-bounded blocks).
 *
 * What is kept of the k×k output pairs follows Neural Tangents' `trace_axes`
 * and `diagonal_axes` for the output axis (−1):
 * - default (`traceAxes: [-1]`): the average over outputs, (1/k) Σₐ Θ̂ₐₐ, an
 *   n₁×n₂ Matrix comparable with the analytic per-output NTK: as the width
 *   grows Θ̂ → Θ ⊗ Id_k (Lee et al. 2019, eq. (S5)), the same kernel for
 *   every output and none between outputs;
 * - `traceAxes: []`: the full kernel, a (n₁·k)×(n₂·k) Matrix, example-major:
 *   entry (i·k + a, j·k + b) is Θ̂(xᵢ, xⱼ)ₐᵦ, Neural Tangents'
 *   `ntk[i, j, a, b]`. This is the Θ₀ = J₀J₀ᵀ of eqs. (9)–(10) with the
 *   Jacobian of all n·k outputs (rows ordered like the data of an n×k output
 *   matrix), so `predict.gradientDescentMse` takes it as is and then follows
 *   a trained multi-output linearized network exactly. We return a Matrix,
 *   not NT's (n₁, n₂, k, k) array, because every consumer of a kernel here
 *   (the predictors, `linalg`, `io.writeNpy`) takes matrices and this is the
 *   layout they need: NT itself reshapes to it before solving;
 * - `diagonalAxes: [-1]`: each output's kernel Θ̂ₐₐ, a Tensor [n₁, n₂, k]
 *   (NT's shape). Naming the output axis in `diagonalAxes` alone makes
 *   `traceAxes` default to `[]` (NT would silently trace it); naming it in
 *   both is an error. Only the output axis can be named: the examples' axis
 *   (0) is refused.
 *
 * With `{ engine: 'tfjs' }`, `apply` may also be a model written with
 * TensorFlow.js ops, `fn(params, x: tf.Tensor2D) => tf.Tensor2D` with `params`
 * an array or record of float32 tensors: the kernel is J₁J₂ᵀ from tfjs
 * autodiff (one backward pass per example and output), averaged over outputs
 * like the float64 kernel, computed in float32 on the fastest backend that
 * loads (see `engines.loadTfjs`, whose `tf` the model should use). A stax
 * `net.apply` works there too, with its float64 parameter tree. The kernel
 * function then returns a Promise.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512), stax.relu(), stax.dense(1));
 * const { params } = net.init(random.key(0), 2);
 * const ntk = empirical.ntkFn(net.apply)([[1, 0], [0, 1]], null, params);
 *
 * // Three outputs: the full 6×6 kernel and the per-output [2, 2, 3] kernel.
 * const net3 = stax.serial(stax.dense(64), stax.relu(), stax.dense(3));
 * const p3 = net3.init(random.key(1), 2).params;
 * const full = empirical.ntkFn(net3.apply, { traceAxes: [] })([[1, 0], [1, 1]], null, p3);
 * full.get(1 * 3 + 2, 0 * 3 + 1); // Θ̂(x₁, x₀) for outputs 2 and 1: not 0 in a finite network
 * const perOutput = empirical.ntkFn(net3.apply, { diagonalAxes: [-1] })([[1, 0], [1, 1]], null, p3);
 * perOutput.shape; // [2, 2, 3]
 *
 * // The same kernel of a model written in TensorFlow.js (NTK parameterization, eq. 1).
 * const { tf } = await engines.loadTfjs();
 * const fn = (p: tf.Tensor[], x: tf.Tensor2D) =>
 *   tf.matMul(tf.relu(tf.matMul(x, p[0]).mul(Math.SQRT1_2)), p[1]).mul(1 / Math.sqrt(512)) as tf.Tensor2D;
 * const theta = await empirical.ntkFn(fn, { engine: 'tfjs' })([[1, 0], [0, 1]], null,
 *   [tf.tensor2d(params[0].W.data, [2, 512], 'float32'), tf.tensor2d(params[2].W.data, [512, 1], 'float32')]);
 * ```
 */
export function ntkFn<P extends TfjsParams>(fn: TfjsModelFn<P>, options: TfjsNtkFnOptions): TfjsEmpiricalKernelFn<P>;
export function ntkFn(apply: Network, options: TfjsNtkFnOptions): TfjsEmpiricalKernelFn<Params>;
export function ntkFn(apply: Network, options: NtkFnOptions & { diagonalAxes: DiagonalOutputAxes }): DiagonalEmpiricalKernelFn;
export function ntkFn(apply: Network, options?: NtkFnOptions & { diagonalAxes?: readonly [] }): EmpiricalKernelFn;
export function ntkFn(apply: Network, options: NtkFnOptions): OutputKernelFn;
export function ntkFn(apply: unknown, options: NtkFnOptions | TfjsNtkFnOptions = {}): OutputKernelFn | TfjsEmpiricalKernelFn<never> {
  const where = 'empirical.ntkFn';
  if (engineOption(where, options) === 'tfjs') {
    const axes = options as OutputAxesOptions;
    if ((axes.traceAxes !== undefined || axes.diagonalAxes !== undefined) && outputKernelArg(where, axes) !== 'trace') {
      throw new InputError(
        `${where}: the 'tfjs' engine computes the output-averaged kernel only (traceAxes: [-1]); for the full or per-output kernel use the float64 engine (leave out engine)`,
      );
    }
    checkOptions(where, options, ['engine', 'backend', 'memoryLimit', 'traceAxes', 'diagonalAxes']);
    const { backend, memoryLimit = 256 * 2 ** 20 } = options as TfjsNtkFnOptions;
    if (!(memoryLimit > 0)) throw new InputError(`${where}: memoryLimit must be a positive number of bytes`);
    return tfjsNtkFn(where, apply, backendOption(where, backend), memoryLimit);
  }
  checkOptions(where, options, ['implementation', 'memoryLimit', 'engine', 'traceAxes', 'diagonalAxes']);
  const { implementation = 'structured', memoryLimit = 256 * 2 ** 20 } = options as NtkFnOptions;
  const kind = outputKernelArg(where, options as NtkFnOptions);
  if (implementation !== 'structured' && implementation !== 'jacobian') {
    throw new InputError(`${where}: implementation must be 'structured' or 'jacobian', got ${JSON.stringify(implementation)}`);
  }
  if (!(memoryLimit > 0)) throw new InputError(`${where}: memoryLimit must be a positive number of bytes`);
  if (typeof apply === 'function' && !isNetwork(apply)) {
    throw new InputError(
      `${where}: pass a network's apply (net.apply from stax), a linearize(net.apply, params) model, or the layer itself; a plain function is taken as a TensorFlow.js model, which needs { engine: 'tfjs' }`,
    );
  }
  const model = differentiable(where, apply as Network);
  // The structured passes make the same temporaries on every call: reuse them (the kernel itself is always new).
  const workspace = new Workspace();
  const kernelFn: OutputKernelFn = (x1, x2, params) => {
    const { a, b } = kernelInputs(where, x1, x2);
    if (leaves(params).length === 0) throw new ShapeError(`${where}: the network has no parameters, so its NTK is zero`);
    return implementation === 'structured' ? workspace.run(() => structured(model, params, a, b, kind)) : jacobian(model, params, a, b, memoryLimit, kind);
  };
  return kernelFn;
}
