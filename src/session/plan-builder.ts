/**
 * Implements `Lower`: turns lowered ops into primitive steps over plan buffers with concrete
 * shapes, then plans the arena. Shape errors here are TF's run-time errors.
 */
import { BYTES, type DType, type DataArray, allocArray, computeType, isInt } from '../dtype.js';
import { toHalf } from '../float16.js';
import type { ArgReduceFn, BinaryFn, PrimName, PrimParams, RandomDist, ReduceFn, ScatterFn, UnaryFn } from '../device/prims.js';
import { COMPARISONS } from '../device/prims.js';
import type { AnyStep, Plan, PlanBuffer } from '../device/plan.js';
import { InvalidArgumentError } from '../errors.js';
import type { Lower, Val } from '../ops/lower.js';
import { NDArray } from '../ndarray.js';
import { broadcastShapes, cShape, shapesEqual, sizeOf, stridesOf } from '../shape.js';
import { type Interval, planArena } from './memory.js';
import { foldBinary, foldCast, foldReduce } from './fold.js';
import type { FusionRules } from '../device/fusion.js';
import { fuseSteps } from './fusion.js';

type BufInfo =
  | { kind: 'temp'; dtype: DType; size: number }
  | { kind: 'var'; dtype: DType; size: number; key: string }
  | { kind: 'const'; dtype: DType; size: number; data: DataArray };

interface ValRec extends Val {
  buf: number;
}

/**
 * A variable version made by writing rows (`assignRows`): nothing is computed for it unless
 * something reads it whole; otherwise the rows are written into the variable's storage after
 * the run (a row commit), costing O(rows × row size) instead of O(variable size).
 */
interface PendingRows {
  key: string;
  /** The version the rows are written over (the variable's stored value). */
  base: Val;
  /** int32 [n], checked in range by a step (firstIndex or gather) before the run commits. */
  indices: Val;
  /** [n, ...base.shape.slice(1)], equal rows at repeated indices. */
  rows: Val;
  /** The buffer of the version value, stands in until the version is materialized. */
  buf: number;
}

/** int64 results (float64 numbers on the CPU) that can come out as -0, which an integer has not. */
const NEG_ZERO_UNARY: ReadonlySet<UnaryFn> = new Set<UnaryFn>(['neg']);
const NEG_ZERO_BINARY: ReadonlySet<BinaryFn> = new Set<BinaryFn>(['mul', 'floorDiv', 'truncDiv', 'mod', 'div']);

/** Ops whose output may overwrite an input that dies at that step. */
const ELEMENTWISE: ReadonlySet<PrimName> = new Set<PrimName>(['unary', 'binary', 'select', 'cast', 'map']);

export interface DeviceTraits {
  alignment: number;
  inPlace: boolean;
  /** Bytes per element in device memory (WebGPU stores bool as u32). */
  bytesPerElement?(dtype: DType): number;
  /** How the device's elementwise steps read as expressions (fusion.ts); none: no fusion. */
  readonly fusion?: FusionRules;
}

/**
 * Thrown while lowering when an op's shape-determining operand (value `valId`) is not a plan-time
 * constant: the compiler maps it to its tensor, and the runner computes that tensor first and
 * builds the plan again with its value (src/session/value-stage.ts). `error` is what is thrown
 * where that cannot be done.
 */
export class ValueNeeded extends Error {
  constructor(
    readonly valId: number,
    readonly error: Error,
  ) {
    super(error.message);
  }
}

export class PlanBuilder implements Lower {
  opName = '';
  private readonly bufs: BufInfo[] = [];
  private readonly vals: ValRec[] = [];
  private readonly steps: AnyStep[] = [];
  private readonly folded = new Map<number, NDArray>();
  private readonly varBufs = new Map<string, number>();
  /** Last assigned version (buffer) per variable, committed after the run. */
  readonly assigned = new Map<string, number>();
  /** The value each variable was last assigned (what later readers see). */
  readonly assignedVals = new Map<string, Val>();
  /** Per variable, its last assignment when that one writes rows (committed row-wise). */
  private readonly pendingRows = new Map<string, PendingRows>();
  private readonly pendingBufs = new Map<number, PendingRows>();
  /** Pending row-version buffer → the buffer its dense value was computed into. */
  private readonly materialized = new Map<number, number>();
  readonly feeds: number[] = [];
  private dynSlots = 0;
  readonly dynOps: string[] = [];
  /** Steps before and after fusion in the last `finish` (equal when nothing fused). */
  fusionStats = { before: 0, after: 0 };

  // ----- values -----------------------------------------------------------------------
  private newBuf(info: BufInfo): number {
    this.bufs.push(info);
    return this.bufs.length - 1;
  }

  private val(buf: number, dtype: DType, shape: readonly number[], varKey?: string): ValRec {
    const v: ValRec = { id: this.vals.length, buf, dtype, shape: [...shape], ...(varKey ? { varKey } : {}) };
    this.vals.push(v);
    return v;
  }

  private temp(dtype: DType, shape: readonly number[]): ValRec {
    return this.val(this.newBuf({ kind: 'temp', dtype, size: sizeOf(shape) }), dtype, shape);
  }

  private rec(v: Val): ValRec {
    return this.vals[v.id]!;
  }

  /** The buffer a step reads for `v`: a pending row version is computed densely on first use. */
  private bufOf(v: Val): number {
    const b = this.rec(v).buf;
    const m = this.materialized.get(b);
    if (m !== undefined) return m;
    const p = this.pendingBufs.get(b);
    return p ? this.materialize(p) : b;
  }

  private materialize(p: PendingRows): number {
    this.pendingBufs.delete(p.buf);
    const buf = this.rec(this.denseRows(p.base, p.indices, p.rows)).buf;
    this.materialized.set(p.buf, buf);
    if (this.pendingRows.get(p.key) === p) {
      this.pendingRows.delete(p.key);
      this.assigned.set(p.key, buf);
    }
    return buf;
  }

  feed(dtype: DType, shape: readonly number[]): Val {
    const v = this.temp(dtype, shape);
    this.feeds.push(v.buf);
    return v;
  }

  /** Version 0 of a variable: its persistent buffer. */
  variable(key: string, dtype: DType, shape: readonly number[]): Val {
    let b = this.varBufs.get(key);
    if (b === undefined) {
      b = this.newBuf({ kind: 'var', dtype, size: sizeOf(shape), key });
      this.varBufs.set(key, b);
    }
    return this.val(b, dtype, shape, key);
  }

  /** A view of `v` marked as a version of variable `key`. */
  asVersion(v: Val, key: string): Val {
    const r = this.rec(v);
    return this.val(r.buf, r.dtype, r.shape, key);
  }

  prim<K extends PrimName>(prim: K, params: PrimParams[K], inputs: Val[], outs: { dtype: DType; shape: number[] }[]): Val[] {
    const outVals = outs.map((o) => this.temp(o.dtype, o.shape));
    this.steps.push({
      prim,
      params,
      inputs: inputs.map((v) => this.bufOf(v)),
      outputs: outVals.map((v) => v.buf),
      op: this.opName,
    } as AnyStep);
    return outVals;
  }

  private one<K extends PrimName>(prim: K, params: PrimParams[K], inputs: Val[], dtype: DType, shape: readonly number[]): Val {
    return this.prim(prim, params, inputs, [{ dtype, shape: [...shape] }])[0]!;
  }

  constant(value: NDArray): Val {
    const v = this.val(this.newBuf({ kind: 'const', dtype: value.dtype, size: value.size, data: value.data }), value.dtype, value.shape);
    this.folded.set(v.id, value);
    return v;
  }

  scalar(value: number, dtype: DType): Val {
    const a = allocArray(dtype, 1);
    a[0] = dtype === 'float16' ? toHalf(value) : value;
    return this.constant(new NDArray(a, [], dtype));
  }

  /**
   * `f` over inputs cast to their compute type (float16 → float32, 8/16-bit ints → int32), its
   * result cast back to `out` (TF rounds float16 results and wraps small-int results after
   * each op, as this does); `f` itself when the dtype is computed natively.
   */
  private promoted(xs: Val[], out: DType | null, f: (xs: Val[]) => Val): Val {
    const ct = computeType(xs[0]!.dtype);
    if (ct === xs[0]!.dtype) return f(xs);
    const r = f(xs.map((x) => this.cast(x, computeType(x.dtype))));
    return out === null ? r : this.cast(r, out);
  }

  fill(shape: readonly number[], value: number, dtype: DType): Val {
    if (dtype === 'float16') return this.cast(this.fill(shape, value, 'float32'), dtype);
    const n = sizeOf(shape);
    const v = this.one('fill', { n, value }, [], dtype, shape);
    if (n <= 64) {
      const a = allocArray(dtype, n);
      a.fill(value);
      this.folded.set(v.id, new NDArray(a, [...shape], dtype));
    }
    return v;
  }

  constValue(x: Val): NDArray | null {
    return this.folded.get(x.id) ?? null;
  }

  requireValue(x: Val, err: () => Error): NDArray {
    const v = this.folded.get(x.id);
    if (v) return v;
    throw new ValueNeeded(x.id, err());
  }

  // ----- elementwise ------------------------------------------------------------------
  unary(fn: UnaryFn, x: Val, alpha = 0): Val {
    if (fn === 'strLength' || fn === 'strLengthUtf8') return this.one('unary', { fn, n: sizeOf(x.shape), alpha }, [x], 'int32', x.shape);
    const boolOut = fn === 'isNan' || fn === 'isInf';
    if (computeType(x.dtype) !== x.dtype) return this.promoted([x], boolOut ? null : x.dtype, ([y]) => this.unary(fn, y!, alpha));
    const dtype = boolOut ? 'bool' : x.dtype;
    const noNegZero = x.dtype === 'int64' && NEG_ZERO_UNARY.has(fn);
    return this.one('unary', { fn, n: sizeOf(x.shape), alpha, ...(noNegZero ? { noNegZero } : {}) }, [x], dtype, x.shape);
  }

  private bshape(shapes: (readonly number[])[]): number[] {
    let out: number[] | undefined = [...shapes[0]!];
    for (const s of shapes.slice(1)) {
      out = out && broadcastShapes(out, s);
    }
    if (!out) {
      throw new InvalidArgumentError(`Incompatible shapes: ${shapes.map((s) => cShape([...s])).join(' vs. ')}`, this.opName);
    }
    return out;
  }

  binary(fn: BinaryFn, a: Val, b: Val, alpha = 0): Val {
    if (computeType(a.dtype) !== a.dtype) return this.promoted([a, b], COMPARISONS.has(fn) ? null : a.dtype, ([x, y]) => this.binary(fn, x!, y!, alpha));
    // integer division truncates toward zero, as in C++ (int64 is held in float64 on the CPU)
    if (fn === 'div' && isInt(a.dtype)) fn = 'truncDiv';
    const outShape = this.bshape([a.shape, b.shape]);
    const dtype = COMPARISONS.has(fn) ? 'bool' : a.dtype;
    const [shape, [as, bs]] = collapse(outShape, [bstrides(a.shape, outShape), bstrides(b.shape, outShape)]);
    const noNegZero = dtype === 'int64' && NEG_ZERO_BINARY.has(fn);
    const v = this.one('binary', { fn, outShape: shape, aStrides: as!, bStrides: bs!, alpha, ...(noNegZero ? { noNegZero } : {}) }, [a, b], dtype, outShape);
    return this.foldWith(v, [a, b], ([x, y]) => foldBinary(fn, x!, y!, dtype));
  }

  /** Record `f`'s host value for `v` when every input is a plan-time constant. */
  private foldWith(v: Val, ins: Val[], f: (xs: NDArray[]) => NDArray | null): Val {
    const xs = ins.map((x) => this.folded.get(x.id));
    if (xs.every((x) => x !== undefined)) {
      const r = f(xs as NDArray[]);
      if (r) this.folded.set(v.id, r);
    }
    return v;
  }

  select(cond: Val, a: Val, b: Val): Val {
    const outShape = this.bshape([cond.shape, a.shape, b.shape]);
    const [shape, [cs, as, bs]] = collapse(outShape, [
      bstrides(cond.shape, outShape),
      bstrides(a.shape, outShape),
      bstrides(b.shape, outShape),
    ]);
    return this.one('select', { outShape: shape, cStrides: cs!, aStrides: as!, bStrides: bs! }, [cond, a, b], a.dtype, outShape);
  }

  cast(x: Val, dtype: DType): Val {
    if (x.dtype === dtype) return x;
    const v = this.one('cast', { n: sizeOf(x.shape), to: dtype, from: x.dtype }, [x], dtype, x.shape);
    return this.foldWith(v, [x], ([y]) => foldCast(y!, dtype));
  }

  // ----- reductions -------------------------------------------------------------------
  /** Move `axes` (sorted) to the end if they are not one contiguous block; returns [outer, size, inner] and the input. */
  private reduceView(x: Val, axes: readonly number[]): [Val, number, number, number] {
    const sorted = [...new Set(axes)].sort((p, q) => p - q);
    const contiguous = sorted.every((a, i) => i === 0 || a === sorted[i - 1]! + 1);
    let src = x;
    let dims = [...x.shape];
    let ax = sorted;
    if (!contiguous) {
      const kept = dims.map((_, i) => i).filter((i) => !sorted.includes(i));
      src = this.transpose(x, [...kept, ...sorted]);
      dims = [...src.shape];
      ax = sorted.map((_, i) => kept.length + i);
    }
    const first = ax[0]!;
    const last = ax[ax.length - 1]!;
    return [src, sizeOf(dims.slice(0, first)), sizeOf(dims.slice(first, last + 1)), sizeOf(dims.slice(last + 1))];
  }

  reduce(fn: ReduceFn, x: Val, axes: readonly number[], keepDims: boolean): Val {
    if (computeType(x.dtype) !== x.dtype) return this.promoted([x], x.dtype, ([y]) => this.reduce(fn, y!, axes, keepDims));
    const set = new Set(axes);
    const outShape = x.shape.flatMap((d, i) => (set.has(i) ? (keepDims ? [1] : []) : [d]));
    if (set.size === 0) return this.reshape(x, outShape);
    const [src, outer, size, inner] = this.reduceView(x, axes);
    const d = outer * inner <= 64 && size >= 1 << 16 ? splitFactor(size) : 0;
    if (d > 1) {
      // Few long rows: reduce [outer, d, size/d, inner] in two passes so a device can spread
      // one long row over many workers (a GPU workgroup, a CPU thread) instead of one.
      const part = this.one('reduce', { fn, outer: outer * d, size: size / d, inner }, [src], x.dtype, [outer * d * inner]);
      return this.one('reduce', { fn, outer, size: d, inner }, [part], x.dtype, outShape);
    }
    const v = this.one('reduce', { fn, outer, size, inner }, [src], x.dtype, outShape);
    return this.foldWith(v, [x], ([y]) => foldReduce(fn, y!, [...set], outShape));
  }

  argReduce(fn: ArgReduceFn, x: Val, axis: number, outDType: DType = 'int32'): Val {
    if (computeType(x.dtype) !== x.dtype) return this.promoted([x], null, ([y]) => this.argReduce(fn, y!, axis, outDType));
    const [src, outer, size, inner] = this.reduceView(x, [axis]);
    if (size === 0) {
      throw new InvalidArgumentError(`Reduction axis ${axis} is empty in shape ${cShape([...x.shape])}`, this.opName);
    }
    const outShape = x.shape.filter((_, i) => i !== axis);
    return this.one('argReduce', { fn, outer, size, inner }, [src], outDType, outShape);
  }

  // ----- data movement ----------------------------------------------------------------
  reshape(x: Val, shape: readonly number[]): Val {
    if (sizeOf(shape) !== sizeOf(x.shape)) {
      throw new InvalidArgumentError(
        `Input to reshape is a tensor with ${sizeOf(x.shape)} values, but the requested shape has ${sizeOf(shape)}`,
        this.opName,
      );
    }
    if (shapesEqual(shape, x.shape)) return x;
    const r = this.rec(x);
    const v = this.val(r.buf, r.dtype, shape);
    const f = this.folded.get(x.id);
    if (f) this.folded.set(v.id, new NDArray(f.data, [...shape], f.dtype));
    return v;
  }

  private strided(x: Val, outShape: readonly number[], inStrides: number[], inOffset: number): Val {
    const [shape, [st]] = collapse([...outShape], [inStrides]);
    return this.one('copy', { outShape: shape, inStrides: st!, inOffset }, [x], x.dtype, outShape);
  }

  transpose(x: Val, perm: readonly number[]): Val {
    if (perm.every((p, i) => p === i)) return x;
    const st = stridesOf(x.shape);
    return this.strided(x, perm.map((p) => x.shape[p]!), perm.map((p) => st[p]!), 0);
  }

  slice(x: Val, begin: readonly number[], size: readonly number[]): Val {
    if (shapesEqual(size, x.shape)) return x;
    const st = stridesOf(x.shape);
    const off = begin.reduce((acc, b, i) => acc + b * st[i]!, 0);
    return this.strided(x, size, [...st], off);
  }

  broadcastTo(x: Val, shape: readonly number[]): Val {
    if (shapesEqual(x.shape, shape)) return x;
    const out = broadcastShapes(x.shape, shape);
    if (!out || !shapesEqual(out, shape)) {
      throw new InvalidArgumentError(`Incompatible shapes: ${cShape([...x.shape])} vs. ${cShape([...shape])}`, this.opName);
    }
    return this.strided(x, shape, bstrides(x.shape, shape), 0);
  }

  unbroadcast(x: Val, shape: readonly number[]): Val {
    if (shapesEqual(x.shape, shape)) return x;
    const lead = x.shape.length - shape.length;
    const axes: number[] = [];
    for (let i = 0; i < x.shape.length; i++) {
      if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
    }
    return this.reshape(this.reduce('sum', x, axes, false), shape);
  }

  concat(xs: Val[], axis: number): Val {
    if (xs.length === 1) return xs[0]!;
    const first = xs[0]!;
    xs.forEach((x, j) => {
      const ok = x.shape.length === first.shape.length && x.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!ok) {
        throw new InvalidArgumentError(
          `ConcatOp : Dimensions of inputs should match: shape[0] = ${cShape([...first.shape])} vs. shape[${j}] = ${cShape([...x.shape])}`,
          this.opName,
        );
      }
    });
    const outer = sizeOf(first.shape.slice(0, axis));
    const inners = xs.map((x) => sizeOf(x.shape.slice(axis)));
    const outShape = [...first.shape];
    outShape[axis] = xs.reduce((a, x) => a + x.shape[axis]!, 0);
    const v = this.one('concat', { outer, inners }, xs, first.dtype, outShape);
    // Shape arithmetic (tf.stack([tf.shape(x)[0], 2, -1])) stays a plan-time constant.
    const parts = xs.map((x) => this.folded.get(x.id));
    const n = sizeOf(outShape);
    if (n <= 4096 && parts.every((f) => f !== undefined)) {
      const a = allocArray(first.dtype, n);
      let o = 0;
      for (let r = 0; r < outer; r++) {
        parts.forEach((f, j) => {
          const w = inners[j]!;
          for (let k = 0; k < w; k++) a[o++] = f!.data[r * w + k]!;
        });
      }
      this.folded.set(v.id, new NDArray(a, outShape, first.dtype));
    }
    return v;
  }

  gather(x: Val, indices: Val, axis: number): Val {
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const idx = this.cast(indices, 'int32');
    return this.one('gather', { outer, axisSize: x.shape[axis]!, inner, nIdx: sizeOf(indices.shape) }, [x, idx], x.dtype, outShape);
  }

  scatterAdd(updates: Val, indices: Val, axis: number, axisSize: number, fn: ScatterFn = 'sum'): Val {
    if (computeType(updates.dtype) !== updates.dtype) {
      return this.promoted([updates], updates.dtype, ([u]) => this.scatterAdd(u!, indices, axis, axisSize, fn));
    }
    const outer = sizeOf(updates.shape.slice(0, axis));
    const nIdx = sizeOf(indices.shape);
    const inner = sizeOf(updates.shape.slice(axis + indices.shape.length));
    const outShape = [...updates.shape.slice(0, axis), axisSize, ...updates.shape.slice(axis + indices.shape.length)];
    const idx = this.cast(indices, 'int32');
    return this.one('scatterAdd', { outer, axisSize, inner, nIdx, ...(fn === 'sum' ? {} : { fn }) }, [updates, idx], updates.dtype, outShape);
  }

  matmul(a: Val, b: Val, transposeA: boolean, transposeB: boolean): Val {
    if (computeType(a.dtype) !== a.dtype) return this.promoted([a, b], a.dtype, ([x, y]) => this.matmul(x!, y!, transposeA, transposeB));
    const ra = a.shape.length;
    const rb = b.shape.length;
    const bad = (): never => {
      throw new InvalidArgumentError(
        `Matrix size-incompatible: In[0]: ${cShape([...a.shape])}, In[1]: ${cShape([...b.shape])}`,
        this.opName,
      );
    };
    if (ra < 2 || rb < 2) bad();
    const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
    const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
    const k2 = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
    const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
    if (k !== k2) bad();
    const ba = a.shape.slice(0, -2);
    const bb = b.shape.slice(0, -2);
    const batchShape = broadcastShapes(ba, bb) ?? bad();
    const batch = sizeOf(batchShape);
    const na = sizeOf(ba);
    const nb = sizeOf(bb);
    if ((na !== batch && na !== 1) || (nb !== batch && nb !== 1)) bad();
    return this.one(
      'matmul',
      { batch, m, n, k, transposeA, transposeB, aBatchStride: na === 1 ? 0 : m * k, bBatchStride: nb === 1 ? 0 : k * n },
      [a, b],
      a.dtype,
      [...batchShape, m, n],
    );
  }

  range(n: number, start: number, delta: number, dtype: DType): Val {
    if (dtype === 'float16') return this.cast(this.range(n, start, delta, 'float32'), dtype);
    const v = this.one('range', { n, start, delta }, [], dtype, [n]);
    if (n <= 4096) {
      const a = allocArray(dtype, n);
      for (let i = 0; i < n; i++) a[i] = start + i * delta;
      this.folded.set(v.id, new NDArray(a, [n], dtype));
    }
    return v;
  }

  random(shape: readonly number[], dist: RandomDist, seed: [number, number], scale: number, shift: number): Val {
    const dynSlot = this.dynSlots++;
    this.dynOps.push(this.opName);
    return this.one('random', { n: sizeOf(shape), dist, seed, dynSlot, scale, shift }, [], 'float32', shape);
  }

  softmax(x: Val, log: boolean): Val {
    if (computeType(x.dtype) !== x.dtype) return this.promoted([x], x.dtype, ([y]) => this.softmax(y!, log));
    const size = x.shape[x.shape.length - 1] ?? 1;
    return this.one('softmax', { outer: sizeOf(x.shape) / Math.max(size, 1), size, log }, [x], x.dtype, x.shape);
  }

  window<K extends 'conv2d' | 'conv2dBackpropInput' | 'conv2dBackpropFilter' | 'maxPool' | 'maxPoolGrad' | 'avgPool' | 'avgPoolGrad'>(
    prim: K,
    inputs: Val[],
    geom: PrimParams[K],
    out: { dtype: DType; shape: number[] },
  ): Val {
    if (computeType(out.dtype) !== out.dtype) {
      return this.promoted(inputs, out.dtype, (xs) => this.window(prim, xs, geom, { dtype: computeType(out.dtype), shape: out.shape }));
    }
    return this.one(prim, geom, inputs, out.dtype, out.shape);
  }

  assign(ref: Val, value: Val): Val {
    const key = ref.varKey;
    if (key === undefined) throw new InvalidArgumentError('Assign needs a variable reference as its first input', this.opName);
    if (!shapesEqual(ref.shape, value.shape)) {
      throw new InvalidArgumentError(
        `Assign requires shapes of both tensors to match. lhs shape= ${cShape([...ref.shape])} rhs shape= ${cShape([...value.shape])}`,
        this.opName,
      );
    }
    let v = this.cast(value, ref.dtype);
    // The new version must be a temp that lives to the end of the run.
    if (this.bufs[this.bufOf(v)]!.kind !== 'temp') v = this.strided(v, v.shape, stridesOf(v.shape), 0);
    this.pendingRows.delete(key);
    this.assigned.set(key, this.bufOf(v));
    const version = this.asVersion(v, key);
    this.assignedVals.set(key, version);
    return version;
  }

  firstIndex(indices: Val, axisSize: number): Val {
    const n = sizeOf(indices.shape);
    return this.one('firstIndex', { n, axisSize }, [this.cast(this.reshape(indices, [n]), 'int32')], 'int32', [n]);
  }

  /**
   * `ref` with rows `rows` [n, ...] written at `indices` [n]. Where `ref` is the variable's
   * stored value and nothing else assigned it in this run, the rows go into the storage in
   * place after the run (the indices are checked before, by a firstIndex step); a reader of
   * the whole new version gets it computed densely.
   */
  assignRows(ref: Val, indices: Val, rows: Val): Val {
    const key = ref.varKey;
    if (key === undefined) throw new InvalidArgumentError('Assign needs a variable reference as its first input', this.opName);
    const n = sizeOf(indices.shape);
    const rowSize = sizeOf(rows.shape.slice(1));
    const total = sizeOf(ref.shape);
    if (rows.shape.length === 0 || rows.shape[0] !== n || (rowSize > 0 && total % rowSize !== 0)) {
      throw new InvalidArgumentError(`rows of shape ${cShape([...rows.shape])} at indices of shape ${cShape([...indices.shape])} do not fit a variable of shape ${cShape([...ref.shape])}`, this.opName);
    }
    let idx = this.cast(this.reshape(indices, [n]), 'int32');
    let r = this.cast(rows, ref.dtype);
    if (rowSize === 0 || n === 0) return this.assign(ref, this.strided(ref, ref.shape, stridesOf(ref.shape), 0));
    const pristine = this.bufs[this.bufOf(ref)]!.kind === 'var' && !this.assigned.has(key) && !this.pendingRows.has(key);
    if (!pristine || ref.dtype === 'string') return this.assign(ref, this.denseRows(ref, idx, r));
    this.firstIndex(idx, total / rowSize);
    // both live to the end of the run: they must be temps of their own
    if (this.bufs[this.bufOf(idx)]!.kind !== 'temp') idx = this.strided(idx, [n], [1], 0);
    if (this.bufs[this.bufOf(r)]!.kind !== 'temp') r = this.strided(r, r.shape, stridesOf(r.shape), 0);
    const buf = this.newBuf({ kind: 'temp', dtype: ref.dtype, size: sizeOf(ref.shape) });
    const p: PendingRows = { key, base: ref, indices: idx, rows: r, buf };
    this.pendingRows.set(key, p);
    this.pendingBufs.set(buf, p);
    const version = this.val(buf, ref.dtype, ref.shape, key);
    this.assignedVals.set(key, version);
    return version;
  }

  /**
   * `base` (viewed as [N, rowSize], rowSize that of `rows`) with rows `rows` at `indices`
   * (equal rows at repeated indices), computed densely.
   */
  private denseRows(base: Val, indices: Val, rows: Val): Val {
    const n = sizeOf(indices.shape);
    const rowSize = sizeOf(rows.shape.slice(1));
    if (n === 0 || rowSize === 0) return this.strided(base, base.shape, stridesOf(base.shape), 0);
    const big = sizeOf(base.shape) / rowSize;
    const ct = base.dtype === 'bool' ? 'int32' : base.dtype;
    const isFirst = this.binary('equal', this.firstIndex(indices, big), this.range(n, 0, 1, 'int32'));
    const kept = this.select(this.reshape(isFirst, [n, 1]), this.cast(this.reshape(rows, [n, rowSize]), ct), this.scalar(0, ct));
    const placed = this.scatterAdd(kept, indices, 0, big);
    const counts = this.scatterAdd(this.cast(isFirst, 'int32'), indices, 0, big);
    const touched = this.reshape(this.binary('greater', counts, this.scalar(0, 'int32')), [big, 1]);
    const out = this.select(touched, placed, this.cast(this.reshape(base, [big, rowSize]), ct));
    return this.reshape(this.cast(out, base.dtype), base.shape);
  }

  /** Every variable this plan writes (whole or by rows). */
  assignedKeys(): string[] {
    return [...new Set([...this.assigned.keys(), ...this.pendingRows.keys()])];
  }

  // ----- finishing --------------------------------------------------------------------
  /** Buffer behind a value. */
  bufferOf(v: Val): number {
    return this.bufOf(v);
  }

  /** Build the device plan: in-place reuse, lifetimes, arena offsets. */
  finish(fetchVals: Val[], traits: DeviceTraits, fuse = false): Plan {
    const fetches = fetchVals.map((v) => this.bufOf(v));
    const commits = [...this.assigned].map(([key, from]) => ({ from, to: this.varBufs.get(key)! }));
    const rowCommits = [...this.pendingRows.values()].map((p) => ({
      values: this.bufOf(p.rows),
      indices: this.bufOf(p.indices),
      to: this.varBufs.get(p.key)!,
      rows: p.indices.shape[0]!,
      rowSize: sizeOf(p.rows.shape.slice(1)),
    }));
    const pinned = new Set<number>([...fetches, ...commits.map((c) => c.from), ...rowCommits.flatMap((c) => [c.values, c.indices])]);
    const isTemp = (b: number): boolean => this.bufs[b]!.kind === 'temp';
    const fused = fuse && traits.fusion ? fuseSteps(this.steps, traits.fusion, (b) => this.bufs[b]!.dtype, isTemp, pinned) : null;
    const steps = fused ? fused.steps : this.steps;
    this.fusionStats = { before: this.steps.length, after: steps.length };
    const bpe = (d: DType): number => traits.bytesPerElement?.(d) ?? BYTES[d];

    // Last reader of each buffer.
    const lastUse = new Map<number, number>();
    steps.forEach((s, i) => s.inputs.forEach((b) => lastUse.set(b, i)));

    // In-place: an elementwise output takes over an input of the same dtype that dies here (a
    // buffer is viewed by its own dtype, so a cast int32 → float32 cannot share one).
    const rename = new Map<number, number>();
    const find = (b: number): number => {
      let r = b;
      while (rename.has(r)) r = rename.get(r)!;
      return r;
    };
    if (traits.inPlace) {
      steps.forEach((s, i) => {
        if (!ELEMENTWISE.has(s.prim)) return;
        const out = s.outputs[0]!;
        const ob = this.bufs[out]!;
        for (const inp of s.inputs) {
          const r = find(inp);
          const ib = this.bufs[r]!;
          if (
            isTemp(r) && lastUse.get(inp) === i && !pinned.has(inp) && !pinned.has(r) &&
            ib.size === ob.size && ib.dtype === ob.dtype && !s.inputs.slice(s.inputs.indexOf(inp) + 1).includes(inp)
          ) {
            rename.set(out, r);
            if (pinned.has(out)) pinned.add(r);
            break;
          }
        }
      });
    }
    const stepsOut: AnyStep[] = steps.map((s) => ({ ...s, inputs: s.inputs.map(find), outputs: s.outputs.map(find) }) as AnyStep);

    // Lifetimes of temp buffers (after renaming).
    const start = new Map<number, number>();
    const end = new Map<number, number>();
    const touch = (b: number, i: number): void => {
      if (!isTemp(b)) return;
      if (!start.has(b)) start.set(b, i);
      end.set(b, Math.max(end.get(b) ?? i, i));
    };
    const feeds = this.feeds.map(find);
    feeds.forEach((b) => touch(b, -1));
    stepsOut.forEach((s, i) => {
      s.inputs.forEach((b) => touch(b, i));
      s.outputs.forEach((b) => touch(b, i));
    });
    const finalFetches = fetches.map(find);
    const finalCommits = commits.map((c) => ({ from: find(c.from), to: c.to }));
    const finalRowCommits = rowCommits.map((c) => ({ ...c, values: find(c.values), indices: find(c.indices) }));
    for (const b of [...finalFetches, ...finalCommits.map((c) => c.from), ...finalRowCommits.flatMap((c) => [c.values, c.indices])]) {
      if (isTemp(b)) {
        if (!start.has(b)) start.set(b, -1);
        end.set(b, Infinity);
      }
    }
    const intervals: Interval[] = [...start.keys()].map((id) => {
      const b = this.bufs[id]!;
      return { id, bytes: b.size * bpe(b.dtype), start: start.get(id)!, end: end.get(id)! };
    });
    const { offsets, arenaBytes } = planArena(intervals, traits.alignment);

    const used = new Set<number>([...start.keys()]);
    stepsOut.forEach((s) => [...s.inputs, ...s.outputs].forEach((b) => used.add(b)));
    finalFetches.forEach((b) => used.add(b));
    finalCommits.forEach((c) => { used.add(c.from); used.add(c.to); });
    finalRowCommits.forEach((c) => { used.add(c.values); used.add(c.indices); used.add(c.to); });
    const buffers: PlanBuffer[] = [];
    for (const id of [...used].sort((x, y) => x - y)) {
      const b = this.bufs[id]!;
      if (b.kind === 'temp') buffers.push({ id, kind: 'temp', dtype: b.dtype, size: b.size, offset: offsets.get(id) ?? 0 });
      else if (b.kind === 'var') buffers.push({ id, kind: 'var', dtype: b.dtype, size: b.size, key: b.key });
      else buffers.push({ id, kind: 'const', dtype: b.dtype, size: b.size, data: b.data });
    }
    return {
      buffers, steps: stepsOut, arenaBytes, feeds, fetches: finalFetches, commits: finalCommits,
      ...(finalRowCommits.length > 0 ? { rowCommits: finalRowCommits } : {}), dynSlots: this.dynSlots,
    };
  }
}

/** The divisor of `n` nearest below √n, if it is at least 64 (else 0: no useful split). */
function splitFactor(n: number): number {
  for (let d = Math.floor(Math.sqrt(n)); d >= 64; d--) if (n % d === 0) return d;
  return 0;
}

/** Per-axis strides of `shape` viewed as broadcast to `out` (0 along broadcast axes). */
export function bstrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = stridesOf(shape);
  const lead = out.length - shape.length;
  return out.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : st[i - lead]!));
}

/**
 * Merge adjacent axes that every operand walks contiguously, and drop size-1 axes, so kernels
 * see the fewest dims (a same-shape binary op becomes one flat loop).
 */
export function collapse(shape: number[], strides: number[][]): [number[], number[][]] {
  const keep = shape.map((d) => d !== 1);
  let dims = shape.filter((_, i) => keep[i]);
  let sts = strides.map((s) => s.filter((_, i) => keep[i]));
  for (let i = dims.length - 2; i >= 0; i--) {
    if (sts.every((s) => s[i] === s[i + 1]! * dims[i + 1]!)) {
      dims = [...dims.slice(0, i), dims[i]! * dims[i + 1]!, ...dims.slice(i + 2)];
      sts = sts.map((s) => [...s.slice(0, i), s[i + 1]!, ...s.slice(i + 2)]);
    }
  }
  return [dims, sts];
}
