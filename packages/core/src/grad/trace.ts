import type { Loss } from '../losses/loss';
import type { Matrix } from '../matrix';
import type { DenseParams, Params } from '../stax/types';

/** The backward pass of one recorded forward pass: gOut ↦ ∂⟨gOut, f(θ, x)⟩/∂θ for the θ it ran with. */
export type Pullback = (gOut: Matrix) => Params;

/** A network output computed from traced parameters. */
export interface TracedOutput {
  /** The parameter (sub)tree the forward pass ran with. */
  readonly params: Params;
  readonly pullback: Pullback;
}

/** A built-in loss evaluated on a traced output. */
export interface TracedLoss {
  readonly loss: Loss;
  readonly fx: Matrix;
  readonly y: Matrix;
  readonly value: number;
}

/**
 * What `valueAndGrad` records while the loss function runs: which objects are
 * the traced parameters (the tree it was given and every subtree, with their
 * paths from the root), the network outputs computed from them, and the
 * built-in losses evaluated on those outputs.
 */
export interface Tape {
  readonly paths: Map<object, readonly number[]>;
  readonly outputs: Map<Matrix, TracedOutput>;
  readonly losses: TracedLoss[];
}

/** The tape of the innermost `valueAndGrad` call running on this thread (loss functions run synchronously). */
let active: Tape | null = null;

function isDense(p: Params): p is DenseParams {
  return p !== null && !Array.isArray(p) && typeof p === 'object' && 'W' in p;
}

/** Every subtree of `params` (arrays and `{ W, b }` records) by identity, with its path of child indices. */
function subtrees(params: Params, path: number[], into: Map<object, readonly number[]>): void {
  if (params === null || typeof params !== 'object') return;
  into.set(params, path);
  if (!isDense(params) && Array.isArray(params)) (params as readonly Params[]).forEach((child, i) => subtrees(child, [...path, i], into));
}

/**
 * Runs `fn` with a tape on which forward passes from `params` (or a part of
 * it) and the losses on their outputs are recorded; returns what `fn`
 * returned and the tape. Tapes nest: an inner call records on its own.
 */
export function withTape<T>(params: Params, fn: () => T): { result: T; tape: Tape } {
  const tape: Tape = { paths: new Map(), outputs: new Map(), losses: [] };
  subtrees(params, [], tape.paths);
  const outer = active;
  active = tape;
  try {
    return { result: fn(), tape };
  } finally {
    active = outer;
  }
}

/** Whether a tape is recording (a cheap test, so forward passes build pullbacks only then). */
export function isTracing(): boolean {
  return active !== null;
}

/**
 * Records `out = f(params, x)` if `params` is a traced (sub)tree: `pullback`
 * is its backward pass, run later only if a loss on `out` is the one returned.
 */
export function recordOutput(params: Params, out: Matrix, pullback: Pullback): void {
  if (active === null || params === null || !active.paths.has(params)) return;
  active.outputs.set(out, { params, pullback });
}

/** Records a built-in loss evaluated on a traced output (other evaluations are not the tape's business). */
export function recordLoss(loss: Loss, fx: Matrix, y: Matrix, value: number): void {
  if (active === null || !active.outputs.has(fx)) return;
  active.losses.push({ loss, fx, y, value });
}
