/**
 * Queue ops as TF's NodeDefs: the queue op's attrs (`component_types`, `shapes`, `capacity`,
 * `min_after_dequeue`, `seed`/`seed2`, `container`, `shared_name`) and its users'
 * (`Tcomponents`, `component_types`, `timeout_ms`, `cancel_pending_enqueues`), so a graph with
 * queues exports, imports again (tf.importGraphDef) and travels as a partition to a cluster task,
 * where the imported queue op names the same resource (by `shared_name`) for every client.
 */
import type { DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Operation } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, type ImportCtx, foldConst, make } from '../graphdef/import-rules.js';
import { shapeFromProto, shapeToProto } from '../graphdef/tensor-proto.js';
import type { AttrValue } from '../proto/framework.js';
import type { PartialShape } from '../shape.js';
import { QueueResource } from './queue.js';

const shapeList = (s: readonly PartialShape[]): AttrValue => ({ list: { s: [], i: [], f: [], b: [], type: [], tensor: [], func: [], shape: s.map(shapeToProto) } });
const KINDS = { FIFOQueueV2: 'FIFOQueue', RandomShuffleQueueV2: 'RandomShuffleQueue', PaddingFIFOQueueV2: 'PaddingFIFOQueue', PriorityQueueV2: 'PriorityQueue' } as const;
// a PriorityQueueV2 node lists its components without the int64 priority that every element starts with
const own = (r: QueueResource, xs: readonly DType[] | readonly PartialShape[]) => (r.kind === 'PriorityQueue' ? xs.slice(1) : xs);
const resourceOf = (op: Operation): QueueResource => (op.attrs as { resource: QueueResource }).resource;

registerExporter(Object.keys(KINDS), ({ op }) => {
  const r = resourceOf(op);
  const attr: Record<string, AttrValue> = {
    component_types: A.types(own(r, r.dtypes) as DType[]),
    shapes: shapeList(own(r, r.shapes ?? []) as PartialShape[]),
    capacity: A.i(r.capacity),
    container: A.s(''),
    shared_name: A.s(r.sharedName),
  };
  if (r.kind === 'RandomShuffleQueue') Object.assign(attr, { min_after_dequeue: A.i(r.minAfterDequeue), seed: A.i(r.seed ?? 0), seed2: A.i(0) });
  return attr;
});
registerExporter(['QueueEnqueueV2', 'QueueEnqueueManyV2'], ({ op }) => ({ Tcomponents: A.types(op.inputs.slice(1).map((t) => t.dtype)), timeout_ms: A.i(-1) }));
registerExporter(['QueueDequeueV2', 'QueueDequeueManyV2', 'QueueDequeueUpToV2'], ({ op }) => ({ component_types: A.types(resourceOf(op).dtypes), timeout_ms: A.i(-1) }));
registerExporter(['QueueCloseV2'], ({ attrs }) => ({ cancel_pending_enqueues: A.b(!!attrs.cancelPendingEnqueues) }));
registerExporter(['QueueSizeV2', 'QueueIsClosedV2'], () => ({}));

for (const [type, kind] of Object.entries(KINDS)) {
  RULES.set(type, (c) => {
    const prio = kind === 'PriorityQueue';
    const dtypes = [...(prio ? ['int64' as DType] : []), ...c.attrs.types('component_types')];
    const protos = c.node.attr.shapes?.list?.shape ?? [];
    const shapes = protos.length > 0 ? [...(prio ? [[]] : []), ...protos.map((p) => shapeFromProto(p))] : null;
    const capacity = c.attrs.int('capacity', -1);
    const sharedName = c.attrs.string('shared_name', '');
    const minAfter = kind === 'RandomShuffleQueue' ? c.attrs.int('min_after_dequeue', 0) : 0;
    const seed = kind === 'RandomShuffleQueue' && (c.attrs.int('seed', 0) !== 0 || c.attrs.int('seed2', 0) !== 0) ? c.attrs.int('seed', 0) : null;
    const resource = new QueueResource(kind, capacity, dtypes, shapes, sharedName, c.name, minAfter, seed);
    return make(c, type, [], { resource, capacity, componentTypes: dtypes, shapes: shapes ?? [], sharedName, container: '' });
  });
}

/** The queue resource a user op's first input is the handle of. */
function queueInput(c: ImportCtx): QueueResource {
  const h = c.inputs[0];
  const r = h && (h.op.attrs as { resource?: unknown }).resource;
  if (!(r instanceof QueueResource)) throw new InvalidArgumentError(`Node '${c.node.name}' (${c.node.op}) takes a queue handle, but its first input is ${h ? `${h.op.type} '${h.op.name}'` : 'missing'}`, c.node.name);
  return r;
}

RULES.set('QueueEnqueueV2', (c) => make(c, 'QueueEnqueueV2', c.inputs, { resource: queueInput(c), timeoutMs: -1 }));
RULES.set('QueueEnqueueManyV2', (c) => make(c, 'QueueEnqueueManyV2', c.inputs, { resource: queueInput(c), timeoutMs: -1 }));
RULES.set('QueueDequeueV2', (c) => {
  const resource = queueInput(c);
  return make(c, 'QueueDequeueV2', c.inputs, { resource, componentTypes: resource.dtypes as DType[], timeoutMs: -1 });
});
for (const type of ['QueueDequeueManyV2', 'QueueDequeueUpToV2']) {
  RULES.set(type, (c) => {
    const resource = queueInput(c);
    const n = type === 'QueueDequeueManyV2' ? foldConst(c.inputs[1]!) : null;
    return make(c, type, c.inputs, { resource, componentTypes: resource.dtypes, timeoutMs: -1, ...(n && n.rank === 0 ? { n: Number(n.data[0]) } : {}) });
  });
}
RULES.set('QueueCloseV2', (c) => make(c, 'QueueCloseV2', c.inputs, { resource: queueInput(c), cancelPendingEnqueues: c.attrs.bool('cancel_pending_enqueues', false) }));
for (const type of ['QueueSizeV2', 'QueueIsClosedV2']) RULES.set(type, (c) => make(c, type, c.inputs, { resource: queueInput(c) }));
