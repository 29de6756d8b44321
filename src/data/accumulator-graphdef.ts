/**
 * Conditional accumulator ops as TF's NodeDefs: the accumulator op's `dtype`, `shape`,
 * `container`, `shared_name`, `reduction_type`, its users' `dtype` (and the sparse apply's
 * `has_known_shape`), so SyncReplicasOptimizer's graph exports, imports again and travels as a
 * partition to the ps task, where every worker's imported accumulator op names the same
 * resource (by `shared_name`).
 */
import { InvalidArgumentError } from '../errors.js';
import type { Operation } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, type ImportCtx, make } from '../graphdef/import-rules.js';
import { AccumulatorResource } from './conditional-accumulator.js';

const resourceOf = (op: Operation): AccumulatorResource => (op.attrs as { resource: AccumulatorResource }).resource;
const KINDS = ['ConditionalAccumulator', 'SparseConditionalAccumulator'] as const;

registerExporter([...KINDS], ({ op }) => {
  const r = resourceOf(op);
  return { dtype: A.type(r.dtype), shape: A.shape(r.shape), container: A.s(''), shared_name: A.s(r.sharedName), reduction_type: A.s(r.reductionType) };
});
registerExporter(['AccumulatorApplyGradient', 'AccumulatorTakeGradient', 'SparseAccumulatorTakeGradient'], ({ op }) => ({ dtype: A.type(resourceOf(op).dtype) }));
registerExporter(['SparseAccumulatorApplyGradient'], ({ op, attrs }) => ({ dtype: A.type(resourceOf(op).dtype), has_known_shape: A.b(!!attrs.hasKnownShape) }));
registerExporter(['AccumulatorNumAccumulated', 'AccumulatorSetGlobalStep'], () => ({}));

for (const kind of KINDS) {
  RULES.set(kind, (c) => {
    const dtype = c.attrs.type('dtype');
    const shape = c.attrs.shape('shape', true);
    const sharedName = c.attrs.string('shared_name', '');
    const red = c.attrs.string('reduction_type', 'MEAN');
    if (red !== 'MEAN' && red !== 'SUM') throw new InvalidArgumentError(`Value for attr 'reduction_type' of "${red}" is not in the list of allowed values: "MEAN", "SUM"`, c.node.name);
    const resource = new AccumulatorResource(kind, dtype, shape, sharedName, c.name, red);
    return make(c, kind, [], { resource, dtype, shape, sharedName, container: '', reductionType: red });
  });
}

/** The accumulator a user op's first input is the handle of. */
function accumulatorInput(c: ImportCtx): AccumulatorResource {
  const h = c.inputs[0];
  const r = h && (h.op.attrs as { resource?: unknown }).resource;
  if (!(r instanceof AccumulatorResource)) throw new InvalidArgumentError(`Node '${c.node.name}' (${c.node.op}) takes an accumulator handle, but its first input is ${h ? `${h.op.type} '${h.op.name}'` : 'missing'}`, c.node.name);
  return r;
}

for (const type of ['AccumulatorApplyGradient', 'AccumulatorTakeGradient', 'AccumulatorNumAccumulated', 'AccumulatorSetGlobalStep', 'SparseAccumulatorTakeGradient']) {
  RULES.set(type, (c) => {
    const resource = accumulatorInput(c);
    return make(c, type, c.inputs, { resource, dtype: resource.dtype });
  });
}
RULES.set('SparseAccumulatorApplyGradient', (c) => {
  const resource = accumulatorInput(c);
  return make(c, 'SparseAccumulatorApplyGradient', c.inputs, { resource, dtype: resource.dtype, hasKnownShape: c.attrs.bool('has_known_shape', false) });
});
