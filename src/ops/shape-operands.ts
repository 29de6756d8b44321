/**
 * TF ops as TF-written graphs use them, with their shape-like operands (Tile's multiples, Sum's
 * axes, Fill's dims, Transpose's perm, …) computed in the graph — the gradient and bookkeeping
 * subgraphs TF's Python emits (`Shape` → `Prod` → `FloorDiv` → `Tile`, `BroadcastGradientArgs`,
 * `DynamicStitch`). Every shape is concrete when a plan is built, so those operands are known
 * then: each `Folded<Op>` takes them as tensor inputs and lowers as tsflow's attr-taking `<Op>`
 * with their plan-time values; a value computed from fed data is computed first and the plan
 * built with it (src/session/value-stage.ts).
 */
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Attrs, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import { broadcastShapes, cShape, sizeOf } from '../shape.js';
import type { Lower, Val } from './lower.js';
import { defineOp, getOpDef, makeOp, registerGradient } from './registry.js';
import { shapeValue } from './shape-value.js';

/** The plan-time value of operand `i` of `what`, as numbers. */
export function operandValues(b: Lower, v: Val, what: string): number[] {
  const c = b.requireValue(v, () => new InvalidArgumentError(`${what} must be known when the plan is built`, b.opName));
  return Array.from(c.data as ArrayLike<number>, Number);
}

/** The value of a Const int vector (null otherwise). */
const constInts = (t: Tensor): number[] | null => (t.op.type === 'Const' ? Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>, Number) : null);

/** The entries of a Const int vector or of a Pack of scalars, negatives kept (null where not constant). */
function rawInts(t: Tensor): (number | null)[] | null {
  const c = constInts(t);
  if (c) return c;
  const op = t.op;
  if (op.type === 'Cast' || op.type === 'Identity') return rawInts(op.inputs[0]!);
  if (op.type !== 'Pack' || (op.attrs.axis as number) !== 0 || !op.inputs.every((x) => x.shape?.length === 0)) return null;
  return op.inputs.map((x) => {
    const v = constInts(x.op.type === 'Cast' || x.op.type === 'Identity' ? x.op.inputs[0]! : x);
    return v && v.length === 1 ? v[0]! : null;
  });
}

/** Rank-only shape inference: a vector operand of static length `n` gives n unknown dims. */
const unknownDims = (t: Tensor | undefined): PartialShape => (t?.shape && t.shape.length === 1 && t.shape[0] !== null ? new Array<null>(t.shape[0]).fill(null) : null);

interface Folding {
  /** tsflow's op type the folded op lowers as. */
  base: string;
  /** Index of the first shape-like operand; the data inputs are those before it. */
  first: number;
  /** The base op's attrs from the operands' values and the folded op's own attrs. */
  attrs(vals: number[][], a: Attrs, data: Val[]): Attrs;
  /** Output shape at build time (dtype is the first data input's unless `dtype` says). */
  shape(ins: readonly Tensor[], a: Attrs): PartialShape;
  dtype?(ins: readonly Tensor[], a: Attrs): DType;
}

const FOLDINGS: Record<string, Folding> = {
  Tile: {
    base: 'Tile', first: 1,
    attrs: ([m]) => ({ multiples: m! }),
    // TF's shape function: x's dims times the multiples known when the graph is built
    shape: ([x, m]) => {
      const mv = shapeValue(m!);
      if (!x!.shape) return mv ? mv.map(() => null) : null;
      return x!.shape.map((d, i) => (d !== null && mv && mv[i] !== null && mv[i] !== undefined ? d * mv[i]! : null));
    },
  },
  Transpose: {
    base: 'Transpose', first: 1,
    attrs: ([p]) => ({ perm: p! }),
    shape: ([x]) => (x!.shape ? x!.shape.map(() => null) : null),
  },
  ExpandDims: {
    base: 'ExpandDims', first: 1,
    attrs: ([d]) => ({ axis: d![0]! }),
    shape: ([x]) => (x!.shape ? [...x!.shape.map(() => null), null] : null),
  },
  Slice: {
    base: 'Slice', first: 1,
    attrs: ([begin, size]) => ({ begin: begin!, size: size! }),
    // TF's shape function: sizes known when the graph is built (-1 with a known begin and dim: the rest)
    shape: ([x, begin, size]) => {
      const sv = rawInts(size!);
      const bv = shapeValue(begin!);
      const rank = x!.shape?.length ?? sv?.length ?? null;
      if (rank === null) return null;
      const partial = shapeValue(size!);
      return Array.from({ length: rank }, (_, i) => {
        const s = sv?.[i];
        if (s === -1) {
          const d = x!.shape?.[i];
          const b0 = bv?.[i];
          return d !== null && d !== undefined && b0 !== null && b0 !== undefined ? d - b0 : null;
        }
        return partial?.[i] ?? null;
      });
    },
  },
  ConcatV2: {
    base: 'ConcatV2', first: -1,
    attrs: ([axis]) => ({ axis: axis![0]! }),
    shape: (ins) => (ins[0]!.shape ? ins[0]!.shape.map(() => null) : null),
  },
  GatherV2: {
    base: 'GatherV2', first: 2,
    attrs: ([axis]) => ({ axis: axis![0]! }),
    shape: () => null,
  },
  Reshape: {
    base: 'Reshape', first: 1,
    attrs: ([s]) => ({ shape: s! }),
    shape: (ins) => unknownDims(ins[1]),
  },
};
for (const r of ['Sum', 'Mean', 'Max', 'Min', 'Prod', 'Any', 'All']) {
  FOLDINGS[r] = {
    base: r, first: 1,
    attrs: ([axes], a) => ({ axes: axes!, keepDims: a.keepDims }),
    shape: ([x], a) => (a.keepDims && x!.shape ? x!.shape.map(() => null) : null),
  };
}

/** The Folded op type for TF type `type` (null when tsflow has none). */
export function foldedType(type: string): string | null {
  return type in FOLDINGS ? `Folded${type}` : null;
}

for (const [type, f] of Object.entries(FOLDINGS)) {
  const split = (n: number): number => (f.first < 0 ? n + f.first : f.first);
  defineOp<Attrs>({
    type: `Folded${type}`,
    infer: (ins, a) => [{ dtype: f.dtype?.(ins, a) ?? ins[0]!.dtype, shape: f.shape(ins, a) }],
    lower: (b, ins, a) => {
      const k = split(ins.length);
      const data = ins.slice(0, k);
      const vals = ins.slice(k).map((v, i) => operandValues(b, v, `${type}'s operand ${k + i}`));
      return getOpDef(f.base).lower(b, data, f.attrs(vals, a, data));
    },
  });
  // Graphs holding these come from TF with their gradient ops already built.
  registerGradient(`Folded${type}`, null);
}

// ----- Fill --------------------------------------------------------------------------------------
/** TF's Fill(dims, value): dims and value as tensors; the value may be computed. */
defineOp({
  type: 'FoldedFill',
  infer: ([dims, value]) => [{ dtype: value!.dtype, shape: shapeValue(dims!) }],
  lower: (b, [dims, value]) => {
    const shape = operandValues(b, dims!, "Fill's dims");
    if (value!.shape.length !== 0) throw new InvalidArgumentError(`value must be a scalar, got shape ${cShape([...value!.shape])}`, b.opName);
    shape.forEach((d) => {
      // TF's TensorShapeUtils::MakeShape
      if (d < 0) throw new InvalidArgumentError(`Dimension ${d} must be >= 0`, b.opName);
    });
    const c = b.constValue(value!);
    return [c ? b.fill(shape, Number(c.data[0]), value!.dtype) : b.broadcastTo(value!, shape)];
  },
});
registerGradient('FoldedFill', (op, [dy]) => [null, dy ? makeOp(op.graph, 'Sum', [dy], { axes: null, keepDims: false }, undefined, 'Sum').outputs[0]! : null]);

// ----- BroadcastGradientArgs ----------------------------------------------------------------------
/**
 * TF's BroadcastGradientArgs(s0, s1) → (r0, r1): the axes along which the gradient of each
 * operand of a broadcasting binary op is summed (TF's BCast: dims where that operand is 1, or
 * absent, while the broadcast shape is not; dims where both are 1 go to both).
 */
export function broadcastGradientArgs(s0: readonly number[], s1: readonly number[]): [number[], number[]] {
  if (!broadcastShapes(s0, s1)) throw new Error(`Incompatible shapes: ${cShape([...s0])} vs. ${cShape([...s1])}`);
  const n = Math.max(s0.length, s1.length);
  const r0: number[] = [];
  const r1: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = s0[i - (n - s0.length)] ?? 1;
    const c = s1[i - (n - s1.length)] ?? 1;
    if (a === 1 && c === 1) {
      r0.push(i);
      r1.push(i);
    } else if (a === 1) r0.push(i);
    else if (c === 1) r1.push(i);
  }
  return [r0, r1];
}

defineOp({
  type: 'BroadcastGradientArgs',
  infer: ([s0]) => [{ dtype: s0!.dtype, shape: [null] }, { dtype: s0!.dtype, shape: [null] }],
  lower: (b, [s0, s1]) => {
    const a = operandValues(b, s0!, 'BroadcastGradientArgs s0');
    const c = operandValues(b, s1!, 'BroadcastGradientArgs s1');
    let r: [number[], number[]];
    try {
      r = broadcastGradientArgs(a, c);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message, b.opName);
    }
    const dt = s0!.dtype;
    return r.map((v) => b.constant(new NDArray(dt === 'int64' ? Float64Array.from(v) : Int32Array.from(v), [v.length], dt)));
  },
});
registerGradient('BroadcastGradientArgs', null);

// ----- DynamicStitch ---------------------------------------------------------------------------------
/**
 * TF's DynamicStitch(indices[N], data[N]): `out[indices[m][i]] = data[m][i]` (later entries
 * win), `out` as long as the largest index + 1. The indices must be plan-time values; the data
 * may be anything (it is concatenated and gathered on the device).
 */
defineOp<{ N: number }>({
  type: 'DynamicStitch',
  infer: (ins, a) => {
    const data = ins.slice(a.N);
    const idx = ins.slice(0, a.N);
    const d0 = data[0]!;
    const i0 = idx[0]!;
    const rest = d0.shape && i0.shape ? d0.shape.slice(i0.shape.length) : null;
    // Constant indices give the output's length at build time.
    let size: number | null = null;
    if (idx.every((t) => t.op.type === 'Const')) {
      size = 0;
      for (const t of idx) for (const j of Array.from((t.op.attrs.value as NDArray).data as ArrayLike<number>)) size = Math.max(size, Number(j) + 1);
    }
    return [{ dtype: d0.dtype, shape: rest ? [size, ...rest] : null }];
  },
  lower: (b, ins, a) => {
    const n = a.N;
    const idx = ins.slice(0, n).map((v, m) => ({ v, vals: operandValues(b, v, `DynamicStitch indices[${m}]`) }));
    const data = ins.slice(n);
    const inner = data[0]!.shape.slice(idx[0]!.v.shape.length);
    data.forEach((d, m) => {
      const want = [...idx[m]!.v.shape, ...inner];
      if (d.shape.length !== want.length || d.shape.some((x, i) => x !== want[i])) {
        throw new InvalidArgumentError(
          `data[${m}].shape = ${cShape([...d.shape])} does not start with indices[${m}].shape = ${cShape([...idx[m]!.v.shape])}`,
          b.opName,
        );
      }
    });
    let size = 0;
    for (const { vals } of idx) for (const j of vals) size = Math.max(size, j + 1);
    // Row of the concatenated data each output row takes (the last writer wins).
    const src = new Int32Array(size).fill(-1);
    let row = 0;
    for (const { vals } of idx) {
      for (const j of vals) {
        if (j < 0) throw new InvalidArgumentError(`indices[${row}] = ${j} is not in [0, ${size})`, b.opName);
        src[j] = row++;
      }
    }
    const missing = src.indexOf(-1);
    if (missing >= 0) throw new InvalidArgumentError(`DynamicStitch: output row ${missing} is named by no index (tsflow does not leave rows undefined)`, b.opName);
    const w = sizeOf(inner);
    const folded = data.map((d) => b.constValue(d));
    if (folded.every((f) => f !== null) && size * w <= 4096) {
      const dt = data[0]!.dtype;
      const flat = folded.flatMap((f) => Array.from(f!.data as ArrayLike<number>, Number));
      const out = NDArray.zeros([size, ...inner], dt);
      for (let j = 0; j < size; j++) for (let k = 0; k < w; k++) out.data[j * w + k] = flat[src[j]! * w + k]!;
      return [b.constant(out)];
    }
    const rows = data.map((d, m) => b.reshape(d, [sizeOf(idx[m]!.v.shape), ...inner]));
    const all = b.concat(rows, 0);
    return [b.gather(all, b.constant(new NDArray(src, [size], 'int32')), 0)];
  },
});
/** TF's _DynamicStitchGrads: each data input's gradient gathers its rows (indices get none). */
registerGradient('DynamicStitch', (op, [dy]) => {
  const n = op.attrs.N as number;
  const idx = op.inputs.slice(0, n);
  return [
    ...idx.map(() => null),
    ...idx.map((i) => (dy ? makeOp(op.graph, 'GatherV2', [dy, makeOp(op.graph, 'Cast', [i], { DstT: 'int32' }, undefined, 'Cast').outputs[0]!], { axis: 0 }, undefined, 'GatherV2').outputs[0]! : null)),
  ];
});
