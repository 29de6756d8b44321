/**
 * `tf.strings.format(template, inputs, placeholder = '{}', summarize = 3, name?)` (TF 1.15's
 * string_ops.string_format): a scalar string, `template` with each `placeholder` replaced by the
 * next input printed as tf.print prints it (`[1 2 3]`, `[[1 2]\n [3 4]]`, `summarize` entries at
 * each end of every dimension with `...` between; -1 prints all). A single tensor may stand for
 * the list. The StringFormat op itself is the one tf.print builds on (logging-ops.ts).
 */
import { kwargs } from '../args.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type TensorLike, toTensor } from './convert.js';
import './logging-ops.js';
import { makeOp } from './registry.js';

/** Non-overlapping occurrences of `sub` in `s`, as Python's str.count. */
function count(s: string, sub: string): number {
  if (sub === '') return s.length + 1;
  return s.split(sub).length - 1;
}

export function format(...args: unknown[]): Tensor {
  const o = kwargs(args, ['template', 'inputs', 'placeholder', 'summarize', 'name'], 'string_format', 2);
  const template = o.template;
  if (typeof template !== 'string') throw new TypeError(`string_format(): template must be a string, got ${String(template)}`);
  const placeholder = (o.placeholder as string | undefined) ?? '{}';
  if (typeof placeholder !== 'string' || placeholder === '') throw new ValueError(`string_format(): placeholder must be a non-empty string, got ${String(placeholder)}`);
  const summarize = (o.summarize as number | undefined) ?? 3;
  if (!Number.isInteger(summarize)) throw new TypeError(`Expected int for argument 'summarize' not ${String(summarize)}.`);
  // one tensor is wrapped in a list, as TF does
  const raw = o.inputs instanceof Tensor || o.inputs instanceof NDArray || !Array.isArray(o.inputs) ? [o.inputs] : (o.inputs as unknown[]);
  const n = count(template, placeholder);
  if (n !== raw.length) throw new ValueError(`${n} placeholder(s) in template does not match ${raw.length} tensor(s) provided as input`);
  const ts = raw.map((x) => toTensor(x as TensorLike));
  const g = ts[0]?.graph ?? getDefaultGraph();
  return makeOp(g, 'StringFormat', ts, { template, placeholder, summarize }, o.name as string | undefined, 'StringFormat').outputs[0]!;
}
