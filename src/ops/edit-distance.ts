/**
 * `tf.editDistance(hypothesis, truth, normalize = true, name = 'edit_distance')`: TF's
 * EditDistance op, the Levenshtein distance between the sequences of two SparseTensors.
 *
 * As TF's kernel: the last dimension holds the sequences, the others index them; entries are
 * taken in the order given (TF assumes row-major order) and consecutive entries with the same
 * leading indices form one sequence. The output has, per leading dimension, the larger of the
 * two dense shapes; a sequence missing on one side gives its length (normalized: 1 for a missing
 * hypothesis, inf for a missing truth), a place with neither gives 0. The output's shape follows
 * the values, so it is a host-stage op; TF registers it CPU-only and not differentiable.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { makeOp, registerNoGradient } from './registry.js';
import { SparseTensor, SparseTensorValue } from './sparse-tensor.js';

/** Run a kernel body, naming `op` in the InvalidArgumentErrors it raises without one. */
function named<T>(op: { name: string }, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidArgumentError && e.op === null) throw new InvalidArgumentError(e.message, op.name);
    throw e;
  }
}

const dbg = (a: NDArray): string => `[${a.shape.join(',')}]`;
const constOf = (t: Tensor): number[] | null => (t.op.type === 'Const' ? Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null);

function validate(hi: NDArray, hv: NDArray, hs: NDArray, ti: NDArray, tv: NDArray, ts: NDArray): void {
  const mat = (a: NDArray, w: string) => { if (a.rank !== 2) throw new InvalidArgumentError(`${w} should be a matrix, but got shape: ${dbg(a)}`); };
  const vec = (a: NDArray, w: string) => { if (a.rank !== 1) throw new InvalidArgumentError(`${w} should be a vector, but got shape: ${dbg(a)}`); };
  mat(hi, 'hypothesis_indices');
  mat(ti, 'truth_indices');
  vec(hv, 'hypothesis_values');
  vec(tv, 'truth_values');
  vec(hs, 'hypothesis_shape');
  vec(ts, 'truth_shape');
  if (hs.size !== hi.shape[1]) {
    throw new InvalidArgumentError(`Expected hypothesis_shape.NumElements == #cols(hypothesis_indices), their shapes are: ${dbg(hs)} and ${dbg(hi)}`);
  }
  if (ts.size < 2) throw new InvalidArgumentError(`Input SparseTensors must have rank at least 2, but truth_shape rank is: ${ts.size}`);
  if (ts.size !== ti.shape[1]) {
    throw new InvalidArgumentError(`Expected truth_shape.NumElements == #cols(truth_indices), their shapes are: ${dbg(ts)} and ${dbg(ti)}`);
  }
  if (ts.size !== hs.size) {
    throw new InvalidArgumentError(`Expected truth and hypothesis to have matching ranks, but their shapes are: ${dbg(ts)} and ${dbg(hs)}`);
  }
  if (hv.shape[0] !== hi.shape[0]) throw new InvalidArgumentError(`Expected ${hi.shape[0]} hypothesis values, got ${hv.shape[0]}`);
  if (tv.shape[0] !== ti.shape[0]) throw new InvalidArgumentError(`Expected ${ti.shape[0]} truth values, got ${tv.shape[0]}`);
}

/** Comparable keys of a values vector (byte strings as latin-1 text). */
function keys(v: NDArray): (number | string)[] {
  if (v.dtype === 'string') return Array.from(v.data as unknown as Uint8Array[], (b) => String.fromCharCode(...b));
  return Array.from(valuesOf(v));
}

interface Group { key: number[]; seq: (number | string)[] }
/** Consecutive entries sharing their leading indices, in the order given. */
function groups(idx: NDArray, vals: (number | string)[], rank: number): Group[] {
  const d = valuesOf(idx);
  const out: Group[] = [];
  for (let k = 0; k < vals.length; k++) {
    const key = Array.from(d.subarray(k * rank, k * rank + rank - 1));
    const last = out[out.length - 1];
    if (last && last.key.every((x, i) => x === key[i])) last.seq.push(vals[k]!);
    else out.push({ key, seq: [vals[k]!] });
  }
  return out;
}

/** Levenshtein distance (unit costs). */
export function levenshtein<T>(s: readonly T[], t: readonly T[]): number {
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[t.length]!;
}

/** The most distances one op may return (a corrupt dense shape must not allocate unbounded memory). */
const MAX_OUTPUT = 2 ** 28;

const cmp = (a: number[], b: number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

defineHostOp<{ normalize: boolean; [k: string]: unknown }>({
  type: 'EditDistance',
  infer: ([, hv, hs, , tv, ts]) => {
    if (tv!.dtype !== hv!.dtype) {
      throw new TypeError(`Input 'truth_values' of 'EditDistance' Op has type ${tv!.dtype} that does not match type ${hv!.dtype} of argument 'hypothesis_values'.`);
    }
    const a = constOf(hs!);
    const b = constOf(ts!);
    // as TF's shape function: known only when both dense shapes are constants
    if (!a || !b) return [{ dtype: 'float32', shape: null }];
    if (a.length !== b.length) throw new ValueError(`Num elements of hypothesis_shape does not match truth_shape: ${a.length} vs. ${b.length}`);
    const shape: PartialShape = a.slice(0, -1).map((d, i) => Math.max(d, b[i]!));
    return [{ dtype: 'float32', shape }];
  },
  run: ([hi, hv, hs, ti, tv, ts], a, op) => named(op, () => {
    validate(hi!, hv!, hs!, ti!, tv!, ts!);
    const rank = ts!.size;
    const hShape = Array.from(valuesOf(hs!));
    const tShape = Array.from(valuesOf(ts!));
    const out = hShape.slice(0, -1).map((d, i) => Math.max(d, tShape[i]!));
    const strides = out.map((_, i) => out.slice(i + 1).reduce((p, x) => p * x, 1));
    const total = out.reduce((p, x) => p * x, 1);
    if (out.some((d) => !Number.isSafeInteger(d) || d < 0) || total > MAX_OUTPUT) {
      throw new InvalidArgumentError(`Edit distance: the output shape [${out.join(',')}] (from the dense shapes) is invalid or too large`);
    }
    const res = new Float32Array(total);
    const loc = (g: number[], what: string): number => {
      g.forEach((x, i) => {
        if (!(x >= 0 && x < out[i]!)) throw new InvalidArgumentError(`Edit distance: ${what} index [${g.join(',')}] is out of bounds of the output shape [${out.join(',')}]`);
      });
      return g.reduce((p, x, i) => p + x * strides[i]!, 0);
    };
    const H = groups(hi!, keys(hv!), rank);
    const T = groups(ti!, keys(tv!), rank);
    let i = 0;
    let j = 0;
    while (i < H.length || j < T.length) {
      const h = H[i];
      const t = T[j];
      const c = !h ? 1 : !t ? -1 : cmp(t.key, h.key) > 0 ? -1 : cmp(t.key, h.key) < 0 ? 1 : 0;
      if (c === 0) {
        const d = levenshtein(t!.seq, h!.seq);
        res[loc(t!.key, 'truth')] = a.normalize ? d / t!.seq.length : d;
        i++;
        j++;
      } else if (c < 0) {
        // a hypothesis with no truth
        res[loc(h!.key, 'hypothesis')] = a.normalize ? h!.seq.length / 0 : h!.seq.length;
        i++;
      } else {
        res[loc(t!.key, 'truth')] = a.normalize ? 1 : t!.seq.length;
        j++;
      }
    }
    return [arrayOf(res, out, 'float32')];
  }),
});
registerNoGradient('EditDistance');
registerExporter(['EditDistance'], ({ op, attrs }) => ({ normalize: A.b(!!attrs.normalize), T: A.type(op.inputs[1]!.dtype) }));
RULES.set('EditDistance', (c) => make(c, 'EditDistance', c.inputs, { normalize: c.attrs.bool('normalize', true) }));

type Sp = SparseTensor | SparseTensorValue;

/**
 * `tf.editDistance(hypothesis, truth, normalize = true, name = 'edit_distance')`: float32
 * distances, shaped as the SparseTensors' leading dimensions (the larger of each).
 */
export function editDistance(hypothesis: Sp, truth: Sp, normalize?: boolean | Record<string, unknown>, name?: string | Record<string, unknown>): Tensor {
  const o = kwargs([hypothesis, truth, normalize, name], ['hypothesis', 'truth', 'normalize', 'name'], 'edit_distance', 2);
  const isSp = (x: unknown): x is Sp => x instanceof SparseTensor || x instanceof SparseTensorValue;
  if (!isSp(o.hypothesis)) throw new TypeError('Hypothesis must be a SparseTensor.');
  if (!isSp(o.truth)) throw new TypeError('Truth must be a SparseTensor.');
  const h = SparseTensor.fromValue(o.hypothesis);
  const t = SparseTensor.fromValue(o.truth);
  const nm = o.normalize ?? true;
  if (typeof nm !== 'boolean') throw new TypeError(`edit_distance(): normalize must be a boolean, got ${String(nm)}`);
  const op = makeOp(h.graph, 'EditDistance', [h.indices, h.values, h.denseShape, t.indices, t.values, t.denseShape], { normalize: nm },
    (o.name as string | undefined) ?? 'edit_distance', 'EditDistance');
  return op.outputs[0]!;
}
