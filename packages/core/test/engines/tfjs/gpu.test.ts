import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, engines, Matrix, random, stax, train } from '@tangent-lab/core';
import { inputs, maxRelError } from '../../helpers/compare';

/**
 * The GPU path of the 'tfjs' engine: @tensorflow/tfjs-node-gpu, first in the
 * order the engine tries. It cannot be installed on the machines this project
 * is built on (its install script downloads a CUDA build of TensorFlow), so
 * here it is skipped, saying why; on a machine with the package and a GPU it
 * checks that the engine picks it and computes what the float64 engine does.
 */
async function gpuUnavailable(): Promise<string | false> {
  try {
    await engines.loadTfjs({ backend: 'tfjs-node-gpu' });
    return false;
  } catch (error) {
    return `@tensorflow/tfjs-node-gpu cannot be used here (${engines.tfjsBackendInfo().unavailable['tfjs-node-gpu'] ?? (error as Error).message}); it needs a CUDA machine and an install that downloads TensorFlow — untested on this project's machines`;
  }
}

describe('the tfjs engine on a GPU (tfjs-node-gpu)', async () => {
  const skip = await gpuUnavailable();
  if (skip) console.log(`skipped: ${skip}`);
  const net = stax.serial(stax.dense(64, { wStd: 1.5, bStd: 0.1 }), stax.relu(), stax.dense(1, { wStd: 1.5, bStd: 0.1 }));
  const { params } = net.init(random.key(1), 3);
  const x = inputs(16, 3, 2);
  const y = x.map((r) => [Math.sin(r[0])]);

  it("engine: 'tfjs' picks tfjs-node-gpu first, and trains like the float64 engine", { skip }, async () => {
    const gpu = await train.gradientDescent(net.apply, params, x, y, { learningRate: 0.5, steps: 20, engine: 'tfjs' });
    assert.deepEqual(gpu.engine, { name: 'tfjs', backend: 'tfjs-node-gpu' });
    const f64 = train.gradientDescent(net.apply, params, x, y, { learningRate: 0.5, steps: 20 });
    const flat = (p: unknown): number[] =>
      p instanceof Matrix
        ? [...p.data]
        : p instanceof Float64Array
          ? [...p]
          : Array.isArray(p)
            ? p.flatMap(flat)
            : p && typeof p === 'object'
              ? Object.values(p).flatMap(flat)
              : [];
    assert.ok(maxRelError(flat(gpu.params), flat(f64.params), 1e-2) < 1e-3, 'float32 on the GPU agrees with float64 to float32 precision');
  });

  it('computes the empirical NTK on the GPU in float32, agreeing with float64', { skip }, async () => {
    const theta = await empirical.ntkFn(net.apply, { engine: 'tfjs', backend: 'tfjs-node-gpu' })(x, null, params);
    const reference = empirical.ntkFn(net.apply)(x, null, params);
    assert.ok(maxRelError(theta.data, reference.data, 1e-2) < 1e-4);
  });
});
