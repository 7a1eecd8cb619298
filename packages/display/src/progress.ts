import { randomBytes } from 'node:crypto';
import { InputError } from './errors';
import { checkOptions, describe, optionalString } from './input/options';
import { progressBundle, progressText } from './progress-render';
import { SPEC_VERSION, type ProgressSpec } from './spec';
import { findKernelWriter } from './tslab-kernel';

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** How many steps make the whole task (a positive whole number). */
  total: number;
  /** What is being done, shown before the bar. */
  label?: string;
}

/** A progress bar: `update(done)` as steps finish, `done()` at the end. */
export interface Progress {
  /** Sets how many steps are done (0 … total) and redraws the bar, at most ten times a second. */
  update(done: number): void;
  /** Marks the task finished: the bar shows its final count and the time taken, and stays so in the saved notebook. */
  done(): void;
}

/** Redraws closer together than this are skipped (the last state is always drawn). */
const MIN_INTERVAL_MS = 100;

/**
 * A progress bar for long loops — training, Monte Carlo, batched kernels —
 * that updates in place in a notebook (one output, redrawn) and leaves its
 * final state, with the time taken, in the saved notebook. Outside a notebook
 * it writes to stderr: a line redrawn in place on a terminal, one line at the
 * end otherwise.
 *
 * @example
 * ```ts
 * import { progress } from '@tangent-lab/display';
 * const bar = progress({ total: 200, label: 'training' });
 * for (let step = 1; step <= 200; step++) {
 *   // … one step of training …
 *   bar.update(step);
 * }
 * bar.done();
 * ```
 */
export function progress(options: ProgressOptions): Progress {
  const where = 'progress';
  if (options === null || typeof options !== 'object') throw new InputError(`${where}: pass { total, label? }, got ${describe(options)}`);
  checkOptions(where, options, ['total', 'label']);
  const { total } = options;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1)
    throw new InputError(`${where}: total must be a whole number ≥ 1, got ${describe(total)}`);
  const label = optionalString(where, 'label', options.label) ?? 'progress';
  const id = randomBytes(8).toString('hex');
  const started = Date.now();
  let shown = false;
  let finished = false;
  let current = 0;
  let lastDrawn = -Infinity;

  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDrawn < MIN_INTERVAL_MS) return;
    lastDrawn = now;
    const spec: ProgressSpec = { version: SPEC_VERSION, kind: 'progress', label, done: current, total, seconds: (now - started) / 1000, finished };
    const write = findKernelWriter();
    if (write) {
      write({ data: progressBundle(spec), metadata: {}, transient: { display_id: id } }, shown);
      shown = true;
    } else if (process.stderr.isTTY) {
      process.stderr.write(`\r${progressText(spec)}${finished ? '\n' : ''}`);
    } else if (finished) {
      process.stderr.write(`${progressText(spec)}\n`);
    }
  };

  return {
    update(done: number): void {
      if (finished) throw new InputError(`${where} "${label}": update() after done()`);
      if (typeof done !== 'number' || !Number.isFinite(done) || done < 0 || done > total) {
        throw new InputError(`${where} "${label}": done must be a number in 0 … ${total}, got ${describe(done)}`);
      }
      current = done;
      draw(false);
    },
    done(): void {
      if (finished) return;
      finished = true;
      draw(true);
    },
  };
}
