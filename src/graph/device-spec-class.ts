/**
 * `tf.DeviceSpec` (TF 1.15's DeviceSpecV1): a device specification with settable fields job,
 * replica, task, deviceType and deviceIndex; `parseFromString` / `fromString` read
 * `/job:<name>/replica:<id>/task:<id>/device:<type>:<id>` (and `/cpu:0`, `/gpu:1`, `*` for any
 * index), `toString` writes the set fields, `mergeFrom` / `makeMergedSpec` take the other spec's
 * set fields over these.
 */
import { ValueError } from '../errors.js';
import { type DeviceSpecFields, deviceSpecString, mergeDeviceSpecs, parseDeviceSpec } from './device-spec.js';

function asInt(v: unknown, what: string): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'string' ? (/^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : NaN) : Number(v);
  if (!Number.isInteger(n)) throw new ValueError(`invalid literal for int() with base 10: '${String(v)}' (${what})`);
  return n;
}
function asDeviceType(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return s === 'cpu' || s === 'gpu' ? s.toUpperCase() : s;
}

export interface DeviceSpecOptions {
  job?: string | null;
  replica?: number | string | null;
  task?: number | string | null;
  deviceType?: string | null;
  deviceIndex?: number | string | null;
}

export class DeviceSpec {
  private _job: string | null = null;
  private _replica: number | null = null;
  private _task: number | null = null;
  private _deviceType: string | null = null;
  private _deviceIndex: number | null = null;

  /** `new tf.DeviceSpec(job?, replica?, task?, deviceType?, deviceIndex?)`, or one options object. */
  constructor(job?: string | null | DeviceSpecOptions, replica?: number | string | null, task?: number | string | null, deviceType?: string | null, deviceIndex?: number | string | null) {
    const o: DeviceSpecOptions = job !== null && typeof job === 'object' ? job : { job, replica, task, deviceType, deviceIndex };
    this.job = o.job ?? null;
    this.replica = o.replica ?? null;
    this.task = o.task ?? null;
    this.deviceType = o.deviceType ?? null;
    this.deviceIndex = o.deviceIndex ?? null;
  }

  get job(): string | null { return this._job; }
  set job(v: string | null) { this._job = v === null || v === undefined ? null : String(v); }
  get replica(): number | null { return this._replica; }
  set replica(v: number | string | null) { this._replica = asInt(v, 'replica'); }
  get task(): number | null { return this._task; }
  set task(v: number | string | null) { this._task = asInt(v, 'task'); }
  get deviceType(): string | null { return this._deviceType; }
  set deviceType(v: string | null) { this._deviceType = asDeviceType(v); }
  get deviceIndex(): number | null { return this._deviceIndex; }
  set deviceIndex(v: number | string | null) { this._deviceIndex = asInt(v, 'device_index'); }

  private fields(): DeviceSpecFields {
    return { job: this._job, replica: this._replica, task: this._task, deviceType: this._deviceType, deviceIndex: this._deviceIndex };
  }
  private static of(f: DeviceSpecFields): DeviceSpec {
    return new DeviceSpec(f.job, f.replica, f.task, f.deviceType, f.deviceIndex);
  }

  /** Replace every field by the string's (those it does not name become unset); returns this. */
  parseFromString(spec: string): this {
    const f = parseDeviceSpec(spec ?? '');
    this.job = f.job;
    this.replica = f.replica;
    this.task = f.task;
    this.deviceType = f.deviceType;
    this.deviceIndex = f.deviceIndex;
    return this;
  }

  /** `DeviceSpec.fromString(spec)`: a new spec parsed from a device string. */
  static fromString(spec: string): DeviceSpec {
    return DeviceSpec.of(parseDeviceSpec(spec ?? ''));
  }

  /** Take the fields `dev` sets (dev's win); returns nothing, as TF's merge_from. */
  mergeFrom(dev: DeviceSpec): void {
    const m = mergeDeviceSpecs(this.fields(), dev.fields());
    this.job = m.job;
    this.replica = m.replica;
    this.task = m.task;
    this.deviceType = m.deviceType;
    this.deviceIndex = m.deviceIndex;
  }

  /** A new spec: this one with `dev`'s set fields over it. */
  makeMergedSpec(dev: DeviceSpec): DeviceSpec {
    return DeviceSpec.of(mergeDeviceSpecs(this.fields(), dev.fields()));
  }

  /** A new spec with the given fields replaced. */
  replace(o: DeviceSpecOptions): DeviceSpec {
    return new DeviceSpec({ ...{ job: this._job, replica: this._replica, task: this._task, deviceType: this._deviceType, deviceIndex: this._deviceIndex }, ...o });
  }

  /** `/job:…/replica:…/task:…/device:TYPE:INDEX`, the set fields only (an unset index as `*`). */
  toString(): string {
    return deviceSpecString(this.fields());
  }

  equals(other: unknown): boolean {
    return other instanceof DeviceSpec && other.toString() === this.toString();
  }
}
