/**
 * TF1's unigram and all-classes candidate samplers: `tf.nn.fixedUnigramCandidateSampler`,
 * `tf.nn.learnedUnigramCandidateSampler` and `tf.nn.allCandidateSampler` (ops
 * FixedUnigramCandidateSampler, LearnedUnigramCandidateSampler, AllCandidateSampler).
 *
 * As TF's range samplers (range_sampler.cc): the fixed sampler's weights are the reserved ids'
 * zeros then `unigrams` (or the last comma-separated field of each line of `vocab_file`), each
 * raised to `distortion`, keeping only the ids with `id % numShards == shard`; the learned one
 * starts with weight 1 per class and, after each run's draw, adds 1 for every true class seen (a
 * per-session state, as TF keeps it in the op's kernel); the all sampler returns 0..numSampled-1
 * with expected counts 1. Draws, rejection for `unique` and expected counts are those of the
 * other samplers (candidate-sampling.ts); the random words come from tsflow's Philox stream keyed
 * by the op's seeds and the session's run number of the op, so the numbers differ from TF's.
 * They run on the host, not differentiable.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, NotFoundError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';
import { NDArray } from '../ndarray.js';
import { fs } from '../platform/node-builtins.js';
import { registerHostOp } from '../session/host-stage.js';
import type { SessionState } from '../session/runner.js';
import { shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { type SampledValues, type SamplerAttrs, Words, drawCandidates, expectedCount, positiveInt } from './candidate-sampling.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

type Attrs = SamplerAttrs;

/** Per session: how often each sampler op has run, and a learned sampler's weights. */
const STATE = new WeakMap<SessionState, Map<Operation, { runs: number; weights?: Float64Array }>>();
function stateOf(s: SessionState, op: Operation): { runs: number; weights?: Float64Array } {
  let m = STATE.get(s);
  if (!m) STATE.set(s, (m = new Map()));
  let e = m.get(op);
  if (!e) m.set(op, (e = { runs: 0 }));
  return e;
}

/** A draw from weights by inverse CDF. */
function picker(weights: ArrayLike<number>): { sample: (r: Words) => number; prob: (k: number) => number } {
  const cum = new Float64Array(weights.length);
  let total = 0;
  // TF keeps the total weight in a float
  let total32 = 0;
  for (let i = 0; i < weights.length; i++) {
    cum[i] = total += weights[i]!;
    total32 = Math.fround(total32 + weights[i]!);
  }
  return {
    sample: (r) => {
      const u = r.double() * total;
      let lo = 0;
      let hi = cum.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    },
    prob: (k) => (k < 0 || k >= weights.length ? 0 : Math.fround(Math.fround(weights[k]!) / total32)),
  };
}

function draw(a: Attrs, labels: ArrayLike<number>, r: Words, sample: (r: Words) => number, prob: (k: number) => number): [Float64Array, Float32Array, Float32Array] {
  const n = a.numSampled;
  const { sampled, tries } = drawCandidates(n, a.unique, () => sample(r));
  return [sampled, Float32Array.from(labels, (v) => expectedCount(prob(v), n, tries)), Float32Array.from(sampled, (v) => expectedCount(prob(v), n, tries))];
}

/** The fixed sampler's weights (TF's FixedUnigramSampler). */
function fixedWeights(a: Attrs & { vocabFile: string; distortion: number; numReservedIds: number; numShards: number; shard: number; unigrams: number[] }, opName: string): Float64Array {
  const w: number[] = [];
  for (let id = 0; id < a.numReservedIds; id++) if (id % a.numShards === a.shard) w.push(0);
  let id = w.length;
  const add = (x: number) => {
    if (id % a.numShards === a.shard) w.push(Math.fround(Math.pow(Math.fround(x), Math.fround(a.distortion))));
    id++;
  };
  if (a.vocabFile) {
    let text: string;
    try {
      text = fs.readFileSync(a.vocabFile, 'utf8');
    } catch {
      throw new NotFoundError(`${a.vocabFile}; No such file or directory`, opName);
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      const cols = line.split(',');
      if (id % a.numShards === a.shard) {
        const last = cols[cols.length - 1]!.trim();
        const x = last === '' ? NaN : Number(last);
        if (!Number.isFinite(x)) throw new InvalidArgumentError(`Wrong vocabulary format at line: ${line}`, opName);
        add(x);
      } else id++;
    }
  } else for (const x of a.unigrams) add(x);
  if (w.length !== a.rangeMax) throw new InvalidArgumentError(`range is ${a.rangeMax} must be equal to weights size  ${w.length}`, opName);
  return Float64Array.from(w);
}

function checkInput(t: NDArray, a: Attrs, opName: string): void {
  if (t.shape.length !== 2) throw new InvalidArgumentError('true_classes must be a matrix', opName);
  if (t.shape[1] !== a.numTrue) throw new InvalidArgumentError(`true_classes must have num_true columns, expected: ${t.shape[1]} was: ${a.numTrue}`, opName);
  if (a.unique && a.numSampled > a.rangeMax) throw new InvalidArgumentError("Sampler's range is too small.", opName);
}

const TYPES = ['FixedUnigramCandidateSampler', 'LearnedUnigramCandidateSampler', 'AllCandidateSampler'] as const;
for (const type of TYPES) {
  defineOp<Attrs>({
    type,
    infer: ([t], a, name) => {
      const s = t!.shape;
      if (s !== null && s.length !== 2) throw shapeFnError(`Shape must be rank 2 but is rank ${s.length}`, name, type, [s], []);
      return [
        { dtype: 'int64', shape: [a.numSampled] },
        { dtype: 'float32', shape: [s === null ? null : s[0]!, a.numTrue] },
        { dtype: 'float32', shape: [a.numSampled] },
      ];
    },
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
    stateful: true,
  });
  registerGradient(type, null);
  registerHostOp(type, function* (op, [t], ctx) {
    const a = op.attrs as Attrs;
    const rangeMax = type === 'AllCandidateSampler' ? a.numSampled : a.rangeMax;
    checkInput(t!, { ...a, rangeMax }, op.name);
    const labels = t!.data as ArrayLike<number>;
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i]!;
      if (type !== 'AllCandidateSampler' && !(c >= 0 && c < rangeMax)) {
        throw new InvalidArgumentError(`\`true_candidate\` out of range [0, ${rangeMax}), received ${c}`, op.name);
      }
    }
    const st = stateOf(ctx.runner.state, op);
    const r = new Words([a.seed, a.seed2], st.runs++, 0x756e69);
    const batch = t!.shape[0]!;
    let out: [Float64Array, Float32Array, Float32Array];
    if (type === 'AllCandidateSampler') {
      out = [Float64Array.from({ length: a.numSampled }, (_, i) => i), new Float32Array(labels.length).fill(1), new Float32Array(a.numSampled).fill(1)];
    } else if (type === 'FixedUnigramCandidateSampler') {
      st.weights ??= fixedWeights(a as never, op.name);
      const p = picker(st.weights);
      out = draw(a, labels, r, p.sample, p.prob);
    } else {
      st.weights ??= new Float64Array(a.rangeMax).fill(1);
      const p = picker(st.weights);
      out = draw(a, labels, r, p.sample, p.prob);
      for (let i = 0; i < labels.length; i++) st.weights[labels[i]!]! += 1;
    }
    return [
      new NDArray(out[0], [a.numSampled], 'int64'),
      new NDArray(out[1], [batch, a.numTrue], 'float32'),
      new NDArray(out[2], [a.numSampled], 'float32'),
    ];
  });
}

const common = (attrs: Record<string, unknown>): Record<string, ReturnType<typeof A.i>> => ({
  num_true: A.i(attrs.numTrue as number), num_sampled: A.i(attrs.numSampled as number), unique: A.b(!!attrs.unique),
  seed: A.i(attrs.seed as number), seed2: A.i(attrs.seed2 as number),
});
registerExporter(['AllCandidateSampler'], ({ attrs }) => common(attrs));
registerExporter(['LearnedUnigramCandidateSampler'], ({ attrs }) => ({ ...common(attrs), range_max: A.i(attrs.rangeMax as number) }));
registerExporter(['FixedUnigramCandidateSampler'], ({ attrs }) => ({
  ...common(attrs), range_max: A.i(attrs.rangeMax as number), vocab_file: A.s(attrs.vocabFile as string), distortion: A.f(attrs.distortion as number),
  num_reserved_ids: A.i(attrs.numReservedIds as number), num_shards: A.i(attrs.numShards as number), shard: A.i(attrs.shard as number),
  unigrams: { list: { s: [], i: [], f: [...(attrs.unigrams as number[])], b: [], type: [], shape: [], tensor: [], func: [] } },
}));
for (const type of TYPES) {
  RULES.set(type, (c) => {
    const at: Record<string, unknown> = {
      numTrue: c.attrs.int('num_true'), numSampled: c.attrs.int('num_sampled'), unique: c.attrs.bool('unique'),
      rangeMax: type === 'AllCandidateSampler' ? c.attrs.int('num_sampled') : c.attrs.int('range_max'), seed: c.attrs.int('seed', 0), seed2: c.attrs.int('seed2', 0),
    };
    if (type === 'FixedUnigramCandidateSampler') {
      Object.assign(at, {
        vocabFile: c.attrs.string('vocab_file', ''), distortion: c.attrs.float('distortion', 1), numReservedIds: c.attrs.int('num_reserved_ids', 0),
        numShards: c.attrs.int('num_shards', 1), shard: c.attrs.int('shard', 0), unigrams: [...(c.node.attr.unigrams?.list?.f ?? [])],
      });
    }
    return make(c, type, c.inputs, at);
  });
}

function build(type: (typeof TYPES)[number], where: string, o: Record<string, unknown>, extra: Record<string, unknown>): SampledValues {
  const need = type === 'AllCandidateSampler' ? ['trueClasses', 'numTrue', 'numSampled', 'unique'] : ['trueClasses', 'numTrue', 'numSampled', 'unique', 'rangeMax'];
  for (const k of need) if (o[k] === undefined) throw new TypeError(`${where}() missing required argument '${k}'`);
  if (typeof o.unique !== 'boolean') throw new TypeError(`${where}(): unique must be a boolean, got ${String(o.unique)}`);
  const numSampled = positiveInt(o.numSampled, 'num_sampled', where);
  const g = getDefaultGraph();
  const t = toTensor(o.trueClasses as TensorLike, 'int64');
  if (t.dtype !== 'int64') throw new TypeError(`Input 'true_classes' of '${type}' Op has type ${t.dtype} that does not match expected type of int64.`);
  const s = g.getSeed(o.seed as number | undefined);
  const [seed, seed2] = s ?? [(Math.random() * 2 ** 31) | 0, (Math.random() * 2 ** 31) | 0];
  const attrs = {
    numTrue: positiveInt(o.numTrue, 'num_true', where), numSampled, unique: o.unique,
    rangeMax: type === 'AllCandidateSampler' ? numSampled : positiveInt(o.rangeMax, 'range_max', where), seed, seed2, ...extra,
  };
  return makeOp(g, type, [t], attrs, o.name as string | undefined, type).outputs as SampledValues;
}

/**
 * `tf.nn.fixedUnigramCandidateSampler(trueClasses, numTrue, numSampled, unique, rangeMax,
 * vocabFile = '', distortion = 1, numReservedIds = 0, numShards = 1, shard = 0, unigrams = [],
 * seed?, name?)`: candidates drawn by the given unigram counts (exactly one of `vocabFile` and
 * `unigrams`), each count raised to `distortion`.
 */
export function fixedUnigramCandidateSampler(...args: unknown[]): SampledValues {
  const where = 'fixed_unigram_candidate_sampler';
  const o = kwargs(args, ['trueClasses', 'numTrue', 'numSampled', 'unique', 'rangeMax', 'vocabFile', 'distortion', 'numReservedIds', 'numShards', 'shard', 'unigrams', 'seed', 'name'], where);
  const vocabFile = (o.vocabFile ?? '') as string;
  const unigrams = Array.from((o.unigrams ?? []) as ArrayLike<number>, Number);
  if ((vocabFile === '') === (unigrams.length === 0)) throw new InvalidArgumentError('Must provide either vocab_file or unigrams, but not both.');
  const numShards = (o.numShards ?? 1) as number;
  const shard = (o.shard ?? 0) as number;
  const numReservedIds = (o.numReservedIds ?? 0) as number;
  if (!Number.isInteger(numShards) || numShards < 1) throw new ValueError(`${where}(): num_shards must be >= 1, got ${String(numShards)}`);
  if (!Number.isInteger(shard) || shard < 0 || shard >= numShards) throw new ValueError(`${where}(): shard must be in [0, num_shards), got ${String(shard)}`);
  if (!Number.isInteger(numReservedIds) || numReservedIds < 0) throw new ValueError(`${where}(): num_reserved_ids must be >= 0, got ${String(numReservedIds)}`);
  return build('FixedUnigramCandidateSampler', where, o, {
    vocabFile, distortion: (o.distortion ?? 1) as number, numReservedIds, numShards, shard, unigrams,
  });
}

/**
 * `tf.nn.learnedUnigramCandidateSampler(trueClasses, numTrue, numSampled, unique, rangeMax,
 * seed?, name?)`: candidates drawn by the counts of the true classes seen so far in this session
 * (each class starting at 1).
 */
export function learnedUnigramCandidateSampler(...args: unknown[]): SampledValues {
  const where = 'learned_unigram_candidate_sampler';
  return build('LearnedUnigramCandidateSampler', where, kwargs(args, ['trueClasses', 'numTrue', 'numSampled', 'unique', 'rangeMax', 'seed', 'name'], where), {});
}

/** `tf.nn.allCandidateSampler(trueClasses, numTrue, numSampled, unique, seed?, name?)`: every class 0..numSampled-1, expected counts 1 (for testing). */
export function allCandidateSampler(...args: unknown[]): SampledValues {
  const where = 'all_candidate_sampler';
  return build('AllCandidateSampler', where, kwargs(args, ['trueClasses', 'numTrue', 'numSampled', 'unique', 'seed', 'name'], where), {});
}

