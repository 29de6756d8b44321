/**
 * Device placement: each op runs where `tf.device` put it (ops that update a variable go with
 * the variable), else on the session's device. A run whose ops span devices is cut into
 * segments of consecutive ops on one device; tensors crossing a cut are fetched from one
 * segment and fed to the next.
 */
import { InvalidArgumentError } from '../errors.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { prune } from './compile.js';
import { localDevice } from '../graph/device-spec.js';

export type DeviceKind = 'cpu' | 'webgpu';

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
  /** Whether a GPU device exists (resolved before placing). */
  gpu: boolean;
  allowSoftPlacement: boolean;
  /**
   * Whether soft placement may move ops onto the GPU (default: `gpu`). Not onto a software
   * adapter, which is far slower than the CPU device, unless the session itself asked for WebGPU.
   */
  softGpu?: boolean;
}

/** The devices a session can have: CPU:0, and GPU:0 when a WebGPU adapter was found. */
function notAvailable(op: Operation, spec: string, p: Placer): InvalidArgumentError {
  const devices = ['/job:localhost/replica:0/task:0/device:CPU:0', ...(p.gpu ? ['/job:localhost/replica:0/task:0/device:GPU:0'] : [])];
  return new InvalidArgumentError(
    `Cannot assign a device for operation '${op.name}': Operation was explicitly assigned to ${spec} but available devices are [ ${devices.join(', ')} ]. Make sure the device specification refers to a valid device.`,
    op.name,
  );
}

/** Ops the WebGPU device has no kernel for (string tensors, as in TF) run on the CPU. */
function cpuOnly(op: Operation): boolean {
  return op.outputs.some((t) => t.dtype === 'string') || op.inputs.some((t) => t.dtype === 'string');
}

export function placeOp(op: Operation, p: Placer): DeviceKind {
  const ref = op.inputs.find((t) => t.op.type === 'VariableV2');
  const spec = localDevice(ref && ref.op !== op ? ref.op.device || op.device : op.device);
  if (spec === '' && cpuOnly(op)) return 'cpu';
  if (spec === '') return p.defaultKind;
  if (spec === '/device:CPU:0') return 'cpu';
  if (spec.startsWith('/device:CPU')) {
    if (p.allowSoftPlacement) return 'cpu';
    throw notAvailable(op, spec, p);
  }
  if (cpuOnly(op)) {
    if (p.allowSoftPlacement) return 'cpu';
    throw new InvalidArgumentError(
      `Cannot assign a device for operation '${op.name}': Could not satisfy explicit device specification '${spec}' because no supported kernel for GPU devices is available.`,
      op.name,
    );
  }
  const softGpu = p.gpu && (p.softGpu ?? true);
  // GPU:0 as asked; with soft placement only where soft placement would pick it too
  if (spec === '/device:GPU:0' && p.gpu && (!p.allowSoftPlacement || softGpu)) return 'webgpu';
  if (!p.allowSoftPlacement) throw notAvailable(op, spec, p);
  return softGpu ? 'webgpu' : 'cpu';
}

/** Does any op of the graph ask for a device other than the session's? */
export function needsPlacement(ops: readonly Operation[], p: Placer): boolean {
  if (p.defaultKind !== 'cpu' && ops.some(cpuOnly)) return true;
  // a device other than CPU:0 / GPU:0 always goes through placeOp (soft placement or its error)
  const elsewhere = (d: string) => (d === '/device:CPU:0' ? p.defaultKind !== 'cpu' : d === '/device:GPU:0' ? p.defaultKind !== 'webgpu' : true);
  return ops.some((op) => {
    const d = op.device === '' ? '' : localDevice(op.device);
    return d !== '' && elsewhere(d);
  });
}

export function segment(elements: readonly (Tensor | Operation)[], feeds: ReadonlyMap<Tensor, unknown>, p: Placer): Segment[] {
  const order = [...prune(elements, feeds)].sort((a, b) => a.id - b.id);
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
      for (const t of op.inputs) {
        if (feeds.has(t) || where.get(t.op) !== seg) inputs.add(t);
      }
    }
    seg.inputs = [...inputs].filter((t) => !(t.op.type === 'VariableV2' && !feeds.has(t)));
    const outs = new Set<Tensor>();
    for (const other of segs) {
      if (other === seg) continue;
      for (const op of other.ops) for (const t of op.inputs) if (where.get(t.op) === seg && !feeds.has(t) && t.op.type !== 'VariableV2') outs.add(t);
    }
    for (const t of fetched) if (where.get(t.op) === seg && !feeds.has(t)) outs.add(t);
    seg.elements = [...outs, ...seg.ops];
  }
  return segs;
}
