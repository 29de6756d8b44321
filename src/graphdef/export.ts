/**
 * `graph.asGraphDef()`: every op as the NodeDef TF1 writes for it — TF's op type, its attrs
 * (`T`, `dtype`, `shape`, `value`, `transpose_a`, `strides`, …), inputs as `op`, `op:N` and
 * `^ctrl`, the device, and `_class: loc:@var` on ops colocated with a variable. Where a tsflow op
 * holds as an attr what TF takes as a tensor input (Reshape's shape, Sum's axes, …), the input
 * is written as a Const node `<op>/<input name>`, as TF's Python wrappers create it. tsflow's own
 * helper ops keep their type and attrs (see attr-codec.ts).
 */
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import type { AttrValue, GraphDef, NodeDef } from '../proto/framework.js';
import { encodeTsflowAttrs } from './attr-codec.js';
import { dtypeToEnum, shapeToProto, tensorToProto } from './tensor-proto.js';
import { FLOW_T, GRADIENT_ONLY_TYPES, TENSOR_ARRAY_EXPORT_TYPES, crossFrameInputs, isTensorArrayFlow, tensorArrayNodeDefs, unexportableNode } from './tensor-array-export.js';

const DT_RESOURCE = 20;
/** Whether `t` is a V2 stack's handle (through the Enters taking it into loops): TF's DT_RESOURCE. */
function isStackV2Handle(t: Tensor): boolean {
  let x = t;
  for (let i = 0; i < 64 && (x.op.type === 'Enter' || x.op.type === 'Identity'); i++) x = x.op.inputs[0]!;
  return x.op.type === 'StackV2';
}

/** GraphDef version (VersionDef.producer) written into exported graphs. */
export const GRAPH_DEF_VERSION = 27;

const enc = new TextEncoder();
const emptyList = () => ({ s: [], i: [], f: [], b: [], type: [], shape: [], tensor: [], func: [] });
export const A = {
  type: (d: DType): AttrValue => ({ type: dtypeToEnum(d) }),
  i: (i: number): AttrValue => ({ i }),
  f: (f: number): AttrValue => ({ f }),
  b: (b: boolean): AttrValue => ({ b }),
  s: (s: string): AttrValue => ({ s: enc.encode(s) }),
  ints: (i: readonly number[]): AttrValue => ({ list: { ...emptyList(), i: [...i] } }),
  strs: (s: readonly string[]): AttrValue => ({ list: { ...emptyList(), s: s.map((x) => enc.encode(x)) } }),
  types: (t: readonly DType[]): AttrValue => ({ list: { ...emptyList(), type: t.map(dtypeToEnum) } }),
  shape: (s: PartialShape): AttrValue => ({ shape: shapeToProto(s) }),
  tensor: (v: NDArray): AttrValue => ({ tensor: tensorToProto(v) }),
};

interface ExportCtx {
  op: Operation;
  attrs: Record<string, unknown>;
  /** The input names written so far (data inputs). */
  inputs: string[];
  /** Append a Const input `<op>/<suffix>` holding `value`. */
  constInput(suffix: string, value: NDArray): void;
  /** Add a node `<op>/<suffix>` (not an input of the op) and return its name. */
  node(suffix: string, type: string, inputs: string[], attr: Record<string, AttrValue>): string;
}

type Exporter = (c: ExportCtx) => Record<string, AttrValue>;

const ints = (v: readonly number[]): NDArray => new NDArray(Int32Array.from(v), [v.length], 'int32');
const int = (v: number): NDArray => new NDArray(Int32Array.of(v), [], 'int32');
const num = (v: number, d: DType): NDArray => {
  const a = NDArray.zeros([], d);
  a.data[0] = v;
  return a;
};
const T = (c: ExportCtx, i = 0) => A.type(c.op.inputs[i]!.dtype);
const justT: Exporter = (c) => ({ T: T(c) });

const EXPORTERS = new Map<string, Exporter>();
const on = (types: string[], e: Exporter): void => types.forEach((t) => EXPORTERS.set(t, e));

/** TF's attrs for op types declared outside this file (queues, accumulators: their resources' fields). */
export function registerExporter(types: string[], e: (c: { op: Operation; attrs: Record<string, unknown> }) => Record<string, AttrValue>): void {
  on(types, e);
}

on(
  [
    'Neg', 'Abs', 'Square', 'Sqrt', 'Rsqrt', 'Exp', 'Expm1', 'Log', 'Log1p', 'Sign', 'Floor', 'Ceil', 'Round',
    'Reciprocal', 'Sigmoid', 'Tanh', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'IsNan', 'IsInf', 'Relu', 'Relu6', 'Elu', 'Selu', 'Softplus',
    'Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'FloorDiv', 'FloorMod', 'Pow', 'Maximum', 'Minimum', 'SquaredDifference',
    'Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'ReluGrad', 'Relu6Grad', 'EluGrad',
    'SigmoidGrad', 'TanhGrad', 'SoftplusGrad', 'RsqrtGrad', 'SqrtGrad', 'Identity', 'StopGradient', 'Softmax',
    'LogSoftmax', 'L2Loss', 'DivNoNan', 'SoftmaxCrossEntropyWithLogits',
    'Erf', 'Erfc', 'Lgamma', 'Digamma', 'Rint', 'IsFinite', 'Softsign', 'SoftsignGrad', 'Atan2', 'TruncateDiv',
    'TruncateMod', 'Zeta', 'Polygamma',
  ],
  justT,
);
on(['AccumulateNV2'], (c) => ({ N: A.i(c.op.inputs.length), T: T(c), shape: A.shape(c.attrs.shape as PartialShape) }));
on(['BroadcastTo'], (c) => ({ T: T(c), Tidx: T(c, 1) }));
on(['FusedBatchNormV3', 'FusedBatchNormGradV3'], (c) => ({
  T: T(c), U: A.type('float32'), epsilon: A.f(c.attrs.epsilon as number), data_format: A.s(c.attrs.dataFormat as string),
  is_training: A.b(!!c.attrs.isTraining),
}));
on(['BroadcastArgs'], justT);
on(['Roll'], (c) => ({ T: T(c), Tshift: T(c, 1), Taxis: T(c, 2) }));
on(['LinSpace'], (c) => ({ T: T(c), Tidx: T(c, 2) }));
on(['Cumprod'], (c) => {
  c.constInput('axis', int(c.attrs.axis as number));
  return { T: T(c), Tidx: A.type('int32'), exclusive: A.b(!!c.attrs.exclusive), reverse: A.b(!!c.attrs.reverse) };
});
on(['LogicalNot', 'LogicalAnd', 'LogicalOr', 'NoOp'], () => ({}));
on(['SelectV2'], (c) => ({ T: T(c, 1) }));
on(['AddN'], (c) => ({ N: A.i(c.op.inputs.length), T: T(c) }));
on(['LeakyRelu'], (c) => ({ T: T(c), alpha: A.f((c.attrs.alpha as number | undefined) ?? 0.2) }));
on(['BiasAdd'], (c) => ({ T: T(c), data_format: A.s('NHWC') }));
on(['SparseSoftmaxCrossEntropyWithLogits'], (c) => ({ T: T(c), Tlabels: T(c, 1) }));
on(['CheckNumerics'], (c) => ({ T: T(c), message: A.s(c.attrs.message as string) }));
on(['Cast'], (c) => ({ SrcT: T(c), DstT: A.type(c.attrs.DstT as DType), Truncate: A.b(false) }));
on(['Const'], (c) => ({ dtype: A.type((c.attrs.value as NDArray).dtype), value: A.tensor(c.attrs.value as NDArray) }));
on(['Placeholder'], (c) => ({ dtype: A.type(c.attrs.dtype as DType), shape: A.shape(c.attrs.shape as PartialShape) }));
on(['PlaceholderWithDefault'], (c) => ({ dtype: T(c), shape: A.shape(c.attrs.shape as PartialShape) }));
on(['MatMul'], (c): Record<string, AttrValue> => {
  const ta = A.b(!!c.attrs.transposeA);
  const tb = A.b(!!c.attrs.transposeB);
  const batched = (c.op.inputs[0]!.shape?.length ?? 2) > 2 || (c.op.inputs[1]!.shape?.length ?? 2) > 2;
  return batched ? { T: T(c), adj_x: ta, adj_y: tb } : { T: T(c), transpose_a: ta, transpose_b: tb };
});
on(['Sum', 'Mean', 'Max', 'Min', 'Prod', 'Any', 'All'], (c) => {
  const x = c.op.inputs[0]!;
  let axes = c.attrs.axes as number[] | null;
  if (axes === null && x.shape === null) {
    // TF's _ReductionDims for a tensor of unknown rank: range(0, rank(x))
    const rank = c.node('Rank', 'Rank', [c.inputs[0]!], { T: T(c) });
    const start = c.node('range/start', 'Const', [], { dtype: A.type('int32'), value: A.tensor(int(0)) });
    const delta = c.node('range/delta', 'Const', [], { dtype: A.type('int32'), value: A.tensor(int(1)) });
    c.inputs.push(c.node('range', 'Range', [start, rank, delta], { Tidx: A.type('int32') }));
  } else c.constInput('reduction_indices', ints(axes ?? x.shape!.map((_, i) => i)));
  const out: Record<string, AttrValue> = { keep_dims: A.b(!!c.attrs.keepDims), Tidx: A.type('int32') };
  if (c.op.type !== 'Any' && c.op.type !== 'All') out.T = T(c);
  return out;
});
on(['ArgMax', 'ArgMin'], (c) => {
  c.constInput('dimension', int(c.attrs.axis as number));
  return { T: T(c), Tidx: A.type('int32'), output_type: A.type(c.attrs.outputType as DType) };
});
const convExport: Exporter = (c) => ({
  T: A.type(c.op.outputs[0]!.dtype),
  strides: A.ints(c.attrs.strides as number[]),
  padding: A.s(c.attrs.padding as string),
  data_format: A.s('NHWC'),
  dilations: A.ints(c.attrs.dilations as number[]),
  use_cudnn_on_gpu: A.b(true),
  explicit_paddings: A.ints([]),
});
on(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], convExport);
on(['MaxPool', 'AvgPool', 'MaxPoolGrad', 'AvgPoolGrad'], (c) => ({
  T: A.type(c.op.outputs[0]!.dtype),
  ksize: A.ints(c.attrs.ksize as number[]),
  strides: A.ints(c.attrs.strides as number[]),
  padding: A.s(c.attrs.padding as string),
  data_format: A.s('NHWC'),
}));
// conv/pool family and image-shaped array ops (src/ops/conv-family.ts, space-batch.ts)
on(['LRN', 'LRNGrad'], (c) => ({
  T: A.type(c.op.outputs[0]!.dtype),
  depth_radius: A.i(c.attrs.depth_radius as number),
  bias: A.f(c.attrs.bias as number),
  alpha: A.f(c.attrs.alpha as number),
  beta: A.f(c.attrs.beta as number),
}));
on(['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'], (c) => ({
  T: A.type(c.op.outputs[0]!.dtype),
  strides: A.ints(c.attrs.strides as number[]),
  padding: A.s(c.attrs.padding as string),
  data_format: A.s('NHWC'),
  dilations: A.ints(c.attrs.dilations as number[]),
}));
on(['MaxPoolWithArgmax', 'MaxPoolGradWithArgmax'], (c) => ({
  T: A.type(c.op.outputs[0]!.dtype),
  ksize: A.ints(c.attrs.ksize as number[]),
  strides: A.ints(c.attrs.strides as number[]),
  padding: A.s(c.attrs.padding as string),
  Targmax: A.type(c.attrs.Targmax as DType),
  include_batch_in_index: A.b(!!c.attrs.include_batch_in_index),
}));
on(['SpaceToDepth', 'DepthToSpace'], (c) => ({ T: T(c), block_size: A.i(c.attrs.block_size as number), data_format: A.s(c.attrs.data_format as string) }));
on(['SpaceToBatchND'], (c) => ({ T: T(c), Tblock_shape: T(c, 1), Tpaddings: T(c, 2) }));
on(['BatchToSpaceND'], (c) => ({ T: T(c), Tblock_shape: T(c, 1), Tcrops: T(c, 2) }));
on(['SpaceToBatch'], (c) => ({ T: T(c), Tpaddings: T(c, 1), block_size: A.i(c.attrs.block_size as number) }));
on(['BatchToSpace'], (c) => ({ T: T(c), Tidx: T(c, 1), block_size: A.i(c.attrs.block_size as number) }));
on(['ExtractImagePatches'], (c) => ({
  T: T(c),
  ksizes: A.ints(c.attrs.ksizes as number[]),
  strides: A.ints(c.attrs.strides as number[]),
  rates: A.ints(c.attrs.rates as number[]),
  padding: A.s(c.attrs.padding as string),
}));
// linear algebra (src/ops/linalg.ts)
on(['Diag', 'DiagPart', 'MatrixDiag', 'MatrixDiagPart', 'MatrixSetDiag', 'Cross', 'MatrixDeterminant', 'LogMatrixDeterminant', 'Cholesky'], justT);
on(['MatrixInverse', 'MatrixSolve'], (c) => ({ T: T(c), adjoint: A.b(!!c.attrs.adjoint) }));
on(['Qr'], (c) => ({ T: T(c), full_matrices: A.b(!!c.attrs.fullMatrices) }));
on(['Svd'], (c) => ({ T: T(c), compute_uv: A.b(!!c.attrs.computeUv), full_matrices: A.b(!!c.attrs.fullMatrices) }));
on(['SelfAdjointEigV2'], (c) => ({ T: T(c), compute_v: A.b(!!c.attrs.computeV) }));
on(['SparseAdd'], (c) => ({ T: T(c, 1), Treal: T(c, 6) }));
on(['SparseTensorDenseAdd'], (c) => ({ T: T(c, 1), Tindices: T(c, 0) }));
on(['SparseAddGrad'], justT);
on(['SparseDenseCwiseAdd', 'SparseReorder', 'SparseSlice', 'SparseFillEmptyRows', 'SparseSoftmax', 'SparseSparseMaximum', 'SparseSparseMinimum'], (c) => ({ T: T(c, 1) }));
on(['SparseSliceGrad'], justT);
on(['SparseFillEmptyRowsGrad'], (c) => ({ T: T(c, 1) }));
on(['SparseReshape'], () => ({}));
on(['SparseReduceSum', 'SparseReduceSumSparse', 'SparseReduceMax', 'SparseReduceMaxSparse'], (c) => ({ T: T(c, 1), keep_dims: A.b(!!c.attrs.keepDims) }));
on(['SparseConcat'], (c) => ({ concat_dim: A.i(c.attrs.concatDim as number), N: A.i(c.attrs.N as number), T: T(c, c.attrs.N as number) }));
on(['SparseSplit'], (c) => ({ num_split: A.i(c.attrs.numSplit as number), T: T(c, 2) }));
on(['MatrixTriangularSolve'], (c) => ({ T: T(c), lower: A.b(!!c.attrs.lower), adjoint: A.b(!!c.attrs.adjoint) }));
on(['Reshape'], (c) => {
  if (c.attrs.shape !== null) c.constInput('shape', ints(c.attrs.shape as number[]));
  return { T: T(c), Tshape: A.type(c.op.inputs[1]?.dtype ?? 'int32') };
});
on(['Fill'], (c) => {
  const dt = c.attrs.dtype as DType;
  c.constInput('dims', ints(c.attrs.shape as number[]));
  c.constInput('value', num(c.attrs.value as number, dt));
  return { T: A.type(dt), index_type: A.type('int32') };
});
// tf.fill/zeros/ones with dims computed in the graph (tsflow folds them when the plan is built).
on(['FoldedFill'], (c) => ({ T: A.type(c.op.inputs[1]!.dtype), index_type: A.type(c.op.inputs[0]!.dtype) }));
const EXPORTED_AS: Record<string, string> = { FoldedFill: 'Fill' };

/**
 * tsflow op types written as TF's where the attrs say which (TF's attr `T` only): a FillLike of 0 or
 * 1 in its input's dtype is TF's ZerosLike / OnesLike (importing them makes the FillLike again).
 */
function tfTypeOf(op: Operation): string | null {
  if (op.type !== 'FillLike') return null;
  const a = op.attrs as { value?: number; dtype?: string };
  if (a.dtype !== undefined && a.dtype !== op.inputs[0]!.dtype) return null;
  return a.value === 0 ? 'ZerosLike' : a.value === 1 ? 'OnesLike' : null;
}
on(['Transpose'], (c) => {
  const perm = (c.attrs.perm as number[] | null) ?? c.op.inputs[0]!.shape?.map((_, i, s) => s.length - 1 - i);
  if (!perm) throw new ValueError(`Transpose '${c.op.name}' of a tensor of unknown rank cannot be written as a GraphDef`);
  c.constInput('perm', ints(perm));
  return { T: T(c), Tperm: A.type('int32') };
});
on(['ConcatV2'], (c) => {
  const n = c.op.inputs.length;
  c.constInput('axis', int(c.attrs.axis as number));
  return { N: A.i(n), T: T(c), Tidx: A.type('int32') };
});
// TF's Split takes split_dim first, SplitV (value, size_splits, split_dim).
on(['Split', 'SplitV'], (c): Record<string, AttrValue> => {
  const n = c.attrs.num as number;
  if (c.op.type === 'Split') {
    c.constInput('split_dim', int(c.attrs.axis as number));
    c.inputs.unshift(c.inputs.pop()!);
    return { num_split: A.i(n), T: T(c) };
  }
  c.constInput('size_splits', ints(c.attrs.sizes as number[]));
  c.constInput('split_dim', int(c.attrs.axis as number));
  return { num_split: A.i(n), T: T(c), Tlen: A.type('int32') };
});
on(['Pack'], (c) => ({ N: A.i(c.op.inputs.length), T: T(c), axis: A.i(c.attrs.axis as number) }));
on(['Unpack'], (c) => ({ num: A.i(c.attrs.num as number), T: T(c), axis: A.i(c.attrs.axis as number) }));
on(['ExpandDims'], (c) => (c.constInput('dim', int(c.attrs.axis as number)), { T: T(c), Tdim: A.type('int32') }));
on(['Squeeze'], (c) => ({ T: T(c), squeeze_dims: A.ints(c.attrs.axis as number[]) }));
on(['Slice'], (c) => {
  c.constInput('begin', ints(c.attrs.begin as number[]));
  c.constInput('size', ints(c.attrs.size as number[]));
  return { T: T(c), Index: A.type('int32') };
});
on(['StridedSlice'], (c) => {
  c.constInput('begin', ints(c.attrs.begin as number[]));
  c.constInput('end', ints(c.attrs.end as number[]));
  c.constInput('strides', ints(c.attrs.strides as number[]));
  const m = (k: string) => A.i(c.attrs[k] as number);
  return {
    T: T(c), Index: A.type('int32'), begin_mask: m('beginMask'), end_mask: m('endMask'), ellipsis_mask: m('ellipsisMask'),
    new_axis_mask: m('newAxisMask'), shrink_axis_mask: m('shrinkAxisMask'),
  };
});
on(['GatherV2'], (c) => {
  c.constInput('axis', int(c.attrs.axis as number));
  return { Tparams: T(c), Tindices: T(c, 1), Taxis: A.type('int32'), batch_dims: A.i(0) };
});
on(['Tile'], (c) => (c.constInput('multiples', ints(c.attrs.multiples as number[])), { T: T(c), Tmultiples: A.type('int32') }));
on(['Range'], (c) => {
  const dt = c.attrs.dtype as DType;
  // start, limit and delta given as tensors are written as the inputs they are.
  if (c.op.inputs.length === 3) return { Tidx: A.type(dt) };
  c.constInput('start', num(c.attrs.start as number, dt));
  c.constInput('limit', num(c.attrs.limit as number, dt));
  c.constInput('delta', num(c.attrs.delta as number, dt));
  return { Tidx: A.type(dt) };
});
on(['OneHot'], (c) => {
  const dt = c.attrs.dtype as DType;
  c.constInput('depth', int(c.attrs.depth as number));
  c.constInput('on_value', num(c.attrs.onValue as number, dt));
  c.constInput('off_value', num(c.attrs.offValue as number, dt));
  return { T: A.type(dt), TI: T(c), axis: A.i(c.attrs.axis as number) };
});
on(['Shape', 'Size'], (c) => ({ T: T(c), out_type: A.type('int32') }));
on(['Rank'], justT);
on(['RandomUniform', 'RandomStandardNormal', 'TruncatedNormal'], (c) => {
  if (c.attrs.shape !== null) c.constInput('shape', ints(c.attrs.shape as number[]));
  const out: Record<string, AttrValue> = {
    T: A.type(c.op.inputs[0]?.dtype ?? 'int32'),
    dtype: A.type(c.attrs.dtype as DType),
    seed: A.i(c.attrs.seed as number),
    seed2: A.i(c.attrs.seed2 as number),
  };
  // TF scales in separate Mul/Add ops; tsflow's fused affine map travels in internal attrs.
  if (c.attrs.scale !== 1) out._tsflow_scale = A.f(c.attrs.scale as number);
  if (c.attrs.shift !== 0) out._tsflow_shift = A.f(c.attrs.shift as number);
  return out;
});
const paddingsConst = (c: ExportCtx): void => {
  const p = c.attrs.paddings as [number, number][];
  c.constInput('paddings', new NDArray(Int32Array.from(p.flat()), [p.length, 2], 'int32'));
};
on(['PadV2'], (c) => {
  paddingsConst(c);
  c.constInput('constant_values', num(c.attrs.constantValue as number, c.op.inputs[0]!.dtype));
  return { T: T(c), Tpaddings: A.type('int32') };
});
on(['MirrorPad'], (c) => {
  paddingsConst(c);
  return { T: T(c), Tpaddings: A.type('int32'), mode: A.s(c.attrs.mode as string) };
});
on(['SaveV2', 'RestoreV2'], (c) => ({ dtypes: A.types(c.attrs.dtypes as DType[]) }));
on(['MergeV2Checkpoints'], (c) => ({ delete_old_dirs: A.b(c.attrs.deleteOldDirs as boolean) }));
on(['ShardedFilename'], () => ({}));
on(['StringJoin'], (c) => ({ N: A.i(c.op.inputs.length), separator: A.s(c.attrs.separator as string) }));
on(['VariableV2'], (c) => ({
  shape: A.shape(c.attrs.shape as number[]), dtype: A.type(c.attrs.dtype as DType), container: A.s(''), shared_name: A.s(''),
}));
on(['Assign'], (c) => ({ T: T(c), validate_shape: A.b(true), use_locking: A.b(true) }));
on(['AssignAdd', 'AssignSub'], (c) => ({ T: T(c), use_locking: A.b(false) }));
on(['ApplyGradientDescent', 'ApplyAdagrad', 'ApplyAdam', 'ApplyRMSProp', 'ApplyCenteredRMSProp'], (c) => ({
  T: T(c), use_locking: A.b(false), ...(c.op.type === 'ApplyAdam' ? { use_nesterov: A.b(!!c.attrs.useNesterov) } : {}),
}));
on(['ApplyMomentum'], (c) => ({ T: T(c), use_locking: A.b(false), use_nesterov: A.b(!!c.attrs.useNesterov) }));
on(['ApplyAdadelta', 'ApplyProximalAdagrad', 'ApplyProximalGradientDescent', 'ApplyAdagradDA', 'ApplyFtrl', 'ApplyFtrlV2'], (c) => ({ T: T(c), use_locking: A.b(false) }));
// The sparse forms: Tindices is the type of the first integer input (indices; AdagradDA's int64 global_step comes after).
const tIndices = (c: ExportCtx): AttrValue => A.type(c.op.inputs.find((t) => t.dtype === 'int32' || t.dtype === 'int64')!.dtype);
on(
  ['SparseApplyAdadelta', 'SparseApplyProximalAdagrad', 'SparseApplyProximalGradientDescent', 'SparseApplyAdagradDA', 'SparseApplyAdagrad',
    'SparseApplyRMSProp', 'SparseApplyCenteredRMSProp', 'SparseApplyFtrl', 'SparseApplyFtrlV2'],
  (c) => ({ T: T(c), Tindices: tIndices(c), use_locking: A.b(false) }),
);
on(['SparseApplyMomentum'], (c) => ({ T: T(c), Tindices: tIndices(c), use_locking: A.b(false), use_nesterov: A.b(!!c.attrs.useNesterov) }));

// Segment reductions (sorted, sparse, unsorted): num_segments given as a number is a Const input.
on(['SegmentSum', 'SegmentMean', 'SegmentMax', 'SegmentMin', 'SegmentProd'], (c) => ({ T: T(c), Tindices: T(c, 1) }));
on(['SparseSegmentSum', 'SparseSegmentMean', 'SparseSegmentSqrtN'], (c) => ({ T: T(c), Tidx: T(c, 1) }));
on(['UnsortedSegmentSum', 'UnsortedSegmentMax', 'UnsortedSegmentMin', 'UnsortedSegmentProd'], (c) => {
  if (c.op.inputs.length === 2) c.constInput('num_segments', int(c.attrs.numSegments as number));
  return { T: T(c), Tindices: T(c, 1), Tnumsegments: A.type(c.op.inputs[2]?.dtype ?? 'int32') };
});

// Logging and checks (src/ops/logging-ops.ts, count-up-to.ts) and the helpers of deprecated-aliases.ts.
const types = (ts: readonly Tensor[]): AttrValue => A.types(ts.map((t) => t.dtype));
on(['Assert'], (c) => ({ T: types(c.op.inputs.slice(1)), summarize: A.i(c.attrs.summarize as number) }));
on(['Print'], (c) => ({
  T: T(c),
  U: types(c.op.inputs.slice(1)),
  message: A.s(c.attrs.message as string),
  first_n: A.i(c.attrs.firstN as number),
  summarize: A.i(c.attrs.summarize as number),
}));
on(['StringFormat'], (c) => ({
  T: types(c.op.inputs),
  template: A.s(c.attrs.template as string),
  placeholder: A.s(c.attrs.placeholder as string),
  summarize: A.i(c.attrs.summarize as number),
}));
on(['PrintV2'], (c) => ({ output_stream: A.s(c.attrs.outputStream as string), end: A.s(c.attrs.end as string) }));
on(['CountUpTo'], (c) => ({ T: T(c), limit: A.i(c.attrs.limit as number) }));
on(['IdentityN'], (c) => ({ T: types(c.op.inputs) }));
on(['PyFunc', 'PyFuncStateless', 'EagerPyFunc'], (c) => ({
  token: A.s(c.attrs.token as string), Tin: A.types(c.attrs.Tin as DType[]), Tout: A.types(c.attrs.Tout as DType[]),
}));
// tf.io.parseExample / parseSingleExample: graphdef/parse-example-rules.ts (both ways).
on(['HashTableV2'], (c) => ({
  container: A.s((c.attrs.container as string | undefined) ?? ''), shared_name: A.s((c.attrs.sharedName as string | undefined) ?? ''),
  use_node_name_sharing: A.b(!!c.attrs.useNodeNameSharing), key_dtype: A.type(c.attrs.keyDtype as DType), value_dtype: A.type(c.attrs.valueDtype as DType),
}));
on(['InitializeTableV2'], (c) => ({ Tkey: T(c, 1), Tval: T(c, 2) }));
on(['LookupTableFindV2'], (c) => ({ Tin: T(c, 1), Tout: T(c, 2) }));
on(['LookupTableSizeV2'], () => ({}));
on(['ShapeN'], (c) => ({ N: A.i(c.op.inputs.length), T: T(c), out_type: A.type(c.attrs.outType as DType) }));
on(['EnsureShape'], (c) => ({ T: T(c), shape: A.shape(c.attrs.shape as PartialShape) }));

// Index and set ops (src/ops/set-ops.ts, partition.ts, tensor-scatter.ts).
on(['Unique', 'UniqueWithCounts', 'ListDiff'], (c) => ({ T: T(c), out_idx: A.type(c.attrs.outIdx as DType) }));
on(['InvertPermutation'], justT);
on(['UnravelIndex'], (c) => ({ Tidx: T(c) }));
on(['Bincount'], (c) => ({ T: T(c, 2) }));
on(['DynamicPartition'], (c) => ({ T: T(c), num_partitions: A.i(c.attrs.numPartitions as number) }));
on(['DynamicStitch'], (c) => ({ N: A.i(c.attrs.N as number), T: T(c, c.attrs.N as number) }));
on(['TensorScatterUpdate', 'TensorScatterAdd', 'TensorScatterSub'], (c) => ({ T: T(c), Tindices: T(c, 1) }));
on(['LowerBound', 'UpperBound'], (c) => ({ T: T(c), out_type: A.type(c.attrs.outType as DType) }));
on(['ParallelConcat'], (c) => ({ N: A.i(c.op.inputs.length), T: T(c), shape: A.shape(c.attrs.shape as number[]) }));
on(['HistogramFixedWidth'], (c) => ({ T: T(c), dtype: A.type(c.attrs.dtype as DType) }));
on(['Multinomial'], (c) => ({ T: T(c), seed: A.i(c.attrs.seed as number), seed2: A.i(c.attrs.seed2 as number), output_dtype: A.type(c.attrs.outputDtype as DType) }));

// Control flow v1 (src/ops/control-flow/ops.ts): tf.cond and tf.whileLoop as TF1 writes them.
// A TensorArray's flow is TF's float scalar whatever the array's dtype.
const flowOrT = (c: ExportCtx): AttrValue => (isTensorArrayFlow(c.op.inputs[0]!) ? FLOW_T : T(c));
on(['Switch', 'Exit', 'NextIteration'], (c) => ({ T: flowOrT(c) }));
on(['Merge'], (c) => ({ N: A.i(c.op.inputs.length), T: flowOrT(c) }));
on(['Enter'], (c) => ({
  // a stack's handle is TF's resource (tsflow holds it as an int32 scalar)
  T: isStackV2Handle(c.op.inputs[0]!) ? { type: DT_RESOURCE } : flowOrT(c),
  frame_name: A.s(c.attrs.frameName as string),
  is_constant: A.b(!!c.attrs.isConstant),
  parallel_iterations: A.i(c.attrs.parallelIterations as number),
}));
on(['LoopCond'], () => ({}));

/** Whether asGraphDef writes `type` as a TF op (else as a tsflow op with its own attrs). */
export function isTfOpType(type: string): boolean {
  return EXPORTERS.has(type);
}

function inputName(t: Tensor): string {
  // TF's TensorArrayV3 (and TensorArrayGradV3) give the handle :0 and the flow :1
  if (t.op.type === 'TensorArrayV3' || t.op.type === 'TensorArrayGradV3') return `${t.op.name}:1`;
  return t.index === 0 ? t.op.name : `${t.op.name}:${t.index}`;
}

/** The variable an op is colocated with, TF1-style: reads, assigns and updates of a variable. */
function colocation(op: Operation): string | null {
  const first = op.inputs[0];
  if (op.type === 'VariableV2' || !first || first.op.type !== 'VariableV2') return null;
  if (op.type === 'Identity' || op.type.startsWith('Assign') || op.type.startsWith('Apply') || op.type.startsWith('Scatter')) return first.op.name;
  return null;
}

export interface AsGraphDefOptions {
  /** Add `_output_shapes` to each node (TF's `add_shapes`). */
  addShapes?: boolean;
}

/** The NodeDefs of one op: Const nodes for its folded inputs first, then the op itself. */
export function opToNodeDefs(op: Operation, taken: Set<string> = new Set(), opts: AsGraphDefOptions = {}): NodeDef[] {
  const ta = TENSOR_ARRAY_EXPORT_TYPES.has(op.type) && !op.attrs._tf && !crossFrameInputs(op, taken).length ? tensorArrayNodeDefs(op, taken) : null;
  if (ta) {
    const last = ta.at(-1)!;
    const gt = op.attrs._gradient_op_type;
    if (typeof gt === 'string') last.attr._gradient_op_type = A.s(gt);
    if (opts.addShapes) {
      const shapes: PartialShape[] = op.type === 'TensorArrayV3' || op.type === 'TensorArrayGradV3' ? [[2], []] : op.outputs.map((t) => (isTensorArrayFlow(t) ? [] : t.shape));
      last.attr._output_shapes = { list: { ...emptyList(), shape: shapes.map(shapeToProto) } };
    }
    return ta;
  }
  // tsflow's TensorArray gradient ops, array ops of its gradient loops and ops reading across loop frames have no TF form
  const cross = op.attrs._tf ? [] : crossFrameInputs(op, taken);
  if (!op.attrs._tf && (cross.length || GRADIENT_ONLY_TYPES.has(op.type) || TENSOR_ARRAY_EXPORT_TYPES.has(op.type))) {
    const ins = op.inputs.filter((t) => !cross.includes(t));
    return [unexportableNode(op, [...ins.map(inputName), ...op.controlInputs.filter((x) => !cross.some((t) => t.op === x)).map((x) => `^${x.name}`)])];
  }
  const extra: NodeDef[] = [];
  const c: ExportCtx = {
    op,
    attrs: op.attrs as Record<string, unknown>,
    inputs: op.inputs.map(inputName),
    constInput(suffix, value) {
      let name = `${op.name}/${suffix}`;
      for (let i = 1; taken.has(name); i++) name = `${op.name}/${suffix}_${i}`;
      taken.add(name);
      extra.push({ name, op: 'Const', input: [], device: op.device, attr: { dtype: A.type(value.dtype), value: A.tensor(value) } });
      this.inputs.push(name);
    },
    node(suffix, type, input, attr) {
      let name = `${op.name}/${suffix}`;
      for (let i = 1; taken.has(name); i++) name = `${op.name}/${suffix}_${i}`;
      taken.add(name);
      extra.push({ name, op: type, input, device: op.device, attr });
      return name;
    },
  };
  const e = EXPORTERS.get(op.type);
  // Nodes imported from TF as tsflow-specific ops (Folded*, opaque bookkeeping) go back as they came.
  const tf = (op.attrs as { _tf?: { op: string; attr: NodeDef['attr'] } })._tf;
  const asTf = tf ? null : tfTypeOf(op);
  const attr = tf ? { ...tf.attr } : asTf ? { T: A.type(op.inputs[0]!.dtype) } : e ? e(c) : encodeTsflowAttrs(op.attrs);
  const gradType = op.attrs._gradient_op_type;
  if (typeof gradType === 'string') attr._gradient_op_type = A.s(gradType);
  const loc = colocation(op);
  const cls = op.attrs._class;
  // tf.colocateWith's groups, else the variable a read or update is colocated with
  if (Array.isArray(cls) && cls.length > 0) attr._class = A.strs(cls as string[]);
  else if (loc) attr._class = A.strs([`loc:@${loc}`]);
  if (opts.addShapes) attr._output_shapes = { list: { ...emptyList(), shape: op.outputs.map((t) => shapeToProto(t.shape)) } };
  const node: NodeDef = {
    name: op.name,
    op: tf ? tf.op : (asTf ?? EXPORTED_AS[op.type] ?? op.type),
    input: [...c.inputs, ...op.controlInputs.map((x) => `^${x.name}`)],
    device: op.device,
    attr,
  };
  return [...extra, node];
}

export function graphToGraphDef(g: Graph, opts: AsGraphDefOptions = {}): GraphDef {
  const taken = new Set(g.operations.map((o) => o.name));
  const node = g.operations.flatMap((op) => opToNodeDefs(op, taken, opts));
  return { node, versions: { producer: GRAPH_DEF_VERSION, minConsumer: 0, badConsumers: [] } };
}
