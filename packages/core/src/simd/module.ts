import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors';

/**
 * What every WebAssembly SIMD module of this package (`rows`, `series`,
 * `passes`) shares: the `TANGENT_LAB_SIMD` switch, read and checked in one
 * place so that all of them are on or off together, and compiling a module
 * assembled by the build (`tools/wat2wasm.mjs`) beside its loader.
 */

/** `TANGENT_LAB_SIMD=0` computes everything in JavaScript instead (same results, bit for bit; slower). */
export const SIMD_ENV = 'TANGENT_LAB_SIMD';

/** The part of the WebAssembly JS API used here (the compiler's lib has no WebAssembly types without DOM). */
export interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { readonly exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
}

/** A compiled module and the API to instantiate it with. */
export interface CompiledSimd {
  api: WebAssemblyApi;
  module: object;
}

/** Whether SIMD may run: false with `TANGENT_LAB_SIMD=0`; a value other than 0 or 1 is refused. */
export function simdAllowed(): boolean {
  const setting = process.env[SIMD_ENV];
  if (setting !== undefined && setting !== '' && setting !== '0' && setting !== '1') {
    throw new InputError(`${SIMD_ENV}=${setting}: use 0 (rows in JavaScript) or 1 (WebAssembly SIMD, the default)`);
  }
  return setting !== '0';
}

/**
 * Compiles `file` (a `.wasm` beside this module), or null where SIMD is
 * turned off or this engine has no WebAssembly SIMD. The file is read only
 * when SIMD may run.
 */
export function compileSimd(file: string): CompiledSimd | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!simdAllowed() || api === undefined) return null;
  const bytes = readFileSync(join(__dirname, file));
  return api.validate(bytes) ? { api, module: new api.Module(bytes) } : null;
}
