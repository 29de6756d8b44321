/**
 * tf.image.combinedNonMaxSuppression: TF 1.15's CombinedNonMaxSuppression (greedy per-class NMS
 * on every image of a batch, the survivors of all classes merged by score, cut or zero-padded to
 * a fixed size), with the kernel's checks and texts (non_max_suppression_op.cc). Runs on the
 * host; no gradient (TF registers none).
 */
import { kwargs } from '../../args.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import { cShape } from '../../shape.js';
import { shapeFnError } from '../array.js';
import { type TensorLike, toTensor } from '../convert.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';
import { scalarValue } from '../shape-value.js';

interface CombinedAttrs { pad_per_class: boolean; clip_boxes: boolean; [k: string]: unknown }

const TYPE = 'CombinedNonMaxSuppression';

defineOp<CombinedAttrs>({
  type: TYPE,
  infer: (ins, a, name) => {
    const shapes = ins.map((t) => t.shape);
    const fail = (msg: string): never => {
      throw shapeFnError(msg, name, TYPE, shapes);
    };
    const names = ['boxes', 'scores', 'max_output_size_per_class', 'max_total_size', 'iou_threshold', 'score_threshold'];
    const want = ['float32', 'float32', 'int32', 'int32', 'float32', 'float32'];
    ins.forEach((t, i) => {
      if (t.dtype !== want[i]) throw new TypeError(`Input '${names[i]}' of '${TYPE}' Op has type ${t.dtype} that does not match expected type of ${want[i]}.`);
    });
    const ranks = [4, 3, 0, 0, 0, 0];
    shapes.forEach((s, i) => {
      if (s !== null && s.length !== ranks[i]) fail(`Shape must be rank ${ranks[i]} but is rank ${s.length}`);
    });
    const [bs, ss] = shapes;
    for (const d of [0, 1]) {
      const x = bs?.[d] ?? null;
      const y = ss?.[d] ?? null;
      if (x !== null && y !== null && x !== y) fail(`Dimensions must be equal, but are ${x} and ${y}`);
    }
    if (bs && bs[3] !== null && bs[3] !== 4) fail(`Dimension must be 4 but is ${bs[3]}`);
    const q = bs?.[2] ?? null;
    const classes = ss?.[2] ?? null;
    if (q !== null && classes !== null && q !== 1 && q !== classes) fail('third dimension of boxes must be either 1 or equal to the third dimension of scores');
    const batch = bs?.[0] ?? ss?.[0] ?? null;
    const total = scalarValue(ins[3]!);
    const perClass = scalarValue(ins[2]!);
    let n: number | null = total;
    if (a.pad_per_class) {
      if (perClass !== null && perClass <= 0) fail('max_output_size_per_class must be > 0 if pad_per_class is set to true ');
      n = total !== null && perClass !== null && classes !== null ? Math.min(total, perClass * classes) : null;
    }
    return [
      { dtype: 'float32', shape: [batch, n, 4] },
      { dtype: 'float32', shape: [batch, n] },
      { dtype: 'float32', shape: [batch, n] },
      { dtype: 'int32', shape: [batch] },
    ];
  },
  lower: () => {
    throw new Error(`${TYPE} runs on the host before the plan; it cannot be lowered`);
  },
});
registerGradient(TYPE, null);

/** IoU of boxes i and j of a flat [n, 4] array, corners in either order (TF's IOU). */
function iou(b: ArrayLike<number>, i: number, j: number): number {
  const f = Math.fround;
  const [yi0, xi0, yi1, xi1] = [b[i * 4]!, b[i * 4 + 1]!, b[i * 4 + 2]!, b[i * 4 + 3]!];
  const [yj0, xj0, yj1, xj1] = [b[j * 4]!, b[j * 4 + 1]!, b[j * 4 + 2]!, b[j * 4 + 3]!];
  const [yminI, ymaxI, xminI, xmaxI] = [Math.min(yi0, yi1), Math.max(yi0, yi1), Math.min(xi0, xi1), Math.max(xi0, xi1)];
  const [yminJ, ymaxJ, xminJ, xmaxJ] = [Math.min(yj0, yj1), Math.max(yj0, yj1), Math.min(xj0, xj1), Math.max(xj0, xj1)];
  const areaI = f(f(ymaxI - yminI) * f(xmaxI - xminI));
  const areaJ = f(f(ymaxJ - yminJ) * f(xmaxJ - xminJ));
  if (areaI <= 0 || areaJ <= 0) return 0;
  const ih = Math.max(f(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ)), 0);
  const iw = Math.max(f(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ)), 0);
  const inter = f(ih * iw);
  return f(inter / f(f(areaI + areaJ) - inter));
}

interface Picked { score: number; cls: number; box: number[] }

function combinedHost(op: Operation, [boxes, scores, maxPer, maxTotal, iouT, scoreT]: NDArray[]): NDArray[] {
  const a = op.attrs as CombinedAttrs;
  const bs = boxes!.shape;
  const ss = scores!.shape;
  if (bs[0] !== ss[0]) throw new InvalidArgumentError('boxes and scores must have same batch size', op.name);
  const scalar = (x: NDArray, what: string): number => {
    if (x.shape.length !== 0) throw new InvalidArgumentError(`${what} must be 0-D, got shape ${cShape(x.shape)}`, op.name);
    return Number(x.data[0]);
  };
  const perClass = scalar(maxPer!, 'max_size_per_class');
  const total = scalar(maxTotal!, 'max_total_size');
  if (!(total > 0)) throw new InvalidArgumentError('max_total_size must be > 0', op.name);
  const iouThr = scalar(iouT!, 'iou_threshold');
  const scoreThr = scalar(scoreT!, 'score_threshold');
  if (!(iouThr >= 0 && iouThr <= 1)) throw new InvalidArgumentError('iou_threshold must be in [0, 1]', op.name);
  if (bs.length !== 4) throw new InvalidArgumentError(`boxes must be 4-D${cShape(bs)}`, op.name);
  const classes = ss[2]!;
  const q = bs[2]!;
  if (q !== 1 && q !== classes) throw new InvalidArgumentError('third dimension of boxes must be either 1 or num classes', op.name);
  const n = bs[1]!;
  if (bs[3] !== 4) throw new InvalidArgumentError('boxes must have 4 columns', op.name);
  if (ss.length !== 3) throw new InvalidArgumentError(`scores must be 3-D${cShape(ss)}`, op.name);
  if (ss[1] !== n) throw new InvalidArgumentError('scores has incompatible shape', op.name);

  const batch = bs[0]!;
  const bd = boxes!.data as Float32Array;
  const sd = scores!.data as Float32Array;
  const size = a.pad_per_class ? Math.min(total, perClass * classes) : total;
  const outBoxes = new Float32Array(batch * size * 4);
  const outScores = new Float32Array(batch * size);
  const outClasses = new Float32Array(batch * size);
  const valid = new Int32Array(batch);
  const clip = (v: number): number => (a.clip_boxes ? Math.max(Math.min(v, 1), 0) : v);
  for (let b = 0; b < batch; b++) {
    const picked: Picked[] = [];
    for (let c = 0; c < classes; c++) {
      const cb = new Float32Array(n * 4);
      for (let k = 0; k < n; k++) cb.set(bd.subarray(((b * n + k) * q + (q > 1 ? c : 0)) * 4, ((b * n + k) * q + (q > 1 ? c : 0)) * 4 + 4), k * 4);
      const cand: number[] = [];
      for (let k = 0; k < n; k++) if (sd[(b * n + k) * classes + c]! > scoreThr) cand.push(k);
      // by falling score; ties in index order (TF's std::sort leaves them unspecified)
      cand.sort((i, j) => sd[(b * n + j) * classes + c]! - sd[(b * n + i) * classes + c]! || i - j);
      const sel: number[] = [];
      const limit = Math.min(perClass, n);
      for (const k of cand) {
        if (sel.length >= limit) break;
        let keep = true;
        for (let j = sel.length - 1; j >= 0; j--) if (iou(cb, k, sel[j]!) > iouThr) { keep = false; break; }
        if (!keep) continue;
        sel.push(k);
        picked.push({ score: sd[(b * n + k) * classes + c]!, cls: c, box: Array.from(cb.subarray(k * 4, k * 4 + 4)) });
      }
    }
    // stable: equal scores keep class order
    picked.sort((x, y) => y.score - x.score);
    const m = Math.min(picked.length, size);
    valid[b] = m;
    for (let i = 0; i < m; i++) {
      const p = picked[i]!;
      for (let k = 0; k < 4; k++) outBoxes[(b * size + i) * 4 + k] = clip(p.box[k]!);
      outScores[b * size + i] = p.score;
      outClasses[b * size + i] = p.cls;
    }
  }
  return [
    new NDArray(outBoxes, [batch, size, 4], 'float32'),
    new NDArray(outScores, [batch, size], 'float32'),
    new NDArray(outClasses, [batch, size], 'float32'),
    new NDArray(valid, [batch], 'int32'),
  ];
}

registerHostOp(TYPE, function* (op, ins) {
  return combinedHost(op, ins);
});

/**
 * `tf.image.combinedNonMaxSuppression(boxes, scores, maxOutputSizePerClass, maxTotalSize,
 * iouThreshold = 0.5, scoreThreshold = -Infinity, padPerClass = false, clipBoxes = true, name?)`:
 * boxes `[batch, n, q, 4]` (q = 1: shared by every class, else one per class), scores
 * `[batch, n, classes]` → `[nmsedBoxes [batch, N, 4], nmsedScores [batch, N], nmsedClasses
 * [batch, N] (float32), validDetections [batch] (int32)]`, N = maxTotalSize, or
 * min(maxTotalSize, maxOutputSizePerClass · classes) with padPerClass.
 */
export function combinedNonMaxSuppression(...args: unknown[]): [Tensor, Tensor, Tensor, Tensor] {
  const o = kwargs(args, ['boxes', 'scores', 'maxOutputSizePerClass', 'maxTotalSize', 'iouThreshold', 'scoreThreshold', 'padPerClass', 'clipBoxes', 'name'], 'combined_non_max_suppression', 4);
  const boxes = toTensor(o.boxes as TensorLike, 'float32');
  const g = boxes.graph;
  return g.nameScope((o.name as string | undefined) ?? 'combined_non_max_suppression', () => g.asDefault(() => {
    const ins = [
      boxes,
      toTensor(o.scores as TensorLike, 'float32'),
      toTensor(o.maxOutputSizePerClass as TensorLike, 'int32'),
      toTensor(o.maxTotalSize as TensorLike, 'int32'),
      toTensor((o.iouThreshold ?? 0.5) as TensorLike, 'float32'),
      toTensor((o.scoreThreshold ?? -Infinity) as TensorLike, 'float32'),
    ];
    const attrs: CombinedAttrs = { pad_per_class: !!o.padPerClass, clip_boxes: (o.clipBoxes ?? true) as boolean };
    return makeOp(g, TYPE, ins, attrs, undefined, TYPE).outputs as [Tensor, Tensor, Tensor, Tensor];
  }));
}
