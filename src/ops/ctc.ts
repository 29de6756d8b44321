/**
 * Connectionist temporal classification (TF 1.15 ctc_ops.py over the CTCLoss, CTCGreedyDecoder
 * and CTCBeamSearchDecoder kernels): `tf.nn.ctcLoss`, `tf.nn.ctcGreedyDecoder`,
 * `tf.nn.ctcBeamSearchDecoder`.
 *
 * All three are host-stage ops. The loss is a per-sequence log-space forward-backward recursion
 * over label-dependent state counts (2U + 1 for U labels, varying per batch entry and per run),
 * which a fixed-shape device plan cannot express from primitives; TF itself runs it on the CPU.
 * It is computed here in float64 (TF computes in the input dtype) and written in the input dtype.
 * The decoders' outputs have data-dependent sizes (the decoded lengths). The loss op also
 * returns the gradient w.r.t. its inputs (the logits, softmax included), which the registered
 * gradient scales by the incoming gradient, as TF's does; a second derivative is refused.
 */
import { kwargs } from '../args.js';
import { FailedPreconditionError, InvalidArgumentError, ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import { expandDims, gather, shape as shapeOf, shapeFnError, transpose } from './array.js';
import { whereIndices } from './boolean-mask.js';
import { sequenceMask } from './scan.js';
import { gatherNd } from './scatter-nd.js';
import { type TensorLike, toTensor } from './convert.js';
import { arrayOf, defineHostOp, valuesOf } from './host-values.js';
import { cast, less, multiply, subtract, where } from './math.js';
import { preventGradient } from './prevent-gradient.js';
import { makeOp, registerGradient } from './registry.js';
import { SparseTensor } from './sparse-tensor.js';
import { beamSearchDecode } from './ctc-beam-search.js';
import './ctc-graphdef.js';

const FLOATS = ['float32', 'float64'];
function checkFloat(t: Tensor, op: string): void {
  if (!FLOATS.includes(t.dtype)) throw new TypeError(`Value passed to parameter 'inputs' has DataType ${t.dtype} not in list of allowed values: float32, float64`);
  void op;
}
function checkInt32(t: Tensor, param: string, op: string): void {
  if (t.dtype !== 'int32') throw new TypeError(`Input '${param}' of '${op}' Op has type ${t.dtype} that does not match expected type of int32.`);
}
function rank(s: PartialShape, r: number, name: string, type: string, shapes: PartialShape[]): void {
  if (s !== null && s.length !== r) throw shapeFnError(`Shape must be rank ${r} but is rank ${s.length}`, name, type, shapes);
}
function mergeDim(a: number | null, b: number | null, name: string, type: string, shapes: PartialShape[]): number | null {
  if (a !== null && b !== null && a !== b) throw shapeFnError(`Dimensions must be equal, but are ${a} and ${b}`, name, type, shapes);
  return a ?? b;
}
const dim = (s: PartialShape, i: number): number | null => (s === null ? null : s[i]!);
const debugShape = (s: readonly number[]): string => `[${s.join(',')}]`;

const LOG_ZERO = -Infinity;
/** TF's LogSumExp of two log values, exact for a log zero on either side. */
function logSumExp(a: number, b: number): number {
  if (a === LOG_ZERO) return b;
  if (b === LOG_ZERO) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

// ----- CTCLoss --------------------------------------------------------------------------------------
type LossAttrs = {
  preprocessCollapseRepeated: boolean;
  ctcMergeRepeated: boolean;
  ignoreLongerOutputsThanInputs: boolean;
};

/** The label sequence of each batch entry from the SparseTensor's parts, with TF's checks. */
function labelSequences(indices: NDArray, values: NDArray, batch: number, name: string): number[][] {
  const n = indices.shape[0]!;
  const ix = valuesOf(indices);
  const v = valuesOf(values);
  let maxLen = 0;
  for (let i = 0; i < n; i++) maxLen = Math.max(maxLen, ix[2 * i + 1]! + 1);
  const bounds = [batch, maxLen];
  for (let i = 0; i < n; i++) {
    const row = [ix[2 * i]!, ix[2 * i + 1]!];
    const at = `indices[${i}] = [${row.join(',')}]`;
    if (row[0]! < 0 || row[0]! >= bounds[0]! || row[1]! < 0 || row[1]! >= bounds[1]!) {
      throw new InvalidArgumentError(`label SparseTensor is not valid: ${at} is out of bounds: need 0 <= index < [${bounds.join(',')}]`, name);
    }
    if (i > 0) {
      const p0 = ix[2 * i - 2]!;
      const p1 = ix[2 * i - 1]!;
      if (row[0]! < p0 || (row[0] === p0 && row[1]! < p1)) throw new InvalidArgumentError(`label SparseTensor is not valid: ${at} is out of order`, name);
      if (row[0] === p0 && row[1] === p1) throw new InvalidArgumentError(`label SparseTensor is not valid: ${at} is repeated`, name);
    }
  }
  const out: number[][] = Array.from({ length: batch }, () => []);
  for (let i = 0; i < n; i++) out[ix[2 * i]!]!.push(v[i]!);
  return out;
}

/** Each entry's l' (blank, l1, blank, l2, …, blank), with TF's label checks (PopulateLPrimes). */
function lPrimes(labels: number[][], seqLen: Float64Array, numClasses: number, a: LossAttrs, name: string): number[][] {
  const blank = numClasses - 1;
  return labels.map((label, b) => {
    if (label.length === 0) throw new InvalidArgumentError(`Labels length is zero in batch ${b}`, name);
    const l: number[] = [];
    let finished = false;
    for (let i = 0; i < label.length; i++) {
      if (i === 0 || !a.preprocessCollapseRepeated || label[i] !== label[i - 1]) {
        if (label[i]! >= numClasses - 1) finished = true;
        else {
          if (finished) {
            throw new InvalidArgumentError(
              `Saw a non-null label (index >= num_classes - 1) following a null label, batch: ${b} num_classes: ${numClasses} labels: ${label.join(',')} labels seen so far: ${l.join(',')}`,
              name,
            );
          }
          l.push(label[i]!);
        }
      }
    }
    for (const li of l) {
      if (li < 0) throw new InvalidArgumentError(`All labels must be nonnegative integers, batch: ${b} labels: ${l.join(',')}`, name);
    }
    if (!a.ignoreLongerOutputsThanInputs && label.length > seqLen[b]!) {
      throw new InvalidArgumentError(
        `Not enough time for target transition sequence (required: ${label.length}, available: ${seqLen[b]})${b}You can turn this error into a warning by using the flag ignore_longer_outputs_than_inputs`,
        name,
      );
    }
    const lp = [blank];
    for (const li of l) lp.push(li, blank);
    return lp;
  });
}

/** Loss and gradient of one batch entry; `y` is its softmax, [T][C]. Writes dy into `grad` rows. */
function entryLoss(lp: number[], y: Float64Array[], blank: number, merge: boolean, dy: Float64Array[]): number {
  const U = lp.length;
  const T = y.length;
  const C = y[0]!.length;
  const alpha = Array.from({ length: U }, () => new Float64Array(T).fill(LOG_ZERO));
  const beta = Array.from({ length: U }, () => new Float64Array(T).fill(LOG_ZERO));
  alpha[0]![0] = Math.log(y[0]![blank]!);
  if (U > 1) alpha[1]![0] = Math.log(y[0]![lp[1]!]!);
  for (let t = 1; t < T; t++) {
    for (let u = Math.max(0, U - 2 * (T - t)); u < Math.min(U, 2 * (t + 1)); u++) {
      let s = merge || lp[u] === blank ? alpha[u]![t - 1]! : LOG_ZERO;
      if (u > 0) s = logSumExp(s, alpha[u - 1]![t - 1]!);
      if (u > 1 && lp[u] !== blank && !(merge && lp[u] === lp[u - 2])) s = logSumExp(s, alpha[u - 2]![t - 1]!);
      alpha[u]![t] = Math.log(y[t]![lp[u]!]!) + s;
    }
  }
  for (let u = Math.max(0, U - 2); u < U; u++) beta[u]![T - 1] = 0;
  for (let t = T - 2; t >= 0; t--) {
    for (let u = Math.max(0, U - 2 * (T - t)); u < Math.min(U, 2 * (t + 1)); u++) {
      const yn = y[t + 1]!;
      let s = beta[u]![t]!;
      if (merge || lp[u] === blank) s = logSumExp(s, beta[u]![t + 1]! + Math.log(yn[lp[u]!]!));
      if (u + 1 < U) s = logSumExp(s, beta[u + 1]![t + 1]! + Math.log(yn[lp[u + 1]!]!));
      if (u + 2 < U && lp[u] !== blank && !(merge && lp[u] === lp[u + 2])) s = logSumExp(s, beta[u + 2]![t + 1]! + Math.log(yn[lp[u + 2]!]!));
      beta[u]![t] = s;
    }
  }
  let logP = LOG_ZERO;
  for (let u = 0; u < U; u++) logP = logSumExp(logP, alpha[u]![0]! + beta[u]![0]!);
  if (logP === LOG_ZERO) {
    // No valid path (a target's activations are zero): TF's gradient is y itself.
    for (let t = 0; t < T; t++) dy[t]!.set(y[t]!);
    return -logP;
  }
  const probSum = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    probSum.fill(LOG_ZERO);
    for (let u = 0; u < U; u++) probSum[lp[u]!] = logSumExp(probSum[lp[u]!]!, alpha[u]![t]! + beta[u]![t]!);
    for (let c = 0; c < C; c++) dy[t]![c] = y[t]![c]! - Math.exp(probSum[c]! - logP);
  }
  return -logP;
}

defineHostOp<LossAttrs>({
  type: 'CTCLoss',
  infer: ([x, ix, vals, sl], _a, name) => {
    const shapes = [x!.shape, ix!.shape, vals!.shape, sl!.shape];
    rank(x!.shape, 3, name, 'CTCLoss', shapes);
    rank(ix!.shape, 2, name, 'CTCLoss', shapes);
    rank(vals!.shape, 1, name, 'CTCLoss', shapes);
    rank(sl!.shape, 1, name, 'CTCLoss', shapes);
    mergeDim(dim(ix!.shape, 0), dim(vals!.shape, 0), name, 'CTCLoss', shapes);
    const batch = mergeDim(dim(x!.shape, 1), dim(sl!.shape, 0), name, 'CTCLoss', shapes);
    return [{ dtype: x!.dtype, shape: [batch] }, { dtype: x!.dtype, shape: x!.shape ?? [null, null, null] }];
  },
  run: ([x, ix, vals, sl], a, op) => {
    const name = op.name;
    if (x!.rank !== 3) throw new InvalidArgumentError('inputs is not a 3-Tensor', name);
    if (sl!.rank !== 1) throw new InvalidArgumentError('sequence_length is not a vector', name);
    if (ix!.rank !== 2) throw new InvalidArgumentError('labels_indices is not a matrix', name);
    if (vals!.rank !== 1) throw new InvalidArgumentError('labels_values is not a vector', name);
    const [T, B, C] = x!.shape as [number, number, number];
    if (B !== sl!.shape[0]) throw new InvalidArgumentError(`len(sequence_length) != batch_size.  len(sequence_length):  ${sl!.shape[0]} batch_size: ${B}`, name);
    if (ix!.shape[0] !== vals!.shape[0]) {
      throw new InvalidArgumentError(`labels_indices and labels_values must contain the same number of rows, but saw shapes: ${debugShape(ix!.shape)} vs. ${debugShape(vals!.shape)}`, name);
    }
    if (B === 0) throw new InvalidArgumentError('batch_size must not be 0', name);
    const labels = labelSequences(ix!, vals!, B, name);
    const seqLen = valuesOf(sl!);
    for (let b = 0; b < B; b++) if (!(seqLen[b]! <= T)) throw new InvalidArgumentError(`sequence_length(${b}) <= ${T}`, name);
    for (let b = 0; b < B; b++) if (seqLen[b]! < 0) throw new InvalidArgumentError(`seq_len(${b}) < 0`, name);
    const lps = lPrimes(labels, seqLen, C, a, name);
    const xs = valuesOf(x!);
    const loss = new Float64Array(B);
    const grad = new Float64Array(T * B * C);
    for (let b = 0; b < B; b++) {
      const len = seqLen[b]!;
      if (len === 0 || (a.ignoreLongerOutputsThanInputs && labels[b]!.length > len)) continue;
      const y: Float64Array[] = [];
      for (let t = 0; t < len; t++) {
        const row = xs.subarray((t * B + b) * C, (t * B + b + 1) * C);
        let m = -Infinity;
        for (let c = 0; c < C; c++) m = Math.max(m, row[c]!);
        const e = new Float64Array(C);
        let sum = 0;
        for (let c = 0; c < C; c++) sum += e[c] = Math.exp(row[c]! - m);
        for (let c = 0; c < C; c++) e[c]! /= sum;
        y.push(e);
      }
      const dy = Array.from({ length: len }, (_, t) => grad.subarray((t * B + b) * C, (t * B + b + 1) * C));
      loss[b] = entryLoss(lps[b]!, y, C - 1, a.ctcMergeRepeated, dy);
    }
    return [arrayOf(loss, [B], x!.dtype), arrayOf(grad, [T, B, C], x!.dtype)];
  },
});
registerGradient('CTCLoss', (op, [gradLoss]) => {
  if (!gradLoss) return [null, null, null, null];
  // TF: the fused gradient cannot be differentiated again.
  const g = preventGradient(op.outputs[1]!, "Currently there is no way to take the second  derivative of ctc_loss due to the fused implementation's interaction  with tf.gradients()");
  return [multiply(expandDims(gradLoss, -1), g), null, null, null];
});

/**
 * `tf.nn.ctcLoss(labels, inputs, sequenceLength, preprocessCollapseRepeated = false,
 * ctcMergeRepeated = true, ignoreLongerOutputsThanInputs = false, timeMajor = true, logits?)`:
 * the negative log probability of each batch entry's label sequence (a SparseTensor of int32
 * class ids; the last class of `inputs` is the blank), [batch].
 */
export function ctcLoss(
  labels: SparseTensor, inputs?: TensorLike | Record<string, unknown>, sequenceLength?: TensorLike | Record<string, unknown>,
  preprocessCollapseRepeated?: boolean | Record<string, unknown>, ctcMergeRepeated?: boolean | Record<string, unknown>,
  ignoreLongerOutputsThanInputs?: boolean | Record<string, unknown>, timeMajor?: boolean | Record<string, unknown>,
  logits?: TensorLike | Record<string, unknown>, opts?: Record<string, unknown>,
): Tensor {
  const o = kwargs(
    [labels, inputs, sequenceLength, preprocessCollapseRepeated, ctcMergeRepeated, ignoreLongerOutputsThanInputs, timeMajor, logits, opts],
    ['labels', 'inputs', 'sequenceLength', 'preprocessCollapseRepeated', 'ctcMergeRepeated', 'ignoreLongerOutputsThanInputs', 'timeMajor', 'logits'],
    'ctc_loss', 1,
  );
  if (!(o.labels instanceof SparseTensor)) throw new TypeError('Expected labels (first argument) to be a SparseTensor');
  const given = o.inputs ?? o.logits;
  if (o.inputs != null && o.logits != null) throw new ValueError('Cannot pass both inputs and logits');
  if (given == null) throw new TypeError("ctc_loss() missing required argument: 'inputs'");
  if (o.sequenceLength == null) throw new TypeError("ctc_loss() missing 1 required positional argument: 'sequence_length'");
  let x = toTensor(given as TensorLike, undefined, 'inputs');
  checkFloat(x, 'CTCLoss');
  if (o.timeMajor === false) x = transpose(x, [1, 0, 2]);
  const sl = toTensor(o.sequenceLength as TensorLike, 'int32', 'sequence_length');
  const lab = o.labels as SparseTensor;
  checkInt32(lab.values, 'labels_values', 'CTCLoss');
  checkInt32(sl, 'sequence_length', 'CTCLoss');
  const op = makeOp(x.graph, 'CTCLoss', [x, lab.indices, lab.values, sl], {
    preprocessCollapseRepeated: !!(o.preprocessCollapseRepeated ?? false),
    ctcMergeRepeated: !!(o.ctcMergeRepeated ?? true),
    ignoreLongerOutputsThanInputs: !!(o.ignoreLongerOutputsThanInputs ?? false),
  }, undefined, 'CTCLoss');
  return op.outputs[0]!;
}

// ----- decoders ----------------------------------------------------------------------------------------
/** TF's CTCDecodeHelper input checks; returns [T, B, C] and the sequence lengths. */
function decodeInputs(x: NDArray, sl: NDArray, name: string): { T: number; B: number; C: number; seqLen: Float64Array } {
  if (x.rank !== 3) throw new InvalidArgumentError('inputs is not a 3-Tensor', name);
  if (x.size === 0) throw new InvalidArgumentError('inputs must not be empty', name);
  const [T, B, C] = x.shape as [number, number, number];
  if (T === 0) throw new InvalidArgumentError('max_time is 0', name);
  if (sl.rank !== 1) throw new InvalidArgumentError('sequence_length is not a vector', name);
  if (B !== sl.shape[0]) throw new FailedPreconditionError(`len(sequence_length) != batch_size.  len(sequence_length):  ${sl.shape[0]} batch_size: ${B}`, name);
  const seqLen = valuesOf(sl);
  for (let b = 0; b < B; b++) if (!(seqLen[b]! <= T)) throw new FailedPreconditionError(`sequence_length(${b}) <= ${T}`, name);
  return { T, B, C, seqLen };
}

/** One path's decoded sequences as SparseTensor parts (TF's StoreAllDecodedSequences). */
function sparseParts(seqs: number[][]): NDArray[] {
  const n = seqs.reduce((s, q) => s + q.length, 0);
  const ix = new Float64Array(2 * n);
  const v = new Float64Array(n);
  let k = 0;
  let maxLen = 0;
  seqs.forEach((q, b) => {
    maxLen = Math.max(maxLen, q.length);
    q.forEach((c, t) => {
      ix[2 * k] = b;
      ix[2 * k + 1] = t;
      v[k++] = c;
    });
  });
  return [new NDArray(ix, [n, 2], 'int64'), new NDArray(v, [n], 'int64'), new NDArray(Float64Array.of(seqs.length, maxLen), [2], 'int64')];
}

function decoderInfer(type: string, paths: number) {
  return ([x, sl]: readonly Tensor[], _a: unknown, name: string) => {
    const shapes = [x!.shape, sl!.shape];
    rank(x!.shape, 3, name, type, shapes);
    rank(sl!.shape, 1, name, type, shapes);
    const batch = mergeDim(dim(x!.shape, 1), dim(sl!.shape, 0), name, type, shapes);
    const rep = <T>(v: T): T[] => Array.from({ length: paths }, () => v);
    return [
      ...rep({ dtype: 'int64' as const, shape: [null, 2] }),
      ...rep({ dtype: 'int64' as const, shape: [null] }),
      ...rep({ dtype: 'int64' as const, shape: [2] }),
      { dtype: x!.dtype, shape: [batch, paths] },
    ];
  };
}

defineHostOp<{ mergeRepeated: boolean }>({
  type: 'CTCGreedyDecoder',
  infer: decoderInfer('CTCGreedyDecoder', 1),
  run: ([x, sl], a, op) => {
    const { B, C, seqLen } = decodeInputs(x!, sl!, op.name);
    const xs = valuesOf(x!);
    const blank = C - 1;
    const logProb = new Float64Array(B);
    const seqs = Array.from({ length: B }, (_, b) => {
      const seq: number[] = [];
      let prev = -1;
      for (let t = 0; t < seqLen[b]!; t++) {
        const off = (t * B + b) * C;
        let best = 0;
        for (let c = 1; c < C; c++) if (xs[off + c]! > xs[off + best]!) best = c;
        logProb[b]! -= xs[off + best]!;
        if (best !== blank && !(a.mergeRepeated && best === prev)) seq.push(best);
        prev = best;
      }
      return seq;
    });
    return [...sparseParts(seqs), arrayOf(logProb, [B, 1], x!.dtype)];
  },
});
registerGradient('CTCGreedyDecoder', null);

function decoderOperands(o: Record<string, unknown>, type: string): [Tensor, Tensor] {
  const x = toTensor(o.inputs as TensorLike, undefined, 'inputs');
  checkFloat(x, type);
  if (o.sequenceLength == null) throw new TypeError(`${type === 'CTCGreedyDecoder' ? 'ctc_greedy_decoder' : 'ctc_beam_search_decoder'}() missing 1 required positional argument: 'sequence_length'`);
  const sl = toTensor(o.sequenceLength as TensorLike, 'int32', 'sequence_length');
  checkInt32(sl, 'sequence_length', type);
  return [x, sl];
}

function decodedOf(op: Operation, paths: number): [SparseTensor[], Tensor] {
  const outs = op.outputs;
  const decoded = Array.from({ length: paths }, (_, p) => new SparseTensor(outs[p]!, outs[paths + p]!, outs[2 * paths + p]!));
  return [decoded, outs[3 * paths]!];
}

/**
 * `tf.nn.ctcGreedyDecoder(inputs, sequenceLength, mergeRepeated = true)` → `[[decoded], negSumLogits]`:
 * best-path decoding of [max_time, batch, classes] logits (the last class the blank); `decoded` is
 * a SparseTensor of int64 classes, `negSumLogits` [batch, 1] the negated sum of each step's max.
 */
export function ctcGreedyDecoder(
  inputs: TensorLike, sequenceLength?: TensorLike | Record<string, unknown>, mergeRepeated?: boolean | Record<string, unknown>, opts?: Record<string, unknown>,
): [SparseTensor[], Tensor] {
  const o = kwargs([inputs, sequenceLength, mergeRepeated, opts], ['inputs', 'sequenceLength', 'mergeRepeated'], 'ctc_greedy_decoder', 2, ['name']);
  const [x, sl] = decoderOperands(o, 'CTCGreedyDecoder');
  const op = makeOp(x.graph, 'CTCGreedyDecoder', [x, sl], { mergeRepeated: !!(o.mergeRepeated ?? true) }, o.name as string | undefined, 'CTCGreedyDecoder');
  return decodedOf(op, 1);
}

type BeamAttrs = {
  beamWidth: number;
  topPaths: number;
  mergeRepeated: boolean;
};
const beamInfer = new Map<number, ReturnType<typeof decoderInfer>>();
defineHostOp<BeamAttrs>({
  type: 'CTCBeamSearchDecoder',
  infer: (ins, a, name) => {
    let f = beamInfer.get(a.topPaths);
    if (!f) beamInfer.set(a.topPaths, (f = decoderInfer('CTCBeamSearchDecoder', a.topPaths)));
    return f(ins, a, name);
  },
  run: ([x, sl], a, op) => {
    const { B, C, seqLen } = decodeInputs(x!, sl!, op.name);
    const xs = valuesOf(x!);
    const paths: number[][][] = Array.from({ length: a.topPaths }, () => []);
    const logProb = new Float64Array(B * a.topPaths);
    for (let b = 0; b < B; b++) {
      const steps: Float64Array[] = [];
      for (let t = 0; t < seqLen[b]!; t++) steps.push(xs.slice((t * B + b) * C, (t * B + b + 1) * C));
      const best = beamSearchDecode(steps, C, a.beamWidth, a.topPaths, a.mergeRepeated, op.name);
      best.forEach((r, p) => {
        paths[p]!.push(r.labels);
        logProb[b * a.topPaths + p] = r.logProb;
      });
    }
    const parts = paths.map(sparseParts);
    return [...parts.map((q) => q[0]!), ...parts.map((q) => q[1]!), ...parts.map((q) => q[2]!), arrayOf(logProb, [B, a.topPaths], x!.dtype)];
  },
});
registerGradient('CTCBeamSearchDecoder', null);

/**
 * `tf.nn.ctcBeamSearchDecoder(inputs, sequenceLength, beamWidth = 100, topPaths = 1,
 * mergeRepeated = true)` → `[decoded (topPaths SparseTensors), logProbabilities [batch, topPaths]]`:
 * TF's CTC beam search with its default scorer (no language model).
 */
export function ctcBeamSearchDecoder(
  inputs: TensorLike, sequenceLength?: TensorLike | Record<string, unknown>, beamWidth?: number | Record<string, unknown>,
  topPaths?: number | Record<string, unknown>, mergeRepeated?: boolean | Record<string, unknown>, opts?: Record<string, unknown>,
): [SparseTensor[], Tensor] {
  const o = kwargs([inputs, sequenceLength, beamWidth, topPaths, mergeRepeated, opts], ['inputs', 'sequenceLength', 'beamWidth', 'topPaths', 'mergeRepeated'], 'ctc_beam_search_decoder', 2, ['name']);
  const [x, sl] = decoderOperands(o, 'CTCBeamSearchDecoder');
  const bw = (o.beamWidth as number | undefined) ?? 100;
  const tp = (o.topPaths as number | undefined) ?? 1;
  if (!Number.isInteger(bw) || bw < 1) throw new ValueError(`Attr 'beam_width' of 'CTCBeamSearchDecoder' Op passed ${bw} less than minimum 1.`);
  if (!Number.isInteger(tp) || tp < 1) throw new ValueError(`Attr 'top_paths' of 'CTCBeamSearchDecoder' Op passed ${tp} less than minimum 1.`);
  const op = makeOp(x.graph, 'CTCBeamSearchDecoder', [x, sl], { beamWidth: bw, topPaths: tp, mergeRepeated: !!(o.mergeRepeated ?? true) }, o.name as string | undefined, 'CTCBeamSearchDecoder');
  return decodedOf(op, tp);
}

// ----- ctc_loss_v2 ------------------------------------------------------------------------------------
/**
 * `tf.nn.denseLabelsToSparse(dense, length)` (TF's ctc_ops.dense_labels_to_sparse): the first
 * `length[b]` entries of each row of `dense` [batch, max_label_len] as a SparseTensor.
 */
export function denseLabelsToSparse(dense: TensorLike, length: TensorLike): SparseTensor {
  const d = toTensor(dense, undefined, 'dense');
  const w = d.shape?.[1];
  if (w === null || w === undefined) throw new ValueError('denseLabelsToSparse: the labels need a static [batch, max_label_len] shape');
  const mask = sequenceMask(toTensor(length, undefined, 'length'), w);
  const indices = whereIndices(mask);
  return new SparseTensor(indices, gatherNd(d, indices), cast(shapeOf(d), 'int64'));
}

/**
 * `tf.nn.ctcLossV2(labels, logits, labelLength, logitLength, logitsTimeMajor = true, unique = null,
 * blankIndex = null, name?)` (TF 1.15's ctc_loss_v2): SparseTensor labels need `blankIndex`; dense
 * labels [batch, max_label_len] with `labelLength` default to blank 0. Both move the blank class
 * to the end (the logits' columns and the labels above it shifted down) and take the CTCLoss
 * kernel's loss: TF's dense path computes the same CTC loss (its test checks the two agree), as
 * a graph of scans. Unlike that graph, a label longer than its logits is CTCLoss's error
 * instead of an infinite loss.
 */
export function ctcLossV2(
  labels: SparseTensor | TensorLike, logits?: TensorLike | Record<string, unknown>, labelLength?: TensorLike | null | Record<string, unknown>,
  logitLength?: TensorLike | Record<string, unknown>, logitsTimeMajor?: boolean | Record<string, unknown>, unique?: unknown,
  blankIndex?: number | null | Record<string, unknown>, name?: string | Record<string, unknown>,
): Tensor {
  const o = kwargs(
    [labels, logits, labelLength, logitLength, logitsTimeMajor, unique, blankIndex, name],
    ['labels', 'logits', 'labelLength', 'logitLength', 'logitsTimeMajor', 'unique', 'blankIndex', 'name'],
    'ctc_loss_v2', 4,
  );
  // `unique` (ctcUniqueLabels of the labels) only selects TF's faster path for the same loss.
  const x = toTensor(o.logits as TensorLike, undefined, 'logits');
  checkFloat(x, 'CTCLoss');
  const C = x.shape?.[2];
  if (C === null || C === undefined) throw new ValueError('ctc_loss_v2: the logits need a static number of classes');
  const sparse = o.labels instanceof SparseTensor;
  let blank = o.blankIndex as number | null | undefined;
  if (sparse && blank == null) throw new ValueError('blank_index must be given when using SparseTensor labels.');
  blank ??= 0;
  if (blank < 0) blank += C;
  return x.graph.nameScope((o.name as string | undefined) ?? 'ctc_loss_dense', () => {
    let lab = sparse ? (o.labels as SparseTensor) : denseLabelsToSparse(o.labels as TensorLike, o.labelLength as TensorLike);
    if (lab.values.dtype !== 'int32') lab = new SparseTensor(lab.indices, cast(lab.values, 'int32'), lab.denseShape);
    let lg = x;
    if (blank !== C - 1) {
      const perm = [...Array.from({ length: C }, (_, i) => i).filter((i) => i !== blank), blank!];
      lg = gather(x, perm, { axis: 2 });
      lab = new SparseTensor(lab.indices, where(less(lab.values, blank!), lab.values, subtract(lab.values, 1)), lab.denseShape);
    }
    return ctcLoss(lab, lg, o.logitLength as TensorLike, { timeMajor: o.logitsTimeMajor !== false });
  });
}

/**
 * `tf.nn.ctcBeamSearchDecoderV2(inputs, sequenceLength, beamWidth = 100, topPaths = 1)`: TF 1.15's
 * v2 form, ctcBeamSearchDecoder with mergeRepeated false.
 */
export function ctcBeamSearchDecoderV2(
  inputs: TensorLike, sequenceLength?: TensorLike | Record<string, unknown>, beamWidth?: number | Record<string, unknown>, topPaths?: number | Record<string, unknown>,
): [SparseTensor[], Tensor] {
  const o = kwargs([inputs, sequenceLength, beamWidth, topPaths], ['inputs', 'sequenceLength', 'beamWidth', 'topPaths'], 'ctc_beam_search_decoder_v2', 2);
  return ctcBeamSearchDecoder(o.inputs as TensorLike, { sequenceLength: o.sequenceLength, beamWidth: o.beamWidth ?? 100, topPaths: o.topPaths ?? 1, mergeRepeated: false });
}
