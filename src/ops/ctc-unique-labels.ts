/**
 * `tf.nn.ctcUniqueLabels(labels, name?)` (TF 1.15 ctc_ops.ctc_unique_labels): per batch row, the
 * distinct labels in order of first appearance padded with zeros to the row's length (int64),
 * and each label's position among them (int32), as TF's map_fn over tf.unique.
 */
import type { Tensor } from '../graph/tensor.js';
import { shape, stack } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { mapFn } from './functional-ops.js';
import { cast, subtract } from './math.js';
import { pad } from './pad.js';
import { unique } from './set-ops.js';
import { index } from './strided-slice.js';

export function ctcUniqueLabels(labels: TensorLike, name?: string | { name?: string }): [Tensor, Tensor] {
  const n = typeof name === 'object' ? name.name : name;
  const l0 = toTensor(labels, undefined, 'labels');
  return l0.graph.nameScope(n ?? 'ctc_unique_labels', () => {
    const l = toTensor(labels, undefined, 'labels');
    const out = mapFn(
      (x: Tensor) => {
        const [y, idx] = unique(x);
        const size = (t: Tensor) => index(shape(t), 0);
        const padded = pad(y, stack([stack([0, subtract(size(idx), size(y))])]));
        return [cast(padded, 'int64'), idx];
      },
      l,
      { dtype: ['int64', 'int32'] },
    ) as Tensor[];
    return [out[0]!, out[1]!];
  });
}
