import { parentPort } from 'node:worker_threads';
import { dualRows, type DualJob } from '../stax/dual-rows';
import { fromSpec } from '../stax/from-spec';
import type { Activation } from '../stax/activation';
import type { LayerSpec } from '../stax/types';
import { reportDone, type RowTask } from './pool';

/** Activations rebuilt from their specs, by spec text. */
const activations = new Map<string, Activation>();

function activationOf(spec: LayerSpec): Activation {
  const key = JSON.stringify(spec);
  let act = activations.get(key);
  if (!act) {
    act = (fromSpec(spec) as { activation?: Activation }).activation;
    if (!act) throw new Error(`layer ${spec.type} has no activation to run on a worker thread`);
    activations.set(key, act);
  }
  return act;
}

parentPort?.on('message', (task: RowTask<{ spec: LayerSpec; dual: DualJob }>) => {
  try {
    dualRows(activationOf(task.job.spec).dual, task.job.dual, task.i0, task.i1);
    reportDone(task.control);
  } catch (error) {
    reportDone(task.control, (error as Error).message);
  }
});
