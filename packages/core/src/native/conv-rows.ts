import type { Window } from '../stax/spatial/window';
import { nativeLibrary } from './library';

/** A conv layer's kernel rule over a whole kernel, as `stax/conv.ts` runs it (`convRows`). */
export interface NativeConvJob {
  readonly nngp: Float64Array;
  readonly ntk: Float64Array | null;
  readonly outNngp: Float64Array;
  readonly outNtk: Float64Array | null;
  readonly n1: number;
  readonly n2: number;
  /** Only blocks with j ≥ i. */
  readonly symmetric: boolean;
  /** Blocks of same-position entries (else every pair of positions). */
  readonly diagonal: boolean;
  readonly window: Window;
  /** σ_w², σ_b², the NTK's fan-in factor C·|F| and bias term (standard parameterization). */
  readonly w2: number;
  readonly b2: number;
  readonly fanIn: number;
  readonly bias: number;
  readonly ntkParameterization: boolean;
  /** Θ below is zero: A(Θ) = 0 is written, not computed from `ntk`. */
  readonly thetaZero: boolean;
}

/**
 * The conv's kernel rule in native code on `threads` threads
 * (`conv-rows.c`: the same loops as the JavaScript, the same bits). False
 * where the native library does not run, or could not finish (more than
 * four spatial axes; no memory for its scratch blocks): the caller then
 * computes all the blocks in JavaScript (the inputs are never written).
 */
export function nativeConvRows(job: NativeConvJob, threads: number): boolean {
  const lib = nativeLibrary();
  if (lib === null) return false;
  const { axes } = job.window;
  const shape = Int32Array.from(axes.flatMap((a) => [a.input, a.output, a.taps]));
  const index = Int32Array.from(axes.flatMap((a) => [...a.index]));
  const numbers = Float64Array.of(job.w2, job.b2, job.fanIn, job.bias, job.ntkParameterization ? 1 : 0, job.thetaZero ? 1 : 0);
  const { nngp, ntk, outNngp, outNtk, n1, n2, symmetric, diagonal } = job;
  const status = lib.convRows(nngp, ntk, outNngp, outNtk, n1, n2, symmetric ? 1 : 0, diagonal ? 1 : 0, axes.length, shape, index, numbers, threads) as number;
  return status === 0;
}
