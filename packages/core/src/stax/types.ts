import type { TfjsForward, TfjsCompiler } from '../engines/tfjs/op';
import type { Matrix } from '../matrix';
import type { NumericTypedArray } from '../arrays/vector';
import type { InputLike, Tensor } from '../tensor';
import type { Key } from '../random/key';
import type { Kernels } from './kernel-state';
import type { KernelFor, KernelOf } from './kernel-result';

/** Which infinite-width kernel: the NNGP 𝒦 (Lee et al. 2019, eq. 13) or the NTK Θ (eqs. 5, S6). */
export type Get = 'nngp' | 'ntk';

/**
 * The kernels of a network between two batches (Neural Tangents' `Kernel`):
 * the NNGP, the NTK (a field is absent only when `get` leaves it out; all
 * zeros for a network without a trainable layer, as in NT), each input's
 * variance with itself, and whether x2 was x1. A `Kernel` from a layer's
 * `kernel()` can be handed to another layer's `kernel()` to continue the
 * network: `b.kernel(a.kernel(x))` equals `serial(a, b).kernel(x)`. Kernel
 * functions return the narrower {@link KernelOf} (fields guaranteed by `get`,
 * tuple destructuring in NT's order).
 */
export interface Kernel {
  nngp: Matrix;
  ntk?: Matrix;
  /** 𝒦(x, x) for each example of x1 (absent for kernels not computed by a layer, e.g. Monte Carlo estimates). */
  cov1?: Float64Array;
  /** 𝒦(x′, x′) for each example of x2 (x1's when x1IsX2). */
  cov2?: Float64Array;
  /** x2 was omitted (or x1 itself): the kernels are symmetric. */
  x1IsX2: boolean;
}

/**
 * Finite-width activations: a matrix (n, features), a tensor (n, ...spatial,
 * channels) for images and sequences, or one of those per branch.
 */
export type Tensors = Matrix | Tensor | readonly Tensors[];

/** Whether kernels must keep the covariances of every pair of positions (true) or only of the same position; one per branch. */
export type SpatialNeed = boolean | readonly SpatialNeed[];

/** The shape of a spatial example without the batch axis: [H, W] or [L] positions and C channels. */
export interface SpatialDims {
  readonly spatial: readonly number[];
  readonly channels: number;
}

/**
 * The public form of an example shape (no batch axis): a number of features,
 * [H, W, C] for images, [L, C] for sequences, or one of those per input branch.
 */
export type InputShape = number | readonly number[] | readonly InputShape[];

/** The shape of one example: a number of features, a spatial shape, or one per branch. */
export type Dims = number | SpatialDims | readonly Dims[];

/** Parameters of a dense layer. In NTK parameterization these are the raw ω, β ~ 𝒩(0, 1) of eq. (1). */
export interface DenseParams {
  /** Weights, fan-in × fan-out. */
  W: Matrix;
  /** Biases (length fan-out), or null for a layer without bias (bStd = 0). */
  b: Float64Array | null;
}

/** A parameter tree: dense parameters, nothing (activations), or one entry per sub-layer. */
export type Params = DenseParams | null | readonly Params[];

/**
 * A serialisable description of a layer: the registered type and its
 * arguments, from which worker threads rebuild it (see `stax.defineLayer`).
 */
export interface LayerSpec {
  type: string;
  args: readonly unknown[];
  /**
   * The module that registers `type`, for layer types defined outside
   * `@tangent-lab/core`: worker threads load it before rebuilding the layer.
   */
  module?: string;
}

/**
 * Input of a network's forward pass: a matrix (n, features), a
 * tensor or nested arrays of rank 3 or 4 ((n, L, C) sequences, (n, H, W, C)
 * images, channels last), or, for a network with several inputs, an array of
 * `Matrix`/`Tensor` values, one per input branch.
 */
export type NetworkInput = InputLike | readonly (Matrix | Tensor)[];

/** Input of a public kernel call: a {@link NetworkInput}, or a {@link Kernel} (one per branch) to continue from. */
export type KernelInput = NetworkInput | Kernel | readonly Kernel[];

/**
 * The infinite-width kernel function of a layer or network, as Neural
 * Tangents' `kernel_fn(x1, x2=None, get=None)`.
 * - `get` a string → that kernel as a {@link Matrix};
 * - `get` an array or undefined → the requested kernels, `{ nngp, ntk }`
 *   ({@link KernelOf}): the fields `get` names are typed as present, and the
 *   result also destructures as NT's tuple, `const [nngp, ntk] = net.kernel(x)`.
 *
 * The NTK is always there when asked for: a network with nothing trainable
 * has a zero NTK (Neural Tangents' convention), so the type can promise it.
 */
export interface KernelFn {
  (x1: KernelInput, x2?: KernelInput | null, get?: undefined): KernelOf<Get>;
  (x1: KernelInput, x2: KernelInput | null | undefined, get: Get): Matrix;
  <const G extends readonly Get[]>(x1: KernelInput, x2: KernelInput | null | undefined, get: G): KernelFor<G>;
  (x1: KernelInput, x2?: KernelInput | null, get?: Get | readonly Get[]): Kernel | Matrix;
  /** The layer this kernel function belongs to (so `batch` can rebuild it in workers). */
  readonly layer: Layer;
}

/**
 * Called during a backward pass by each layer that has parameters. Returning
 * `'skipParams'` says the caller needs only what it was shown and the input
 * gradient: the layer may then skip its parameter gradients (and return null
 * for them) — the structured empirical NTK builds everything from the visits.
 */
export type BackwardVisitor = (layer: LayerImpl, params: Params, cache: unknown, gOut: Tensors) => void | 'skipParams';

/**
 * The engine-facing side of a layer: its finite network (`initFn`, `forward`,
 * `backward`, `jvp`), its infinite-width kernel rule, and optionally its
 * TensorFlow.js op, side by side. Users reach it as `layer.impl`; the public
 * methods of {@link Layer} wrap it with input validation.
 */
export interface LayerImpl {
  /** A readable name, e.g. `Dense(512)`, used in error messages. */
  readonly name: string;
  /** Draws parameters for inputs of dimension `inputDim`; returns the output dimension. */
  initFn(key: Key, inputDim: Dims): { outputDim: Dims; params: Params };
  /** Forward pass; `cache` holds what {@link backward} needs. */
  forward(params: Params, x: Tensors): { out: Tensors; cache: unknown };
  /**
   * Vector–Jacobian product: gradients with respect to the input and to the
   * parameters. `visit`, when given, is called by every layer with parameters
   * with what it saw: its parameters, forward cache and output gradient (the
   * structured empirical NTK is built from these, never forming the Jacobian).
   * `needInput: false` (default true) says the caller will not read `gIn`:
   * the parameter gradient of a whole network (`Differentiable.gradient`)
   * never needs the gradient with respect to its input, and for the first
   * dense layer of a net that is a product as large as its parameter
   * gradient. A layer may then skip it and return an empty 0×0 Matrix.
   */
  backward(params: Params, cache: unknown, gOut: Tensors, visit?: BackwardVisitor, needInput?: boolean): { gIn: Tensors; gParams: Params };
  /**
   * For layers with parameters: the Gram matrix of their parameter gradients
   * between two batches, Σ_θ ∂f(a)/∂θ · ∂f(b)/∂θ summed over the layer's
   * parameters, from the forward caches and output gradients of each batch
   * (rows = examples). A layer's contribution to the empirical NTK (eq. 5).
   *
   * With `into` (n₁×n₂), a layer may add its Gram to `into` and return it
   * instead of a new array; when both sides are one batch with itself
   * (`cache1 === cache2`, `gOut1 === gOut2`) it may then add only the upper
   * triangle (j ≥ i), which the caller mirrors once after summing the layers.
   * A layer that returns another array leaves `into` alone.
   */
  gradientGram?(params: Params, cache1: unknown, gOut1: Tensors, cache2: unknown, gOut2: Tensors, into?: Float64Array): Float64Array;
  /**
   * Jacobian–vector product: the output and its directional derivative along
   * parameter tangents `tParams` (null = zero) and input tangents `tx` (null = zero).
   */
  jvp(params: Params, x: Tensors, tParams: Params, tx: Tensors | null): { out: Tensors; tOut: Tensors };
  /**
   * The infinite-width rule mapping input kernels to output kernels (eqs. S3,
   * S6). It may overwrite the arrays of its input state (which then belongs to
   * it), so pass a state to one rule only; `cloneKernels` makes copies.
   */
  kernelRule(k: Kernels): Kernels;
  /** Checks that this layer accepts inputs of the given dimensions; returns the output dimensions. */
  outputDim(inputDim: Dims): Dims;
  /**
   * The layer written with TensorFlow.js ops, for the `'tfjs'` engine: given
   * this layer's parameters, a forward pass on M stacked networks. Layers
   * without it run on the float64 engine only.
   */
  tfjs?(params: Params, compiler: TfjsCompiler): TfjsForward;
  /**
   * Rows [i0, i1) of this layer's kernel work on `job` (plain, shareable
   * data): what worker threads run when a kernel rule splits a large kernel
   * across cores (see `splitRows`). Layers whose kernel rule splits rows give it.
   */
  rows?(job: unknown, i0: number, i1: number): void;
  /**
   * Whether this layer's input kernels must keep every pair of positions
   * (true) or only same-position covariances (false), given what the layers
   * after it need (`downstream`); one entry per branch where the input has
   * several. Omitted: the layer needs what follows it needs (conv, dense,
   * activations). Pooling needs every pair; a flatten readout only the diagonal.
   */
  spatialNeed?(downstream: SpatialNeed): SpatialNeed;
  /**
   * Why worker threads cannot rebuild this layer from its spec (e.g. an
   * `elementwise` function that refers to variables outside its body), or
   * undefined when they can.
   */
  readonly localOnly?: string;
}

/** A network's forward pass f(θ, x), knowing the layer it belongs to. */
export interface ApplyFn {
  /** Rows in, rows out: a network on (examples × features) inputs returns a Matrix. */
  (params: Params, x: Matrix | readonly (readonly number[] | NumericTypedArray)[] | readonly Matrix[]): Matrix;
  /** Images or sequences give a Matrix after a readout (flatten, global pooling), else a Tensor (n, ...spatial, C). */
  (params: Params, x: NetworkInput): Matrix | Tensor;
  readonly layer: Layer;
}

/**
 * A layer (or a whole network: combinators return layers too). Like a
 * Neural Tangents `stax` layer, one value holds the finite network and its
 * infinite-width kernel.
 */
export interface Layer {
  /** A readable name, e.g. `Serial(Dense(512), Relu, Dense(1))`. */
  readonly name: string;
  /** The layer's type and arguments: what worker threads rebuild it from. */
  readonly spec: LayerSpec;
  /**
   * Draws random parameters (eq. 1 or S32) for inputs of shape `inputShape`
   * without the batch axis: a number of features, [H, W, C] for images, [L, C]
   * for sequences (or one per input branch). `outputDim` has the same form.
   */
  init(key: Key, inputShape: InputShape): { outputDim: InputShape; params: Params };
  /** The finite network's forward pass in float64; works detached (`const f = net.apply`). */
  readonly apply: ApplyFn;
  /** The infinite-width NNGP/NTK (see {@link KernelFn}). */
  readonly kernel: KernelFn;
  /** The engine-facing implementation: forward, backward, JVP, kernel rule, tfjs op. */
  readonly impl: LayerImpl;
}
