import { OptionError } from '../errors';
import type { TfjsBackend } from './tfjs/backend';

/**
 * Where a finite network runs: `'float64'` (default; this library's own
 * forward and backward passes, BLAS through `linalg`) or `'tfjs'` (the same
 * network translated to TensorFlow.js, float32, on the best backend that loads).
 */
export type Engine = 'float64' | 'tfjs';

/** The engines, in the order error messages list them. */
export const ENGINES: readonly Engine[] = ['float64', 'tfjs'];

/** What ran a computation: the engine and the backend under it. */
export type EngineInfo = { name: 'float64'; backend: 'openblas' | 'typescript' } | { name: 'tfjs'; backend: TfjsBackend };

/**
 * The `engine` option of `options` (default `'float64'`). An unknown name, or
 * `backend` (which picks a TensorFlow.js backend) without `engine: 'tfjs'`,
 * is an {@link OptionError}, raised before any work.
 */
export function engineOption(where: string, options: unknown): Engine {
  const given = options !== null && typeof options === 'object' ? (options as { engine?: unknown; backend?: unknown }) : {};
  const engine = given.engine ?? 'float64';
  if (!ENGINES.includes(engine as Engine)) {
    throw new OptionError(`${where}: engine must be one of ${ENGINES.map((e) => `'${e}'`).join(', ')}; got ${JSON.stringify(engine)}`);
  }
  if (engine === 'float64' && given.backend !== undefined) {
    throw new OptionError(`${where}: backend chooses a TensorFlow.js backend and needs engine: 'tfjs' (the float64 engine uses linalg.backend())`);
  }
  return engine as Engine;
}
