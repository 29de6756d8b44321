/**
 * TF 1.15's OpDefs (tensorflow/core/ops/*.cc REGISTER_OP facts) for the TF op types tsflow's
 * graphs hold most: their args, attrs and attr defaults. They give a MetaGraph's
 * `meta_info_def.stripped_op_list` (the OpDef of each op type a graph uses, sorted by name),
 * `strip_default_attrs` (drop each attr whose value is its OpDef default) and, on import,
 * the defaults of attrs a stripped graph left out (as TF's importer re-adds them).
 *
 * An op type not listed has no OpDef here: it is left out of stripped_op_list (TF's importer
 * tolerates missing entries) and its attrs are never stripped. Named type sets (numbertype,
 * realnumbertype) are written without their allowed_values; explicit sets carry them.
 */
import { encode } from '../proto/codec.js';
import { type AttrValue, AttrValueT, type GraphDef, type NodeDef } from '../proto/framework.js';

export interface ArgDef { name: string; description: string; type: number; typeAttr: string; numberAttr: string; typeListAttr: string; isRef: boolean }
export interface AttrDef { name: string; type: string; defaultValue?: AttrValue; description: string; hasMinimum: boolean; minimum: number; allowedValues?: AttrValue }
export interface OpDef {
  name: string; inputArg: ArgDef[]; outputArg: ArgDef[]; attr: AttrDef[]; summary: string; description: string;
  isAggregate: boolean; isStateful: boolean; isCommutative: boolean; allowsUninitializedInput: boolean;
}

const DT: Record<string, number> = {
  float: 1, double: 2, int32: 3, uint8: 4, int16: 5, int8: 6, string: 7, complex64: 8, int64: 9, bool: 10, qint8: 11, quint8: 12,
  qint32: 13, bfloat16: 14, qint16: 15, quint16: 16, uint16: 17, complex128: 18, half: 19, resource: 20, variant: 21, uint32: 22, uint64: 23,
};
const enc = new TextEncoder();
const emptyList = () => ({ s: [] as Uint8Array[], i: [] as number[], f: [] as number[], b: [] as boolean[], type: [] as number[], shape: [], tensor: [], func: [] });

// Each line: `Name | inputs | outputs | attrs [| flags]`, items separated by ';', in REGISTER_OP order.
const T_ONLY = 'T: type';
const unary = (names: string[], i = 'x', o = 'y', out = 'T'): string[] => names.map((n) => `${n} | ${i}: T | ${o}: ${out} | ${T_ONLY}`);
const binary = (names: string[], out = 'T', flags = ''): string[] => names.map((n) => `${n} | x: T; y: T | z: ${out} | ${T_ONLY}${flags ? ` | ${flags}` : ''}`);
const INDEX = '{int32, int64}';
const REDUCE = (n: string) => `${n} | input: T; reduction_indices: Tidx | output: T | keep_dims: bool = false; T: numbertype; Tidx: ${INDEX} = int32`;
const RANDOM = (n: string) => `${n} | shape: T | output: dtype | seed: int = 0; seed2: int = 0; dtype: {half, bfloat16, float, double}; T: ${INDEX} | stateful`;
const APPLY_LOCK = 'T: numbertype; use_locking: bool = false';

const SPECS: string[] = [
  'Const |  | output: dtype | value: tensor; dtype: type',
  'Placeholder |  | output: dtype | dtype: type; shape: shape = ?',
  'PlaceholderWithDefault | input: dtype | output: dtype | dtype: type; shape: shape',
  'VariableV2 |  | ref: Ref(dtype) | shape: shape; dtype: type; container: string = ""; shared_name: string = "" | stateful',
  'Assign | ref: Ref(T); value: T | output_ref: Ref(T) | T: type; validate_shape: bool = true; use_locking: bool = true | uninit',
  'AssignAdd | ref: Ref(T); value: T | output_ref: Ref(T) | T: numbertype; use_locking: bool = false',
  'AssignSub | ref: Ref(T); value: T | output_ref: Ref(T) | T: numbertype; use_locking: bool = false',
  'IsVariableInitialized | ref: Ref(dtype) | is_initialized: bool | dtype: type | uninit',
  'Identity | input: T | output: T | T: type',
  'IdentityN | input: T | output: T | T: list(type) >= 1',
  'StopGradient | input: T | output: T | T: type',
  'PreventGradient | input: T | output: T | T: type; message: string = ""',
  'NoOp |  |  | ',
  'MatMul | a: T; b: T | product: T | transpose_a: bool = false; transpose_b: bool = false; T: {bfloat16, half, float, double, int32, int64, complex64, complex128}',
  'BatchMatMul | x: T; y: T | output: T | T: {bfloat16, half, float, double, int32, int64, complex64, complex128}; adj_x: bool = false; adj_y: bool = false',
  ...binary(['Add', 'AddV2', 'Mul', 'Maximum', 'Minimum', 'SquaredDifference'], 'T', 'commutative'),
  ...binary(['Sub', 'RealDiv', 'Div', 'FloorDiv', 'FloorMod', 'Pow', 'Atan2', 'TruncateDiv', 'TruncateMod', 'DivNoNan']),
  ...binary(['Equal', 'NotEqual'], 'bool', 'commutative'),
  ...binary(['Less', 'LessEqual', 'Greater', 'GreaterEqual'], 'bool'),
  'LogicalAnd | x: bool; y: bool | z: bool |  | commutative',
  'LogicalOr | x: bool; y: bool | z: bool |  | commutative',
  'LogicalNot | x: bool | y: bool | ',
  ...unary(['Neg', 'Abs', 'Square', 'Sqrt', 'Rsqrt', 'Exp', 'Expm1', 'Log', 'Log1p', 'Sign', 'Floor', 'Ceil', 'Round', 'Reciprocal', 'Sigmoid',
    'Tanh', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Erf', 'Erfc', 'Lgamma', 'Digamma', 'Rint',
    'ZerosLike', 'OnesLike']),
  ...unary(['IsNan', 'IsInf', 'IsFinite'], 'x', 'y', 'bool'),
  ...unary(['Relu', 'Relu6', 'Elu', 'Selu', 'Softplus', 'Softsign'], 'features', 'activations'),
  ...['ReluGrad', 'Relu6Grad', 'EluGrad', 'SoftplusGrad', 'SoftsignGrad'].map((n) => `${n} | gradients: T; features: T | backprops: T | ${T_ONLY}`),
  ...['SigmoidGrad', 'TanhGrad', 'RsqrtGrad', 'SqrtGrad', 'ReciprocalGrad'].map((n) => `${n} | y: T; dy: T | z: T | ${T_ONLY}`),
  'Softmax | logits: T | softmax: T | T: {half, bfloat16, float, double}',
  'LogSoftmax | logits: T | logsoftmax: T | T: {half, bfloat16, float, double}',
  'SoftmaxCrossEntropyWithLogits | features: T; labels: T | loss: T; backprop: T | T: {half, bfloat16, float, double}',
  'SparseSoftmaxCrossEntropyWithLogits | features: T; labels: Tlabels | loss: T; backprop: T | T: {half, bfloat16, float, double}; Tlabels: {int32, int64} = int64',
  'L2Loss | t: T | output: T | T: {half, bfloat16, float, double}',
  'BiasAdd | value: T; bias: T | output: T | T: numbertype; data_format: {"NHWC", "NCHW"} = "NHWC"',
  'BiasAddGrad | out_backprop: T | output: T | T: numbertype; data_format: {"NHWC", "NCHW"} = "NHWC"',
  'Conv2D | input: T; filter: T | output: T | T: {half, bfloat16, float, double}; strides: list(int); use_cudnn_on_gpu: bool = true; padding: {"SAME", "VALID", "EXPLICIT"}; explicit_paddings: list(int) = []; data_format: {"NHWC", "NCHW"} = "NHWC"; dilations: list(int) = [1, 1, 1, 1]',
  'MaxPool | input: T | output: T | T: {half, bfloat16, float, double, int32, int64, uint8, int16, int8, uint16, qint8} = float; ksize: list(int) >= 4; strides: list(int) >= 4; padding: {"SAME", "VALID"}; data_format: {"NHWC", "NCHW", "NCHW_VECT_C"} = "NHWC"',
  'AvgPool | value: T | output: T | ksize: list(int) >= 4; strides: list(int) >= 4; padding: {"SAME", "VALID"}; data_format: {"NHWC", "NCHW"} = "NHWC"; T: {half, bfloat16, float, double}',
  'Reshape | tensor: T; shape: Tshape | output: T | T: type; Tshape: {int32, int64} = int32',
  REDUCE('Sum'), REDUCE('Mean'), REDUCE('Prod'),
  'Max | input: T; reduction_indices: Tidx | output: T | keep_dims: bool = false; T: numbertype; Tidx: {int32, int64} = int32',
  'Min | input: T; reduction_indices: Tidx | output: T | keep_dims: bool = false; T: numbertype; Tidx: {int32, int64} = int32',
  'All | input: bool; reduction_indices: Tidx | output: bool | keep_dims: bool = false; Tidx: {int32, int64} = int32',
  'Any | input: bool; reduction_indices: Tidx | output: bool | keep_dims: bool = false; Tidx: {int32, int64} = int32',
  'ArgMax | input: T; dimension: Tidx | output: output_type | T: numbertype; Tidx: {int32, int64} = int32; output_type: {int32, int64} = int64',
  'ArgMin | input: T; dimension: Tidx | output: output_type | T: numbertype; Tidx: {int32, int64} = int32; output_type: {int32, int64} = int64',
  'Cast | x: SrcT | y: DstT | SrcT: type; DstT: type; Truncate: bool = false',
  'Shape | input: T | output: out_type | T: type; out_type: {int32, int64} = int32',
  'Size | input: T | output: out_type | T: type; out_type: {int32, int64} = int32',
  'Rank | input: T | output: int32 | T: type',
  'Fill | dims: index_type; value: T | output: T | T: type; index_type: {int32, int64} = int32',
  'ConcatV2 | values: N * T; axis: Tidx | output: T | N: int >= 2; T: type; Tidx: {int32, int64} = int32',
  'Pack | values: N * T | output: T | N: int >= 1; T: type; axis: int = 0',
  'Unpack | value: T | output: num * T | num: int >= 0; T: type; axis: int = 0',
  'Transpose | x: T; perm: Tperm | y: T | T: type; Tperm: {int32, int64} = int32',
  'ExpandDims | input: T; dim: Tdim | output: T | T: type; Tdim: {int32, int64} = int32',
  'Squeeze | input: T | output: T | T: type; squeeze_dims: list(int) >= 0 = []',
  'StridedSlice | input: T; begin: Index; end: Index; strides: Index | output: T | T: type; Index: {int32, int64}; begin_mask: int = 0; end_mask: int = 0; ellipsis_mask: int = 0; new_axis_mask: int = 0; shrink_axis_mask: int = 0',
  'Slice | input: T; begin: Index; size: Index | output: T | T: type; Index: {int32, int64}',
  'GatherV2 | params: Tparams; indices: Tindices; axis: Taxis | output: Tparams | batch_dims: int = 0; Tparams: type; Tindices: {int32, int64}; Taxis: {int32, int64}',
  'Tile | input: T; multiples: Tmultiples | output: T | T: type; Tmultiples: {int32, int64} = int32',
  'Pad | input: T; paddings: Tpaddings | output: T | T: type; Tpaddings: {int32, int64} = int32',
  'Range | start: Tidx; limit: Tidx; delta: Tidx | output: Tidx | Tidx: {bfloat16, half, float, double, int32, int64} = int32',
  'Select | condition: bool; t: T; e: T | output: T | T: type',
  'OneHot | indices: TI; depth: int32; on_value: T; off_value: T | output: T | axis: int = -1; T: type; TI: {uint8, int32, int64} = int64',
  'AddN | inputs: N * T | sum: T | N: int >= 1; T: numbertype | aggregate; commutative',
  RANDOM('RandomUniform'), RANDOM('RandomStandardNormal'), RANDOM('TruncatedNormal'),
  'ApplyGradientDescent | var: Ref(T); alpha: T; delta: T | out: Ref(T) | ' + APPLY_LOCK,
  'ApplyMomentum | var: Ref(T); accum: Ref(T); lr: T; grad: T; momentum: T | out: Ref(T) | T: numbertype; use_locking: bool = false; use_nesterov: bool = false',
  'ApplyAdam | var: Ref(T); m: Ref(T); v: Ref(T); beta1_power: T; beta2_power: T; lr: T; beta1: T; beta2: T; epsilon: T; grad: T | out: Ref(T) | T: numbertype; use_locking: bool = false; use_nesterov: bool = false',
  'ApplyAdagrad | var: Ref(T); accum: Ref(T); lr: T; grad: T | out: Ref(T) | T: numbertype; use_locking: bool = false; update_slots: bool = true',
  'ApplyRMSProp | var: Ref(T); ms: Ref(T); mom: Ref(T); lr: T; rho: T; momentum: T; epsilon: T; grad: T | out: Ref(T) | ' + APPLY_LOCK,
  'Conv2DBackpropInput | input_sizes: int32; filter: T; out_backprop: T | output: T | T: {half, bfloat16, float, double}; strides: list(int); use_cudnn_on_gpu: bool = true; padding: {"SAME", "VALID", "EXPLICIT"}; explicit_paddings: list(int) = []; data_format: {"NHWC", "NCHW"} = "NHWC"; dilations: list(int) = [1, 1, 1, 1]',
  'Conv2DBackpropFilter | input: T; filter_sizes: int32; out_backprop: T | output: T | T: {half, bfloat16, float, double}; strides: list(int); use_cudnn_on_gpu: bool = true; padding: {"SAME", "VALID", "EXPLICIT"}; explicit_paddings: list(int) = []; data_format: {"NHWC", "NCHW"} = "NHWC"; dilations: list(int) = [1, 1, 1, 1]',
  'DepthwiseConv2dNative | input: T; filter: T | output: T | T: {half, bfloat16, float, double}; strides: list(int); padding: {"SAME", "VALID"}; data_format: {"NHWC", "NCHW"} = "NHWC"; dilations: list(int) = [1, 1, 1, 1]',
  'MaxPoolGrad | orig_input: T; orig_output: T; grad: T | output: T | ksize: list(int) >= 4; strides: list(int) >= 4; padding: {"SAME", "VALID"}; data_format: {"NHWC", "NCHW"} = "NHWC"; T: realnumbertype = float',
  'AvgPoolGrad | orig_input_shape: int32; grad: T | output: T | ksize: list(int) >= 4; strides: list(int) >= 4; padding: {"SAME", "VALID"}; data_format: {"NHWC", "NCHW"} = "NHWC"; T: {half, bfloat16, float, double}',
  'BroadcastGradientArgs | s0: T; s1: T | r0: T; r1: T | T: {int32, int64} = int32',
  'SplitV | value: T; size_splits: Tlen; split_dim: int32 | output: num_split * T | num_split: int >= 1; T: type; Tlen: {int32, int64} = int64',
  'ConcatOffset | concat_dim: int32; shape: N * int32 | offset: N * int32 | N: int >= 2',
  'DynamicStitch | indices: N * int32; data: N * T | merged: T | N: int >= 1; T: type',
  'InvertPermutation | x: T | y: T | T: {int32, int64} = int32',
  'Cumsum | x: T; axis: Tidx | out: T | exclusive: bool = false; reverse: bool = false; T: numbertype; Tidx: {int32, int64} = int32',
  'TopKV2 | input: T; k: int32 | values: T; indices: int32 | sorted: bool = true; T: realnumbertype',
  'Unique | x: T | y: T; idx: out_idx | T: type; out_idx: {int32, int64} = int32',
  'SparseToDense | sparse_indices: Tindices; output_shape: Tindices; sparse_values: T; default_value: T | dense: T | validate_indices: bool = true; T: type; Tindices: {int32, int64}',
  'Switch | data: T; pred: bool | output_false: T; output_true: T | T: type',
  'Merge | inputs: N * T | output: T; value_index: int32 | T: type; N: int >= 1',
  'Enter | data: T | output: T | T: type; frame_name: string; is_constant: bool = false; parallel_iterations: int = 10',
  'Exit | data: T | output: T | T: type',
  'NextIteration | data: T | output: T | T: type',
  'LoopCond | input: bool | output: bool | ',
  'DecodeCompressed | bytes: string | output: string | compression_type: string = ""',
  'DecodeJSONExample | json_examples: string | binary_examples: string | ',
  'DecodeWav | contents: string | audio: float; sample_rate: int32 | desired_channels: int = -1; desired_samples: int = -1',
  'EncodeWav | audio: float; sample_rate: int32 | contents: string | ',
  'AudioSpectrogram | input: float | spectrogram: float | window_size: int; stride: int; magnitude_squared: bool = false',
  'Mfcc | spectrogram: float; sample_rate: int32 | output: float | upper_frequency_limit: float = 4000; lower_frequency_limit: float = 20; filterbank_channel_count: int = 40; dct_coefficient_count: int = 13',
  'ParseSingleSequenceExample | serialized: string; feature_list_dense_missing_assumed_empty: string; context_sparse_keys: Ncontext_sparse * string; context_dense_keys: Ncontext_dense * string; feature_list_sparse_keys: Nfeature_list_sparse * string; feature_list_dense_keys: Nfeature_list_dense * string; context_dense_defaults: Tcontext_dense; debug_name: string | context_sparse_indices: Ncontext_sparse * int64; context_sparse_values: context_sparse_types; context_sparse_shapes: Ncontext_sparse * int64; context_dense_values: Tcontext_dense; feature_list_sparse_indices: Nfeature_list_sparse * int64; feature_list_sparse_values: feature_list_sparse_types; feature_list_sparse_shapes: Nfeature_list_sparse * int64; feature_list_dense_values: feature_list_dense_types | Ncontext_sparse: int >= 0 = 0; Ncontext_dense: int >= 0 = 0; Nfeature_list_sparse: int >= 0 = 0; Nfeature_list_dense: int >= 0 = 0; context_sparse_types: list({float, int64, string}) >= 0 = []; Tcontext_dense: list({float, int64, string}) >= 0 = []; feature_list_dense_types: list({float, int64, string}) >= 0 = []; context_dense_shapes: list(shape) >= 0 = []; feature_list_sparse_types: list({float, int64, string}) >= 0 = []; feature_list_dense_shapes: list(shape) >= 0 = []',
  'SaveV2 | prefix: string; tensor_names: string; shape_and_slices: string; tensors: dtypes |  | dtypes: list(type) >= 1 | stateful',
  'RestoreV2 | prefix: string; tensor_names: string; shape_and_slices: string | tensors: dtypes | dtypes: list(type) >= 1 | stateful',
  'MergeV2Checkpoints | checkpoint_prefixes: string; destination_prefix: string |  | delete_old_dirs: bool = true | stateful',
  'ShardedFilename | basename: string; shard: int32; num_shards: int32 | filename: string | ',
  'StringJoin | inputs: N * string | output: string | N: int; separator: string = ""',
];

function parseDefault(type: string, v: string): AttrValue {
  const t = v.trim();
  if (type === 'bool') return { b: t === 'true' };
  if (type === 'int') return { i: Number(t) };
  if (type === 'float') return { f: Number(t) };
  if (type === 'string') return { s: enc.encode(JSON.parse(t) as string) };
  if (type === 'type') return { type: DT[t]! };
  if (type === 'shape') return { shape: { dim: [], unknownRank: true } };
  if (type === 'list(int)') return { list: { ...emptyList(), i: t.slice(1, -1).split(',').filter((x) => x.trim()).map(Number) } };
  if (type === 'list(type)' || type === 'list(shape)') return { list: emptyList() };
  throw new Error(`op-defs: no default syntax for ${type}`);
}

function parseAttr(spec: string): AttrDef {
  const m = /^(\w+): (.+?)(?: >= (\d+))?(?: = (.+))?$/.exec(spec.trim());
  if (!m) throw new Error(`op-defs: bad attr spec ${spec}`);
  const [, name, rawType, min, dflt] = m;
  let type = rawType!;
  let allowedValues: AttrValue | undefined;
  if (type.startsWith('list({')) {
    type = 'list(type)';
    allowedValues = { list: { ...emptyList(), type: rawType!.slice(6, -2).split(',').map((x) => DT[x.trim()]!) } };
  } else if (type.startsWith('{')) {
    const items = type.slice(1, -1).split(',').map((x) => x.trim());
    if (items[0]!.startsWith('"')) {
      type = 'string';
      allowedValues = { list: { ...emptyList(), s: items.map((x) => enc.encode(JSON.parse(x) as string)) } };
    } else {
      type = 'type';
      allowedValues = { list: { ...emptyList(), type: items.map((x) => DT[x]!) } };
    }
  } else if (/^(numbertype|realnumbertype|quantizedtype)$/.test(type)) type = 'type';
  return {
    name: name!, type, description: '', hasMinimum: min !== undefined, minimum: min === undefined ? 0 : Number(min),
    ...(dflt !== undefined ? { defaultValue: dflt === '?' ? { shape: { dim: [], unknownRank: true } } : parseDefault(type, dflt) } : {}),
    ...(allowedValues ? { allowedValues } : {}),
  };
}

function parseArg(spec: string, attrs: AttrDef[]): ArgDef {
  const m = /^(\w+): (?:(\w+) \* )?(Ref\()?(\w+)\)?$/.exec(spec.trim());
  if (!m) throw new Error(`op-defs: bad arg spec ${spec}`);
  const [, name, number, ref, t] = m;
  const attr = attrs.find((a) => a.name === t);
  return {
    name: name!, description: '', isRef: !!ref, numberAttr: number ?? '',
    type: attr ? 0 : DT[t!]!, typeAttr: attr && attr.type === 'type' ? t! : '', typeListAttr: attr && attr.type === 'list(type)' ? t! : '',
  };
}

const items = (s: string | undefined): string[] => (s ?? '').split(';').map((x) => x.trim()).filter((x) => x !== '');

const OP_DEFS = new Map<string, OpDef>();
for (const line of SPECS) {
  const [name, ins, outs, attrSpec, flags] = line.split('|').map((x) => x.trim());
  const attr = items(attrSpec).map(parseAttr);
  const f = new Set(items(flags));
  OP_DEFS.set(name!, {
    name: name!, inputArg: items(ins).map((a) => parseArg(a, attr)), outputArg: items(outs).map((a) => parseArg(a, attr)), attr, summary: '', description: '',
    isAggregate: f.has('aggregate'), isStateful: f.has('stateful'), isCommutative: f.has('commutative'), allowsUninitializedInput: f.has('uninit'),
  });
}

/** TF's OpDef of an op type, where tsflow knows it. */
export function opDefOf(type: string): OpDef | undefined {
  return OP_DEFS.get(type);
}

/** The op types tsflow has OpDefs for. */
export function knownOpDefTypes(): string[] {
  return [...OP_DEFS.keys()].sort();
}

/**
 * A node's OpDef, when the node is in TF's form of it: its attrs (other than `_`-prefixed ones)
 * are the OpDef's and those without a default are set. A tsflow op of a TF type name whose node
 * keeps tsflow's own attrs gets none.
 */
function defFor(n: NodeDef): OpDef | undefined {
  const def = OP_DEFS.get(n.op);
  if (!def) return undefined;
  for (const k of Object.keys(n.attr)) if (!k.startsWith('_') && !def.attr.some((a) => a.name === k)) return undefined;
  for (const a of def.attr) if (a.defaultValue === undefined && n.attr[a.name] === undefined) return undefined;
  return def;
}

/** TF's stripped_op_list: the OpDef of each op type `gd` uses (tsflow knows), sorted by name. */
export function strippedOpList(gd: GraphDef): { op: OpDef[] } {
  const nodes = [...gd.node];
  for (const fn of (gd as { library?: { function?: { nodeDef?: NodeDef[] }[] } }).library?.function ?? []) nodes.push(...(fn.nodeDef ?? []));
  const defs = new Map<string, OpDef | undefined>();
  for (const n of nodes) {
    const d = defFor(n);
    if (!d) defs.set(n.op, undefined); // one node not in TF's form: the type is left out
    else if (!defs.has(n.op)) defs.set(n.op, d);
  }
  return { op: [...defs.keys()].sort().map((t) => defs.get(t)).filter((d): d is OpDef => d !== undefined) };
}

const bytesOf = (v: AttrValue): string => Array.from(encode(AttrValueT, v as never)).join(',');

/** TF's strip_default_attrs: drop from every node each attr equal to its OpDef's default (in place). */
export function stripDefaultAttrs(gd: GraphDef): GraphDef {
  for (const n of gd.node) {
    const def = defFor(n);
    if (!def) continue;
    for (const a of def.attr) {
      const v = n.attr[a.name];
      if (v !== undefined && a.defaultValue !== undefined && bytesOf(v) === bytesOf(a.defaultValue)) delete n.attr[a.name];
    }
  }
  return gd;
}

/**
 * `n` with the attrs it left out that its OpDef has defaults for filled in, as TF's importer
 * re-adds them (a copy where any was missing; `n` itself is not changed).
 */
export function withDefaultAttrs(n: NodeDef): NodeDef {
  const def = OP_DEFS.get(n.op);
  const missing = def?.attr.filter((a) => n.attr[a.name] === undefined && a.defaultValue !== undefined) ?? [];
  if (missing.length === 0) return n;
  const attr = { ...n.attr };
  for (const a of missing) attr[a.name] = structuredClone(a.defaultValue!);
  return { ...n, attr };
}
