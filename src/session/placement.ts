/**
 * Device placement: each op runs where `tf.device` put it (ops that update a variable go with
 * the variable), else on the session's device. A run whose ops span devices is cut into
 * segments of consecutive ops on one device; tensors crossing a cut are fetched from one
 * segment and fed to the next. The devices, their names and the dtypes they hold come from
 * the device registry.
 */
import { InvalidArgumentError } from '../errors.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { prune } from './compile.js';
import { isLazy } from './host-stage.js';
import { fallbackOnly } from '../ops/registry.js';
import { localDevice } from '../graph/device-spec.js';
import { type DeviceDecl, deviceDecl, deviceOfType, fallbackDevice, fullName, localName, registeredDevices } from '../device/registry.js';

/** A registered device's id (registry.ts): `'cpu'`, `'webgpu'`, … */
export type DeviceKind = string;

export interface Segment {
  kind: DeviceKind;
  ops: Set<Operation>;
  /** Tensors this segment must produce (fetched by the user or used by later segments) and its ops. */
  elements: (Tensor | Operation)[];
  /** Tensors it needs from earlier segments or from the user's feeds. */
  inputs: Tensor[];
}

export interface Placer {
  defaultKind: DeviceKind;
  allowSoftPlacement: boolean;
  /**
   * The devices this session has, besides the fallback device (always there), by id, each with
   * whether soft placement may move ops onto it. Without it: the GPU-kind devices when `gpu`,
   * with `softGpu`.
   */
  devices?: ReadonlyMap<DeviceKind, { soft: boolean }>;
  /** Whether a GPU device exists (resolved before placing), where `devices` is not given. */
  gpu?: boolean;
  /**
   * Whether soft placement may move ops onto the GPU (default: `gpu`). Not onto a software
   * adapter, which is far slower than the CPU device, unless the session itself asked for WebGPU.
   */
  softGpu?: boolean;
}

function present(d: DeviceDecl, p: Placer): { soft: boolean } | null {
  if (d.fallback) return { soft: true };
  if (p.devices) return p.devices.get(d.id) ?? null;
  return d.kind === 'GPU' && p.gpu ? { soft: p.softGpu ?? true } : null;
}

/** The devices a session has: the fallback (CPU:0), then the others it opened. */
function notAvailable(op: Operation, spec: string, p: Placer): InvalidArgumentError {
  const devices = registeredDevices().filter((d) => present(d, p)).map(fullName);
  return new InvalidArgumentError(
    `Cannot assign a device for operation '${op.name}': Operation was explicitly assigned to ${spec} but available devices are [ ${devices.join(', ')} ]. Make sure the device specification refers to a valid device.`,
    op.name,
  );
}

/**
 * Whether the device has kernels for the op: for every dtype it reads and writes (no GPU kernels
 * for strings, as in TF), and at all (ops with fallback-device kernels only).
 */
function holds(d: DeviceDecl, op: Operation): boolean {
  if (!d.fallback && fallbackOnly(op.type)) return false;
  return op.outputs.every((t) => d.dtypes.has(t.dtype)) && op.inputs.every((t) => d.dtypes.has(t.dtype));
}

/** Where soft placement puts an op: a GPU-kind device it may use, else the fallback. */
function softTarget(op: Operation, p: Placer): DeviceKind {
  const ok = registeredDevices().filter((d) => !d.fallback && d.kind === 'GPU' && present(d, p)?.soft && holds(d, op));
  return ok[0]?.id ?? fallbackFor(op).id;
}

function fallbackFor(op: Operation): DeviceDecl {
  return registeredDevices().find((d) => d.fallback && holds(d, op)) ?? fallbackDevice();
}

const SPEC = /^\/device:([^:]+):(.+)$/;

/**
 * The variables (VariableV2 ops) that an op with fallback-device kernels only updates
 * (CountUpTo): as TF colocates a variable with the ops on its reference, the variable and every
 * op on it go to the fallback device unless placed explicitly. Cached per graph version.
 */
const pinnedVars = new WeakMap<Operation['graph'], { version: number; vars: Set<Operation> }>();
function pinnedToFallback(v: Operation): boolean {
  const g = v.graph;
  let c = pinnedVars.get(g);
  if (!c || c.version !== g.version) {
    const vars = new Set<Operation>();
    for (const o of g.operations) {
      if (!fallbackOnly(o.type)) continue;
      for (const t of o.inputs) if (t.op.type === 'VariableV2') vars.add(t.op);
    }
    pinnedVars.set(g, (c = { version: g.version, vars }));
  }
  return c.vars.has(v);
}

export function placeOp(op: Operation, p: Placer): DeviceKind {
  const ref = op.type === 'VariableV2' ? op.outputs[0] : op.inputs.find((t) => t.op.type === 'VariableV2');
  const spec = localDevice(ref && ref.op !== op ? ref.op.device || op.device : op.device);
  if (spec === '' && ref && pinnedToFallback(ref.op)) return fallbackFor(op).id;
  if (spec === '') {
    const home = deviceDecl(p.defaultKind);
    return holds(home, op) ? home.id : fallbackFor(op).id;
  }
  const m = SPEC.exec(spec);
  const d = m ? deviceOfType(m[1]!) : undefined;
  if (d && !holds(d, op)) {
    if (p.allowSoftPlacement) return fallbackFor(op).id;
    throw new InvalidArgumentError(
      `Cannot assign a device for operation '${op.name}': Could not satisfy explicit device specification '${spec}' because no supported kernel for ${d.deviceType} devices is available.`,
      op.name,
    );
  }
  const has = d ? present(d, p) : null;
  // the device as asked; with soft placement only where soft placement would pick it too
  if (d && m![2] === '0' && has && (!p.allowSoftPlacement || has.soft)) return d.id;
  if (!p.allowSoftPlacement) throw notAvailable(op, spec, p);
  // another index of a device there is (/cpu:1, /gpu:1) goes to that device
  if (d && has?.soft) return d.id;
  return softTarget(op, p);
}

/** Does any op of the graph ask for a device other than the session's? */
export function needsPlacement(ops: readonly Operation[], p: Placer): boolean {
  const home = deviceDecl(p.defaultKind);
  if (ops.some((op) => !holds(home, op))) return true;
  // a device other than the session's always goes through placeOp (soft placement or its error)
  const own = localName(home);
  return ops.some((op) => {
    const d = op.device === '' ? '' : localDevice(op.device);
    return d !== '' && d !== own;
  });
}

/** The device types the graph's ops ask for by name (`GPU` for `/gpu:1`). */
export function askedTypes(ops: readonly Operation[]): Set<string> {
  const out = new Set<string>();
  for (const op of ops) {
    if (op.device === '') continue;
    const m = SPEC.exec(localDevice(op.device));
    if (m) out.add(m[1]!);
  }
  return out;
}

/**
 * A lazy op (a cond's Merge, a loop's Exit) is one op here, without what is behind it: it
 * computes a branch or a loop body when it runs, through sub-runs cut into segments of their own
 * (host-stage.ts Route), so only a taken branch runs, wherever its ops are placed.
 */
export function segment(elements: readonly (Tensor | Operation)[], feeds: ReadonlyMap<Tensor, unknown>, p: Placer): Segment[] {
  const order = [...prune(elements, feeds, undefined, isLazy)].sort((a, b) => a.id - b.id);
  const segs: Segment[] = [];
  const where = new Map<Operation, Segment>();
  for (const op of order) {
    const kind = placeOp(op, p);
    let seg = segs[segs.length - 1];
    if (!seg || seg.kind !== kind) segs.push((seg = { kind, ops: new Set(), elements: [], inputs: [] }));
    seg.ops.add(op);
    where.set(op, seg);
  }
  const fetched = new Set(elements.filter((e): e is Tensor => e instanceof Tensor));
  for (const seg of segs) {
    const inputs = new Set<Tensor>();
    for (const op of seg.ops) {
      if (isLazy(op)) continue;
      for (const t of op.inputs) {
        if (feeds.has(t) || where.get(t.op) !== seg) inputs.add(t);
      }
    }
    seg.inputs = [...inputs].filter((t) => !(t.op.type === 'VariableV2' && !feeds.has(t)));
    const outs = new Set<Tensor>();
    for (const other of segs) {
      if (other === seg) continue;
      for (const op of other.ops) for (const t of isLazy(op) ? [] : op.inputs) if (where.get(t.op) === seg && !feeds.has(t) && t.op.type !== 'VariableV2') outs.add(t);
    }
    for (const t of fetched) if (where.get(t.op) === seg && !feeds.has(t)) outs.add(t);
    seg.elements = [...outs, ...seg.ops];
  }
  return segs;
}
