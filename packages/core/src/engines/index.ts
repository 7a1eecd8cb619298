/**
 * Where finite networks run: the float64 engine (default) or TensorFlow.js
 * (`{ engine: 'tfjs' }` on `train.gradientDescent`, `train.ensemble` and
 * `empirical.ntkFn`), which loads lazily on first use and picks the fastest
 * backend that loads: tfjs-node-gpu, tfjs-node, wasm, cpu.
 * @packageDocumentation
 */
export { ENGINES, type Engine, type EngineInfo } from './engine';
export type { Hidden, TfjsCompiler, TfjsForward, TfjsPointwise } from './tfjs/op';
export { loadTfjs, tfjsBackend, tfjsBackendInfo, TFJS_BACKENDS, type Tfjs, type TfjsBackend, type TfjsRuntime } from './tfjs/backend';
