import { describeValue } from '../arrays/vector';
import { InputError, NumericalError } from '../errors';
import { examplesFrom } from '../examples';
import { crossEntropy } from '../losses/cross-entropy';
import type { Loss } from '../losses/loss';
import { mse } from '../losses/mse';
import { lossArgs } from '../losses/targets';
import { Matrix, type MatrixLike } from '../matrix';
import { differentiable, isNetwork, type Network } from '../models/differentiable';
import { checkOptions } from '../options';
import { checkSameStructure, leaves, zerosLike } from '../params/tree';
import type { Params } from '../stax/types';
import type { InputLike } from '../tensor';
import { withTape, type Tape, type TracedLoss } from './trace';

/** Options of the traced form of {@link valueAndGrad} and {@link grad}. */
export interface GradOptions {
  /**
   * The loss function returns `[loss, aux]`: the gradient is of `loss`, and
   * `aux` (anything: outputs, accuracy) is handed back untouched, as JAX's
   * `has_aux`.
   */
  hasAux?: boolean;
}

/** A loss by name, or any {@link Loss} `{ value, grad }`. */
export type LossLike = 'mse' | 'crossEntropy' | Loss;

/** `(params, ...args) => [value, ∇_params value]`. */
export type ValueAndGradFn<A extends unknown[]> = (params: Params, ...args: A) => [number, Params];
/** `(params, ...args) => [[value, aux], ∇_params value]`. */
export type ValueAndGradAuxFn<A extends unknown[], Aux> = (params: Params, ...args: A) => [[number, Aux], Params];

const WHERE = 'valueAndGrad';

function lossOf(where: string, loss: unknown): Loss {
  if (loss === 'mse') return mse;
  if (loss === 'crossEntropy') return crossEntropy;
  if (loss !== null && typeof loss === 'object' && typeof (loss as Loss).value === 'function' && typeof (loss as Loss).grad === 'function') return loss as Loss;
  throw new InputError(`${where}: loss must be 'mse', 'crossEntropy' or a Loss { value, grad }, got ${describeValue(loss)}`);
}

function checkValue(where: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw new InputError(
      `${where}: the loss function must return the loss, a number (e.g. losses.mse.value(net.apply(params, x), y)), got ${describeValue(value)}`,
    );
  }
  if (!Number.isFinite(value)) {
    throw new NumericalError(
      `${where}: the loss is ${value}; the network's outputs or the targets are not finite, or training diverged (lower the learning rate)`,
    );
  }
  return value;
}

/** `sub` at `path` of a tree shaped like `params`, zeros elsewhere (a loss of one part of a bigger tree). */
function placed(params: Params, path: readonly number[], sub: Params): Params {
  if (path.length === 0) return sub;
  const out = zerosLike(params) as Params[];
  let node = out;
  for (const i of path.slice(0, -1)) node = node[i] as Params[];
  node[path[path.length - 1]] = sub;
  return out;
}

/** The one recorded loss the loss function returned, or an error that says why there is none. */
function returnedLoss(where: string, tape: Tape, value: number): TracedLoss {
  const matches = tape.losses.filter((r) => Object.is(r.value, value));
  if (matches.length > 0) {
    const first = tape.outputs.get(matches[0].fx);
    if (matches.some((r) => tape.outputs.get(r.fx) !== first || r.loss !== matches[0].loss)) {
      throw new InputError(
        `${where}: the loss function computed ${matches.length} losses of value ${value} on different outputs, so which one it returned is ambiguous; compute the returned loss once`,
      );
    }
    return matches[matches.length - 1];
  }
  const how =
    'valueAndGrad(lossFn) differentiates a loss function built from a network applied to the params it receives (net.apply(params, x), or a linearize(...) model) and a built-in loss of that output (losses.mse.value(out, y) or losses.crossEntropy.value(out, y)), returned as it is';
  const instead =
    'For other losses (a sum of terms, a penalty on the weights, your own Loss { value, grad }), use valueAndGrad(net.apply, loss)(params, x, y), or differentiate with net.impl.backward.';
  if (tape.outputs.size === 0) {
    throw new InputError(
      `${where}: the loss function never applied a network to the params it was given (or to a part of them): ${how}. A copy of the params (params.add, scale, clone) is not traced. ${instead}`,
    );
  }
  if (tape.losses.length === 0) {
    throw new InputError(
      `${where}: the loss function computed the network's outputs but no built-in loss on them: ${how}. Arithmetic on the outputs, slices or copies of them cannot be traced. ${instead}`,
    );
  }
  throw new InputError(
    `${where}: the loss function returned ${value}, which is not the loss it computed (${tape.losses.map((r) => r.value).join(', ')}): ${how}. JavaScript has no operator overloading, so arithmetic on numbers (2 * loss, loss + penalty) cannot be traced. ${instead}`,
  );
}

function checkParams(where: string, params: unknown): Params {
  if (params === null || typeof params !== 'object') {
    throw new InputError(`${where}: params must be a parameter tree from a network's init (net.init(key, inputShape).params), got ${describeValue(params)}`);
  }
  if (leaves(params as Params).length === 0) throw new InputError(`${where}: params has no trainable parameters, so there is nothing to differentiate`);
  return params as Params;
}

/** The traced form: runs lossFn on a tape, then backpropagates the returned loss through the recorded forward pass. */
function traced(where: string, lossFn: (params: Params, ...args: unknown[]) => unknown, hasAux: boolean) {
  return (params: Params, ...args: unknown[]): [unknown, Params] => {
    checkParams(where, params);
    const { result, tape } = withTape(params, () => lossFn(params, ...args));
    if (result instanceof Promise) {
      throw new InputError(
        `${where}: the loss function returned a Promise; valueAndGrad follows synchronous code only (compute inputs before, then call the loss function without await)`,
      );
    }
    if (hasAux && (!Array.isArray(result) || result.length !== 2)) {
      throw new InputError(`${where}: with { hasAux: true } the loss function must return [loss, aux], got ${describeValue(result)}`);
    }
    const value = checkValue(where, hasAux ? (result as unknown[])[0] : result);
    const chosen = returnedLoss(where, tape, value);
    const output = tape.outputs.get(chosen.fx);
    if (output === undefined) throw new InputError(`${where}: internal error: a recorded loss without its output`);
    const sub = output.pullback(chosen.loss.grad(chosen.fx, chosen.y, new Matrix(chosen.fx.rows, chosen.fx.cols)));
    const gradient = placed(params, tape.paths.get(output.params as object) ?? [], sub);
    checkSameStructure(where, gradient, params);
    return [hasAux ? [value, (result as unknown[])[1]] : value, gradient];
  };
}

/** The explicit form: one forward pass, the loss, one backward pass. */
function explicit(where: string, network: Network, lossLike: LossLike) {
  const model = differentiable(where, network);
  const loss = lossOf(where, lossLike);
  return (params: Params, x: InputLike, y: MatrixLike): [number, Params] => {
    checkParams(where, params);
    const { out, cache } = model.forward(params, examplesFrom(x, 'x'));
    const { y: targets } = lossArgs(where, out, y);
    const value = checkValue(where, loss.value(out, targets));
    const gradient = model.gradient(params, cache, loss.grad(out, targets, new Matrix(out.rows, out.cols)));
    checkSameStructure(where, gradient, params);
    return [value, gradient];
  };
}

/**
 * The value of a loss and its gradient with respect to the parameters, as
 * JAX's `value_and_grad`: `valueAndGrad(lossFn)(params, ...args)` returns
 * `[lossFn(params, ...args), ∇_params lossFn]`.
 *
 * **Two forms.**
 * - `valueAndGrad(lossFn)` — JAX's call. `lossFn(params, ...args)` applies a
 *   network to `params` (`net.apply(params, x)`, or a `linearize(...)`
 *   model; a part of `params`, such as `params[0]`, works too) and returns a
 *   built-in loss of that output (`losses.mse.value(out, y)`,
 *   `losses.crossEntropy.value(out, y)`).
 * - `valueAndGrad(net.apply, loss = 'mse')` — the network and the loss named
 *   up front; `(params, x, y) => [value, grad]`. It takes any
 *   {@link Loss} `{ value, grad }`, including your own.
 *
 * **Why this design.** JAX traces `lossFn` with abstract arrays and
 * differentiates whatever arithmetic it does. JavaScript has no operator
 * overloading, so arithmetic on numbers and matrices cannot be traced without
 * making users write every operation as a method call. The library's
 * differentiable pieces can be traced, though: while `lossFn` runs, each
 * `net.apply` on the given params keeps its forward pass (the cache the
 * backward pass needs), and each built-in loss of such an output records
 * itself. The number `lossFn` returns must be one of those losses; then the
 * gradient is that loss's ∂ℒ/∂f pulled back through the network —
 * Jᵀ·∂ℒ/∂f, the vector–Jacobian product of Lee et al. 2019, eqs. (3)–(4), in
 * one backward pass. Anything that the tape cannot see (2·loss, loss +
 * penalty, a slice of the outputs, a copy of the params) raises an error that
 * says so, never a wrong gradient. The explicit form needs no tracing and is
 * the one to use for custom losses.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(256), stax.erf(), stax.dense(1));
 * let { params: p } = net.init(random.key(0), 1);
 * const lossFn = (p: Params, x: number[][], y: number[][]) => losses.mse.value(net.apply(p, x), y);
 * const step = valueAndGrad(lossFn);
 * for (let i = 0; i < 100; i++) {
 *   const [loss, g] = step(p, x, y);
 *   p = params.sub(p, params.scale(g, 0.5));   // θ ← θ − η∇ℒ (eq. 3, discretised)
 * }
 * // the same gradient, network and loss named up front:
 * const [loss, g] = valueAndGrad(net.apply, 'mse')(p, x, y);
 * ```
 */
export function valueAndGrad(network: Network, loss?: LossLike): (params: Params, x: InputLike, y: MatrixLike) => [number, Params];
export function valueAndGrad<A extends unknown[]>(lossFn: (params: Params, ...args: A) => number): ValueAndGradFn<A>;
export function valueAndGrad<A extends unknown[], Aux>(
  lossFn: (params: Params, ...args: A) => readonly [number, Aux],
  options: GradOptions & { hasAux: true },
): ValueAndGradAuxFn<A, Aux>;
export function valueAndGrad(fn: unknown, second?: unknown): unknown {
  if (isNetwork(fn)) return explicit(WHERE, fn, (second ?? 'mse') as LossLike);
  if (typeof fn !== 'function') {
    throw new InputError(
      `${WHERE}: pass a loss function (params, ...args) => number, or a network and a loss: valueAndGrad(net.apply, 'mse'); got ${describeValue(fn)}`,
    );
  }
  const options = (second ?? {}) as GradOptions;
  if (typeof options !== 'object') {
    throw new InputError(
      `${WHERE}: the second argument of valueAndGrad(lossFn, options) is options ({ hasAux }); a loss name goes with a network: valueAndGrad(net.apply, ${JSON.stringify(second)})`,
    );
  }
  checkOptions(WHERE, options, ['hasAux']);
  return traced(WHERE, fn as (params: Params, ...args: unknown[]) => unknown, options.hasAux === true);
}

/**
 * The gradient of a loss with respect to the parameters, as JAX's `grad`:
 * {@link valueAndGrad} without the value (same two forms, same rules). With
 * `{ hasAux: true }` it returns `[grad, aux]`, as JAX does.
 *
 * @example
 * ```ts
 * const g = grad((p: Params) => losses.mse.value(net.apply(p, x), y))(params);
 * ```
 */
export function grad(network: Network, loss?: LossLike): (params: Params, x: InputLike, y: MatrixLike) => Params;
export function grad<A extends unknown[]>(lossFn: (params: Params, ...args: A) => number): (params: Params, ...args: A) => Params;
export function grad<A extends unknown[], Aux>(
  lossFn: (params: Params, ...args: A) => readonly [number, Aux],
  options: GradOptions & { hasAux: true },
): (params: Params, ...args: A) => [Params, Aux];
export function grad(fn: unknown, second?: unknown): unknown {
  const both = (valueAndGrad as (f: unknown, s?: unknown) => (...a: unknown[]) => [unknown, Params])(fn, second);
  const hasAux = !isNetwork(fn) && (second as GradOptions | undefined)?.hasAux === true;
  return (...args: unknown[]) => {
    const [value, gradient] = both(...args);
    return hasAux ? [gradient, (value as unknown[])[1]] : gradient;
  };
}
