import { InputError } from '../errors';
import type { LinalgBackend } from './backend-interface';
import { createOpenblasBackend } from './openblas';
import { typescriptBackend } from './typescript';

/** Environment variable that picks the backend: `openblas`, `typescript` or unset (auto). */
export const BACKEND_ENV = 'TANGENT_LAB_LINALG';

let active: LinalgBackend | undefined;
let fallbackReason: string | undefined;

/**
 * The backend this process uses, chosen once: OpenBLAS/LAPACK when it loads,
 * else pure TypeScript. `TANGENT_LAB_LINALG=typescript` forces the fallback;
 * `TANGENT_LAB_LINALG=openblas` makes a missing native library an error.
 */
export function activeBackend(): LinalgBackend {
  if (active) return active;
  const wanted = (process.env[BACKEND_ENV] ?? '').trim().toLowerCase();
  if (wanted !== '' && wanted !== 'openblas' && wanted !== 'typescript' && wanted !== 'auto') {
    throw new InputError(`${BACKEND_ENV}=${wanted} is not a backend; use openblas, typescript or auto`);
  }
  if (wanted === 'typescript') {
    fallbackReason = `${BACKEND_ENV}=typescript`;
    active = typescriptBackend;
    return active;
  }
  try {
    active = createOpenblasBackend();
  } catch (error) {
    if (wanted === 'openblas') {
      throw new InputError(
        `${BACKEND_ENV}=openblas but ${(error as Error).message}. Install the Debian packages libopenblas0-pthread and liblapack3 (npm run build does this as root).`,
      );
    }
    fallbackReason = (error as Error).message;
    active = typescriptBackend;
  }
  return active;
}

/** Why the TypeScript fallback is in use, or undefined when OpenBLAS is. */
export function fallbackExplanation(): string | undefined {
  activeBackend();
  return fallbackReason;
}

/**
 * Runs `fn` with `backend` as the active backend, then restores the previous
 * one (used to time every routine of a computation, see `linalg.profile`).
 */
export function withBackend<T>(backend: LinalgBackend, fn: () => T): T {
  const previous = activeBackend();
  active = backend;
  try {
    return fn();
  } finally {
    active = previous;
  }
}
