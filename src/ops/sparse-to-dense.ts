/**
 * TF's `SparseToDense` op (tf.sparse.toDense of a SparseTensor whose dense shape is known only
 * when the graph runs, e.g. one parsed from tf.Example protos): a host-stage op, as its output
 * shape comes from a value. With validate_indices the indices must be in bounds, in row-major
 * order and not repeated (TF's SparseTensor::IndicesValid texts). Its gradient is TF's:
 * `gatherNd(grad, indices)` for the values, the rest of the sum for the default.
 */
import { type DType, StringArray, arrayCtor } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';
import { NDArray } from '../ndarray.js';
import { reshape, zerosLike } from './array.js';
import { defineHostOp } from './host-values.js';
import { reduceSum, subtract } from './math.js';
import { makeOp, registerGradient } from './registry.js';
import { gatherNd } from './scatter-nd.js';

interface Attrs { validateIndices: boolean; [k: string]: unknown }

const constShape = (t: Tensor): number[] | null => (t.op.type === 'Const' ? Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null);

defineHostOp<Attrs>({
  type: 'SparseToDense',
  infer: ([idx, shape, values, dflt]) => {
    if (idx!.dtype !== 'int32' && idx!.dtype !== 'int64') throw new TypeError(`Value passed to parameter 'sparse_indices' has DataType ${idx!.dtype} not in list of allowed values: int32, int64`);
    if (dflt!.dtype !== values!.dtype) throw new TypeError(`Input 'default_value' of 'SparseToDense' Op has type ${dflt!.dtype} that does not match type ${values!.dtype} of argument 'sparse_values'.`);
    if (shape!.shape !== null && shape!.shape.length > 1) throw new ValueError(`Shape must be at most rank 1 but is rank ${shape!.shape.length} for 'SparseToDense' (output_shape)`);
    const known = constShape(shape!);
    const r = shape!.shape === null ? null : shape!.shape.length === 0 ? 1 : shape!.shape[0];
    return [{ dtype: values!.dtype, shape: known ?? (r === null || r === undefined ? null : Array.from({ length: r }, () => null)) }];
  },
  run: ([idx, shapeV, values, dflt], a, op) => {
    const fail = (m: string) => new InvalidArgumentError(m, op.name);
    const shape = Array.from(shapeV!.data as ArrayLike<number>, Number);
    if (shapeV!.shape.length > 1) throw fail(`output_shape should be a vector, got shape [${shapeV!.shape.join(',')}]`);
    const r = shape.length;
    const n = idx!.shape.length === 0 ? 1 : idx!.shape[0]!;
    const cols = idx!.shape.length <= 1 ? 1 : idx!.shape[1]!;
    if (idx!.shape.length > 2) throw fail(`sparse_indices should be a scalar, vector, or matrix, got shape [${idx!.shape.join(',')}]`);
    if (cols !== r) throw fail(`sparse_indices[0] must have ${r} elements; got ${cols}`);
    const scalarValues = values!.shape.length === 0;
    if (!scalarValues && (values!.shape.length !== 1 || values!.shape[0] !== n)) throw fail(`sparse_values has incorrect shape [${values!.shape.join(',')}], should be [] or [${n}]`);
    if (dflt!.shape.length !== 0) throw fail(`default_value should be a scalar, got shape [${dflt!.shape.join(',')}]`);
    const iv = idx!.data as ArrayLike<number>;
    const at = (i: number) => Array.from({ length: r }, (_, k) => Number(iv[i * r + k]));
    const text = (p: number[]) => `[${p.join(',')}]`;
    if (a.validateIndices) {
      for (let i = 0; i < n; i++) {
        const p = at(i);
        if (p.some((x, k) => x < 0 || x >= shape[k]!)) throw fail(`indices[${i}] = ${text(p)} is out of bounds: need 0 <= index < ${text(shape)}`);
        if (i > 0) {
          const q = at(i - 1);
          const k = p.findIndex((x, j) => x !== q[j]);
          if (k < 0) throw fail(`indices[${i}] = ${text(p)} is repeated`);
          if (p[k]! < q[k]!) throw fail(`indices[${i}] = ${text(p)} is out of order`);
        }
      }
    }
    const size = shape.reduce((x, y) => x * y, 1);
    const dtype = values!.dtype as DType;
    const out = (dtype === 'string' ? new StringArray(size) : new (arrayCtor(dtype))(size)) as unknown as unknown[];
    const fill = (dflt!.data as unknown as ArrayLike<unknown>)[0];
    for (let j = 0; j < size; j++) out[j] = fill;
    const vs = values!.data as unknown as ArrayLike<unknown>;
    for (let i = 0; i < n; i++) {
      const p = at(i);
      if (p.some((x, k) => x < 0 || x >= shape[k]!)) throw fail(`indices[${i}] = ${text(p)} is out of bounds: need 0 <= index < ${text(shape)}`);
      let off = 0;
      for (let k = 0; k < r; k++) off = off * shape[k]! + p[k]!;
      out[off] = scalarValues ? vs[0] : vs[i];
    }
    return [new NDArray(out as never, shape, dtype)];
  },
});

registerGradient('SparseToDense', (op, [dy]) => {
  const [idx, shape] = op.inputs;
  const cols = idx!.shape?.length === 2 ? idx! : reshape(idx!, [-1, 1]);
  const dv = gatherNd(dy!, cols);
  return [zerosLike(idx!), zerosLike(shape!), dv, subtract(reduceSum(dy!), reduceSum(dv))];
});

registerExporter(['SparseToDense'], ({ op, attrs }) => ({
  validate_indices: A.b(attrs.validateIndices !== false), T: A.type(op.inputs[2]!.dtype), Tindices: A.type(op.inputs[0]!.dtype),
}));
RULES.set('SparseToDense', (c) => make(c, 'SparseToDense', c.inputs, { validateIndices: c.attrs.bool('validate_indices', true) }));

/** TF's SparseToDense op over tensors (values [N] or a scalar, default a scalar of their dtype). */
export function sparseToDenseOp(indices: Tensor, outputShape: Tensor, values: Tensor, defaultValue: Tensor, validateIndices = true, name?: string): Tensor {
  return makeOp(values.graph, 'SparseToDense', [indices, outputShape, values, defaultValue], { validateIndices }, name, 'SparseToDense').outputs[0]!;
}
