/**
 * How each TF op type of a NodeDef becomes a tsflow op: TF's attrs renamed onto the op
 * declaration's attrs, and TF's shape-like tensor inputs (Reshape's shape, Sum's axes, …) folded
 * into attrs when they are constants. Every rule creates one op named exactly as the node.
 */
import type { DType } from '../dtype.js';
import { InvalidArgumentError, UnimplementedError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { makeOp } from '../ops/registry.js';
import { isFullyDefined } from '../shape.js';
import type { NodeDef } from '../proto/framework.js';
import { NodeAttrs } from './attrs.js';
import { decodeTsflowAttrs } from './attr-codec.js';

export interface ImportCtx {
  g: Graph;
  node: NodeDef;
  /** The op's full name in the graph (prefix included). */
  name: string;
  inputs: Tensor[];
  attrs: NodeAttrs;
}

export type ImportRule = (c: ImportCtx) => Operation;

/** Create the node's op: tsflow type `type` over `inputs`, named as the node. */
export function make(c: ImportCtx, type: string, inputs: Tensor[], attrs: Record<string, unknown> = {}): Operation {
  // A gradient override (graph.gradientOverrideMap) travels with the node.
  const grad = c.node.attr?._gradient_op_type?.s;
  const all = grad && grad.length > 0 ? { ...attrs, _gradient_op_type: new TextDecoder().decode(grad) } : attrs;
  return makeOp(c.g, type, inputs, all, `${c.name}/`, type);
}

/** An auxiliary op under the node's name (`<node>/<suffix>`). */
function aux(c: ImportCtx, suffix: string, type: string, inputs: Tensor[], attrs: Record<string, unknown> = {}): Tensor {
  return makeOp(c.g, type, inputs, attrs, `${c.name}/${suffix}/`, type).outputs[0]!;
}

/** The value of `t` when the graph determines it: constants, identities of them, static shapes. */
export function foldConst(t: Tensor, depth = 0): NDArray | null {
  if (depth > 32) return null;
  const op = t.op;
  switch (op.type) {
    case 'Const':
      return op.attrs.value as NDArray;
    case 'Identity':
    case 'StopGradient':
      return foldConst(op.inputs[0]!, depth + 1);
    case 'Shape': {
      const s = op.inputs[0]!.shape;
      return isFullyDefined(s) ? new NDArray(Int32Array.from(s), [s.length], 'int32') : null;
    }
    case 'Cast': {
      const v = foldConst(op.inputs[0]!, depth + 1);
      if (!v || v.dtype === 'string') return null;
      const to = op.attrs.DstT as DType;
      if (to === 'string') return null;
      return new NDArray(NDArray.zeros([v.size], to).data.map((_, i) => Number(v.data[i])), v.shape, to);
    }
    case 'Pack': {
      const parts = op.inputs.map((x) => foldConst(x, depth + 1));
      if (parts.some((p) => p === null || p.rank !== 0) || (op.attrs.axis as number) !== 0) return null;
      const dt = parts[0]!.dtype;
      const out = NDArray.zeros([parts.length], dt);
      parts.forEach((p, i) => (out.data[i] = p!.data[0] as number));
      return out;
    }
    default:
      return null;
  }
}

/** Are inputs `from…` (all when `to` is omitted) import-time constants? */
function allConst(c: ImportCtx, from: number, to = c.inputs.length): boolean {
  return c.inputs.slice(from, to).every((t) => foldConst(t) !== null);
}

/** TF's op with shape-like operands left as tensors, folded at plan time (see ops/shape-operands.ts). */
function folded(c: ImportCtx, type: string, attrs: Record<string, unknown> = {}): Operation {
  return make(c, `Folded${type}`, c.inputs, { ...attrs, ...tfNode(c) });
}

/** The node's own op type and attrs, kept so that asGraphDef writes the node back as TF's. */
export function tfNode(c: ImportCtx): { _tf: { op: string; attr: NodeDef['attr'] } } {
  return { _tf: { op: c.node.op, attr: c.node.attr } };
}

function numbers(c: ImportCtx, i: number, what: string): number[] {
  const v = foldConst(c.inputs[i]!);
  if (v === null) {
    throw new UnimplementedError(
      `${c.node.op} node '${c.node.name}': input ${i} (${what}) must be a constant for tsflow to import it; it comes from ${c.inputs[i]!.op.type} '${c.inputs[i]!.op.name}'`,
      c.name,
    );
  }
  return Array.from(v.data as ArrayLike<number>, Number);
}

function scalar(c: ImportCtx, i: number, what: string): number {
  const v = numbers(c, i, what);
  if (v.length !== 1) throw new InvalidArgumentError(`${c.node.op} node '${c.node.name}': ${what} must be a scalar, got ${v.length} values`, c.name);
  return v[0]!;
}

function nhwcOnly(c: ImportCtx): void {
  const f = c.attrs.string('data_format', 'NHWC');
  if (f !== 'NHWC') {
    throw new UnimplementedError(`${c.node.op} node '${c.node.name}' uses data_format ${f}; tsflow runs NHWC only`, c.name);
  }
}

const same = (type: string): ImportRule => (c) => make(c, type, c.inputs);

export const RULES = new Map<string, ImportRule>();
const rule = (types: string[], r: ImportRule): void => types.forEach((t) => RULES.set(t, r));

// ----- elementwise -----------------------------------------------------------------------
for (const t of [
  'Neg', 'Abs', 'Square', 'Sqrt', 'Rsqrt', 'Exp', 'Expm1', 'Log', 'Log1p', 'Sign', 'Floor', 'Ceil', 'Round',
  'Reciprocal', 'Sigmoid', 'Tanh', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'LogicalNot', 'IsNan', 'IsInf', 'Relu', 'Relu6', 'Elu', 'Selu',
  'Softplus', 'Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'FloorDiv', 'FloorMod', 'Pow', 'Maximum', 'Minimum',
  'SquaredDifference', 'Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd',
  'LogicalOr', 'ReluGrad', 'Relu6Grad', 'EluGrad', 'SigmoidGrad', 'TanhGrad', 'SoftplusGrad', 'RsqrtGrad',
  'SqrtGrad', 'Identity', 'StopGradient', 'NoOp', 'AddN', 'Softmax', 'LogSoftmax', 'L2Loss', 'DivNoNan',
  'SoftmaxCrossEntropyWithLogits', 'SparseSoftmaxCrossEntropyWithLogits', 'Shape', 'Size', 'Rank', 'SelectV2',
  'Erf', 'Erfc', 'Lgamma', 'Digamma', 'Rint', 'IsFinite', 'Softsign', 'SoftsignGrad', 'Atan2', 'TruncateDiv',
  'TruncateMod', 'Zeta', 'Polygamma',
]) {
  RULES.set(t, same(t));
}
RULES.set('Snapshot', same('Identity'));
RULES.set('AccumulateNV2', (c) => make(c, 'AccumulateNV2', c.inputs, { shape: c.attrs.shape('shape', true) }));
rule(['BroadcastTo', 'BroadcastArgs', 'Roll', 'LinSpace'], (c) => make(c, c.node.op, c.inputs));
const fbnAttrs = (c: ImportCtx) => ({
  epsilon: c.attrs.float('epsilon', 1e-4), dataFormat: c.attrs.string('data_format', 'NHWC'), isTraining: c.attrs.bool('is_training', true),
});
// V1 and V2 have V3's outputs less the last reserve space.
rule(['FusedBatchNorm', 'FusedBatchNormV2', 'FusedBatchNormV3'], (c) => make(c, 'FusedBatchNormV3', c.inputs, fbnAttrs(c)));
RULES.set('FusedBatchNormGradV3', (c) => make(c, 'FusedBatchNormGradV3', c.inputs, fbnAttrs(c)));
RULES.set('Cumprod', (c) =>
  make(c, 'Cumprod', [c.inputs[0]!], { axis: scalar(c, 1, 'axis'), exclusive: c.attrs.bool('exclusive', false), reverse: c.attrs.bool('reverse', false) }),
);
RULES.set('Inv', same('Reciprocal'));
RULES.set('Div', (c) => make(c, c.attrs.type('T').startsWith('float') ? 'RealDiv' : 'FloorDiv', c.inputs));
RULES.set('LeakyRelu', (c) => make(c, 'LeakyRelu', c.inputs, { alpha: c.attrs.float('alpha', 0.2) }));
RULES.set('BiasAdd', (c) => (nhwcOnly(c), make(c, 'BiasAdd', c.inputs)));
RULES.set('BiasAddV1', same('BiasAdd'));
RULES.set('Select', (c) => {
  const [cond, x] = c.inputs;
  if (cond!.shape !== null && x!.shape !== null && cond!.shape.length === 1 && x!.shape.length > 1) {
    throw new UnimplementedError(`Select node '${c.node.name}' selects rows by a vector condition, which tsflow does not import`, c.name);
  }
  return make(c, 'SelectV2', c.inputs);
});

// ----- core ------------------------------------------------------------------------------
RULES.set('Const', (c) => {
  const value = c.attrs.tensor('value');
  const dt = c.attrs.type('dtype');
  if (value.dtype !== dt) throw new InvalidArgumentError(`Const node '${c.node.name}': value has dtype ${value.dtype} but dtype is ${dt}`, c.name);
  return make(c, 'Const', [], { value });
});
RULES.set('Placeholder', (c) => make(c, 'Placeholder', [], { dtype: c.attrs.type('dtype'), shape: c.attrs.shape('shape', true) }));
RULES.set('PlaceholderV2', RULES.get('Placeholder')!);
RULES.set('PlaceholderWithDefault', (c) => make(c, 'PlaceholderWithDefault', c.inputs, { shape: c.attrs.shape('shape', true) }));
RULES.set('CheckNumerics', (c) => make(c, 'CheckNumerics', c.inputs, { message: c.attrs.string('message', '') }));
RULES.set('Cast', (c) => make(c, 'Cast', c.inputs, { DstT: c.attrs.type('DstT') }));

// ----- matmul, reductions ------------------------------------------------------------------
RULES.set('MatMul', (c) =>
  make(c, 'MatMul', c.inputs, { transposeA: c.attrs.bool('transpose_a', false), transposeB: c.attrs.bool('transpose_b', false) }),
);
RULES.set('BatchMatMul', (c) =>
  make(c, 'MatMul', c.inputs, { transposeA: c.attrs.bool('adj_x', false), transposeB: c.attrs.bool('adj_y', false) }),
);
RULES.set('BatchMatMulV2', RULES.get('BatchMatMul')!);
rule(['Sum', 'Mean', 'Max', 'Min', 'Prod', 'Any', 'All'], (c) => {
  const keepDims = c.attrs.bool('keep_dims', false);
  if (!allConst(c, 1)) return folded(c, c.node.op, { keepDims });
  return make(c, c.node.op, [c.inputs[0]!], { axes: numbers(c, 1, 'reduction_indices'), keepDims });
});
rule(['ArgMax', 'ArgMin'], (c) =>
  make(c, c.node.op, [c.inputs[0]!], { axis: scalar(c, 1, 'dimension'), outputType: c.attrs.type('output_type', 'int64') }),
);

// ----- nn ------------------------------------------------------------------------------------
const convAttrs = (c: ImportCtx) => {
  nhwcOnly(c);
  const padding = c.attrs.string('padding');
  if (padding !== 'SAME' && padding !== 'VALID') {
    throw new UnimplementedError(`${c.node.op} node '${c.node.name}' has padding ${padding}; tsflow supports SAME and VALID`, c.name);
  }
  return { strides: c.attrs.ints('strides'), padding, dilations: c.attrs.ints('dilations', [1, 1, 1, 1]) };
};
rule(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], (c) => make(c, c.node.op, c.inputs, convAttrs(c)));
rule(['MaxPool', 'AvgPool', 'MaxPoolGrad', 'AvgPoolGrad'], (c) => {
  nhwcOnly(c);
  return make(c, c.node.op, c.inputs, { ksize: c.attrs.ints('ksize'), strides: c.attrs.ints('strides'), padding: c.attrs.string('padding') });
});

// ----- array ----------------------------------------------------------------------------------
RULES.set('Reshape', (c) => {
  const v = foldConst(c.inputs[1]!);
  if (v) return make(c, 'Reshape', [c.inputs[0]!], { shape: Array.from(v.data as ArrayLike<number>, Number) });
  return make(c, 'Reshape', c.inputs, { shape: null });
});
RULES.set('Fill', (c) => {
  const value = foldConst(c.inputs[1]!);
  if (!value || value.size !== 1 || !allConst(c, 0, 1)) return make(c, 'FoldedFill', c.inputs, tfNode(c));
  return make(c, 'Fill', [], { shape: numbers(c, 0, 'dims'), value: Number(value.data[0]), dtype: value.dtype });
});
RULES.set('ZerosLike', (c) => make(c, 'FillLike', c.inputs, { value: 0 }));
RULES.set('OnesLike', (c) => make(c, 'FillLike', c.inputs, { value: 1 }));
RULES.set('Transpose', (c) => (allConst(c, 1) ? make(c, 'Transpose', [c.inputs[0]!], { perm: numbers(c, 1, 'perm') }) : folded(c, 'Transpose')));
RULES.set('ConcatV2', (c) => {
  const n = c.attrs.int('N');
  if (!allConst(c, n)) return folded(c, 'ConcatV2');
  return make(c, 'ConcatV2', c.inputs.slice(0, n), { axis: scalar(c, n, 'axis') });
});
RULES.set('Concat', (c) => make(c, 'ConcatV2', c.inputs.slice(1), { axis: scalar(c, 0, 'concat_dim') }));
RULES.set('Pack', (c) => make(c, 'Pack', c.inputs, { axis: c.attrs.int('axis', 0) }));
// TF's Split(split_dim, value) and SplitV(value, size_splits, split_dim).
RULES.set('Split', (c) => make(c, 'Split', [c.inputs[1]!], { axis: scalar(c, 0, 'split_dim'), sizes: null, num: c.attrs.int('num_split') }));
RULES.set('SplitV', (c) => make(c, 'SplitV', [c.inputs[0]!], { axis: scalar(c, 2, 'split_dim'), sizes: numbers(c, 1, 'size_splits'), num: c.attrs.int('num_split') }));
RULES.set('Unpack', (c) => make(c, 'Unpack', c.inputs, { num: c.attrs.int('num'), axis: c.attrs.int('axis', 0) }));
RULES.set('ExpandDims', (c) => (allConst(c, 1) ? make(c, 'ExpandDims', [c.inputs[0]!], { axis: scalar(c, 1, 'dim') }) : folded(c, 'ExpandDims')));
RULES.set('Squeeze', (c) => make(c, 'Squeeze', c.inputs, { axis: c.attrs.ints('squeeze_dims', []) }));
RULES.set('Slice', (c) => (allConst(c, 1) ? make(c, 'Slice', [c.inputs[0]!], { begin: numbers(c, 1, 'begin'), size: numbers(c, 2, 'size') }) : folded(c, 'Slice')));
RULES.set('StridedSlice', (c) =>
  make(c, 'StridedSlice', [c.inputs[0]!], {
    begin: numbers(c, 1, 'begin'),
    end: numbers(c, 2, 'end'),
    strides: numbers(c, 3, 'strides'),
    beginMask: c.attrs.int('begin_mask', 0),
    endMask: c.attrs.int('end_mask', 0),
    ellipsisMask: c.attrs.int('ellipsis_mask', 0),
    newAxisMask: c.attrs.int('new_axis_mask', 0),
    shrinkAxisMask: c.attrs.int('shrink_axis_mask', 0),
  }),
);
RULES.set('GatherV2', (c) => (allConst(c, 2) ? make(c, 'GatherV2', c.inputs.slice(0, 2), { axis: scalar(c, 2, 'axis') }) : folded(c, 'GatherV2')));
RULES.set('Gather', (c) => make(c, 'GatherV2', c.inputs, { axis: 0 }));
RULES.set('Tile', (c) => (allConst(c, 1) ? make(c, 'Tile', [c.inputs[0]!], { multiples: numbers(c, 1, 'multiples') }) : folded(c, 'Tile')));
RULES.set('Range', (c) =>
  !allConst(c, 0)
    ? make(c, 'Range', c.inputs.map((t) => (t.dtype === c.attrs.type('Tidx', 'int32') ? t : aux(c, 'Cast', 'Cast', [t], { DstT: c.attrs.type('Tidx', 'int32') }))), {
        start: 0, limit: 0, delta: 0, dtype: c.attrs.type('Tidx', 'int32'),
      })
    : make(c, 'Range', [], {
    start: scalar(c, 0, 'start'),
    limit: scalar(c, 1, 'limit'),
    delta: scalar(c, 2, 'delta'),
    dtype: c.attrs.type('Tidx', 'int32'),
  }),
);
RULES.set('OneHot', (c) =>
  make(c, 'OneHot', [c.inputs[0]!], {
    depth: scalar(c, 1, 'depth'),
    onValue: scalar(c, 2, 'on_value'),
    offValue: scalar(c, 3, 'off_value'),
    axis: c.attrs.int('axis', -1),
    dtype: c.attrs.type('T'),
  }),
);
rule(['Pad', 'PadV2', 'MirrorPad'], (c) => {
  const flat = numbers(c, 1, 'paddings');
  const paddings = Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!] as [number, number]);
  const mirror = c.node.op === 'MirrorPad';
  return make(c, mirror ? 'MirrorPad' : 'PadV2', [c.inputs[0]!], {
    paddings,
    mode: mirror ? c.attrs.string('mode') : 'CONSTANT',
    constantValue: c.node.op === 'PadV2' ? scalar(c, 2, 'constant_values') : 0,
  });
});
rule(['UnsortedSegmentSum', 'UnsortedSegmentMax', 'UnsortedSegmentMin', 'UnsortedSegmentProd'], (c) => make(c, c.node.op, c.inputs, { numSegments: null }));
rule(['SegmentSum', 'SegmentMean', 'SegmentMax', 'SegmentMin', 'SegmentProd', 'SparseSegmentSum', 'SparseSegmentMean', 'SparseSegmentSqrtN'], (c) => make(c, c.node.op, c.inputs));
rule(['Qr'], (c) => make(c, 'Qr', c.inputs, { fullMatrices: c.attrs.bool('full_matrices', false) }));
rule(['Svd'], (c) => make(c, 'Svd', c.inputs, { computeUv: c.attrs.bool('compute_uv', true), fullMatrices: c.attrs.bool('full_matrices', false) }));
rule(['SelfAdjointEigV2'], (c) => make(c, 'SelfAdjointEigV2', c.inputs, { computeV: c.attrs.bool('compute_v', true) }));
rule(['SparseReduceSum', 'SparseReduceSumSparse', 'SparseReduceMax', 'SparseReduceMaxSparse'], (c) => make(c, c.node.op, c.inputs, { keepDims: c.attrs.bool('keep_dims', false) }));
rule(['SparseConcat'], (c) => make(c, 'SparseConcat', c.inputs, { concatDim: c.attrs.int('concat_dim'), N: c.attrs.int('N') }));
rule(['SparseSplit'], (c) => make(c, 'SparseSplit', c.inputs, { numSplit: c.attrs.int('num_split') }));
rule(['SparseAdd', 'SparseAddGrad', 'SparseTensorDenseAdd', 'SparseDenseCwiseAdd', 'SparseReorder', 'SparseSlice', 'SparseSliceGrad', 'SparseFillEmptyRows',
  'SparseFillEmptyRowsGrad', 'SparseSoftmax', 'SparseSparseMaximum', 'SparseSparseMinimum', 'SparseReshape'], (c) => make(c, c.node.op, c.inputs));
rule(['Unique', 'UniqueWithCounts', 'ListDiff'], (c) => make(c, c.node.op, c.inputs, { outIdx: c.attrs.type('out_idx', 'int32') }));
rule(['InvertPermutation', 'UnravelIndex', 'Bincount', 'TensorScatterUpdate', 'TensorScatterAdd', 'TensorScatterSub'], (c) => make(c, c.node.op, c.inputs));
RULES.set('DynamicPartition', (c) => make(c, 'DynamicPartition', c.inputs, { numPartitions: c.attrs.int('num_partitions') }));
rule(['LowerBound', 'UpperBound'], (c) => make(c, c.node.op, c.inputs, { outType: c.attrs.type('out_type', 'int32') }));
RULES.set('ParallelConcat', (c) => make(c, 'ParallelConcat', c.inputs, { shape: c.attrs.shape('shape') }));
RULES.set('HistogramFixedWidth', (c) => make(c, 'HistogramFixedWidth', c.inputs, { dtype: c.attrs.type('dtype', 'int32') }));
RULES.set('Multinomial', (c) => make(c, 'Multinomial', c.inputs, { seed: c.attrs.int('seed', 0), seed2: c.attrs.int('seed2', 0), outputDtype: c.attrs.type('output_dtype', 'int64') }));

// ----- random ------------------------------------------------------------------------------------
rule(['RandomUniform', 'RandomStandardNormal', 'TruncatedNormal'], (c) => {
  const v = foldConst(c.inputs[0]!);
  return make(c, c.node.op, v ? [] : c.inputs, {
    shape: v ? Array.from(v.data as ArrayLike<number>, Number) : null,
    seed: c.attrs.int('seed', 0),
    seed2: c.attrs.int('seed2', 0),
    scale: c.attrs.float('_tsflow_scale', 1),
    shift: c.attrs.float('_tsflow_shift', 0),
    dtype: c.attrs.type('dtype'),
  });
});

// ----- variables and their updates -----------------------------------------------------------------
rule(['VariableV2', 'Variable'], (c) => {
  const shape = c.attrs.shape('shape');
  if (!isFullyDefined(shape)) throw new UnimplementedError(`${c.node.op} node '${c.node.name}' has a partly unknown shape, which tsflow variables cannot hold`, c.name);
  return make(c, 'VariableV2', [], { shape, dtype: c.attrs.type('dtype') });
});
rule(['Assign', 'AssignAdd', 'AssignSub'], (c) => make(c, c.node.op, c.inputs));
// TF's resource variables (use_resource=True, Keras layers in TF 1.x): the handle op becomes a
// tsflow variable of the same name, reads are its identity, assigns and applies its ref updates.
rule(['VarHandleOp'], (c) => {
  const shape = c.attrs.shape('shape');
  if (!isFullyDefined(shape)) throw new UnimplementedError(`VarHandleOp node '${c.node.name}' has a partly unknown shape, which tsflow variables cannot hold`, c.name);
  return make(c, 'VariableV2', [], { shape, dtype: c.attrs.type('dtype') });
});
RULES.set('ReadVariableOp', (c) => make(c, 'Identity', [c.inputs[0]!]));
RULES.set('VarIsInitializedOp', (c) => make(c, 'IsVariableInitialized', [c.inputs[0]!]));
rule(['AssignVariableOp', 'AssignAddVariableOp', 'AssignSubVariableOp'], (c) =>
  make(c, { AssignVariableOp: 'Assign', AssignAddVariableOp: 'AssignAdd', AssignSubVariableOp: 'AssignSub' }[c.node.op]!, c.inputs));
rule(['ResourceApplyGradientDescent', 'ResourceApplyMomentum', 'ResourceApplyAdam', 'ResourceApplyAdagrad', 'ResourceApplyRMSProp', 'ResourceApplyCenteredRMSProp'], (c) =>
  make(c, c.node.op.slice('Resource'.length), c.inputs, c.attrs.has('use_nesterov') ? { useNesterov: c.attrs.bool('use_nesterov') } : {}),
);
// ----- checkpoint ops (host-stage, src/checkpoint/graph-ops.ts) -----------------------------------
rule(['SaveV2', 'RestoreV2'], (c) => make(c, c.node.op, c.inputs, { dtypes: c.attrs.types('dtypes') }));
RULES.set('MergeV2Checkpoints', (c) => make(c, 'MergeV2Checkpoints', c.inputs, { deleteOldDirs: c.attrs.bool('delete_old_dirs', true) }));
RULES.set('ShardedFilename', (c) => make(c, 'ShardedFilename', c.inputs));
RULES.set('StringJoin', (c) => make(c, 'StringJoin', c.inputs, { separator: c.attrs.string('separator', '') }));
RULES.set('BroadcastGradientArgs', (c) => make(c, 'BroadcastGradientArgs', c.inputs, tfNode(c)));
RULES.set('DynamicStitch', (c) => make(c, 'DynamicStitch', c.inputs, { N: c.attrs.int('N'), ...tfNode(c) }));
RULES.set('ParallelDynamicStitch', RULES.get('DynamicStitch')!);
rule([
  'ApplyGradientDescent', 'ApplyMomentum', 'ApplyAdam', 'ApplyAdagrad', 'ApplyRMSProp', 'ApplyCenteredRMSProp', 'ApplyAdadelta', 'ApplyProximalAdagrad',
  'ApplyProximalGradientDescent', 'ApplyAdagradDA', 'ApplyFtrl', 'ApplyFtrlV2', 'SparseApplyAdadelta', 'SparseApplyProximalAdagrad',
  'SparseApplyProximalGradientDescent', 'SparseApplyAdagradDA', 'SparseApplyAdagrad', 'SparseApplyRMSProp', 'SparseApplyCenteredRMSProp',
  'SparseApplyFtrl', 'SparseApplyFtrlV2', 'SparseApplyMomentum',
], (c) =>
  make(c, c.node.op, c.inputs, c.attrs.has('use_nesterov') ? { useNesterov: c.attrs.bool('use_nesterov') } : {}),
);

// ----- logging and checks (src/ops/logging-ops.ts, count-up-to.ts, deprecated-aliases.ts) -------
RULES.set('Assert', (c) => make(c, 'Assert', c.inputs, { summarize: c.attrs.int('summarize', 3) }));
RULES.set('Print', (c) =>
  make(c, 'Print', c.inputs, { message: c.attrs.string('message', ''), firstN: c.attrs.int('first_n', -1), summarize: c.attrs.int('summarize', 3) }),
);
RULES.set('StringFormat', (c) =>
  make(c, 'StringFormat', c.inputs, { template: c.attrs.string('template', '%s'), placeholder: c.attrs.string('placeholder', '%s'), summarize: c.attrs.int('summarize', 3) }),
);
RULES.set('PrintV2', (c) => make(c, 'PrintV2', c.inputs, { outputStream: c.attrs.string('output_stream', 'stderr'), end: c.attrs.string('end', '\n') }));
RULES.set('CountUpTo', (c) => make(c, 'CountUpTo', c.inputs, { limit: c.attrs.int('limit') }));
RULES.set('IdentityN', (c) => make(c, 'IdentityN', c.inputs));
for (const t of ['PyFunc', 'PyFuncStateless', 'EagerPyFunc']) {
  // The token names a function registered in this process (tf.pyFunc); running an unknown one is TF's error.
  RULES.set(t, (c) => make(c, t, c.inputs, { token: c.attrs.string('token'), Tin: c.attrs.types('Tin'), Tout: c.attrs.types('Tout') }));
}
RULES.set('ShapeN', (c) => make(c, 'ShapeN', c.inputs, { outType: c.attrs.type('out_type', 'int32') }));
RULES.set('EnsureShape', (c) => {
  const x = c.inputs[0]!;
  return make(c, 'EnsureShape', c.inputs, { shape: c.attrs.shape('shape', true), input: x.index === 0 ? x.op.name : x.name });
});

/** tsflow's own op types (gradient helpers) as asGraphDef writes them. */
export function tsflowRule(type: string): ImportRule {
  return (c) => make(c, type, c.inputs, decodeTsflowAttrs(c.node));
}

