/**
 * `tf.reverseSequence(input, seqLengths, seqAxis, batchAxis = 0)` (TF's ReverseSequence): each
 * batch entry's first `seqLengths[b]` steps along `seqAxis` reversed, the rest kept. Lowered to
 * one gather over the (batch, time) rows; its gradient is the same reversal of the gradient.
 */
import { kwargs } from '../../args.js';
import { InvalidArgumentError, ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { sizeOf } from '../../shape.js';
import { type TensorLike, toTensor } from '../convert.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';

interface Attrs {
  [k: string]: unknown;
  seqDim: number;
  batchDim: number;
}

defineOp<Attrs>({
  type: 'ReverseSequence',
  infer: ([x, lens], a) => {
    if (lens!.dtype !== 'int32' && lens!.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'seq_lengths' has DataType ${lens!.dtype} not in list of allowed values: int32, int64`);
    const s = x!.shape;
    if (s !== null) {
      if (a.seqDim >= s.length) throw new ValueError(`Invalid seq_dim ${a.seqDim} for input of rank ${s.length}`);
      if (a.batchDim >= s.length) throw new ValueError(`Invalid batch_dim ${a.batchDim} for input of rank ${s.length}`);
    }
    if (a.seqDim === a.batchDim) throw new ValueError(`seq_dim == batch_dim == ${a.seqDim}`);
    if (lens!.shape !== null && lens!.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${lens!.shape.length}`);
    return [{ dtype: x!.dtype, shape: s }];
  },
  lower: (b, [x, lens], a) => {
    const s = x!.shape;
    const B = s[a.batchDim]!;
    const T = s[a.seqDim]!;
    if (lens!.shape[0] !== B) throw new InvalidArgumentError(`Length of seq_lengths != input.dims(${a.batchDim}), (${lens!.shape[0]} vs. ${B})`, b.opName);
    // [batch, time, rest...] rows, gathered at b·T + (t < len ? len - 1 - t : t)
    const others = s.map((_, i) => i).filter((i) => i !== a.batchDim && i !== a.seqDim);
    const perm = [a.batchDim, a.seqDim, ...others];
    const rest = others.map((i) => s[i]!);
    const xt = b.transpose(x!, perm);
    const flat = b.reshape(xt, [B * T, sizeOf(rest)]);
    const l = b.reshape(b.cast(lens!, 'int32'), [B, 1]);
    const t = b.reshape(b.range(T, 0, 1, 'int32'), [1, T]);
    const rev = b.binary('sub', b.binary('sub', l, t), b.scalar(1, 'int32'));
    const src = b.select(b.binary('less', t, l), rev, b.broadcastTo(t, [B, T]));
    const rowBase = b.reshape(b.range(B, 0, T, 'int32'), [B, 1]);
    const idx = b.reshape(b.binary('add', src, rowBase), [B * T]);
    const g = b.reshape(b.gather(flat, idx, 0), [B, T, ...rest]);
    const inv = perm.map((_, i) => perm.indexOf(i));
    return [b.transpose(g, inv)];
  },
});
registerGradient('ReverseSequence', (op, [dy]) => {
  if (!dy) return [null, null];
  return [makeOp(op.graph, 'ReverseSequence', [dy, op.inputs[1]!], { ...op.attrs }, undefined, 'ReverseSequence').outputs[0]!, null];
});

const NAMES = ['input', 'seqLengths', 'seqAxis', 'batchAxis', 'name', 'seqDim', 'batchDim'] as const;

/** `tf.reverseSequence(input, seqLengths, seqAxis?, batchAxis?, name?, seqDim?, batchDim?)`. */
export function reverseSequence(...args: unknown[]): Tensor {
  const o = kwargs(args, NAMES, 'reverse_sequence', 2);
  const x = toTensor(o.input as TensorLike);
  const lens = toTensor(o.seqLengths as TensorLike, Array.isArray(o.seqLengths) ? 'int64' : undefined);
  const seq = (o.seqAxis ?? o.seqDim) as number | undefined;
  if (seq === undefined || seq === null) throw new TypeError("reverse_sequence() missing required argument 'seq_axis'");
  const bat = ((o.batchAxis ?? o.batchDim) as number | undefined) ?? 0;
  const r = x.shape?.length;
  const norm = (v: number): number => (v < 0 && r !== undefined ? v + r : v);
  return makeOp(x.graph, 'ReverseSequence', [x, lens], { seqDim: norm(seq), batchDim: norm(bat) }, o.name as string | undefined, 'ReverseSequence').outputs[0]!;
}
