/**
 * No result depends on an argument's object identity (issue 16, item 1).
 *
 * Every public function that takes arrays is called, the same array objects
 * are overwritten in place with other contents, and it is called again; the
 * answer must equal a fresh computation on fresh arrays. For functions that
 * return a function (predictors, linearize, kernel functions), arguments kept
 * from construction are overwritten right after construction — before the
 * first call, so lazily computed state is checked too — and must not change
 * anything. Finally a returned result is overwritten, and the next call must
 * be unaffected (results never alias internal state).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, empirical, linalg, linearize, losses, Matrix, monteCarloKernelFn, ode, predict, random, stax, train } from '@tangent-lab/core';
import { inputs } from './helpers/compare';

const net = stax.serial(stax.dense(64, { wStd: 1.5, bStd: 0.1 }), stax.erf(), stax.dense(2, { wStd: 1.5, bStd: 0.1 }));
const N = 6;
const M = 4;
const D = 3;

/** Overwrites `target` in place with the contents of `source` (same structure). */
function overwrite(target: unknown, source: unknown): void {
  if (target instanceof Matrix) {
    (target as Matrix).data.set((source as Matrix).data);
  } else if (ArrayBuffer.isView(target)) {
    (target as Float64Array).set(source as Float64Array);
  } else if (Array.isArray(target)) {
    const s = source as unknown[];
    assert.equal(target.length, s.length, 'overwrite: lengths differ');
    for (let i = 0; i < target.length; i++) {
      if (typeof target[i] === 'number') target[i] = s[i];
      else overwrite(target[i], s[i]);
    }
  } else if (target !== null && typeof target === 'object') {
    for (const k of Object.keys(target)) {
      const v = (target as Record<string, unknown>)[k];
      if (typeof v === 'number') (target as Record<string, unknown>)[k] = (source as Record<string, unknown>)[k];
      else if (v !== null && typeof v === 'object') overwrite(v, (source as Record<string, unknown>)[k]);
    }
  }
}

/** Every number in a result (matrices, typed arrays, nested objects), in a fixed order. */
function numbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (value instanceof Matrix) out.push(...value.data);
  else if (ArrayBuffer.isView(value)) out.push(...(value as Float64Array));
  else if (Array.isArray(value)) value.forEach((v) => numbers(v, out));
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value).sort()) numbers((value as Record<string, unknown>)[k], out);
  return out;
}

function assertSame(actual: unknown, expected: unknown, what: string): void {
  const a = numbers(actual);
  const b = numbers(expected);
  assert.equal(a.length, b.length, `${what}: sizes differ`);
  const scale = Math.max(1e-300, ...b.map(Math.abs));
  const worst = Math.max(0, ...a.map((v, i) => Math.abs(v - b[i])));
  assert.ok(worst <= 1e-12 * scale, `${what}: differs from a fresh computation by ${worst.toExponential(3)} (scale ${scale.toExponential(3)})`);
}

function assertDifferent(a: unknown, b: unknown, what: string): void {
  const x = numbers(a);
  const y = numbers(b);
  assert.ok(
    x.length !== y.length || x.some((v, i) => Math.abs(v - y[i]) > 1e-9 * Math.max(1, Math.abs(y[i]))),
    `${what}: the two contents give the same answer, so this check could not fail`,
  );
}

/**
 * A function of arrays: `build(kept)` returns a function of `call` arguments.
 * `kept(seed)` and `args(seed)` make fresh arrays whose contents depend on the seed.
 */
interface Case<K, A> {
  kept: (seed: number) => K;
  args: (seed: number) => A;
  build: (kept: K) => (args: A) => unknown;
}

async function check<K, A>(name: string, c: Case<K, A>): Promise<void> {
  // Arguments kept at construction, overwritten before the first call.
  const kept = c.kept(1);
  const fn = c.build(kept);
  overwrite(kept, c.kept(2));
  const args = c.args(1);
  const first = await fn(args);
  assertSame(first, await c.build(c.kept(1))(c.args(1)), `${name}: after overwriting the arguments kept at construction`);
  if (kept !== null) assertDifferent(await c.build(c.kept(2))(c.args(1)), first, `${name} (kept arguments)`);
  // Call arguments overwritten between two calls with the same objects.
  overwrite(args, c.args(2));
  const second = await fn(args);
  const fresh = await c.build(c.kept(1))(c.args(2));
  assertSame(second, fresh, `${name}: second call with the same array objects, new contents`);
  assertDifferent(first, second, `${name} (call arguments)`);
  // Overwriting a result changes nothing inside.
  overwrite(second, await c.build(c.kept(1))(c.args(1)));
  assertSame(await fn(args), fresh, `${name}: after overwriting a returned result`);
}

const x = (rows: number, seed: number) => Matrix.from(inputs(rows, D, seed));
const params = (seed: number) => net.init(random.key(seed), D).params;
const psd = (seed: number) => net.kernel(x(N, seed), null, 'ntk') as Matrix;
const targets = (seed: number) => Matrix.from(inputs(N, 2, seed + 100));
const oneHot = (seed: number) => Matrix.from(inputs(N, 1, seed + 200).map(([v]) => (v > 0 ? [1, 0] : [0, 1])));
const none = () => null;

describe("no result depends on an argument's object identity", () => {
  it('stax: kernel, apply, init', async () => {
    await check('net.kernel', {
      kept: none,
      args: (s) => [x(M, s), x(N, s + 10)] as const,
      build:
        () =>
        ([a, b]) =>
          net.kernel(a, b),
    });
    await check('net.kernel as number[][]', {
      kept: none,
      args: (s) => [inputs(M, D, s), inputs(N, D, s + 10)],
      build:
        () =>
        ([a, b]) =>
          net.kernel(a, b),
    });
    await check('net.apply', {
      kept: none,
      args: (s) => [params(s), x(M, s)] as const,
      build:
        () =>
        ([p, a]) =>
          net.apply(p, a),
    });
    await check('net.init', { kept: none, args: (s) => [...random.key(s)], build: () => (k) => net.init(k as unknown as random.Key, D).params });
  });

  it('empirical kernels, also of a linearization whose θ₀ and inputs change', async () => {
    await check('empirical.ntkFn', {
      kept: none,
      args: (s) => [x(M, s), x(N, s), params(s)] as const,
      build:
        () =>
        ([a, b, p]) =>
          empirical.ntkFn(net.apply)(a, b, p),
    });
    await check('empirical.nngpFn', {
      kept: none,
      args: (s) => [x(M, s), params(s)] as const,
      build:
        () =>
        ([a, p]) =>
          empirical.nngpFn(net.apply)(a, null, p),
    });
    await check('empirical.ntkFn(linearize(…))', {
      kept: params,
      args: (s) => [x(M, s), params(s + 5)] as const,
      build: (p0) => {
        const k = empirical.ntkFn(linearize(net.apply, p0));
        return ([a, p]) => k(a, null, p);
      },
    });
  });

  it('linearize keeps its own θ₀ and recomputes for changed inputs', async () => {
    await check('linearize', {
      kept: params,
      args: (s) => [params(s + 5), x(M, s)] as const,
      build: (p0) => {
        const f = linearize(net.apply, p0);
        return ([p, a]) => f(p, a);
      },
    });
  });

  it('monteCarloKernelFn, train.gradientDescent, batch', async () => {
    await check('monteCarloKernelFn', {
      kept: (s) => [...random.key(s)],
      args: (s) => [x(M, s), x(N, s)] as const,
      build: (k) => {
        const f = monteCarloKernelFn(net.init, net.apply, k as unknown as random.Key, 3, { inputDim: D });
        return ([a, b]) => f(a, b);
      },
    });
    await check('train.gradientDescent', {
      kept: none,
      args: (s) => [params(s), x(N, s), targets(s), x(M, s)] as const,
      build:
        () =>
        ([p, a, y, t]) => {
          const r = train.gradientDescent(net.apply, p, a, y, { learningRate: 0.5, steps: 5, xTest: t });
          return [r.params, r.losses, r.snapshots.map((q) => [q.train, q.test])];
        },
    });
    await check('batch', {
      kept: none,
      args: (s) => [x(M, s), x(N, s)] as const,
      build:
        () =>
        ([a, b]) =>
          batch(net.kernel, { batchSize: 2 })(a, b),
    });
  });

  it('predict.gradientDescentMse and gradientDescent (MSE, cross-entropy) keep kTrainTrain and yTrain', async () => {
    await check('predict.gradientDescentMse', {
      kept: (s) => [psd(s), targets(s)] as const,
      args: (s) => [targets(s + 1), Matrix.from(inputs(M, 2, s)), net.kernel(x(M, s), x(N, 1), 'ntk') as Matrix] as const,
      build: ([k, y]) => {
        const f = predict.gradientDescentMse(k, y, { diagReg: 1e-3 });
        return ([f0, g0, ktx]) => f([0.5, Infinity], f0, g0, ktx);
      },
    });
    for (const loss of ['mse', 'crossEntropy'] as const) {
      await check(`predict.gradientDescent('${loss}')`, {
        kept: (s) => [psd(s), loss === 'mse' ? targets(s) : oneHot(s)] as const,
        args: (s) => [targets(s + 1), Matrix.from(inputs(M, 2, s)), net.kernel(x(M, s), x(N, 1), 'ntk') as Matrix] as const,
        build: ([k, y]) => {
          const f = predict.gradientDescent(loss, k, y);
          return ([f0, g0, ktx]) => f([0.5, 2], f0, g0, ktx);
        },
      });
    }
  });

  it('predict.gpInference keeps the training kernels and targets', async () => {
    await check('predict.gpInference', {
      kept: (s) => [psd(s), targets(s)] as const,
      args: (s) => [net.kernel(x(M, s), x(N, 1), 'ntk') as Matrix, net.kernel(x(M, s), null, 'ntk') as Matrix] as const,
      build: ([k, y]) => {
        const f = predict.gpInference(k, y, { diagReg: 1e-3 });
        return ([ktx, ktt]) => f(ktx, ktt);
      },
    });
  });

  it('predict.gradientDescentMseEnsemble keeps xTrain and yTrain and never reuses a test set by identity', async () => {
    for (const asArrays of [false, true]) {
      for (const get of ['ntk', 'nngp'] as const) {
        await check(`predict.gradientDescentMseEnsemble (get '${get}', xTest as ${asArrays ? 'number[][]' : 'Matrix'})`, {
          kept: (s) => [x(N, s), targets(s)] as const,
          args: (s) => (asArrays ? inputs(M, D, s + 20) : x(M, s + 20)),
          build: ([a, y]) => {
            const f = predict.gradientDescentMseEnsemble(net.kernel, a, y, { diagReg: 1e-3 });
            return (xTest) => f({ xTest, get, t: [1, Infinity], computeCov: true });
          },
        });
      }
    }
  });

  it('predict.gradientDescentMseWeights and maxLearningRate', async () => {
    const scalar = stax.serial(stax.dense(64), stax.erf(), stax.dense(1));
    await check('predict.gradientDescentMseWeights', {
      kept: (s) => [scalar.init(random.key(s), D).params, x(N, s), Matrix.from(inputs(N, 1, s))] as const,
      args: (s) => [s],
      build: ([p0, a, y]) => {
        const w = predict.gradientDescentMseWeights(scalar.apply, p0, a, y);
        return ([s]) => w(s === 1 ? 2 : 7);
      },
    });
    await check('predict.maxLearningRate', { kept: none, args: (s) => psd(s), build: () => (k) => predict.maxLearningRate(k) });
  });

  it('linalg, losses and ode.odeint', async () => {
    const spd = (s: number) => {
      const k = psd(s);
      for (let i = 0; i < N; i++) k.data[i * N + i] += 0.1;
      return k;
    };
    await check('linalg.matmul', {
      kept: none,
      args: (s) => [x(N, s), x(M, s + 1)] as const,
      build:
        () =>
        ([a, b]) =>
          linalg.matmul(a, b, { transB: true }),
    });
    await check('linalg.eigh', { kept: none, args: spd, build: () => (a) => linalg.eigh(a) });
    await check('linalg.cholesky', { kept: none, args: spd, build: () => (a) => linalg.cholesky(a) });
    await check('linalg.solvePsd', {
      kept: none,
      args: (s) => [spd(s), targets(s)] as const,
      build:
        () =>
        ([a, b]) =>
          linalg.solvePsd(a, b),
    });
    await check('linalg.solve', {
      kept: none,
      args: (s) => [spd(s), targets(s)] as const,
      build:
        () =>
        ([a, b]) =>
          linalg.solve(a, b),
    });
    await check('losses.mse', {
      kept: none,
      args: (s) => [targets(s), targets(s + 1)] as const,
      build:
        () =>
        ([f, y]) => [losses.mse.value(f, y), losses.mse.grad(f, y, new Matrix(N, 2))],
    });
    await check('losses.crossEntropy', {
      kept: none,
      args: (s) => [targets(s), oneHot(s)] as const,
      build:
        () =>
        ([f, y]) => [losses.crossEntropy.value(f, y), losses.crossEntropy.grad(f, y, new Matrix(N, 2))],
    });
    await check('ode.odeint', {
      kept: none,
      args: (s) => Float64Array.of(s, -s),
      build: () => (y0) => ode.odeint((y) => Float64Array.of(y[1], -y[0]), y0, [0, 1, 2]),
    });
  });
});
