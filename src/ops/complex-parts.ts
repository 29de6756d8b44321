/**
 * Complex kernels for the ops that only move, select or sum elements (slices, gathers, concat,
 * stack, tile, pad, reverse, split, scatter and their gradient helpers): such an op is linear
 * in its complex inputs and never mixes real and imaginary parts, so its result is the op on
 * the real parts plus i times the op on the imaginary parts. Each op is copied once into a
 * small graph with real placeholders and run there twice, by a CPU session of its own.
 */
import { isComplex, realDType } from '../dtype.js';
import { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { Session } from '../session/session.js';
import { fromParts, partsOf } from './complex-kernels.js';
import { makeOp } from './registry.js';

const TYPES = [
  'Slice', 'SliceLike', 'StridedSlice', 'StridedSliceByTensor', 'StridedSliceGrad', 'StridedSliceGradByTensor',
  'GatherV2', 'GatherNd', 'GatherDropNegatives', 'ConcatV2', 'Pack', 'Unpack', 'Tile', 'Pad', 'PadV2', 'PadByTensor',
  'PadLike', 'PadLikeAt', 'MirrorPad', 'ReverseV2', 'ReverseSequence', 'Roll', 'Split', 'SplitV', 'SplitLike',
  'SplitLikeAt', 'SplitVByTensor', 'BroadcastTo', 'UnsortedSegmentSum', 'IndexedSlicesToDense', 'ScatterNd', 'SelectV2',
];

interface Copy {
  session: Session;
  inputs: Tensor[];
  outputs: Tensor[];
}
const copies = new WeakMap<Operation, Copy>();

function copyOf(op: Operation): Copy {
  let c = copies.get(op);
  if (!c) {
    const g = new Graph();
    const inputs = op.inputs.map((t, i) => makeOp(g, 'Placeholder', [], { dtype: realDType(t.dtype), shape: t.shape }, `in${i}`, 'Placeholder').outputs[0]!);
    const outputs = [...makeOp(g, op.type, inputs, op.attrs, op.name, op.type).outputs];
    c = { session: new Session({ graph: g, device: 'cpu', threads: 1 }), inputs, outputs };
    copies.set(op, c);
  }
  return c;
}

/** The real (or imaginary) parts of a complex value as its real dtype; a real value itself. */
function part(a: NDArray, im: boolean): NDArray {
  if (!isComplex(a.dtype)) return a;
  const p = partsOf(a);
  const v = im ? p.im : p.re;
  const dt = realDType(a.dtype);
  return new NDArray(dt === 'float32' ? Float32Array.from(v) : Float64Array.from(v), a.shape, dt);
}

for (const type of TYPES) {
  registerHostOp(type, function* (op, ins) {
    const c = copyOf(op);
    const run = (im: boolean): NDArray[] => c.session.runSync(c.outputs, c.inputs.map((t, i) => [t, part(ins[i]!, im)])) as NDArray[];
    const re = run(false);
    const im = op.inputs.some((t) => isComplex(t.dtype)) ? run(true) : null;
    return op.outputs.map((t, k) => {
      if (!isComplex(t.dtype)) return re[k]!;
      const r = partsOf(re[k]!);
      return fromParts({ re: r.re, im: im ? partsOf(im[k]!).re : new Float64Array(r.re.length), shape: r.shape }, t.dtype);
    });
  }, { when: (op) => op.inputs.some((t) => isComplex(t.dtype)) || op.outputs.some((t) => isComplex(t.dtype)) });
}
