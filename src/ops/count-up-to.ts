/**
 * `tf.countUpTo(ref, limit)` / `Variable.countUpTo(limit)`: TF's CountUpTo, which increments an
 * int32/int64 scalar variable and outputs its value from before; at `limit` it fails the run
 * with OutOfRangeError `Reached limit of N` and leaves the variable as it was. As in TF it has a
 * CPU kernel only (its check runs on the host).
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { OutOfRangeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { shapeFnError } from './array.js';
import { Variable } from './variables.js';

defineOp<{ limit: number }>({
  type: 'CountUpTo',
  infer: ([ref], a, name) => {
    if (ref!.dtype !== 'int32' && ref!.dtype !== 'int64') {
      throw new TypeError(`Value passed to parameter 'ref' has DataType ${ref!.dtype} not in list of allowed values: int32, int64`);
    }
    if (ref!.op.type !== 'VariableV2') throw new TypeError(`'${name}' needs a Variable as its first input, got ${ref!.name}`);
    const s = ref!.shape;
    if (s !== null && s.length !== 0) throw shapeFnError(`Shape must be rank 0 but is rank ${s.length}`, name, 'CountUpTo', [s]);
    void a;
    return [{ dtype: ref!.dtype, shape: [] }];
  },
  lower: (b, [ref], a) => {
    const dtype = ref!.dtype as DType;
    const op = b.opName;
    const limit = a.limit;
    const before = b.prim(
      'host',
      {
        run: ([x]) => {
          const v = Number((x!.data as ArrayLike<number>)[0]);
          if (v >= limit) throw new OutOfRangeError(`Reached limit of ${limit}`, op);
          return [[v]];
        },
        inShapes: [[...ref!.shape]],
        inDTypes: [dtype],
      },
      [ref!],
      [{ dtype, shape: [] }],
    )[0]!;
    b.assign(ref!, b.binary('add', before, b.scalar(1, dtype)));
    return [before];
  },
  stateful: true,
  fallbackOnly: true,
});
registerGradient('CountUpTo', null);

/**
 * `tf.countUpTo(ref, limit, name?)`: increments the int32/int64 scalar variable `ref` and returns
 * its value from before the increment; a run that finds it at `limit` fails with
 * OutOfRangeError `Reached limit of <limit>`.
 */
export function countUpTo(...args: unknown[]): Tensor {
  const o = kwargs(args, ['ref', 'limit', 'name'], 'count_up_to', 2);
  const limit = o.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit)) throw new TypeError(`Expected int for argument 'limit' not ${String(limit)}.`);
  const ref = o.ref instanceof Variable ? o.ref.ref : (o.ref as Tensor);
  return makeOp(ref.graph, 'CountUpTo', [ref], { limit }, (o.name as string | null | undefined) ?? undefined, 'CountUpTo').outputs[0]!;
}
