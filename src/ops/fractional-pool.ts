/**
 * Fractional pooling (Graham, 2014), NHWC: FractionalMaxPool / FractionalAvgPool and their
 * gradients, with tf.nn.fractionalMaxPool / fractionalAvgPool. The pooling regions come from
 * TF's sequence rules (GeneratePoolingSequence: the plain k = in/out steps when out divides in,
 * else steps of k or k+1, pseudo-random as ceil(alpha·(i + u)) or a random arrangement) over a
 * seeded stream that is not TF's Philox, so the regions differ from TF's for the same seeds;
 * given the regions (the row / col sequences the ops return), every value is TF's. These are
 * host-stage ops: their regions are drawn per run, in JS, on every device.
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import type { SessionState } from '../session/runner.js';
import { deriveSeed, mix32, seededRandom } from '../data/random.js';
import { tf1Function } from '../args.js';
import { shape as shapeOf, shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { withRank4 } from './conv.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';

interface FracAttrs {
  pooling_ratio: number[];
  pseudo_random: boolean;
  overlapping: boolean;
  deterministic: boolean;
  seed: number;
  seed2: number;
  [k: string]: unknown;
}

/** TF's GeneratePoolingSequence: the cumulative region starts [out + 1], from 0 to `len`. */
export function poolingSequence(len: number, out: number, rand: () => number, pseudo: boolean): number[] {
  const k = Math.floor(len / out);
  let diff: number[];
  if (len % out === 0) {
    diff = new Array<number>(out).fill(k);
  } else if (pseudo) {
    const alpha = len / out;
    const uMax1 = (k + 2) / alpha - 1;
    const uMax2 = (len + 1 - 1e-5) / alpha - (out - 1);
    const u = rand() * Math.min(uMax1, uMax2);
    const cum = new Array<number>(out + 1).fill(0);
    cum[0] = 1;
    cum[out] = len + 1;
    for (let i = 1; i < out; i++) cum[i] = Math.ceil(alpha * (i + u));
    diff = seqDiff(cum);
  } else {
    diff = new Array<number>(out).fill(k);
    for (let i = 0; i < len % out; i++) diff[i]! += 1;
    for (let i = out - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [diff[i], diff[j]] = [diff[j]!, diff[i]!];
    }
  }
  const cum = [0];
  for (const d of diff) cum.push(cum[cum.length - 1]! + d);
  return cum;
}
const seqDiff = (cum: number[]): number[] => cum.slice(1).map((v, i) => v - cum[i]!);

function outSize(x: readonly number[], ratio: readonly number[], op: string): number[] {
  return x.map((d, i) => {
    const o = Math.floor(d / ratio[i]!);
    if (o <= 0) throw new InvalidArgumentError(`tensor_in is too small for the pooling ratio: ${d} / ${ratio[i]} gives an output size of ${o}`, op);
    return o;
  });
}

function checkRatio(r: readonly number[], fail: (m: string) => Error): void {
  if (r.length !== 4) throw fail(`pooling_ratio field must specify 4 dimensions`);
  if (r[0] !== 1 || r[3] !== 1) throw fail('Only pooling_ratio of 1.0 on the batch and channel dimensions is supported.');
  if (r.some((v) => v < 1)) throw fail('pooling_ratio cannot be smaller than 1');
}

/** Row / col region of output index i: [start, end] inclusive, clipped to the input. */
const region = (seq: ArrayLike<number>, i: number, overlapping: boolean, len: number): [number, number] => {
  const s = Number(seq[i]);
  const e = Math.min((overlapping ? Number(seq[i + 1]) : Number(seq[i + 1]) - 1), len - 1);
  return [s, e];
};

const runs = new WeakMap<SessionState, Map<Operation, number>>();
const fixedSeeds = new WeakMap<Operation, number>();

function streamFor(op: Operation, state: SessionState): () => number {
  const a = op.attrs as FracAttrs;
  if (a.deterministic) {
    // TF picks seeds once per kernel when deterministic and both are 0: the same regions every run
    let s = fixedSeeds.get(op);
    if (s === undefined) {
      s = a.seed === 0 && a.seed2 === 0 ? (Math.random() * 2 ** 32) >>> 0 : mix32(a.seed ^ Math.imul(a.seed2, 0x2c1b3c6d));
      fixedSeeds.set(op, s);
    }
    return seededRandom(s);
  }
  let m = runs.get(state);
  if (!m) runs.set(state, (m = new Map()));
  const k = m.get(op) ?? 0;
  m.set(op, k + 1);
  return seededRandom(deriveSeed((Math.random() * 2 ** 32) >>> 0, k));
}

function pool(kind: 'max' | 'avg', x: NDArray, rows: number[], cols: number[], overlapping: boolean): NDArray {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [oh, ow] = [rows.length - 1, cols.length - 1];
  const out = NDArray.zeros([n, oh, ow, c], x.dtype);
  const src = x.data as Float32Array;
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) {
    const [r0, r1] = region(rows, i, overlapping, h);
    for (let j = 0; j < ow; j++) {
      const [c0, c1] = region(cols, j, overlapping, w);
      for (let ch = 0; ch < c; ch++) {
        let acc = kind === 'max' ? -Infinity : 0;
        for (let r = r0; r <= r1; r++) for (let q = c0; q <= c1; q++) {
          const v = src[((b * h + r) * w + q) * c + ch]!;
          acc = kind === 'max' ? (v > acc ? v : acc) : acc + v;
        }
        out.data[((b * oh + i) * ow + j) * c + ch] = kind === 'max' ? acc : acc / ((r1 - r0 + 1) * (c1 - c0 + 1));
      }
    }
  }
  return out;
}

for (const [type, kind] of [['FractionalMaxPool', 'max'], ['FractionalAvgPool', 'avg']] as const) {
  defineOp<FracAttrs>({
    type,
    infer: ([x], a, name) => {
      if (x!.dtype !== 'float32' && x!.dtype !== 'float64' && x!.dtype !== 'int32' && x!.dtype !== 'int64') {
        throw new TypeError(`Value passed to parameter 'value' has DataType ${x!.dtype} not in list of allowed values: float32, float64, int32, int64`);
      }
      const fail = (m: string) => shapeFnError(m, name, type, [x!.shape]);
      checkRatio(a.pooling_ratio, fail);
      const xs = withRank4(x!.shape, fail);
      const o = xs.map((d, i) => (d === null ? null : Math.floor(d / a.pooling_ratio[i]!)));
      return [
        { dtype: x!.dtype, shape: o },
        { dtype: 'int64', shape: [o[1] === null ? null : o[1] + 1] },
        { dtype: 'int64', shape: [o[2] === null ? null : o[2] + 1] },
      ];
    },
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
    stateful: true,
  });
  registerHostOp(type, function* (op, [x], hc) {
    const a = op.attrs as FracAttrs;
    if (x!.shape.length !== 4) throw new InvalidArgumentError('tensor_in must be 4-dimensional', op.name);
    if (!a.deterministic && (a.seed !== 0 || a.seed2 !== 0)) throw new InvalidArgumentError('Both seed and seed2 should be 0 if deterministic is false.', op.name);
    const o = outSize(x!.shape, a.pooling_ratio, op.name);
    const rand = streamFor(op, hc.runner.state);
    const rows = poolingSequence(x!.shape[1]!, o[1]!, rand, a.pseudo_random);
    const cols = poolingSequence(x!.shape[2]!, o[2]!, rand, a.pseudo_random);
    const seq = (s: number[]) => new NDArray(Float64Array.from(s), [s.length], 'int64');
    return [pool(kind, x!, rows, cols, a.overlapping), seq(rows), seq(cols)];
  });
}

/** Inputs (orig_input, orig_output, out_backprop, row_seq, col_seq) → d orig_input, at each region's first max. */
defineOp<{ overlapping: boolean; [k: string]: unknown }>({
  type: 'FractionalMaxPoolGrad',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  lower: () => { throw new Error('FractionalMaxPoolGrad runs on the host before the plan'); },
});
registerHostOp('FractionalMaxPoolGrad', function* (op, [x, , dy, rows, cols]) {
  const [n, h, w, c] = x!.shape as [number, number, number, number];
  const [, oh, ow] = dy!.shape as number[];
  if (rows!.size !== oh! + 1 || cols!.size !== ow! + 1) throw new InvalidArgumentError('out_backprop does not match the pooling sequences', op.name);
  const ov = op.attrs.overlapping as boolean;
  const out = NDArray.zeros(x!.shape, dy!.dtype);
  const src = x!.data as Float32Array;
  for (let b = 0; b < n; b++) for (let i = 0; i < oh!; i++) {
    const [r0, r1] = region(rows!.data as Float64Array, i, ov, h);
    for (let j = 0; j < ow!; j++) {
      const [c0, c1] = region(cols!.data as Float64Array, j, ov, w);
      for (let ch = 0; ch < c; ch++) {
        let best = -Infinity;
        let at = -1;
        for (let r = r0; r <= r1; r++) for (let q = c0; q <= c1; q++) {
          const k = ((b * h + r) * w + q) * c + ch;
          if (src[k]! > best || at < 0) { best = src[k]!; at = k; }
        }
        out.data[at] = Number(out.data[at]) + Number(dy!.data[((b * oh! + i) * ow! + j) * c + ch]);
      }
    }
  }
  return [out];
});

/** Inputs (orig_input_tensor_shape, out_backprop, row_seq, col_seq) → d orig_input, shared over each region. */
defineOp<{ overlapping: boolean; [k: string]: unknown }>({
  type: 'FractionalAvgPoolGrad',
  infer: ([s, dy]) => [{ dtype: dy!.dtype, shape: s!.op.type === 'Shape' ? s!.op.inputs[0]!.shape : [null, null, null, null] }],
  lower: () => { throw new Error('FractionalAvgPoolGrad runs on the host before the plan'); },
});
registerHostOp('FractionalAvgPoolGrad', function* (op, [s, dy, rows, cols]) {
  const xs = Array.from(s!.data, Number);
  if (xs.length !== 4) throw new InvalidArgumentError('Original input tensor shape must be 1-dimensional and 4 elements', op.name);
  const [n, h, w, c] = xs as [number, number, number, number];
  const [, oh, ow] = dy!.shape as number[];
  const ov = op.attrs.overlapping as boolean;
  const out = NDArray.zeros(xs, dy!.dtype);
  for (let b = 0; b < n; b++) for (let i = 0; i < oh!; i++) {
    const [r0, r1] = region(rows!.data as Float64Array, i, ov, h);
    for (let j = 0; j < ow!; j++) {
      const [c0, c1] = region(cols!.data as Float64Array, j, ov, w);
      const cnt = (r1 - r0 + 1) * (c1 - c0 + 1);
      for (let ch = 0; ch < c; ch++) {
        const g = Number(dy!.data[((b * oh! + i) * ow! + j) * c + ch]) / cnt;
        for (let r = r0; r <= r1; r++) for (let q = c0; q <= c1; q++) {
          const k = ((b * h + r) * w + q) * c + ch;
          out.data[k] = Number(out.data[k]) + g;
        }
      }
    }
  }
  return [out];
});

registerGradient('FractionalMaxPool', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'FractionalMaxPoolGrad', [op.inputs[0]!, op.outputs[0]!, dy, op.outputs[1]!, op.outputs[2]!], { overlapping: op.attrs.overlapping }, undefined, 'FractionalMaxPoolGrad').outputs[0]! : null,
]);
registerGradient('FractionalAvgPool', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'FractionalAvgPoolGrad', [shapeOf(op.inputs[0]!, { outType: 'int64' }), dy, op.outputs[1]!, op.outputs[2]!], { overlapping: op.attrs.overlapping }, undefined, 'FractionalAvgPoolGrad').outputs[0]! : null,
]);
registerGradient('FractionalMaxPoolGrad', null);
registerGradient('FractionalAvgPoolGrad', null);

function fracFn(type: 'FractionalMaxPool' | 'FractionalAvgPool', where: string) {
  return tf1Function(
    where, ['value', 'poolingRatio', 'pseudoRandom', 'overlapping', 'deterministic', 'seed', 'seed2', 'name'],
    (value: TensorLike, poolingRatio: readonly number[], pseudoRandom = false, overlapping = false, deterministic = false, seed: number = 0, seed2: number = 0, name?: string): Tensor[] => {
      if (!Array.isArray(poolingRatio)) throw new TypeError(`Expected list for 'pooling_ratio' argument to '${type}' Op, not ${String(poolingRatio)}.`);
      checkRatio(poolingRatio, (m) => new ValueError(m));
      const x = toTensor(value);
      const attrs: FracAttrs = { pooling_ratio: [...poolingRatio], pseudo_random: !!pseudoRandom, overlapping: !!overlapping, deterministic: !!deterministic, seed: Number(seed), seed2: Number(seed2) };
      return [...makeOp(x.graph, type, [x], attrs, name, type).outputs];
    }, 2);
}
/**
 * `tf.nn.fractionalMaxPool(value, poolingRatio, pseudoRandom = false, overlapping = false,
 * deterministic = false, seed = 0, seed2 = 0, name?)` → `[output, rowPoolingSequence,
 * colPoolingSequence]`.
 */
export const fractionalMaxPool = fracFn('FractionalMaxPool', 'nn.fractionalMaxPool');
/** `tf.nn.fractionalAvgPool(value, poolingRatio, pseudoRandom?, overlapping?, deterministic?, seed?, seed2?, name?)`. */
export const fractionalAvgPool = fracFn('FractionalAvgPool', 'nn.fractionalAvgPool');

// ----- GraphDef: TF's op types and attrs both ways --------------------------------------------------
const floats = (f: readonly number[]) => ({ list: { s: [], i: [], f: [...f], b: [], type: [], shape: [], tensor: [], func: [] } });
registerExporter(['FractionalMaxPool', 'FractionalAvgPool'], ({ op, attrs }) => ({
  T: A.type(op.inputs[0]!.dtype),
  pooling_ratio: floats(attrs.pooling_ratio as number[]),
  pseudo_random: A.b(!!attrs.pseudo_random),
  overlapping: A.b(!!attrs.overlapping),
  deterministic: A.b(!!attrs.deterministic),
  seed: A.i(attrs.seed as number),
  seed2: A.i(attrs.seed2 as number),
}));
registerExporter(['FractionalMaxPoolGrad'], ({ op, attrs }) => ({ T: A.type(op.inputs[0]!.dtype), overlapping: A.b(!!attrs.overlapping) }));
registerExporter(['FractionalAvgPoolGrad'], ({ op, attrs }) => ({ T: A.type(op.inputs[1]!.dtype), overlapping: A.b(!!attrs.overlapping) }));
for (const t of ['FractionalMaxPool', 'FractionalAvgPool']) {
  RULES.set(t, (c) => {
    const ratio = c.node.attr?.pooling_ratio?.list?.f;
    if (!ratio || ratio.length !== 4) throw new InvalidArgumentError(`${t} node '${c.node.name}' needs a pooling_ratio of 4 floats`, c.name);
    return make(c, t, c.inputs, {
      pooling_ratio: Array.from(ratio, Number), pseudo_random: c.attrs.bool('pseudo_random', false), overlapping: c.attrs.bool('overlapping', false),
      deterministic: c.attrs.bool('deterministic', false), seed: c.attrs.int('seed', 0), seed2: c.attrs.int('seed2', 0),
    });
  });
}
for (const t of ['FractionalMaxPoolGrad', 'FractionalAvgPoolGrad']) RULES.set(t, (c) => make(c, t, c.inputs, { overlapping: c.attrs.bool('overlapping', false) }));
