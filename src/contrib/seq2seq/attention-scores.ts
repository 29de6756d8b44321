/**
 * The pieces TF 1.15's attention mechanisms share (attention_wrapper.py's _bahdanau_score,
 * _luong_score and the constructors' common arguments), used by BahdanauAttention /
 * LuongAttention and their monotonic variants.
 */
import { ValueError } from '../../errors.js';
import { Tensor } from '../../graph/tensor.js';
import { Dense } from '../../layers/dense.js';
import { getVariable } from '../../scope/get-variable.js';
import { constantInitializer, onesInitializer, zerosInitializer } from '../../scope/initializers.js';
import { expandDims, squeeze } from '../../ops/array.js';
import type { TensorLike } from '../../ops/convert.js';
import { add, matmul, multiply, reduceSum, rsqrt, square, tanh } from '../../ops/math.js';
import type { Variable } from '../../ops/variables.js';

/** The additive score's variables: `attention_v`, and when normalized `attention_g` (sqrt(1/n)) and `attention_b`. */
export interface BahdanauVariables { v: Variable; g: Variable | null; b: Variable | null }

/** Creates the additive score's variables in the current variable scope. */
export function bahdanauVariables(numUnits: number, dtype: string, normalize: boolean): BahdanauVariables {
  const v = getVariable('attention_v', { shape: [numUnits], dtype });
  if (!normalize) return { v, g: null, b: null };
  return {
    v,
    g: getVariable('attention_g', { shape: [], dtype, initializer: constantInitializer(Math.sqrt(1 / numUnits)) }),
    b: getVariable('attention_b', { shape: [numUnits], dtype, initializer: zerosInitializer() }),
  };
}

/** `sum(v · tanh(keys + query))` over the units, or with `g · v / |v|` and the bias `b` when normalized: `[batch, max time]`. */
export function bahdanauScore(processedQuery: Tensor, keys: Tensor, vars: BahdanauVariables): Tensor {
  const pq = expandDims(processedQuery, 1);
  const v = vars.v.value();
  if (vars.g === null) return reduceSum(multiply(v, tanh(add(keys, pq))), [2]);
  const normedV = multiply(multiply(vars.g.value(), v), rsqrt(reduceSum(square(v))));
  return reduceSum(multiply(normedV, tanh(add(add(keys, pq), vars.b!.value()))), [2]);
}

/** Creates the multiplicative score's scalar `attention_g` (ones). */
export const luongScale = (dtype: string): Variable => getVariable('attention_g', { shape: [], dtype, initializer: onesInitializer() });

/** `query · keys` (times `g` when scaled): `[batch, max time]`; the query's depth must equal the keys'. */
export function luongScore(query: Tensor, keys: Tensor, g: Variable | null): Tensor {
  const depth = query.shape?.[query.shape.length - 1] ?? null;
  const keyUnits = keys.shape?.[keys.shape.length - 1] ?? null;
  if (depth !== keyUnits || depth === null) {
    throw new ValueError(
      `Incompatible or unknown inner dimensions between query and keys.  Query (${query.name}) has units: ${depth ?? 'None'}.  Keys (${keys.name}) have units: ${keyUnits ?? 'None'}.  Perhaps you need to set num_units to the keys' dimension (${keyUnits ?? 'None'})?`,
    );
  }
  const score = squeeze(matmul(expandDims(query, 1), keys, { transposeB: true }), [1]);
  return g === null ? score : multiply(g.value(), score);
}

export function checkUnits(n: unknown, where: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new ValueError(`${where}: num_units must be a positive integer, got ${String(n)}`);
  return n;
}

/** The mechanism's dtype: the `dtype` argument, else the memory's (TF's default float32 keeps float64 memories working this way). */
export const mechanismDtype = (o: Record<string, unknown>): string =>
  o.dtype !== undefined && o.dtype !== null ? String(o.dtype) : o.memory instanceof Tensor ? o.memory.dtype : 'float32';

/**
 * The base mechanism's arguments from a constructor's keyword arguments: `memory_layer` (and for
 * additive scores `query_layer`), Dense layers of `numUnits` without bias, in the mechanism's dtype.
 */
export function baseArgs<P>(o: Record<string, unknown>, where: string, withQueryLayer: boolean, probabilityFn: P) {
  const numUnits = checkUnits(o.numUnits, where);
  const dtype = mechanismDtype(o);
  return {
    queryLayer: withQueryLayer ? new Dense(numUnits, { name: 'query_layer', useBias: false, dtype }) : null,
    memoryLayer: new Dense(numUnits, { name: 'memory_layer', useBias: false, dtype }),
    memory: o.memory as TensorLike,
    memorySequenceLength: (o.memorySequenceLength as TensorLike | undefined) ?? null,
    probabilityFn,
    scoreMaskValue: (o.scoreMaskValue as number | undefined) ?? null,
    customKeyValueFn: (o.customKeyValueFn as ((m: Tensor) => [Tensor, Tensor]) | undefined) ?? null,
    name: (o.name as string | undefined) ?? where,
    dtype,
  };
}
