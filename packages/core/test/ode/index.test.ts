import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, NumericalError, ode } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { runPython } from '../helpers/python';

/** dy/dt = y·cos t, y(0) = 1: y(t) = e^{sin t} (nonlinear in t, smooth). */
const growth = (y: Float64Array, t: number) => Float64Array.of(y[0] * Math.cos(t));
const exact = (t: number) => Math.exp(Math.sin(t));

function observedOrder(method: 'euler' | 'rk4', dts: number[]): number[] {
  const errors = dts.map((dt) => Math.abs(ode.odeint(growth, [1], [0, 2], { method, dt })[1][0] - exact(2)));
  return errors.slice(1).map((e, i) => Math.log2(errors[i] / e));
}

describe('ode.odeint', () => {
  it('Euler converges with order 1 and RK4 with order 4 (step halving)', () => {
    for (const p of observedOrder('euler', [0.02, 0.01, 0.005, 0.0025])) assert.ok(Math.abs(p - 1) < 0.1, `euler order ${p}`);
    for (const p of observedOrder('rk4', [0.2, 0.1, 0.05, 0.025])) assert.ok(Math.abs(p - 4) < 0.15, `rk4 order ${p}`);
  });

  it('dopri5 meets the requested tolerance, and tighter tolerances cost more steps', () => {
    let previousSteps = 0;
    for (const rtol of [1e-4, 1e-6, 1e-8, 1e-10]) {
      const ts = Array.from({ length: 41 }, (_, i) => i * 0.25);
      const ys = ode.odeint(growth, [1], ts, { rtol, atol: rtol * 1e-2 });
      const worst = Math.max(...ts.map((t, i) => Math.abs(ys[i][0] - exact(t)) / exact(t)));
      assert.ok(worst < 20 * rtol, `rtol ${rtol}: relative error ${worst}`);
      assert.ok(ys.stats.steps > previousSteps);
      previousSteps = ys.stats.steps;
    }
  });

  it('exponential decay and the harmonic oscillator, with dense output between steps', () => {
    const decay = ode.odeint((y) => y.map((v) => -v), Float64Array.of(1, 2), [0, 0.1, 1, 5]);
    [0, 0.1, 1, 5].forEach((t, i) => {
      assert.ok(Math.abs(decay[i][0] - Math.exp(-t)) < 1e-8 * Math.exp(-t) + 1e-10);
      assert.ok(Math.abs(decay[i][1] - 2 * Math.exp(-t)) < 2e-8 * Math.exp(-t) + 1e-10);
    });
    const ts = Array.from({ length: 4001 }, (_, i) => i * 0.005);
    const osc = ode.odeint((y) => Float64Array.of(y[1], -y[0]), [1, 0], ts, { rtol: 1e-10, atol: 1e-12 });
    // 4001 outputs from far fewer steps: most of them come from the continuous extension.
    assert.ok(osc.stats.steps < 1000, `${osc.stats.steps} steps`);
    const worst = Math.max(...ts.map((t, i) => Math.hypot(osc[i][0] - Math.cos(t), osc[i][1] + Math.sin(t))));
    assert.ok(worst < 1e-8, `oscillator error ${worst}`);
  });

  it('a linear system matches its matrix exponential (scipy.linalg.expm)', () => {
    const a = inputs(5, 5, 77).map((row, i) => row.map((v, j) => v - (i === j ? 1.5 : 0)));
    const y0 = [1, -0.5, 0.25, 2, 0];
    const ts = [0, 0.5, 1.7, 4];
    const ref = runPython<number[][]>('expm_reference.py', { a, y0, ts });
    const f = (y: Float64Array) => Float64Array.from(a, (row) => row.reduce((s, v, j) => s + v * y[j], 0));
    const ys = ode.odeint(f, y0, ts, { rtol: 1e-10, atol: 1e-12 });
    ts.forEach((_, i) => ref[i].forEach((v, j) => assert.ok(Math.abs(ys[i][j] - v) < 1e-8 * Math.max(1, Math.abs(v)))));
    for (const method of ['rk4', 'euler'] as const) {
      const fixed = ode.odeint(f, y0, ts, { method, dt: method === 'rk4' ? 0.01 : 1e-4 });
      const tol = method === 'rk4' ? 1e-8 : 1e-3;
      ts.forEach((_, i) => ref[i].forEach((v, j) => assert.ok(Math.abs(fixed[i][j] - v) < tol * Math.max(1, Math.abs(v)), `${method}`)));
    }
  });

  it('reports blow-up and step-size underflow instead of returning garbage', () => {
    // dy/dt = y², y(0) = 1 has y = 1/(1 − t): it blows up at t = 1.
    assert.throws(
      () => ode.odeint((y) => y.map((v) => v * v), [1], [0, 2]),
      (e: Error) => e instanceof NumericalError && /(underflow|blowing up|steps before)/.test(e.message),
    );
    assert.throws(() => ode.odeint((y) => y.map(() => NaN), [1], [0, 1]), /returned NaN in component 0 at t = 0/);
    assert.throws(() => ode.odeint((y) => y.map((v) => -v), [1], [0, 100], { rtol: 1e-12, atol: 1e-14, maxSteps: 10 }), /took 10 steps/);
  });

  it('rejects bad arguments before integrating', () => {
    const f = (y: Float64Array) => y;
    assert.throws(
      () => ode.odeint(f, [1], [0, 1, 1]),
      (e: Error) => e instanceof InputError && /strictly increasing/.test(e.message),
    );
    assert.throws(() => ode.odeint(f, [NaN], [0, 1]), /y0\[0\] is NaN/);
    assert.throws(() => ode.odeint(f, [1], [0, 1], { method: 'rk45' as never }), /unknown method "rk45"/);
    assert.throws(() => ode.odeint(f, [1], [0, 1], { method: 'rk4' }), /pass dt/);
    assert.throws(() => ode.odeint(f, [1], [0, 1], { rtl: 1e-3 } as never), /unknown option "rtl"/);
    assert.throws(() => ode.odeint(f, [1], [0, 1], { rtol: -1 }), /rtol must be a positive/);
    assert.throws(() => ode.odeint((y) => Float64Array.of(y[0], 1), [1], [0, 1]), /must return a Float64Array of length 1/);
  });
});
