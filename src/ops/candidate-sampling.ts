/**
 * TF1's candidate samplers: `tf.nn.logUniformCandidateSampler` and
 * `tf.nn.uniformCandidateSampler` (ops LogUniformCandidateSampler, UniformCandidateSampler).
 *
 * As TF's kernels (range_sampler.cc): with `unique`, candidates are drawn with rejection until
 * `numSampled` distinct ones are found after `numTries` draws, and each expected count is
 * `1 - (1 - p)^numTries`; without, it is `p·numSampled`. Log-uniform draws
 * `floor(exp(u·ln(rangeMax + 1))) - 1` (Zipf-like, p(k) = ln((k+2)/(k+1)) / ln(rangeMax + 1)),
 * uniform draws p(k) = 1/rangeMax. The rejection loop is sequential, so the op runs as a `host`
 * step on the CPU device (TF registers CPU kernels only, too). Its random words come from
 * tsflow's Philox stream, keyed by the op's seeds and a per-run draw of the `random` primitive,
 * so a session repeats its sequence and each run draws anew; the numbers differ from TF's.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { philox } from '../device/philox.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import type { HostFn } from '../device/prims.js';
import { type TensorLike, toTensor } from './convert.js';
import { shapeFnError } from './array.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

export interface SamplerAttrs {
  [k: string]: unknown;
  numTrue: number;
  numSampled: number;
  unique: boolean;
  rangeMax: number;
  seed: number;
  seed2: number;
}

type Dist = 'logUniform' | 'uniform';

/** Words of one run's stream: Philox blocks keyed by the op's seeds, the run key in the counter. */
export class Words {
  private readonly w = new Uint32Array(4);
  private block = 0;
  private k = 4;
  constructor(private readonly seed: [number, number], private readonly run0: number, private readonly run1: number) {}
  next(): number {
    if (this.k === 4) {
      philox(this.block++, this.run0, this.run1, 0x63616e64, this.seed[0] >>> 0, this.seed[1] >>> 0, this.w);
      this.k = 0;
    }
    return this.w[this.k++]!;
  }
  /** Uniform in [0, 1) with 53 random bits. */
  double(): number {
    return ((this.next() >>> 5) * 67108864 + (this.next() >>> 6)) / 9007199254740992;
  }
}

function sampler(dist: Dist, range: number): { sample: (r: Words) => number; prob: (k: number) => number } {
  if (dist === 'uniform') return { sample: (r) => Math.min(range - 1, Math.floor(r.double() * range)), prob: () => 1 / range };
  const logRange = Math.log1p(range);
  return {
    sample: (r) => (Math.floor(Math.exp(r.double() * logRange)) - 1) % range,
    prob: (k) => Math.log((k + 2) / (k + 1)) / logRange,
  };
}

/** TF's ExpectedCountHelper, in float32 as TF's kernel computes it. */
export function expectedCount(p: number, numSampled: number, numTries: number): number {
  const pf = Math.fround(p);
  return Math.fround(numTries === numSampled ? pf * numSampled : -Math.expm1(numTries * Math.log1p(-pf)));
}

/** `n` candidates from `sample` (distinct when `unique`, as TF redraws repeats) and how many draws it took. */
export function drawCandidates(n: number, unique: boolean, sample: () => number): { sampled: Float64Array; tries: number } {
  const sampled = new Float64Array(n);
  if (!unique) {
    for (let i = 0; i < n; i++) sampled[i] = sample();
    return { sampled, tries: n };
  }
  let tries = 0;
  const used = new Set<number>();
  while (used.size < n) {
    tries++;
    const v = sample();
    if (!used.has(v)) {
      sampled[used.size] = v;
      used.add(v);
    }
  }
  return { sampled, tries };
}

function samplerRun(dist: Dist, a: SamplerAttrs, opName: string): HostFn {
  const { sample, prob } = sampler(dist, a.rangeMax);
  return ([trueClasses, key]) => {
    const labels = trueClasses!.data as ArrayLike<number>;
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i]!;
      if (!(c >= 0 && c < a.rangeMax)) throw new InvalidArgumentError(`\`true_candidate\` out of range [0, ${a.rangeMax}), received ${c}`, opName);
    }
    const k = key!.data as ArrayLike<number>;
    const r = new Words([a.seed, a.seed2], k[0]!, k[1]!);
    const n = a.numSampled;
    const { sampled, tries } = drawCandidates(n, a.unique, () => sample(r));
    const sampledCount = Float32Array.from(sampled, (v) => expectedCount(prob(v), n, tries));
    const trueCount = Float32Array.from(labels, (v) => expectedCount(prob(v), n, tries));
    return [sampled, trueCount, sampledCount];
  };
}

for (const [type, dist] of [['LogUniformCandidateSampler', 'logUniform'], ['UniformCandidateSampler', 'uniform']] as const) {
  defineOp<SamplerAttrs>({
    type,
    infer: ([t], a, name) => {
      const s = t!.shape;
      if (s !== null && s.length !== 2) throw shapeFnError(`Shape must be rank 2 but is rank ${s.length}`, name, type, [s], []);
      const batch = s === null ? null : s[0]!;
      return [
        { dtype: 'int64', shape: [a.numSampled] },
        { dtype: 'float32', shape: [batch, a.numTrue] },
        { dtype: 'float32', shape: [a.numSampled] },
      ];
    },
    lower: (b, [t], a) => {
      const [batch, cols] = t!.shape as [number, number];
      if (t!.shape.length !== 2) throw new InvalidArgumentError('true_classes must be a matrix', b.opName);
      if (cols !== a.numTrue) {
        throw new InvalidArgumentError(`true_classes must have num_true columns, expected: ${cols} was: ${a.numTrue}`, b.opName);
      }
      if (a.unique && a.numSampled > a.rangeMax) throw new InvalidArgumentError("Sampler's range is too small.", b.opName);
      // two 24-bit integers per run (exact in float32): the run's key into the Philox stream
      const key = b.random([2], 'uniform', [a.seed >>> 0, a.seed2 >>> 0], 16777216, 0);
      return b.prim(
        'host',
        { run: samplerRun(dist, a, b.opName), inShapes: [[batch, cols], [2]], inDTypes: [t!.dtype, 'float32'] },
        [t!, key],
        [
          { dtype: 'int64', shape: [a.numSampled] },
          { dtype: 'float32', shape: [batch, a.numTrue] },
          { dtype: 'float32', shape: [a.numSampled] },
        ],
      );
    },
    stateful: true,
    fallbackOnly: true,
  });
  registerGradient(type, null);
}

/** What a candidate sampler returns: `[sampledCandidates, trueExpectedCount, sampledExpectedCount]`. */
export type SampledValues = [sampledCandidates: Tensor, trueExpectedCount: Tensor, sampledExpectedCount: Tensor];

const NAMES = ['trueClasses', 'numTrue', 'numSampled', 'unique', 'rangeMax', 'seed', 'name'] as const;

export function positiveInt(v: unknown, what: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${where}(): ${what} must be an integer, got ${String(v)}`);
  if (v < 1) throw new ValueError(`${where}(): ${what} must be >= 1, got ${v}`);
  return v;
}

function candidateSampler(type: string, defaultName: string, where: string, args: unknown[]): SampledValues {
  const o = kwargs(args, NAMES, where);
  for (const k of NAMES.slice(0, 5)) if (o[k] === undefined) throw new TypeError(`${where}() missing required argument '${k}'`);
  if (typeof o.unique !== 'boolean') throw new TypeError(`${where}(): unique must be a boolean, got ${String(o.unique)}`);
  const attrs: SamplerAttrs = {
    numTrue: positiveInt(o.numTrue, 'num_true', where),
    numSampled: positiveInt(o.numSampled, 'num_sampled', where),
    unique: o.unique,
    rangeMax: positiveInt(o.rangeMax, 'range_max', where),
    seed: 0,
    seed2: 0,
  };
  const g = getDefaultGraph();
  const t = toTensor(o.trueClasses as TensorLike, 'int64');
  if (t.dtype !== 'int64') {
    throw new TypeError(`Input 'true_classes' of '${type}' Op has type ${t.dtype} that does not match expected type of int64.`);
  }
  const s = g.getSeed(o.seed as number | undefined);
  // neither seed set: nondeterministic, as in TF
  const [seed, seed2] = s ?? [(Math.random() * 2 ** 31) | 0, (Math.random() * 2 ** 31) | 0];
  attrs.seed = seed;
  attrs.seed2 = seed2;
  const op = makeOp(g, type, [t], attrs, o.name as string | undefined, defaultName);
  return op.outputs as SampledValues;
}

/**
 * `tf.nn.logUniformCandidateSampler(trueClasses, numTrue, numSampled, unique, rangeMax, seed?,
 * name?)`: `numSampled` classes drawn from the log-uniform (Zipfian) distribution over
 * [0, rangeMax), with their expected counts and those of `trueClasses` (int64 [batch, numTrue]).
 */
export function logUniformCandidateSampler(...args: unknown[]): SampledValues {
  return candidateSampler('LogUniformCandidateSampler', 'LogUniformCandidateSampler', 'log_uniform_candidate_sampler', args);
}

/** `tf.nn.uniformCandidateSampler(...)`: as logUniformCandidateSampler, drawing uniformly. */
export function uniformCandidateSampler(...args: unknown[]): SampledValues {
  return candidateSampler('UniformCandidateSampler', 'UniformCandidateSampler', 'uniform_candidate_sampler', args);
}

// ----- ComputeAccidentalHits --------------------------------------------------------------
/**
 * TF's ComputeAccidentalHits: for each row i and each of its labels that is one of the sampled
 * candidates, (i, that candidate's position, -FLT_MAX); a candidate sampled more than once maps
 * to its last position. The number of hits depends on the values, so it is a host-stage op.
 */
defineOp<{ numTrue: number; [k: string]: unknown }>({
  type: 'ComputeAccidentalHits',
  infer: ([t, s], a, name) => {
    for (const [x, what] of [[t!, 'true_classes'], [s!, 'sampled_candidates']] as const) {
      if (x.dtype !== 'int64') throw new TypeError(`Input '${what}' of 'ComputeAccidentalHits' Op has type ${x.dtype} that does not match expected type of int64.`);
    }
    if (t!.shape !== null && t!.shape.length !== 2) throw shapeFnError(`Shape must be rank 2 but is rank ${t!.shape.length}`, name, 'ComputeAccidentalHits', [t!.shape, s!.shape]);
    if (s!.shape !== null && s!.shape.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${s!.shape.length}`, name, 'ComputeAccidentalHits', [t!.shape, s!.shape]);
    return [{ dtype: 'int32', shape: [null] }, { dtype: 'int64', shape: [null] }, { dtype: 'float32', shape: [null] }];
  },
  lower: () => {
    throw new Error('ComputeAccidentalHits runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('ComputeAccidentalHits', null);
registerHostOp('ComputeAccidentalHits', function* (op, [t, s]) {
  const numTrue = op.attrs.numTrue as number;
  if (t!.shape.length !== 2 || t!.shape[1] !== numTrue) throw new InvalidArgumentError('true_candidates must be a batch_size * num_true matrix', op.name);
  if (s!.shape.length !== 1) throw new InvalidArgumentError('sampled_candidates must be a vector, which is typically an output from CandidateSampler', op.name);
  const pos = new Map<number, number>();
  const sampled = s!.data as ArrayLike<number>;
  for (let j = 0; j < sampled.length; j++) pos.set(sampled[j]!, j);
  const labels = t!.data as ArrayLike<number>;
  const rows: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const j = pos.get(labels[i]!);
    if (j !== undefined) {
      rows.push(Math.floor(i / numTrue));
      ids.push(j);
    }
  }
  return [
    new NDArray(Int32Array.from(rows), [rows.length], 'int32'),
    new NDArray(Float64Array.from(ids), [ids.length], 'int64'),
    new NDArray(new Float32Array(rows.length).fill(-3.4028234663852886e38), [rows.length], 'float32'),
  ];
});

/**
 * `tf.nn.computeAccidentalHits(trueClasses, sampledCandidates, numTrue, seed?, name?)`:
 * `[indices, ids, weights]`, the (row, sampled position, -FLT_MAX) of every true class that was
 * also sampled, for a SparseToDense mask of the sampled logits.
 */
export function computeAccidentalHits(...args: unknown[]): [indices: Tensor, ids: Tensor, weights: Tensor] {
  const o = kwargs(args, ['trueClasses', 'sampledCandidates', 'numTrue', 'seed', 'name'], 'compute_accidental_hits');
  for (const k of ['trueClasses', 'sampledCandidates', 'numTrue']) if (o[k] === undefined) throw new TypeError(`compute_accidental_hits() missing required argument '${k}'`);
  const numTrue = positiveInt(o.numTrue, 'num_true', 'compute_accidental_hits');
  const t = toTensor(o.trueClasses as TensorLike, 'int64');
  const s = toTensor(o.sampledCandidates as TensorLike, 'int64');
  const op = makeOp(getDefaultGraph(), 'ComputeAccidentalHits', [t, s], { numTrue }, o.name as string | undefined, 'ComputeAccidentalHits');
  return op.outputs as [Tensor, Tensor, Tensor];
}
