/**
 * `tf.train.replica_device_setter`: a device function for between-graph replication that puts
 * variables (and the other ops in `psOps`) round-robin on the ps tasks and everything else on the
 * worker device, merging each op's own device fields in (TF1's `_ReplicaDeviceChooser`).
 */
import { kwargs } from '../args.js';
import { deviceSpecString, mergeDeviceSpecs, parseDeviceSpec } from '../graph/device-spec.js';
import type { Operation } from '../graph/tensor.js';
import { ClusterSpec, type ClusterInput } from './cluster-spec.js';

/** TF1's STANDARD_PS_OPS. */
export const STANDARD_PS_OPS = [
  'Variable', 'VariableV2', 'AutoReloadVariable', 'MutableHashTable', 'MutableHashTableV2', 'MutableHashTableOfTensors',
  'MutableHashTableOfTensorsV2', 'MutableDenseHashTable', 'MutableDenseHashTableV2', 'VarHandleOp',
  'BoostedTreesEnsembleResourceHandleOp', 'BoostedTreesQuantileStreamResourceHandleOp',
];

export interface ReplicaDeviceSetterOptions {
  psTasks?: number;
  psDevice?: string;
  workerDevice?: string;
  mergeDevices?: boolean;
  cluster?: ClusterSpec | ClusterInput | null;
  psOps?: string[] | null;
  /** A function of the op giving its ps task index (default: round-robin). */
  psStrategy?: ((op: Operation) => number) | null;
}

type Params = [psTasks?: number, psDevice?: string, workerDevice?: string, mergeDevices?: boolean, cluster?: ReplicaDeviceSetterOptions['cluster'], psOps?: string[] | null, psStrategy?: ReplicaDeviceSetterOptions['psStrategy']];

/**
 * `tf.train.replicaDeviceSetter(psTasks=0, psDevice='/job:ps', workerDevice='/job:worker',
 * mergeDevices=true, cluster=null, psOps=null, psStrategy=null)`; null where there are no ps
 * tasks (as TF returns None, which `tf.device` takes as no device).
 */
export function replicaDeviceSetter(...args: Params | [opts: ReplicaDeviceSetterOptions]): ((op: Operation) => string) | null {
  const o = kwargs(args, ['psTasks', 'psDevice', 'workerDevice', 'mergeDevices', 'cluster', 'psOps', 'psStrategy'], 'replica_device_setter') as ReplicaDeviceSetterOptions;
  const psDevice = o.psDevice ?? '/job:ps';
  const workerDevice = o.workerDevice ?? '/job:worker';
  let psTasks = o.psTasks ?? 0;
  if (o.cluster != null) {
    const spec = (o.cluster instanceof ClusterSpec ? o.cluster : new ClusterSpec(o.cluster)).asDict();
    const psJob = parseDeviceSpec(psDevice).job;
    if (psJob === null || !(psJob in spec)) return null;
    const tasks = spec[psJob]!;
    psTasks = Array.isArray(tasks) ? tasks.length : Object.keys(tasks).length;
  }
  if (!Number.isInteger(psTasks) || psTasks < 0) throw new TypeError(`replica_device_setter: ps_tasks must be a non-negative integer, got ${String(psTasks)}`);
  if (psTasks === 0) return null;
  const psOps = new Set(o.psOps ?? STANDARD_PS_OPS);
  let next = 0;
  const strategy = o.psStrategy ?? ((): number => {
    const t = next;
    next = (next + 1) % psTasks;
    return t;
  });
  if (typeof strategy !== 'function') throw new TypeError('ps_strategy must be callable');
  const ps = parseDeviceSpec(psDevice);
  const worker = parseDeviceSpec(workerDevice);
  return (op: Operation): string => {
    const current = parseDeviceSpec(op.device ?? '');
    if (psDevice && psOps.has(op.type)) {
      let d = ps;
      if (ps.job && (!current.job || current.job === ps.job)) d = { ...ps, task: strategy(op) };
      return deviceSpecString(mergeDeviceSpecs(d, current));
    }
    return deviceSpecString(mergeDeviceSpecs(worker, current));
  };
}
