/** Converting a distribution's parameters, as `ops.convert_to_tensor` / `identity` in TF's constructors. */
import type { DType } from '../dtype.js';
import { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { assertLessEqual, assertNear, assertNonNegative, identity, log, log1p, multiply, nn, reduceSum, sigmoid, subtract } from '../ops/index.js';

const softmax = nn.softmax;
import { Variable } from '../ops/variables.js';

const FLOATS: readonly DType[] = ['float16', 'float32', 'float64'];

/** The dtype of the first tensor among `values` (numbers and arrays then take it), else `dflt`. */
export function commonDtype(values: readonly unknown[], dflt: DType = 'float32'): DType {
  for (const v of values) if (v instanceof Tensor || v instanceof Variable) return v.dtype;
  return dflt;
}

/** `identity(value, name=name)` of a parameter in `dtype` (numbers converted to it). */
export function param(value: TensorLike, dtype: DType, name: string): Tensor {
  const t = value instanceof Tensor ? value : toTensor(value, dtype);
  return identity(t, { name });
}

export function isFloat(d: DType): boolean {
  return FLOATS.includes(d);
}

/**
 * TF's `distribution_util.get_logits_and_probs(logits, probs, multidimensional, validate_args)`:
 * exactly one of them given, the other derived (sigmoid / softmax of the logits; log(p) -
 * log1p(-p), or log(p) for a categorical, of the probs), with TF's checks when validating.
 */
export function getLogitsAndProbs(
  logits: TensorLike | null | undefined, probs: TensorLike | null | undefined, multidimensional: boolean, validateArgs: boolean, dtype?: DType,
): [Tensor, Tensor] {
  if ((probs === null || probs === undefined) === (logits === null || logits === undefined)) throw new ValueError('Must pass probs or logits, but not both.');
  if (probs === null || probs === undefined) {
    const l = identityOf(logits!, dtype, 'logits');
    if (!isFloat(l.dtype)) throw new TypeError('logits must having floating type.');
    return [l, multidimensional ? softmax(l, { name: 'probs' }) : sigmoid(l, { name: 'probs' })];
  }
  let p = identityOf(probs, dtype, 'probs');
  if (!isFloat(p.dtype)) throw new TypeError('probs must having floating type.');
  if (validateArgs) {
    p = getDefaultGraph().nameScope('validate_probs', () => {
      const one = toTensor(1, p.dtype);
      const deps = [assertNonNegative(p)];
      if (multidimensional) deps.push(assertNear(reduceSum(p, -1), one, { message: 'probs does not sum to 1.' }));
      else deps.push(assertLessEqual(p, one, { message: 'probs has components greater than 1.' }));
      return getDefaultGraph().controlDependencies(deps, () => identity(p));
    });
  }
  const l = getDefaultGraph().nameScope('logits', () => (multidimensional ? log(p) : subtract(log(p), log1p(multiply(toTensor(-1, p.dtype), p)))));
  return [l, p];
}

function identityOf(v: TensorLike, dtype: DType | undefined, name: string): Tensor {
  const t = v instanceof Tensor ? v : toTensor(v, dtype ?? 'float32');
  if (dtype && t.dtype !== dtype) throw new TypeError(`Tensor conversion requested dtype ${dtype} for Tensor with dtype ${t.dtype}: ${t.name}`);
  return identity(t, { name });
}
