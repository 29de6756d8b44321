/**
 * TF's device specifications (`DeviceSpec`): `/job:localhost/replica:0/task:0/device:GPU:0`,
 * the short forms `/cpu:0` and `/gpu:1`, partial specs (`/job:ps`, `/device:GPU:*`), and how
 * nested `tf.device` scopes merge (the inner spec's fields win, the outer fill the rest).
 */
import { ValueError } from '../errors.js';

export interface DeviceSpecFields {
  job: string | null;
  replica: number | null;
  task: number | null;
  deviceType: string | null;
  /** null: any index (`*`). */
  deviceIndex: number | null;
}

const EMPTY: DeviceSpecFields = { job: null, replica: null, task: null, deviceType: null, deviceIndex: null };
const TYPES = ['CPU', 'GPU', 'TPU'];

function int(s: string, spec: string): number {
  if (!/^\d+$/.test(s)) throw new ValueError(`invalid literal for int() with base 10: '${s}' in device specification '${spec}'`);
  return Number(s);
}

/** TF1's `DeviceSpec.from_string`; lower-case `cpu` / `gpu` become upper-case as in TF. */
export function parseDeviceSpec(spec: string): DeviceSpecFields {
  const f: DeviceSpecFields = { ...EMPTY };
  for (const part of spec.split('/')) {
    if (part === '') continue;
    const y = part.split(':');
    if (y.length === 2 && y[0] === 'job') f.job = y[1]!;
    else if (y.length === 2 && y[0] === 'replica') f.replica = int(y[1]!, spec);
    else if (y.length === 2 && y[0] === 'task') f.task = int(y[1]!, spec);
    else if ((y.length === 1 || y.length === 2) && TYPES.includes(y[0]!.toUpperCase())) {
      if (f.deviceType !== null) throw new ValueError(`Cannot specify multiple device types: ${spec}`);
      f.deviceType = y[0]!.toUpperCase();
      if (y.length === 2 && y[1] !== '*') f.deviceIndex = int(y[1]!, spec);
    } else if (y.length === 3 && y[0] === 'device') {
      if (f.deviceType !== null) throw new ValueError(`Cannot specify multiple device types: ${spec}`);
      f.deviceType = y[1] === 'cpu' || y[1] === 'gpu' ? y[1].toUpperCase() : y[1]!;
      if (y[2] !== '*') f.deviceIndex = int(y[2]!, spec);
    } else {
      throw new ValueError(`Unknown attribute: '${y[0]}' in '${spec}'`);
    }
  }
  return f;
}

/** TF1's `DeviceSpec.to_string`: only the fields that are set, an unset index as `*`. */
export function deviceSpecString(f: DeviceSpecFields): string {
  let s = '';
  if (f.job !== null) s += `/job:${f.job}`;
  if (f.replica !== null) s += `/replica:${f.replica}`;
  if (f.task !== null) s += `/task:${f.task}`;
  if (f.deviceType !== null) s += `/device:${f.deviceType}:${f.deviceIndex ?? '*'}`;
  return s;
}

/** `outer` with every field `inner` sets replaced (TF's `make_merged_spec`). */
export function mergeDeviceSpecs(outer: DeviceSpecFields, inner: DeviceSpecFields): DeviceSpecFields {
  return {
    job: inner.job ?? outer.job,
    replica: inner.replica ?? outer.replica,
    task: inner.task ?? outer.task,
    deviceType: inner.deviceType ?? outer.deviceType,
    deviceIndex: inner.deviceIndex ?? outer.deviceIndex,
  };
}

/** `/cpu:0` → `/device:CPU:0`, `/job:localhost/device:gpu:0` → `/job:localhost/device:GPU:0`; '' stays ''. */
export function canonicalDevice(spec: string): string {
  if (typeof spec !== 'string') throw new TypeError(`A device must be a string, a device function or null, got ${typeof spec}`);
  return deviceSpecString(parseDeviceSpec(spec.trim()));
}

/**
 * The device an op asks for as this process sees it: `/device:TYPE:N` when the spec names a
 * local device (job localhost, replica 0, task 0, or unset; index `*` as 0), '' when it names
 * no device type, else the spec itself (a device elsewhere, which placement reports).
 */
export function localDevice(device: string): string {
  if (device === '') return '';
  const f = parseDeviceSpec(device);
  const local = (f.job === null || f.job === 'localhost') && (f.replica ?? 0) === 0 && (f.task ?? 0) === 0;
  if (!local) return device;
  if (f.deviceType === null) return '';
  return `/device:${f.deviceType}:${f.deviceIndex ?? 0}`;
}
