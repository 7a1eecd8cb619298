import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { typeErrors } from '../helpers/typecheck';

describe('kernel results: NT tuple order and fields narrowed by get', () => {
  const net = stax.serial(stax.dense(32, { wStd: 1.5, bStd: 0.1 }), stax.erf(), stax.dense(1));
  const x1 = inputs(4, 2, 1);
  const x2 = inputs(3, 2, 2);

  it("destructures as Neural Tangents' tuple: (nngp, ntk) by default, else the order of get", () => {
    const k = net.kernel(x1, x2);
    const [nngp, ntk] = net.kernel(x1, x2);
    assert.deepEqual([nngp.data, ntk.data], [k.nngp.data, k.ntk.data]);
    const [first, second] = net.kernel(x1, x2, ['ntk', 'nngp']);
    assert.deepEqual([first.data, second.data], [k.ntk.data, k.nngp.data]);
    assert.deepEqual(
      [...net.kernel(x1, x2, ['nngp'])].map((m) => m.data),
      [k.nngp.data],
    );
  });

  it("the order is no field: spreads, JSON and deep equality see the Kernel's fields only", () => {
    const k = net.kernel(x1);
    const fields = ['nngp', 'ntk', 'cov1', 'cov2', 'x1IsX2'];
    assert.deepEqual(Object.keys(k), fields);
    assert.deepEqual(Object.keys({ ...k }), fields);
    assert.equal(Symbol.iterator in { ...k }, false);
    assert.deepStrictEqual(k, { nngp: k.nngp, ntk: k.ntk, cov1: k.cov1, cov2: k.cov2, x1IsX2: true });
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(k))), fields);
  });

  it('types: fields that get guarantees need no `!`; nothing else is promised', { timeout: 120_000 }, () => {
    const errors = typeErrors(`
      import { batch, monteCarloKernelFn, random, stax, type Get, type Matrix } from '@tangent-lab/core';
      const net = stax.serial(stax.dense(8), stax.relu(), stax.dense(1));
      const x = [[1, 2], [3, 4]];
      export const a: Matrix = net.kernel(x).ntk;
      export const b: Matrix = net.kernel(x, x).nngp;
      const [nngp, ntk] = net.kernel(x);
      export const c: Matrix[] = [nngp, ntk];
      export const d: Matrix = net.kernel(x, null, ['nngp', 'ntk']).ntk;
      export const e: Matrix = net.kernel(x, null, ['ntk']).ntk;
      // @ts-expect-error only the NTK was asked for: the NNGP is not promised
      export const f: Matrix = net.kernel(x, null, ['ntk']).nngp;
      export const g: Matrix = net.kernel(x, null, 'ntk');
      const runtime: Get[] = Math.random() > 2 ? ['nngp'] : ['ntk'];
      // @ts-expect-error a get array known only at run time promises no field
      export const h: Matrix = net.kernel(x, null, runtime).ntk;
      const mc = monteCarloKernelFn(net.init, net.apply, random.key(0), 2);
      export const i: Matrix = mc(x).ntk;
      export const j: Matrix[] = monteCarloKernelFn(net.init, net.apply, random.key(0), [1, 2])(x, null, 'ntk');
      export const k: Matrix = monteCarloKernelFn(net.init, net.apply, random.key(0), [1, 2])(x)[1].ntk;
      export async function l(): Promise<Matrix> {
        const [, theta] = await batch(net.kernel, { batchSize: 1 })(x);
        return theta;
      }
      export async function m(): Promise<Matrix> {
        return (await batch(net.kernel, { batchSize: 1 })(x)).ntk;
      }
    `);
    assert.deepEqual(errors, []);
  });
});
