import { ShapeError } from '../errors';
import { Matrix } from '../matrix';
import type { DenseParams, Params } from '../stax/types';

function isDense(p: Params): p is DenseParams {
  return p !== null && !Array.isArray(p) && (p as DenseParams).W instanceof Matrix;
}

/**
 * The parameter arrays of a tree in a fixed order (weights then bias of each
 * dense layer, depth first). Every vector operation on parameters — updates,
 * norms, dot products — works on these views, in place.
 */
export function leaves(p: Params): Float64Array[] {
  if (p === null) return [];
  if (isDense(p)) return p.b ? [p.W.data, p.b] : [p.W.data];
  if (Array.isArray(p)) return (p as readonly Params[]).flatMap(leaves);
  throw new ShapeError("parameters must come from a layer's init: { W, b } objects, null, or arrays of them");
}

/** A deep copy with the same structure. */
export function cloneParams(p: Params): Params {
  if (p === null) return null;
  if (isDense(p)) return { W: p.W.clone(), b: p.b ? p.b.slice() : null };
  return (p as readonly Params[]).map(cloneParams);
}

/** Zeros with the structure of `p`. */
export function zerosLike(p: Params): Params {
  if (p === null) return null;
  if (isDense(p)) return { W: new Matrix(p.W.rows, p.W.cols), b: p.b ? new Float64Array(p.b.length) : null };
  return (p as readonly Params[]).map(zerosLike);
}

/** Checks that two trees have the same structure and sizes. */
export function checkSameStructure(where: string, a: Params, b: Params): void {
  const la = leaves(a);
  const lb = leaves(b);
  if (la.length !== lb.length || la.some((x, i) => x.length !== lb[i].length)) {
    throw new ShapeError(
      `${where}: the parameters do not have the structure of the network's parameters (${la.map((x) => x.length).join(', ')} vs ${lb.map((x) => x.length).join(', ')}); use params from this network's init`,
    );
  }
}

/**
 * y ← y + a·x, **in place**: `y` is overwritten (no allocation, for tight
 * training loops). {@link add}, {@link sub} and {@link scale} return new trees instead.
 */
export function axpy(y: Params, a: number, x: Params): void {
  const ly = leaves(y);
  const lx = leaves(x);
  for (let k = 0; k < ly.length; k++) {
    const v = ly[k];
    const u = lx[k];
    for (let i = 0; i < v.length; i++) v[i] += a * u[i];
  }
}

/** Σ aᵢ bᵢ over all parameters. */
export function dot(a: Params, b: Params): number {
  const la = leaves(a);
  const lb = leaves(b);
  let s = 0;
  la.forEach((v, k) => {
    const u = lb[k];
    for (let i = 0; i < v.length; i++) s += v[i] * u[i];
  });
  return s;
}

/** ‖θ‖₂ over all parameters. */
export function norm(p: Params): number {
  return Math.sqrt(dot(p, p));
}

/** θ_a − θ_b as a new tree. */
export function difference(a: Params, b: Params): Params {
  const out = cloneParams(a);
  axpy(out, -1, b);
  return out;
}

/** Number of scalar parameters. */
export function count(p: Params): number {
  return leaves(p).reduce((s, v) => s + v.length, 0);
}

/** Whether every parameter is finite. */
export function allFinite(p: Params): boolean {
  for (const v of leaves(p)) {
    for (let i = 0; i < v.length; i++) if (v[i] - v[i] !== 0) return false;
  }
  return true;
}
