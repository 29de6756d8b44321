/**
 * TF 1.15's other non-max suppression ops (non_max_suppression_op.cc), on the host as
 * NonMaxSuppressionV3 is (their output length depends on the values):
 *
 * - NonMaxSuppressionV4 (`tf.image.nonMaxSuppressionPadded`): hard NMS, the indices padded with
 *   zeros to max_output_size when pad_to_max_output_size, and the count of valid ones.
 * - NonMaxSuppressionV5 (`tf.image.nonMaxSuppressionWithScores`): with soft_nms_sigma > 0,
 *   Gaussian soft-NMS (Bodla et al.): each candidate's score is multiplied by
 *   exp(-0.5·iou²/σ) for every selected box it has not yet been compared with, and goes back to
 *   the priority queue while it stays above score_threshold; the selected scores are returned.
 * - NonMaxSuppressionWithOverlaps (`tf.image.nonMaxSuppressionOverlaps`): hard NMS over a given
 *   [n, n] overlap matrix instead of IOU.
 *
 * The selection loop is the kernel's DoNonMaxSuppressionOp: candidates above score_threshold in
 * a priority queue by (score, lower index first); a candidate is compared with the selected
 * boxes from the newest back to those it has not met yet, all in float32.
 */
import { kwargs } from '../../args.js';
import { isFloat } from '../../dtype.js';
import { InvalidArgumentError, ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import { pyShape } from '../../shape.js';
import { type TensorLike, toTensor } from '../convert.js';
import { defineOp, makeOp, registerGradient, type OutSpec } from '../registry.js';

const f32 = Math.fround;

/** The kernel's IOU in float32 (corners in either order; empty boxes overlap nothing). */
function iou32(b: Float32Array, i: number, j: number): number {
  const yminI = Math.min(b[i * 4]!, b[i * 4 + 2]!), ymaxI = Math.max(b[i * 4]!, b[i * 4 + 2]!);
  const xminI = Math.min(b[i * 4 + 1]!, b[i * 4 + 3]!), xmaxI = Math.max(b[i * 4 + 1]!, b[i * 4 + 3]!);
  const yminJ = Math.min(b[j * 4]!, b[j * 4 + 2]!), ymaxJ = Math.max(b[j * 4]!, b[j * 4 + 2]!);
  const xminJ = Math.min(b[j * 4 + 1]!, b[j * 4 + 3]!), xmaxJ = Math.max(b[j * 4 + 1]!, b[j * 4 + 3]!);
  const areaI = f32(f32(ymaxI - yminI) * f32(xmaxI - xminI));
  const areaJ = f32(f32(ymaxJ - yminJ) * f32(xmaxJ - xminJ));
  if (areaI <= 0 || areaJ <= 0) return 0;
  const ih = Math.max(f32(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ)), 0);
  const iw = Math.max(f32(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ)), 0);
  const inter = f32(ih * iw);
  return f32(inter / f32(f32(areaI + areaJ) - inter));
}

interface Candidate { box: number; score: number; begin: number }

/** A binary max-heap on (score, then the lower box index). */
class Queue {
  private h: Candidate[] = [];
  private static before(a: Candidate, b: Candidate): boolean {
    return a.score > b.score || (a.score === b.score && a.box < b.box);
  }
  get size(): number { return this.h.length; }
  push(c: Candidate): void {
    const h = this.h;
    h.push(c);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!Queue.before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): Candidate {
    const h = this.h;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && Queue.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && Queue.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** DoNonMaxSuppressionOp: [selected indices, their (possibly soft-suppressed) scores, valid count]. */
function select(scores: Float32Array, maxOut: number, thr: number, scoreThr: number, sigma: number, sim: (i: number, j: number) => number, pad: boolean): [number[], number[], number] {
  const q = new Queue();
  for (let i = 0; i < scores.length; i++) if (scores[i]! > scoreThr) q.push({ box: i, score: scores[i]!, begin: 0 });
  const soft = sigma > 0;
  const scale = soft ? f32(-0.5 / sigma) : 0;
  const weight = (s: number): number => {
    const w = f32(Math.exp(f32(f32(scale * s) * s)));
    return soft || s <= thr ? w : 0;
  };
  const selected: number[] = [];
  const selScores: number[] = [];
  while (selected.length < maxOut && q.size > 0) {
    const c = q.pop();
    const original = c.score;
    let hard = false;
    for (let j = selected.length - 1; j >= c.begin; j--) {
      const s = sim(c.box, selected[j]!);
      c.score = f32(c.score * weight(s));
      if (!soft && s > thr) { hard = true; break; }
      if (c.score <= scoreThr) break;
    }
    c.begin = selected.length;
    if (hard) continue;
    if (c.score === original) {
      selected.push(c.box);
      selScores.push(c.score);
    } else if (c.score > scoreThr) q.push(c);
  }
  const valid = selected.length;
  if (pad) while (selected.length < maxOut) { selected.push(0); selScores.push(0); }
  return [selected, selScores, valid];
}

const scalarOf = (op: Operation, x: NDArray, what: string): number => {
  if (x.shape.length !== 0) throw new InvalidArgumentError(`${what} must be 0-D, got shape [${x.shape.join(',')}]`, op.name);
  return Number(x.data[0]);
};

function checkBoxes(op: Operation, boxes: NDArray, scores: NDArray): number {
  if (boxes.shape.length !== 2) throw new InvalidArgumentError(`boxes must be 2-D[${boxes.shape.join(',')}]`, op.name);
  if (boxes.shape[1] !== 4) throw new InvalidArgumentError('boxes must have 4 columns', op.name);
  return checkScores(op, boxes.shape[0]!, scores);
}
function checkScores(op: Operation, n: number, scores: NDArray): number {
  if (scores.shape.length !== 1) throw new InvalidArgumentError(`scores must be 1-D[${scores.shape.join(',')}]`, op.name);
  if (scores.shape[0] !== n) throw new InvalidArgumentError('scores has incompatible shape', op.name);
  return n;
}
function checkThreshold(op: Operation, x: NDArray, what: string): number {
  const v = scalarOf(op, x, what);
  if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError(`${what} must be in [0, 1]`, op.name);
  return v;
}

const asF32 = (x: NDArray): Float32Array => (x.data instanceof Float32Array ? x.data : Float32Array.from(x.data as ArrayLike<number>, Number));

function declare(type: string, inputNames: string[], outs: (a: Record<string, unknown>, maxOut: Tensor) => OutSpec[], run: (op: Operation, ins: NDArray[]) => NDArray[]): void {
  defineOp<Record<string, unknown>>({
    type,
    infer: (ins, a, name) => {
      const first = ins[0]!;
      if (first.shape !== null && first.shape.length !== 2) throw new ValueError(`Shape must be rank 2 but is rank ${first.shape.length} for '${name}' (op: '${type}') with input shapes: ${ins.map((t) => pyShape(t.shape)).join(', ')}.`);
      if (ins[1]!.shape !== null && ins[1]!.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${ins[1]!.shape.length} for '${name}' (op: '${type}') with input shapes: ${ins.map((t) => pyShape(t.shape)).join(', ')}.`);
      ins.forEach((t, k) => {
        const want = inputNames[k] === 'max_output_size' ? 'int32' : 'float';
        if (want === 'int32' ? t.dtype !== 'int32' : !isFloat(t.dtype)) throw new TypeError(`Value passed to parameter '${inputNames[k]}' has DataType ${t.dtype} not in list of allowed values: ${want === 'int32' ? 'int32' : 'float16, float32'}`);
      });
      return outs(a, ins[2]!);
    },
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
    stateful: true,
  });
  registerGradient(type, null);
  registerHostOp(type, function* (op, ins) {
    return run(op, ins);
  });
}

const constInt = (t: Tensor): number | null => {
  if (t.op.type !== 'Const') return null;
  const v = t.op.attrs.value as NDArray;
  return v.shape.length === 0 ? Number(v.data[0]) : null;
};
const i32 = (v: number[]): NDArray => new NDArray(Int32Array.from(v), [v.length], 'int32');

declare('NonMaxSuppressionV4', ['boxes', 'scores', 'max_output_size', 'iou_threshold', 'score_threshold'],
  (a, m) => [{ dtype: 'int32', shape: [a.pad_to_max_output_size ? constInt(m) : null] }, { dtype: 'int32', shape: [] }],
  (op, [boxes, scores, maxOut, iouT, scoreT]) => {
    const max = scalarOf(op, maxOut!, 'max_output_size');
    const thr = checkThreshold(op, iouT!, 'iou_threshold');
    const sthr = f32(scalarOf(op, scoreT!, 'score_threshold'));
    checkBoxes(op, boxes!, scores!);
    const b = asF32(boxes!);
    const [sel, , valid] = select(asF32(scores!), max, f32(thr), sthr, 0, (i, j) => iou32(b, i, j), !!op.attrs.pad_to_max_output_size);
    return [i32(sel), new NDArray(Int32Array.of(valid), [], 'int32')];
  });

declare('NonMaxSuppressionV5', ['boxes', 'scores', 'max_output_size', 'iou_threshold', 'score_threshold', 'soft_nms_sigma'],
  (a, m) => {
    const n = a.pad_to_max_output_size ? constInt(m) : null;
    return [{ dtype: 'int32', shape: [n] }, { dtype: 'float32', shape: [n] }, { dtype: 'int32', shape: [] }];
  },
  (op, [boxes, scores, maxOut, iouT, scoreT, sigmaT]) => {
    const max = scalarOf(op, maxOut!, 'max_output_size');
    const thr = checkThreshold(op, iouT!, 'iou_threshold');
    const sthr = f32(scalarOf(op, scoreT!, 'score_threshold'));
    const sigma = scalarOf(op, sigmaT!, 'soft_nms_sigma');
    if (!(sigma >= 0)) throw new InvalidArgumentError('soft_nms_sigma_val must be >= 0', op.name);
    checkBoxes(op, boxes!, scores!);
    const b = asF32(boxes!);
    const [sel, sc, valid] = select(asF32(scores!), max, f32(thr), sthr, f32(sigma), (i, j) => iou32(b, i, j), !!op.attrs.pad_to_max_output_size);
    return [i32(sel), new NDArray(Float32Array.from(sc), [sc.length], 'float32'), new NDArray(Int32Array.of(valid), [], 'int32')];
  });

declare('NonMaxSuppressionWithOverlaps', ['overlaps', 'scores', 'max_output_size', 'overlap_threshold', 'score_threshold'],
  () => [{ dtype: 'int32', shape: [null] }],
  (op, [overlaps, scores, maxOut, ovT, scoreT]) => {
    if (overlaps!.shape.length !== 2) throw new InvalidArgumentError(`overlaps must be 2-D[${overlaps!.shape.join(',')}]`, op.name);
    const n = overlaps!.shape[0]!;
    if (overlaps!.shape[1] !== n) throw new InvalidArgumentError('overlaps must be square[' + overlaps!.shape.join(',') + ']', op.name);
    checkScores(op, n, scores!);
    const max = scalarOf(op, maxOut!, 'max_output_size');
    const thr = f32(scalarOf(op, ovT!, 'overlap_threshold'));
    const sthr = f32(scalarOf(op, scoreT!, 'score_threshold'));
    const ov = asF32(overlaps!);
    const [sel] = select(asF32(scores!), max, thr, sthr, 0, (i, j) => ov[i * n + j]!, false);
    return [i32(sel)];
  });


/**
 * `tf.image.nonMaxSuppressionPadded(boxes, scores, maxOutputSize, iouThreshold = 0.5,
 * scoreThreshold = -Infinity, padToMaxOutputSize = false, name?)`: [selected indices (int32,
 * zero-padded to maxOutputSize when padToMaxOutputSize), number of valid indices (int32 scalar)].
 */
export function nonMaxSuppressionPadded(...a: unknown[]): [Tensor, Tensor] {
  const o = kwargs(a, ['boxes', 'scores', 'maxOutputSize', 'iouThreshold', 'scoreThreshold', 'padToMaxOutputSize', 'name'], 'non_max_suppression_padded', 3);
  const x = toTensor(o.boxes as TensorLike, 'float32');
  const g = x.graph;
  return g.nameScope((o.name as string | undefined) ?? 'non_max_suppression_padded', () => g.asDefault(() => {
    const ins = [x, toTensor(o.scores as TensorLike, 'float32'), toTensor(o.maxOutputSize as TensorLike, 'int32'),
      toTensor((o.iouThreshold ?? 0.5) as TensorLike, 'float32'), toTensor((o.scoreThreshold ?? -Infinity) as TensorLike, 'float32')];
    const op = makeOp(g, 'NonMaxSuppressionV4', ins, { T: 'float32', pad_to_max_output_size: !!o.padToMaxOutputSize }, undefined, 'NonMaxSuppressionV4');
    return [op.outputs[0]!, op.outputs[1]!] as [Tensor, Tensor];
  }));
}

/**
 * `tf.image.nonMaxSuppressionWithScores(boxes, scores, maxOutputSize, iouThreshold = 0.5,
 * scoreThreshold = -Infinity, softNmsSigma = 0, name?)`: [selected indices (int32), their scores
 * (float32)]; softNmsSigma > 0 is Gaussian soft-NMS, where suppression lowers scores instead of
 * dropping boxes (TF's NonMaxSuppressionV5).
 */
export function nonMaxSuppressionWithScores(...a: unknown[]): [Tensor, Tensor] {
  const o = kwargs(a, ['boxes', 'scores', 'maxOutputSize', 'iouThreshold', 'scoreThreshold', 'softNmsSigma', 'name'], 'non_max_suppression_with_scores', 3);
  const x = toTensor(o.boxes as TensorLike, 'float32');
  const g = x.graph;
  return g.nameScope((o.name as string | undefined) ?? 'non_max_suppression_with_scores', () => g.asDefault(() => {
    const ins = [x, toTensor(o.scores as TensorLike, 'float32'), toTensor(o.maxOutputSize as TensorLike, 'int32'),
      toTensor((o.iouThreshold ?? 0.5) as TensorLike, 'float32'), toTensor((o.scoreThreshold ?? -Infinity) as TensorLike, 'float32'),
      toTensor((o.softNmsSigma ?? 0) as TensorLike, 'float32')];
    const op = makeOp(g, 'NonMaxSuppressionV5', ins, { T: 'float32', pad_to_max_output_size: false }, undefined, 'NonMaxSuppressionV5');
    return [op.outputs[0]!, op.outputs[1]!] as [Tensor, Tensor];
  }));
}

/**
 * `tf.image.nonMaxSuppressionOverlaps(overlaps, scores, maxOutputSize, overlapThreshold = 0.5,
 * scoreThreshold = -Infinity, name?)`: greedy NMS over an [n, n] overlap matrix (TF's
 * NonMaxSuppressionWithOverlaps): a candidate is dropped when its overlap with a kept box is
 * above overlapThreshold.
 */
export function nonMaxSuppressionOverlaps(...a: unknown[]): Tensor {
  const o = kwargs(a, ['overlaps', 'scores', 'maxOutputSize', 'overlapThreshold', 'scoreThreshold', 'name'], 'non_max_suppression_overlaps', 3);
  const x = toTensor(o.overlaps as TensorLike, 'float32');
  const g = x.graph;
  return g.nameScope((o.name as string | undefined) ?? 'non_max_suppression_overlaps', () => g.asDefault(() => {
    const ins = [x, toTensor(o.scores as TensorLike, 'float32'), toTensor(o.maxOutputSize as TensorLike, 'int32'),
      toTensor((o.overlapThreshold ?? 0.5) as TensorLike, 'float32'), toTensor((o.scoreThreshold ?? -Infinity) as TensorLike, 'float32')];
    return makeOp(g, 'NonMaxSuppressionWithOverlaps', ins, {}, undefined, 'NonMaxSuppressionWithOverlaps').outputs[0]!;
  }));
}
