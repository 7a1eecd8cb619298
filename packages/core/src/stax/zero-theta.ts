import type { KernelAffine } from './kernel-state';

/** What decides whether deferred rows read Θ: the maps before each dual, and the one after the last. */
interface MapsOfRows {
  readonly steps: readonly { readonly affine: KernelAffine | null }[];
  readonly tail: KernelAffine | null;
}

/**
 * The first map the rows apply reads a Θ that is zero (see
 * `KernelAffine.thetaZero`): the rows then start from Θ = 0 without reading
 * the stored NTK. Its own module, for the JavaScript rows and the native ones
 * alike.
 */
export function startsFromZeroTheta(job: MapsOfRows): boolean {
  const first = job.steps.length > 0 ? job.steps[0].affine : job.tail;
  return first?.thetaZero === true;
}
