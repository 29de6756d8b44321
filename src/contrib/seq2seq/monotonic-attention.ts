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
import { getVariable } from '../../scope/get-variable.js';
import { constantInitializer } from '../../scope/initializers.js';
import { concat, expandDims, oneHot, ones, reshape, shape as shapeOf, transpose, zeros } from '../../ops/array.js';
import { type TensorLike, toTensor } from '../../ops/convert.js';
import { scan } from '../../ops/functional-ops.js';
import { add, cast, clipByValue, divide, greater, multiply, sigmoid, subtract } from '../../ops/math.js';
import { randomNormal } from '../../ops/random.js';
import { cumprod, cumsum } from '../../ops/scan.js';
import { index } from '../../ops/strided-slice.js';
import type { Variable } from '../../ops/variables.js';
import { type BahdanauVariables, bahdanauScore, bahdanauVariables, baseArgs, luongScale, luongScore } from './attention-scores.js';
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

const checkMode = (m: unknown): Mode => {
  const mode = (m as string | undefined) ?? 'parallel';
  if (mode !== 'recursive' && mode !== 'parallel' && mode !== 'hard') throw new ValueError("mode must be 'recursive', 'parallel', or 'hard'.");
  return mode;
};
const probabilityOf = (o: Record<string, unknown>) =>
  monotonicProbabilityFn((o.sigmoidNoise as number | undefined) ?? 0, checkMode(o.mode), (o.sigmoidNoiseSeed as number | undefined) ?? undefined);

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
  private vars: BahdanauVariables | null = null;
  private scoreBias: Variable | null = null;

  constructor(...args: unknown[]) {
    const o = kwargs(args, BAHDANAU_NAMES, 'BahdanauMonotonicAttention', 2);
    const base = baseArgs(o, 'BahdanauMonotonicAttention', true, probabilityOf(o));
    super(base);
    this.numUnits = base.queryLayer!.units;
    this.normalize = (o.normalize as boolean | undefined) ?? false;
    this.scoreBiasInit = (o.scoreBiasInit as number | undefined) ?? 0;
  }

  get scoreVariables(): Variable[] {
    return this.vars ? [this.vars.v, this.vars.g, this.vars.b, this.scoreBias].filter((v): v is Variable => v !== null) : [];
  }

  call(query: Tensor, state: Tensor): [Tensor, Tensor] {
    const score = this.inScope('bahdanau_monotonic_attention', () => {
      const processed = this.queryLayer!.apply(query) as Tensor;
      initScope(getDefaultGraph(), () => {
        if (this.vars !== null) return;
        this.vars = bahdanauVariables(this.numUnits, query.dtype, this.normalize);
        this.scoreBias = scoreBias(query.dtype, this.scoreBiasInit);
      });
      return add(bahdanauScore(processed, this.keys, this.vars!), this.scoreBias!.value());
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
  private g: Variable | null = null;
  private scoreBias: Variable | null = null;

  constructor(...args: unknown[]) {
    const o = kwargs(args, LUONG_NAMES, 'LuongMonotonicAttention', 2);
    const base = baseArgs(o, 'LuongMonotonicAttention', false, probabilityOf(o));
    super(base);
    this.numUnits = base.memoryLayer.units;
    this.scale = (o.scale as boolean | undefined) ?? false;
    this.scoreBiasInit = (o.scoreBiasInit as number | undefined) ?? 0;
  }

  get scoreVariables(): Variable[] {
    return [this.g, this.scoreBias].filter((v): v is Variable => v !== null);
  }

  call(query: Tensor, state: Tensor): [Tensor, Tensor] {
    const score = this.inScope('luong_monotonic_attention', () => {
      initScope(getDefaultGraph(), () => {
        if (this.scoreBias !== null) return;
        if (this.scale) this.g = luongScale(query.dtype);
        this.scoreBias = scoreBias(query.dtype, this.scoreBiasInit);
      });
      return add(luongScore(query, this.keys, this.g), this.scoreBias!.value());
    });
    const alignments = this.probabilityFn(score, state);
    return [alignments, alignments];
  }
}

/** The monotonic scores' scalar `attention_score_bias`. */
const scoreBias = (dtype: string, init: number): Variable =>
  getVariable('attention_score_bias', { shape: [], dtype, initializer: constantInitializer(init) });
