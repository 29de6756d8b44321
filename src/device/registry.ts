/**
 * The devices a session can run on. Each device module declares its traits and registers
 * itself (the CPU device in cpu/index.ts, WebGPU in webgpu/register.ts); placement, the
 * session's `device` option, soft placement and `listDevices` read this table, so a new
 * device touches no session file.
 */
import { DTYPES, type DType } from '../dtype.js';
import type { Device } from './device.js';

/** What the session passes when it opens a device. */
export interface DeviceOpenOptions {
  threads?: number;
  parallelThreshold?: number;
  /**
   * Whether the session can do without this device (soft placement, or the device is not the
   * session's own): the device then resolves to null where it cannot be had, instead of failing.
   */
  soft: boolean;
}

export interface DeviceDecl {
  /** The session's `device` option value and the placement result, e.g. `'cpu'`, `'webgpu'`. */
  readonly id: string;
  /**
   * The device type in TF device names: the device is `/device:<deviceType>:0`
   * (`'CPU'`, `'GPU'`); `tf.device` specs naming this type are placed on it.
   */
  readonly deviceType: string;
  /** The class of hardware, `'CPU'` or `'GPU'`: soft placement prefers a GPU-kind device. */
  readonly kind: 'CPU' | 'GPU';
  /** Words for messages, e.g. `'WebGPU'`. */
  readonly label: string;
  /** The dtypes its kernels hold; an op with another dtype goes to a fallback device. */
  readonly dtypes: ReadonlySet<DType>;
  /** Least byte alignment of temp offsets (an opened device may ask for more, see Device). */
  readonly alignment: number;
  /** Bytes per element in device memory. */
  bytesPerElement(dtype: DType): number;
  /** Whether an elementwise step may write over an input that dies at that step. */
  readonly inPlace: boolean;
  /** Whether it compiles and runs synchronously (`Session.runSync`). */
  readonly sync: boolean;
  /**
   * A fallback device is always there, opens synchronously, and takes what no other device
   * can (ops of dtypes they do not hold, soft-placed ops with nowhere better to go).
   */
  readonly fallback: boolean;
  /** Whether an opened device runs in software (a CPU-backed GPU adapter); soft placement avoids it. */
  isSoftware?(device: Device): boolean;
  /**
   * Make the device. A fallback device returns it synchronously; others may resolve to null
   * where they cannot be had and `opts.soft` says the session can do without.
   */
  open(opts: DeviceOpenOptions): Device | Promise<Device | null>;
}

const decls: DeviceDecl[] = [];

/** Add a device; returns a function that removes it again. Ids and device types are unique. */
export function registerDevice(decl: DeviceDecl): () => void {
  if (!/^[a-z][a-z0-9_-]*$/.test(decl.id)) throw new TypeError(`registerDevice: device id must be lower-case letters, digits, '-' or '_', got '${decl.id}'`);
  if (!/^[A-Z][A-Z0-9_]*$/.test(decl.deviceType)) {
    throw new TypeError(`registerDevice: deviceType must be upper-case letters, digits or '_' (as in TF device names), got '${decl.deviceType}'`);
  }
  const clash = decls.find((d) => d.id === decl.id || d.deviceType === decl.deviceType);
  if (clash) throw new TypeError(`registerDevice: a device '${clash.id}' (/device:${clash.deviceType}:0) is registered already`);
  decls.push(decl);
  return () => {
    const i = decls.indexOf(decl);
    if (i >= 0) decls.splice(i, 1);
  };
}

/** The registered devices, fallback devices first, then in registration order. */
export function registeredDevices(): readonly DeviceDecl[] {
  return [...decls.filter((d) => d.fallback), ...decls.filter((d) => !d.fallback)];
}

export function deviceDecl(id: string): DeviceDecl {
  const d = decls.find((x) => x.id === id);
  if (!d) throw new TypeError(`No device '${id}' is registered (registered: ${decls.map((x) => `'${x.id}'`).join(', ')})`);
  return d;
}

export function deviceOfType(deviceType: string): DeviceDecl | undefined {
  return decls.find((d) => d.deviceType === deviceType);
}

/** The fallback device (the CPU). */
export function fallbackDevice(): DeviceDecl {
  const d = decls.find((x) => x.fallback);
  if (!d) throw new TypeError('No fallback device is registered');
  return d;
}

/** TF's local name of a device: `/device:CPU:0`. */
export function localName(decl: DeviceDecl): string {
  return `/device:${decl.deviceType}:0`;
}

/** TF's full name of a local device: `/job:localhost/replica:0/task:0/device:CPU:0`. */
export function fullName(decl: DeviceDecl): string {
  return `/job:localhost/replica:0/task:0${localName(decl)}`;
}

/** Every dtype tsflow has but those listed. */
export function dtypesExcept(...not: DType[]): ReadonlySet<DType> {
  return new Set(DTYPES.filter((d) => !not.includes(d)));
}
