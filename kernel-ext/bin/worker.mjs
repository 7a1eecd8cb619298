// `tangent-lab worker --queue redis://HOST:PORT --store DIR`: computes kernel
// tiles that `batch(kernelFn, { store, queue })` put on the queue, writing them
// into the shared store. Run one per machine; it runs until stopped (Ctrl-C,
// SIGTERM), finishing the tiles in progress first.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json'));

export const WORKER_USAGE = `usage: tangent-lab worker --queue redis://HOST:PORT --store DIR [options]

Takes kernel tiles from the queue that batch(kernelFn, { store, queue }) fills
and writes them into the store (a directory shared by every machine):
  --queue URL           the Redis server (redis://host:6379)
  --store DIR           this machine's path to the shared store (or a folder of stores)
  --threads N           tiles computed at once, one thread each (default: ${availableParallelism()}, the cores)
  --name NAME           the queue's name (default tangent-lab-tiles, as batch's queueName)
  --lock-duration MS    a tile whose worker is silent this long goes to another worker (default 30000)`;

export class WorkerUsageError extends Error {}

/** Parses the worker's arguments; throws WorkerUsageError saying what was wrong. */
export function parseWorkerArgs(argv) {
  const out = {};
  const flags = { '--queue': 'queue', '--store': 'store', '--threads': 'threads', '--name': 'name', '--lock-duration': 'lockDuration' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = flags[flag];
    if (!key) throw new WorkerUsageError(`unknown argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new WorkerUsageError(`${flag} needs a value`);
    out[key] = value;
  }
  if (!out.queue) throw new WorkerUsageError('--queue is required (the Redis URL batch was given)');
  if (!out.store) throw new WorkerUsageError('--store is required (the shared directory the tiles go to)');
  for (const key of ['threads', 'lockDuration']) {
    if (out[key] !== undefined) {
      const n = Number(out[key]);
      if (!Number.isInteger(n) || n < 1)
        throw new WorkerUsageError(`--${key === 'threads' ? 'threads' : 'lock-duration'} must be a positive integer, got ${out[key]}`);
      out[key] = n;
    }
  }
  return out;
}

export async function main(argv) {
  let args;
  try {
    args = parseWorkerArgs(argv);
  } catch (error) {
    if (!(error instanceof WorkerUsageError)) throw error;
    process.stderr.write(`tangent-lab worker: ${error.message}\n${WORKER_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  const { runQueueWorker } = require('@tangent-lab/core');
  const log = (line) => process.stdout.write(`${line}\n`);
  let worker;
  try {
    worker = await runQueueWorker({ ...args, log });
  } catch (error) {
    process.stderr.write(`tangent-lab worker: ${error.message}\n`);
    return 1;
  }
  log(`tangent-lab worker ${process.pid}: taking tiles from ${args.queue}, writing to ${args.store}`);
  const stop = async () => {
    await worker.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return undefined;
}
