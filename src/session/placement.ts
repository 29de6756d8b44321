/**
 * Device placement: each op runs where `tf.device` put it (ops that update a variable go with
 * the variable), else on the session's device. A run whose ops span devices is cut into
 * segments of consecutive ops on one device; tensors crossing a cut are fetched from one
 * segment and fed to the next.
 */
import { InvalidArgumentError } from '../errors.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { prune } from './compile.js';

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
}

export function placeOp(op: Operation, p: Placer): DeviceKind {
  const ref = op.inputs.find((t) => t.op.type === 'VariableV2');
  const spec = ref && ref.op !== op ? ref.op.device || op.device : op.device;
  if (spec === '') return p.defaultKind;
  if (spec.startsWith('/device:CPU')) return 'cpu';
  if (p.gpu) return 'webgpu';
  if (p.allowSoftPlacement) return 'cpu';
  throw new InvalidArgumentError(
    `Cannot assign a device for operation '${op.name}': Operation was explicitly assigned to ${spec} but available devices are [ /job:localhost/replica:0/task:0/device:CPU:0 ]. Make sure the device specification refers to a valid device.`,
    op.name,
  );
}

/** Does any op of the graph ask for a device other than the session's? */
export function needsPlacement(ops: readonly Operation[], p: Placer): boolean {
  return ops.some((op) => op.device !== '' && (op.device.startsWith('/device:CPU') ? p.defaultKind !== 'cpu' : p.defaultKind !== 'webgpu'));
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
