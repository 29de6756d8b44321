/**
 * `GatherTree(step_ids, parent_ids, max_sequence_lengths, end_token)` (TF 1.15
 * contrib/seq2seq beam_search_ops): the beams' full id sequences, walked back from each beam's
 * last step through its parents. Inputs `[max_time, batch, beam]`; entry (b, k) reads steps
 * below `min(max_time, max_sequence_lengths[b])`, the rest is `end_token`, and everything after
 * a beam's first `end_token` is `end_token` too. A host-stage op: the walk is sequential.
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { kwargs } from '../args.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

const pyShape = (s: readonly (number | null)[] | null): string =>
  s === null ? '<unknown>' : `(${s.map((d) => (d === null ? '?' : d)).join(', ')}${s.length === 1 ? ',' : ''})`;

defineOp({
  type: 'GatherTree',
  infer: (ins) => {
    const [step, parent, lens, end] = ins;
    if (step!.shape !== null && step!.shape.length !== 3) throw new ValueError(`Shape must be rank 3 but is rank ${step!.shape.length} for 'GatherTree' (op: 'GatherTree') with input shapes: ${pyShape(step!.shape)}.`);
    if (lens!.shape !== null && lens!.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${lens!.shape.length} for 'GatherTree' (op: 'GatherTree')`);
    if (end!.shape !== null && end!.shape.length !== 0) throw new ValueError(`Shape must be rank 0 but is rank ${end!.shape.length} for 'GatherTree' (op: 'GatherTree')`);
    if (step!.shape && parent!.shape && step!.shape.some((d, i) => d !== null && parent!.shape![i] !== null && d !== parent!.shape![i])) {
      throw new ValueError(`Dimensions must be equal, but step_ids has shape ${pyShape(step!.shape)} and parent_ids ${pyShape(parent!.shape)}`);
    }
    return [{ dtype: step!.dtype, shape: step!.shape }];
  },
  lower: () => {
    throw new Error('GatherTree runs on the host before the plan; it cannot be lowered');
  },
  stateful: false,
});
registerGradient('GatherTree', null);

registerHostOp('GatherTree', function* (op, ins) {
  const [step, parent, lens, endArr] = ins as [NDArray, NDArray, NDArray, NDArray];
  const [T, B, K] = step.shape as [number, number, number];
  if (parent.shape.join() !== step.shape.join()) throw new InvalidArgumentError(`step_ids.shape must match parent_ids.shape.  but shapes are: [${step.shape.join(',')}] and [${parent.shape.join(',')}]`, op.name);
  if (lens.shape[0] !== B) throw new InvalidArgumentError(`batch size dimensions step_ids.shape[1] and max_sequence_lengths.shape[0] must match.  but shapes are: [${step.shape.join(',')}] and [${lens.shape.join(',')}]`, op.name);
  const sd = step.data as ArrayLike<number>;
  const pd = parent.data as ArrayLike<number>;
  const ld = lens.data as ArrayLike<number>;
  const end = Number((endArr.data as ArrayLike<number>)[0]);
  const out = new Int32Array(T * B * K).fill(end);
  const at = (t: number, b: number, k: number): number => (t * B + b) * K + k;
  for (let b = 0; b < B; b++) {
    const len = Math.min(T, Number(ld[b]));
    if (len <= 0) continue;
    for (let k = 0; k < K; k++) {
      out[at(len - 1, b, k)] = sd[at(len - 1, b, k)]!;
      let p = pd[at(len - 1, b, k)]!;
      for (let t = len - 2; t >= 0; t--) {
        if (p < 0 || p >= K) throw new InvalidArgumentError(`Saw invalid parent id ${p} at (batch, time, beam) == (${b}, ${t}, ${k})`, op.name);
        out[at(t, b, k)] = sd[at(t, b, p)]!;
        p = pd[at(t, b, p)]!;
      }
      // Everything after the first end token is the end token.
      let finished = false;
      for (let t = 0; t < len; t++) {
        if (finished) out[at(t, b, k)] = end;
        else if (out[at(t, b, k)] === end) finished = true;
      }
    }
  }
  return [new NDArray(out, [T, B, K], 'int32')];
});

/** `gatherTree(stepIds, parentIds, maxSequenceLengths, endToken, name?)`: int32 `[max_time, batch, beam]`. */
export function gatherTree(...args: unknown[]): Tensor {
  const o = kwargs(args, ['stepIds', 'parentIds', 'maxSequenceLengths', 'endToken', 'name'], 'gather_tree', 4);
  const step = toTensor(o.stepIds as TensorLike, 'int32', 'step_ids');
  const parent = toTensor(o.parentIds as TensorLike, 'int32', 'parent_ids');
  const lens = toTensor(o.maxSequenceLengths as TensorLike, 'int32', 'max_sequence_lengths');
  const end = toTensor(o.endToken as TensorLike, 'int32', 'end_token');
  for (const [t, n] of [[step, 'step_ids'], [parent, 'parent_ids'], [lens, 'max_sequence_lengths'], [end, 'end_token']] as const) {
    if (t.dtype !== 'int32') throw new TypeError(`Value passed to parameter '${n}' has DataType ${t.dtype} not in list of allowed values: int32`);
  }
  return makeOp(step.graph ?? getDefaultGraph(), 'GatherTree', [step, parent, lens, end], {}, o.name as string | undefined, 'GatherTree').outputs[0]!;
}
