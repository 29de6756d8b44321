/**
 * `tf.signal.frame` (frames of a signal along one axis, optionally padded at the end) and
 * `tf.signal.overlap_and_add` (its adjoint: frames summed back at their offsets), with TF 1.15's
 * frame counts and TF's pad-reshape-transpose-sum algorithm for the overlap-add, so float sums
 * run in TF's order. Both are compositions of differentiable ops, so both have gradients.
 */
import { tf1Function } from '../../args.js';
import { isInt } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { concat, gather, range, reshape, shape as shapeOf, slice, stack, transpose } from '../array.js';
import { constant } from '../core.js';
import { type TensorLike, toTensor } from '../convert.js';
import { add, floorDiv, maximum, multiply, reduceSum, subtract } from '../math.js';
import { pad } from '../pad.js';
import { stridedSlice } from '../strided-slice.js';
import { staticInt } from './static-args.js';

function frameImpl(signal: TensorLike, frameLength: TensorLike, frameStep: TensorLike, padEnd?: boolean | null, padValue?: number | null, axis?: number | null, name?: string | null): Tensor {
  const x = toTensor(signal);
  return x.graph.nameScope(name ?? 'frame', () => {
    const fl = staticInt(frameLength, 'frame_length', 'frame');
    const step = staticInt(frameStep, 'frame_step', 'frame');
    if (fl < 0) throw new ValueError(`frame: frame_length must be non-negative, got ${fl}`);
    if (step <= 0) throw new ValueError(`frame: frame_step must be positive, got ${step}`);
    if (x.shape === null) throw new ValueError('frame: the rank of signal must be known');
    const r = x.shape.length;
    if (r < 1) throw new ValueError(`Shape must be at least rank 1 but is rank 0 for 'frame' (signal)`);
    const a0 = axis ?? -1;
    if (!Number.isInteger(a0) || a0 < -r || a0 >= r) throw new ValueError(`frame: axis ${a0} is out of range for a signal of rank ${r}`);
    const ax = a0 < 0 ? a0 + r : a0;
    const len = x.shape[ax]!;
    let sig = x;
    if (len !== null) {
      let numFrames: number;
      if (padEnd) {
        numFrames = Math.max(0, Math.ceil(len / step));
        const padSamples = Math.max(0, fl + step * (numFrames - 1) - len);
        if (padSamples > 0) sig = pad(x, x.shape.map((_, i) => (i === ax ? [0, padSamples] : [0, 0])), 'CONSTANT', undefined, padValue ?? 0);
      } else {
        numFrames = Math.max(0, 1 + Math.floor((len - fl) / step));
      }
      const idx = new Int32Array(numFrames * fl);
      for (let f = 0; f < numFrames; f++) for (let j = 0; j < fl; j++) idx[f * fl + j] = f * step + j;
      return gather(sig, constant(idx, 'int32', [numFrames, fl]), { axis: ax });
    }
    // Length known only at run time: the frame starts are a range of run-time size.
    let n = stridedSlice(shapeOf(x), [ax], [ax + 1], [1], { shrinkAxisMask: 1 });
    let numFrames: Tensor;
    if (padEnd) {
      numFrames = subtract(0, floorDiv(subtract(0, n), step));
      const padSamples = maximum(0, subtract(add(fl, multiply(step, subtract(numFrames, 1))), n));
      const rows = x.shape.map((_, i) => (i === ax ? concat([constant([0], 'int32'), reshape(padSamples, [1])], 0) : constant([0, 0], 'int32')));
      sig = pad(x, reshape(concat(rows, 0), [r, 2]), 'CONSTANT', undefined, padValue ?? 0);
      n = add(n, padSamples);
    } else {
      numFrames = maximum(0, add(1, floorDiv(subtract(n, fl), step)));
    }
    const starts = reshape(multiply(range(numFrames), step), [-1, 1]);
    const idx = add(starts, reshape(range(fl), [1, fl]));
    return gather(sig, idx, { axis: ax });
  });
}

/** `tf.signal.frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None)`. */
export const frame = tf1Function('frame', ['signal', 'frameLength', 'frameStep', 'padEnd', 'padValue', 'axis', 'name'], frameImpl, 3);

function overlapAndAddImpl(signal: TensorLike, frameStep: TensorLike, name?: string | null): Tensor {
  const x = toTensor(signal);
  return x.graph.nameScope(name ?? 'overlap_and_add', () => {
    if (x.shape === null) throw new ValueError('overlap_and_add: the rank of signal must be known');
    const r = x.shape.length;
    if (r < 2) throw new ValueError(`Shape must be at least rank 2 but is rank ${r} for 'overlap_and_add' (signal)`);
    if (frameStep !== null && typeof frameStep === 'object' && 'dtype' in frameStep && !isInt((frameStep as Tensor).dtype)) {
      throw new ValueError(`frame_step must be an integer. Got ${(frameStep as Tensor).dtype}`);
    }
    const step = staticInt(frameStep, 'frame_step', 'overlap_and_add');
    if (step <= 0) throw new ValueError(`overlap_and_add: frame_step must be positive, got ${step}`);
    const fl = x.shape[r - 1]!;
    if (fl === null) throw new ValueError(`overlap_and_add: the frame length of signal must be known when the graph is built, got shape [${x.shape.map((d) => d ?? '?').join(', ')}]`);
    const outer = x.shape.slice(0, r - 2);
    const staticOuter = outer.every((d) => d !== null);
    // Work on [batch, frames, frame_length]; a frame count known only at run time becomes a
    // scalar tensor in the shapes below.
    const frames: number | Tensor = x.shape[r - 2] ?? stridedSlice(shapeOf(x), [r - 2], [r - 1], [1], { shrinkAxisMask: 1 });
    const plus = (a: number | Tensor, b: number): number | Tensor => (typeof a === 'number' ? a + b : add(a, b));
    const times = (a: number | Tensor, b: number): number | Tensor => (typeof a === 'number' ? a * b : multiply(a, b));
    const dims = (ds: (number | Tensor)[]): number[] | Tensor => (ds.every((d) => typeof d === 'number') ? (ds as number[]) : stack(ds.map((d) => (typeof d === 'number' ? constant(d, 'int32') : d))));
    const flat = reshape(x, dims([-1, frames, fl]));
    const outLen = plus(times(plus(frames, -1), step), fl);
    let y: Tensor;
    if (step === fl) {
      y = reshape(flat, dims([-1, outLen]));
    } else {
      // TF's layout trick: pad, fold into segments of frame_step, shear by transposing, sum.
      const segments = Math.ceil(fl / step);
      let s = pad(flat, [[0, 0], [0, segments], [0, segments * step - fl]]);
      s = reshape(s, dims([-1, plus(frames, segments), segments, step]));
      s = transpose(s, [0, 2, 1, 3]);
      s = reshape(s, dims([-1, times(plus(frames, segments), segments), step]));
      s = slice(s, [0, 0, 0], dims([-1, times(plus(frames, segments - 1), segments), -1]));
      s = reshape(s, dims([-1, segments, plus(frames, segments - 1), step]));
      s = reduceSum(s, 1);
      s = reshape(s, dims([-1, times(plus(frames, segments - 1), step)]));
      y = slice(s, [0, 0], dims([-1, outLen]));
    }
    if (staticOuter) return reshape(y, dims([...(outer as number[]), outLen]));
    const outerShape = stridedSlice(shapeOf(x), [0], [r - 2], [1]);
    return reshape(y, concat([outerShape, reshape(dims([outLen]), [1])], 0));
  });
}

/** `tf.signal.overlap_and_add(signal, frame_step, name=None)`: `[..., frames, frame_length]` → `[..., output_size]`. */
export const overlapAndAdd = tf1Function('overlapAndAdd', ['signal', 'frameStep', 'name'], overlapAndAddImpl, 2);
