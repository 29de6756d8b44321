/**
 * `tf.contrib.seq2seq`'s monotonic attention (TF 1.15 attention_wrapper.py, Raffel et al. 2017):
 * - `monotonicAttention(pChooseI, previousAttention, mode)`: the expected attention when each
 *   memory entry j is chosen with probability p_j, moving only forward from the previous step:
 *   q_j = (1 - p_{j-1}) q_{j-1} + a_{j}, attention_j = p_j q_j ('recursive', a tf.scan;
 *   'parallel', its closed form with safeCumprod; 'hard', p in {0, 1}).
 * - `BahdanauMonotonicAttention(numUnits, memory, memorySequenceLength?, normalize?,
 *   scoreMaskValue?, sigmoidNoise = 0, sigmoidNoiseSeed?, scoreBiasInit = 0, mode = 'parallel',
 *   dtype?, name)` and `LuongMonotonicAttention(numUnits, memory, memorySequenceLength?, scale?,
 *   ...)`: the additive / multiplicative score plus `attention_score_bias`, its sigmoid
 *   (noised when sigmoidNoise > 0; a step at 0 in 'hard' mode) as p. Their alignments start with
 *   all weight on the first memory entry.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { initScope } from '../../graph/init-scope.js';
import { Tensor } from '../../graph/tensor.js';
import { Dense } from '../../layers/dense.js';
import { getVariable } from '../../scope/get-variable.js';
import { constantInitializer, onesInitializer, zerosInitializer } from '../../scope/initializers.js';
import { concat, expandDims, oneHot, ones, reshape, shape as shapeOf, squeeze, transpose, zeros } from '../../ops/array.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { scan } from '../../ops/functional-ops.js';
import { add, cast, clipByValue, divide, greater, matmul, multiply, reduceSum, rsqrt, sigmoid, square, subtract, tanh } from '../../ops/math.js';
import { randomNormal } from '../../ops/random.js';
import { cumprod, cumsum } from '../../ops/scan.js';
import { index } from '../../ops/strided-slice.js';
import type { Variable } from '../../ops/variables.js';
import { BaseAttentionMechanism, safeCumprod } from './attention-wrapper.js';

type Mode = 'recursive' | 'parallel' | 'hard';

/** `monotonicAttention(pChooseI, previousAttention, mode)`: `[batch, memory time]`. */
export function monotonicAttention(pChooseI: TensorLike, previousAttention: TensorLike, mode: string): Tensor {
  const p = toTensor(pChooseI, undefined, 'p_choose_i');
  const prev = toTensor(previousAttention, p.dtype, 'previous_attention');
  if (mode === 'recursive') {
    const batch = index(shapeOf(p), 0);
    const shifted = concat([ones(reshape(concat([expandDims(batch, 0), [1]], 0), [2]) as never, p.dtype), subtract(1, index(p, ':', ':-1'))], 1);
    const qs = scan(
      (x: Tensor, yz: [Tensor, Tensor]) => add(multiply(yz[0], x), yz[1]),
      [transpose(shifted), transpose(prev)],
      zeros(expandDims(batch, 0) as never, p.dtype),
    ) as Tensor;
    return multiply(p, transpose(qs));
  }
  if (mode === 'parallel') {
    const c = safeCumprod(subtract(1, p), { axis: 1, exclusive: true });
    return multiply(multiply(p, c), cumsum(divide(prev, clipByValue(c, 1e-10, 1)), 1));
  }
  if (mode === 'hard') {
    // p in {0, 1}: drop choices before the previous step's index, keep the first one left.
    const chosen = multiply(p, cumsum(prev, 1));
    return multiply(chosen, cumprod(subtract(1, chosen), 1, true));
  }
  throw new ValueError("mode must be 'recursive', 'parallel', or 'hard'.");
}

/** TF's _monotonic_probability_fn: p = sigmoid(score + noise) (a step at 0 in 'hard' mode), then monotonicAttention. */
function monotonicProbabilityFn(sigmoidNoise: number, mode: Mode, seed: number | undefined) {
  return (score: Tensor, previous: Tensor): Tensor => {
    let s = score;
    if (sigmoidNoise > 0) s = add(s, multiply(sigmoidNoise, randomNormal(shapeOf(score), { dtype: score.dtype, seed })));
    const p = mode === 'hard' ? cast(greater(s, 0), s.dtype) : sigmoid(s);
    return monotonicAttention(p, previous, mode);
  };
}

const checkUnits = (n: unknown, where: string): number => {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new ValueError(`${where}: num_units must be a positive integer, got ${String(n)}`);
  return n;
};
const checkMode = (m: unknown): Mode => {
  const mode = (m as string | undefined) ?? 'parallel';
  if (mode !== 'recursive' && mode !== 'parallel' && mode !== 'hard') throw new ValueError("mode must be 'recursive', 'parallel', or 'hard'.");
  return mode;
};
const dtypeOf = (o: Record<string, unknown>): string =>
  o.dtype !== undefined && o.dtype !== null ? String(o.dtype) : o.memory instanceof Tensor ? o.memory.dtype : 'float32';

/** TF's _BaseMonotonicAttentionMechanism: alignments start as one-hot on the first memory entry. */
abstract class BaseMonotonicAttentionMechanism extends BaseAttentionMechanism {
  override initialAlignments(batchSize: number | Tensor, dtype: string): Tensor {
    const maxTime = this.alignmentsSize;
    if (typeof maxTime !== 'number') throw new ValueError("monotonic attention needs the memory's max time known");
    return oneHot(zeros([batchSize as never], 'int32'), maxTime, { dtype });
  }
}

const BAHDANAU_NAMES = ['numUnits', 'memory', 'memorySequenceLength', 'normalize', 'scoreMaskValue', 'sigmoidNoise', 'sigmoidNoiseSeed', 'scoreBiasInit', 'mode', 'dtype', 'name'] as const;

/** `BahdanauMonotonicAttention(numUnits, memory, memorySequenceLength?, normalize?, scoreMaskValue?, sigmoidNoise?, sigmoidNoiseSeed?, scoreBiasInit?, mode?, dtype?, name)`. */
export class BahdanauMonotonicAttention extends BaseMonotonicAttentionMechanism {
  readonly numUnits: number;
  readonly normalize: boolean;
  readonly scoreBiasInit: number;
  attentionV: Variable | null = null;
  attentionG: Variable | null = null;
  attentionB: Variable | null = null;
  attentionScoreBias: Variable | null = null;

  constructor(...args: unknown[]) {
    const o = kwargs(args, BAHDANAU_NAMES, 'BahdanauMonotonicAttention', 2);
    const n = checkUnits(o.numUnits, 'BahdanauMonotonicAttention');
    const dtype = dtypeOf(o);
    super({
      queryLayer: new Dense(n, { name: 'query_layer', useBias: false, dtype }),
      memoryLayer: new Dense(n, { name: 'memory_layer', useBias: false, dtype }),
      memory: o.memory as TensorLike, memorySequenceLength: (o.memorySequenceLength as TensorLike | undefined) ?? null,
      probabilityFn: monotonicProbabilityFn((o.sigmoidNoise as number | undefined) ?? 0, checkMode(o.mode), (o.sigmoidNoiseSeed as number | undefined) ?? undefined),
      scoreMaskValue: (o.scoreMaskValue as number | undefined) ?? null, customKeyValueFn: null, name: (o.name as string | undefined) ?? 'BahdanauMonotonicAttention', dtype,
    });
    this.numUnits = n;
    this.normalize = (o.normalize as boolean | undefined) ?? false;
    this.scoreBiasInit = (o.scoreBiasInit as number | undefined) ?? 0;
  }

  call(query: Tensor, state: Tensor): [Tensor, Tensor] {
    const score = this.inScope('bahdanau_monotonic_attention', () => {
      const pq = expandDims(this.queryLayer!.apply(query) as Tensor, 1);
      const dt = query.dtype;
      const n = this.numUnits;
      initScope(getDefaultGraph(), () => {
        if (this.attentionV !== null) return;
        this.attentionV = getVariable('attention_v', { shape: [n], dtype: dt });
        if (this.normalize) {
          this.attentionG = getVariable('attention_g', { shape: [], dtype: dt, initializer: constantInitializer(Math.sqrt(1 / n)) });
          this.attentionB = getVariable('attention_b', { shape: [n], dtype: dt, initializer: zerosInitializer() });
        }
        this.attentionScoreBias = getVariable('attention_score_bias', { shape: [], dtype: dt, initializer: constantInitializer(this.scoreBiasInit) });
      });
      const v = this.attentionV!.value();
      const sc = this.normalize
        ? reduceSum(multiply(multiply(multiply(this.attentionG!.value(), v), rsqrt(reduceSum(square(v)))), tanh(add(add(this.keys, pq), this.attentionB!.value()))), [2])
        : reduceSum(multiply(v, tanh(add(this.keys, pq))), [2]);
      return add(sc, this.attentionScoreBias!.value());
    });
    const alignments = this.probabilityFn(score, state);
    return [alignments, alignments];
  }
}

const LUONG_NAMES = ['numUnits', 'memory', 'memorySequenceLength', 'scale', 'scoreMaskValue', 'sigmoidNoise', 'sigmoidNoiseSeed', 'scoreBiasInit', 'mode', 'dtype', 'name'] as const;

/** `LuongMonotonicAttention(numUnits, memory, memorySequenceLength?, scale?, scoreMaskValue?, sigmoidNoise?, sigmoidNoiseSeed?, scoreBiasInit?, mode?, dtype?, name)`. */
export class LuongMonotonicAttention extends BaseMonotonicAttentionMechanism {
  readonly numUnits: number;
  readonly scale: boolean;
  readonly scoreBiasInit: number;
  attentionG: Variable | null = null;
  attentionScoreBias: Variable | null = null;

  constructor(...args: unknown[]) {
    const o = kwargs(args, LUONG_NAMES, 'LuongMonotonicAttention', 2);
    const n = checkUnits(o.numUnits, 'LuongMonotonicAttention');
    const dtype = dtypeOf(o);
    super({
      queryLayer: null,
      memoryLayer: new Dense(n, { name: 'memory_layer', useBias: false, dtype }),
      memory: o.memory as TensorLike, memorySequenceLength: (o.memorySequenceLength as TensorLike | undefined) ?? null,
      probabilityFn: monotonicProbabilityFn((o.sigmoidNoise as number | undefined) ?? 0, checkMode(o.mode), (o.sigmoidNoiseSeed as number | undefined) ?? undefined),
      scoreMaskValue: (o.scoreMaskValue as number | undefined) ?? null, customKeyValueFn: null, name: (o.name as string | undefined) ?? 'LuongMonotonicAttention', dtype,
    });
    this.numUnits = n;
    this.scale = (o.scale as boolean | undefined) ?? false;
    this.scoreBiasInit = (o.scoreBiasInit as number | undefined) ?? 0;
  }

  call(query: Tensor, state: Tensor): [Tensor, Tensor] {
    const score = this.inScope('luong_monotonic_attention', () => {
      const dt = query.dtype;
      initScope(getDefaultGraph(), () => {
        if (this.attentionScoreBias !== null) return;
        if (this.scale) this.attentionG = getVariable('attention_g', { shape: [], dtype: dt, initializer: onesInitializer() });
        this.attentionScoreBias = getVariable('attention_score_bias', { shape: [], dtype: dt, initializer: constantInitializer(this.scoreBiasInit) });
      });
      let sc = squeeze(matmul(expandDims(query, 1), this.keys, { transposeB: true }), [1]);
      if (this.scale) sc = multiply(this.attentionG!.value(), sc);
      return add(sc, this.attentionScoreBias!.value());
    });
    const alignments = this.probabilityFn(score, state);
    return [alignments, alignments];
  }
}
