/**
 * The primitive kernel families every device implements, with their concrete (plan-time)
 * parameters. Graph ops lower into these; a device's kernel table is a mapped type over
 * `PrimParams`, so a device that lacks a family does not compile.
 */
import type { DType } from '../dtype.js';
import type { Expr } from './expr.js';

export type UnaryFn =
  | 'neg' | 'abs' | 'square' | 'sqrt' | 'rsqrt' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sign'
  | 'floor' | 'ceil' | 'round' | 'reciprocal' | 'relu' | 'relu6' | 'sigmoid' | 'tanh' | 'elu'
  | 'selu' | 'softplus' | 'leakyRelu' | 'logicalNot' | 'sin' | 'cos' | 'isNan' | 'isInf'
  | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh'
  | 'erf' | 'erfc' | 'lgamma' | 'digamma'
  | 'identity'
  // string tensors (CPU device only): length in bytes, in UTF-8 characters (int32 out)
  | 'strLength' | 'strLengthUtf8';

export type BinaryFn =
  | 'add' | 'sub' | 'mul' | 'div' | 'truncDiv' | 'floorDiv' | 'mod' | 'pow' | 'maximum' | 'minimum'
  | 'squaredDifference' | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater'
  | 'greaterEqual' | 'logicalAnd' | 'logicalOr'
  // atan2(a, b) = atan2(y, x); truncMod: C's fmod / %; zeta(x, q); polygamma(n, x)
  | 'atan2' | 'truncMod' | 'zeta' | 'polygamma'
  // fused gradient helpers: (x or y, dy) → dx
  | 'reluGrad' | 'relu6Grad' | 'eluGrad' | 'leakyReluGrad' | 'sigmoidGrad' | 'tanhGrad'
  | 'softplusGrad' | 'rsqrtGrad' | 'sqrtGrad';

export type ScatterFn = 'sum' | 'prod' | 'max' | 'min';
export type ReduceFn = 'sum' | 'prod' | 'max' | 'min' | 'any' | 'all';
export type ArgReduceFn = 'argmax' | 'argmin';
export type RandomDist = 'uniform' | 'normal' | 'truncatedNormal';

/** Geometry shared by conv2d and the pools (NHWC). */
export interface WindowGeom {
  n: number; h: number; w: number; c: number;
  /** window (filter) height and width */
  kh: number; kw: number;
  oh: number; ow: number;
  sh: number; sw: number;
  dh: number; dw: number;
  padTop: number; padLeft: number;
}

/**
 * Elementwise work the fusion pass folded into a matmul or conv2d step: the product, viewed as
 * [rows, cols] (matmul: batch·m × n; conv2d: n·oh·ow × o), is stored in outputs[0], then each
 * chunk of rows the kernel computed is run through `expr` while it is in cache, writing output
 * j from node expr.outs[j] (outputs[0] in place). Expression input 0 is the stored product;
 * input i ≥ 1 is the step's input 2 + i − 1, walked with strides[i] = [row, column] element
 * strides (0 where broadcast); strides[0] is [cols, 1]. A device runs it only where its fusion
 * rules offered the step (FusionRules.epilogue).
 */
export interface Epilogue {
  rows: number;
  cols: number;
  strides: [number, number][];
  expr: Expr;
  /** The graph ops of the steps fused into the step, its own first (for run traces). */
  ops: string[];
}

export interface PrimParams {
  /**
   * out[i] = fn(x[i]); `alpha` for leakyRelu. Output dtype = input dtype (bool for isNan/isInf).
   * `noNegZero` (int64, held as float64 numbers on the CPU): a -0 result is stored as 0.
   */
  unary: { fn: UnaryFn; n: number; alpha: number; noNegZero?: boolean };
  /**
   * Broadcasting binary op. Strides are in elements per output axis, 0 where the input is
   * broadcast along that axis. Output dtype: bool for comparisons, else the inputs' dtype.
   * `noNegZero` as for unary (int64 mul, divisions: -3·0 or floor(0 / -5) is 0, never -0).
   */
  binary: { fn: BinaryFn; outShape: number[]; aStrides: number[]; bStrides: number[]; alpha: number; noNegZero?: boolean };
  /** out = cond ? a : b, broadcasting all three. */
  select: { outShape: number[]; cStrides: number[]; aStrides: number[]; bStrides: number[] };
  /**
   * Element type conversion, as TF's Cast: float→int truncates toward zero and saturates at the
   * integer type's range (NaN → 0), int→int wraps, x→bool is x != 0, →float16 rounds to
   * nearest even. `from` tells a float16 source from a uint16 one (same storage on the CPU).
   */
  cast: { n: number; to: DType; from?: DType };
  /**
   * Elementwise expression (expr.ts) over any number of inputs: every output has `shape`
   * (walked row-major, contiguous) and output j takes node `expr.outs[j]`; `strides[i]` are
   * input i's element strides per axis of `shape`, 0 where it is broadcast. What fusion turns
   * a chain of unary/binary/select/cast steps into; each device renders the ALU vocabulary once.
   */
  map: {
    shape: number[]; strides: number[][]; expr: Expr;
    /** The graph ops of the steps fused into it, in order (for run traces). */
    ops?: string[];
  };
  /** Reduce the middle axis of a [outer, size, inner] view. */
  reduce: { fn: ReduceFn; outer: number; size: number; inner: number };
  /** Index (int32 or int64 output) of the max/min along the middle axis of [outer, size, inner]; ties → smallest. */
  argReduce: { fn: ArgReduceFn; outer: number; size: number; inner: number };
  /** Strided gather copy: out[idx] = in[offset + Σ idx[i]·inStrides[i]] (transpose, slice, broadcast, tile, reverse). */
  copy: { outShape: number[]; inStrides: number[]; inOffset: number };
  /** Concatenate rows: each input is [outer, inners[j]], output [outer, Σ inners]. */
  concat: { outer: number; inners: number[] };
  /** params [outer, axisSize, inner] gathered by int32 indices [nIdx] → [outer, nIdx, inner]; bad index → error. */
  gather: { outer: number; axisSize: number; inner: number; nIdx: number };
  /**
   * Inverse of gather: updates [outer, nIdx, inner] summed into zeros [outer, axisSize, inner].
   * With `fn` 'prod'/'max'/'min', the updates of one position are combined that way instead
   * (positions no index names are 0).
   */
  scatterAdd: { outer: number; axisSize: number; inner: number; nIdx: number; fn?: ScatterFn };
  /**
   * For int32 indices [n] into an axis of `axisSize`: out[i] = the first j with idx[j] = idx[i]
   * (int32 [n]), so the rows of repeated indices can be combined once (the sparse updates); an
   * index outside [0, axisSize) fails the run as in gather.
   */
  firstIndex: { n: number; axisSize: number };
  /**
   * Batched matmul: a is [batch?, m, k] (or [.., k, m] if transposeA), b is [.., k, n] (or
   * [.., n, k]). Batch strides (elements) may be 0 to broadcast one operand.
   */
  matmul: {
    batch: number; m: number; n: number; k: number;
    transposeA: boolean; transposeB: boolean;
    aBatchStride: number; bBatchStride: number;
    epilogue?: Epilogue;
  };
  /** Every element = value. */
  fill: { n: number; value: number };
  /** out[i] = start + i·delta. */
  range: { n: number; start: number; delta: number };
  /**
   * Counter-based random numbers (Philox4x32-10): the stream is keyed by `seed`, and
   * `dyn[dynSlot]` (the number of earlier runs of this op) picks the block, so each run draws new
   * numbers and a fresh session repeats the sequence. out = shift + scale·sample.
   */
  random: { n: number; dist: RandomDist; seed: [number, number]; dynSlot: number; scale: number; shift: number };
  /** Softmax (or log-softmax) over the last axis of [outer, size]. */
  softmax: { outer: number; size: number; log: boolean };
  conv2d: WindowGeom & { o: number; epilogue?: Epilogue };
  /** (dy [n,oh,ow,o], filter [kh,kw,c,o]) → dx [n,h,w,c]. */
  conv2dBackpropInput: WindowGeom & { o: number };
  /** (x [n,h,w,c], dy [n,oh,ow,o]) → dfilter [kh,kw,c,o]. */
  conv2dBackpropFilter: WindowGeom & { o: number };
  maxPool: WindowGeom;
  /** (x, dy) → dx: dy routed to the first max of each window. */
  maxPoolGrad: WindowGeom;
  /** SAME padding averages over the valid cells only. */
  avgPool: WindowGeom;
  /** dy → dx. */
  avgPoolGrad: WindowGeom;
  /** Copies x to the output; fails with `<message> : Tensor had NaN values` (or Inf). */
  checkNumerics: { n: number; message: string };
  /**
   * Copies int labels to the output; fails with TF's sparse-xent text when a label is outside
   * [0, depth).
   */
  checkLabels: { n: number; depth: number };
  /**
   * Copies int32 indices to the output; the first one outside [0, limit) (negatives allowed
   * when `allowNegative`) fails the run with TF's text for the tensor `name` of shape `shape`:
   * `segment_ids[0,1] = 5 is out of range [0, 5)`.
   */
  checkIndices: { n: number; limit: number; allowNegative: boolean; name: string; shape: number[] };
  /**
   * A computation on the host over whole tensors (summaries: protobuf encoding, PNG, WAV).
   * The op places on the CPU (its output is a string); `run` returns each output's elements.
   */
  host: { run: HostFn; inShapes: number[][]; inDTypes: DType[] };
}

/** The inputs of a `host` step as the CPU holds them (float16 as bits, strings as bytes). */
export type HostFn = (ins: { data: ArrayLike<number> | ArrayLike<Uint8Array>; shape: number[]; dtype: DType }[]) => ArrayLike<unknown>[];

export type PrimName = keyof PrimParams;

export const PRIM_NAMES: readonly PrimName[] = [
  'unary', 'binary', 'select', 'cast', 'map', 'reduce', 'argReduce', 'copy', 'concat', 'gather',
  'scatterAdd', 'firstIndex', 'matmul', 'fill', 'range', 'random', 'softmax', 'conv2d', 'conv2dBackpropInput',
  'conv2dBackpropFilter', 'maxPool', 'maxPoolGrad', 'avgPool', 'avgPoolGrad', 'checkNumerics',
  'checkLabels', 'checkIndices', 'host',
];

export const COMPARISONS: ReadonlySet<BinaryFn> = new Set<BinaryFn>([
  'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual',
]);

/** TF's SliceDebugString: the multi-dimensional position of flat index `i` in `shape`, `[1,2]`. */
export function sliceDebugString(shape: readonly number[], i: number): string {
  const pos = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1, r = i; d >= 0; d--) {
    pos[d] = r % shape[d]!;
    r = Math.floor(r / shape[d]!);
  }
  return `[${pos.join(',')}]`;
}
