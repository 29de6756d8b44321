/**
 * `tf.convert_to_tensor`, and TF's autopacking: a (nested) list holding tensors becomes a
 * `Pack` of them (`packed`, with host elements as Consts `packed/1`, inner lists `packed/0`),
 * wherever a tensor is expected (`tf.reduceMean([a, b])`, `tf.reshape(x, [n, -1])`).
 */
import { z } from 'zod';
import { type DType, parseDType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { pyShape } from '../shape.js';
import { kwargs } from '../args.js';
import { dtypeSchema, parseOptions } from '../validate.js';
import { type HostValue, type TensorLike, isConvertible, setPacker, toNDArray, toTensor } from './convert.js';
import { makeOp } from './registry.js';

const isTensorish = (x: unknown): boolean => x instanceof Tensor || isConvertible(x);

/** Does a nested list hold a tensor or variable anywhere? */
export function holdsTensor(x: readonly unknown[]): boolean {
  for (const e of x) if (isTensorish(e) || (Array.isArray(e) && holdsTensor(e))) return true;
  return false;
}

function firstTensor(x: readonly unknown[]): Tensor | null {
  for (const e of x) {
    if (isTensorish(e)) return toTensor(e as TensorLike);
    if (Array.isArray(e)) {
      const t = firstTensor(e);
      if (t) return t;
    }
  }
  return null;
}

/** Python's repr of a tensor, as TF's messages print it. */
export function tensorRepr(t: Tensor): string {
  return `<tf.Tensor '${t.name}' shape=${pyShape(t.shape)} dtype=${t.dtype}>`;
}

function pack(g: Graph, list: readonly unknown[], dtype: DType, name: string): Tensor {
  return g.nameScope(name, (scope) => {
    const elems = list.map((e, i): Tensor | HostValue => {
      if (isTensorish(e)) {
        const t = toTensor(e as TensorLike);
        if (t.dtype !== dtype) {
          throw new TypeError(`Cannot convert a list containing a tensor of dtype <dtype: '${t.dtype}'> to <dtype: '${dtype}'> (Tensor is: ${tensorRepr(t)})`);
        }
        return t;
      }
      if (Array.isArray(e) && holdsTensor(e)) return pack(g, e, dtype, String(i));
      return e as HostValue;
    });
    const ts = elems.map((e, i) => (e instanceof Tensor ? e : toTensor(toNDArray(e, dtype), dtype, String(i))));
    return makeOp(g, 'Pack', ts, { axis: 0 }, scope, 'stack').outputs[0]!;
  });
}

/** TF's `_autopacking_conversion_function`: null when the list holds no tensor (a plain constant). */
export function autopack(list: readonly unknown[], dtype?: DType, name?: string): Tensor | null {
  if (!holdsTensor(list)) return null;
  const first = firstTensor(list)!;
  return pack(first.graph, list, dtype ?? first.dtype, name ?? 'packed');
}
setPacker(autopack);

const convertOptions = z.strictObject({
  dtype: dtypeSchema.nullish(),
  name: z.string().nullish(),
  preferredDtype: dtypeSchema.nullish(),
  dtypeHint: dtypeSchema.nullish(),
});

/**
 * `tf.convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None)`: a tensor as is
 * (its dtype must be `dtype`), a Variable's value, a packed list of tensors, or a Const.
 */
export function convertToTensor(value: TensorLike, ...args: unknown[]): Tensor {
  const o = parseOptions(convertOptions, kwargs(args, ['dtype', 'name', 'preferredDtype'], 'convertToTensor'), 'convertToTensor');
  const dtype = o.dtype == null ? undefined : parseDType(o.dtype);
  const preferred = o.preferredDtype ?? o.dtypeHint;
  const name = o.name ?? undefined;
  if (dtype === undefined && preferred != null && !isTensorish(value)) {
    try {
      return convertToTensor(value, { dtype: preferred, name });
    } catch {
      // as TF: the preferred dtype is only a hint
    }
  }
  if (isTensorish(value)) {
    const t = toTensor(value);
    if (dtype !== undefined && t.dtype !== dtype) {
      throw new ValueError(`Tensor conversion requested dtype ${dtype} for Tensor with dtype ${t.dtype}: ${tensorRepr(t)}`);
    }
    return t;
  }
  if (Array.isArray(value)) {
    const p = autopack(value, dtype, name);
    if (p) return p;
  }
  if (value === null || value === undefined) throw new ValueError(`None values not supported.`);
  return toTensor(value as TensorLike, dtype, name ?? 'Const');
}
