import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, InputError, Matrix, random, stax, train } from '@tangent-lab/core';
import { MIN_PARALLEL_ENTRIES, poolSize } from '@tangent-lab/core/internal/workers/pool';
import { square } from '../fixtures/square-activation';
import { inputs } from '../helpers/compare';

const W = 1.3;
const B = 0.2;
const net = stax.serial(stax.dense(256, { wStd: W, bStd: B }), square(), stax.dense(1, { wStd: W, bStd: B }));

/**
 * The NNGP and NTK of dense → x² → dense in closed form, entry by entry
 * (Lee et al. 2019, eqs. S3, S6 with the square's dual), independent of the
 * library's kernel code.
 */
function closedForm(x1: number[][], x2: number[][]): { nngp: number[][]; ntk: number[][] } {
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0) / a.length;
  const k1 = (a: number[], b: number[]) => W * W * dot(a, b) + B * B;
  const nngp = x1.map((a) =>
    x2.map((b) => {
      const q12 = k1(a, b);
      return W * W * (k1(a, a) * k1(b, b) + 2 * q12 * q12) + B * B;
    }),
  );
  const ntk = x1.map((a, i) =>
    x2.map((b, j) => {
      const q12 = k1(a, b);
      return nngp[i][j] + W * W * q12 * 4 * q12;
    }),
  );
  return { nngp, ntk };
}

function maxRelErr(got: Matrix, want: number[][]): number {
  let worst = 0;
  want.forEach((row, i) =>
    row.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(got.get(i, j) - v) / Math.max(1, Math.abs(v)));
    }),
  );
  return worst;
}

describe('stax.defineActivation: a layer type registered from outside src/', () => {
  const x1 = inputs(12, 4, 1);
  const x2 = inputs(9, 4, 2);

  it('composes and gives the closed-form kernels', () => {
    const k = net.kernel(x1, x2);
    const want = closedForm(x1, x2);
    assert.ok(maxRelErr(k.nngp, want.nngp) < 1e-13);
    assert.ok(maxRelErr(k.ntk!, want.ntk) < 1e-13);
    assert.deepEqual(net.spec.args[1], { type: 'test.square', args: [], module: require.resolve('../fixtures/square-activation') });
  });

  it('rebuilds on batch worker threads, which load its module', async () => {
    const got = await batch(net.kernel, { batchSize: 4, workers: 2 })(x1, x2);
    const here = net.kernel(x1, x2);
    assert.deepEqual(got.nngp.data, here.nngp.data);
    assert.deepEqual(got.ntk!.data, here.ntk!.data);
  });

  it('rebuilds on the kernel-rule threads that split a large kernel', () => {
    const rows = Math.ceil(Math.sqrt(MIN_PARALLEL_ENTRIES)) + 8;
    const x = inputs(rows, 3, 5);
    const k = net.kernel(x);
    assert.ok(poolSize() >= 1, 'the rows were not split across worker threads');
    const corner = x.slice(0, 20);
    assert.ok(
      maxRelErr(new Matrix(20, 20, Float64Array.from(corner.flatMap((_, i) => Array.from(k.ntk!.row(i).subarray(0, 20))))), closedForm(corner, corner).ntk) <
        1e-13,
    );
  });

  it('trains on the float64 engine and on the tfjs engine, which agree to float32 accuracy', async () => {
    const small = stax.serial(stax.dense(32, { wStd: W, bStd: B }), square(), stax.dense(1, { wStd: W, bStd: B }));
    const { params } = small.init(random.key(3), 4);
    const x = inputs(8, 4, 7);
    const y = x.map((r) => [Math.sin(r[0])]);
    const options = { learningRate: 0.05, steps: 20 };
    const f64 = train.gradientDescent(small.apply, params, x, y, options);
    assert.ok(f64.losses[20] < 0.5 * f64.losses[0], `float64 loss ${f64.losses[0]} → ${f64.losses[20]}`);
    const f32 = await train.gradientDescent(small.apply, params, x, y, { ...options, engine: 'tfjs' });
    assert.equal(f32.engine.name, 'tfjs');
    f64.losses.forEach((l, i) => assert.ok(Math.abs(l - f32.losses[i]) < 1e-4 * Math.max(1, l), `step ${i}: ${l} vs ${f32.losses[i]}`));
  });

  it('rejects a second type of the same name and bad names', () => {
    assert.throws(
      () =>
        stax.defineActivation({
          type: 'test.square',
          create: () => {
            throw new Error('unused');
          },
        }),
      (e: Error) => e instanceof InputError && /'test\.square' is already registered/.test(e.message),
    );
    assert.throws(
      () =>
        stax.defineLayer({
          type: 'has space',
          create: () => {
            throw new Error('unused');
          },
        }),
      /type must be a name/,
    );
  });

  it('a type defined without module runs on the calling thread, and batch workers refuse it with the reason', async () => {
    const local = stax.defineActivation({
      type: 'test.cube',
      create: () => ({
        name: 'Cube',
        fn: (x: number) => x * x * x,
        grad: (x: number) => 3 * x * x,
        // E[u³v³] = 9 q11 q22 q12 + 6 q12³; E[3u²·3v²] = 9 (q11 q22 + 2 q12²).
        dual(q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean) {
          out[0] = 9 * q11 * q22 * q12 + 6 * q12 ** 3;
          if (wantDot) out[1] = 9 * (q11 * q22 + 2 * q12 * q12);
        },
      }),
    });
    const cubic = stax.serial(stax.dense(8), local(), stax.dense(1));
    assert.ok(cubic.kernel(inputs(300, 3, 1), null, 'nngp').get(0, 0) > 0);
    assert.throws(
      () => batch(cubic.kernel, { workers: 2 }),
      (e: Error) => e instanceof InputError && /'test\.cube' was defined without `module`/.test(e.message),
    );
    await assert.doesNotReject(batch(cubic.kernel, { workers: 0 })(inputs(5, 3, 1)));
  });
});
