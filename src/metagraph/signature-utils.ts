/**
 * TF 1.15's SignatureDef helpers (saved_model/signature_def_utils_impl.py, utils_impl.py) and
 * the names of saved_model/signature_constants.py and tag_constants.py: a SignatureDef maps
 * input and output keys to TensorInfo protos (a tensor's name, dtype and static shape) under a
 * method name TF Serving dispatches on.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { SparseTensor } from '../ops/sparse-tensor.js';
import { DataTypeEnum } from '../checkpoint/proto.js';
import { dtypeToEnum, shapeToProto } from '../graphdef/tensor-proto.js';
import type { SignatureDef, TensorInfo } from '../proto/meta-graph.js';

/** tag_constants.py. */
export const tagConstants = { SERVING: 'serve', TRAINING: 'train', GPU: 'gpu', TPU: 'tpu' } as const;

/** signature_constants.py. */
export const signatureConstants = {
  DEFAULT_SERVING_SIGNATURE_DEF_KEY: 'serving_default',
  CLASSIFY_INPUTS: 'inputs',
  CLASSIFY_METHOD_NAME: 'tensorflow/serving/classify',
  CLASSIFY_OUTPUT_CLASSES: 'classes',
  CLASSIFY_OUTPUT_SCORES: 'scores',
  PREDICT_INPUTS: 'inputs',
  PREDICT_METHOD_NAME: 'tensorflow/serving/predict',
  PREDICT_OUTPUTS: 'outputs',
  REGRESS_INPUTS: 'inputs',
  REGRESS_METHOD_NAME: 'tensorflow/serving/regress',
  REGRESS_OUTPUTS: 'outputs',
} as const;

const C = signatureConstants;
const DT_STRING = DataTypeEnum.DT_STRING;
const DT_FLOAT = DataTypeEnum.DT_FLOAT;

/**
 * `tf.saved_model.utils.build_tensor_info(tensor)`: the TensorInfo of a Tensor (its name) or a
 * SparseTensor (its three tensors' names, `coo_sparse`), with the dtype and static shape.
 */
export function buildTensorInfo(tensor: Tensor | SparseTensor): TensorInfo {
  if (tensor instanceof SparseTensor) {
    const v = tensor.values;
    const shape = tensor.shape ?? null;
    return {
      cooSparse: { valuesTensorName: v.name, indicesTensorName: tensor.indices.name, denseShapeTensorName: tensor.denseShape.name },
      dtype: dtypeToEnum(v.dtype),
      tensorShape: shapeToProto(shape),
    };
  }
  if (!(tensor instanceof Tensor)) throw new TypeError(`build_tensor_info: expected a Tensor or SparseTensor, got ${String(tensor)}`);
  return { name: tensor.name, dtype: dtypeToEnum(tensor.dtype), tensorShape: shapeToProto(tensor.shape) };
}

/** Prepend `importScope` to a tensor name (TF's `ops.prepend_name_scope`). */
function scoped(name: string, importScope?: string | null): string {
  if (!importScope) return name;
  return `${importScope.replace(/\/$/, '')}/${name.replace(/^\^/, '')}`;
}

/**
 * `tf.saved_model.utils.get_tensor_from_tensor_info(tensor_info, graph=None, import_scope=None)`:
 * the Tensor (or SparseTensor) a TensorInfo names in `graph` (default: the default graph).
 */
export function getTensorFromTensorInfo(
  tensorInfo: TensorInfo,
  graph?: Graph | null | { graph?: Graph | null; importScope?: string | null },
  importScope?: string | null,
): Tensor | SparseTensor {
  let g: Graph | null | undefined = graph as Graph | null | undefined;
  if (graph && typeof graph === 'object' && !('getTensorByName' in graph)) {
    ({ graph: g, importScope } = graph as { graph?: Graph | null; importScope?: string | null });
  }
  const gr = g ?? getDefaultGraph();
  const get = (n: string) => gr.getTensorByName(scoped(n, importScope));
  if (tensorInfo.name !== undefined) return get(tensorInfo.name);
  if (tensorInfo.cooSparse !== undefined) {
    const c = tensorInfo.cooSparse;
    return new SparseTensor(get(c.indicesTensorName), get(c.valuesTensorName), get(c.denseShapeTensorName));
  }
  throw new ValueError(`Invalid TensorInfo.encoding: ${'None'}`);
}

type Infos = Readonly<Record<string, TensorInfo>>;

/** `tf.saved_model.signature_def_utils.build_signature_def(inputs=None, outputs=None, method_name=None)`. */
export function buildSignatureDef(
  inputs?: Infos | null | { inputs?: Infos | null; outputs?: Infos | null; methodName?: string | null },
  outputs?: Infos | null,
  methodName?: string | null,
): SignatureDef {
  const isKw = (o: unknown): o is { inputs?: Infos | null; outputs?: Infos | null; methodName?: string | null } =>
    !!o && typeof o === 'object' && outputs === undefined && methodName === undefined &&
    Object.keys(o).every((k) => k === 'inputs' || k === 'outputs' || k === 'methodName') && Object.keys(o).length > 0 &&
    Object.values(o).every((v) => v === null || v === undefined || typeof v === 'string' || (typeof v === 'object' && !('dtype' in v)));
  if (isKw(inputs)) ({ inputs, outputs, methodName } = inputs);
  const sig: SignatureDef = { inputs: {}, outputs: {}, methodName: '' };
  for (const [k, v] of Object.entries((inputs as Infos | null | undefined) ?? {})) sig.inputs[k] = { ...v };
  for (const [k, v] of Object.entries(outputs ?? {})) sig.outputs[k] = { ...v };
  if (methodName !== null && methodName !== undefined) sig.methodName = methodName;
  return sig;
}

/** `regression_signature_def(examples, predictions)`: a string examples input, float outputs. */
export function regressionSignatureDef(examples: Tensor | null | undefined, predictions: Tensor | null | undefined): SignatureDef {
  if (examples === null || examples === undefined) throw new ValueError('Regression examples cannot be None.');
  if (!(examples instanceof Tensor)) throw new ValueError('Regression examples must be a string Tensor.');
  if (predictions === null || predictions === undefined) throw new ValueError('Regression predictions cannot be None.');
  const input = buildTensorInfo(examples);
  if (input.dtype !== DT_STRING) throw new ValueError('Regression examples must be a string Tensor.');
  const output = buildTensorInfo(predictions);
  if (output.dtype !== DT_FLOAT) throw new ValueError('Regression output must be a float Tensor.');
  return buildSignatureDef({ [C.REGRESS_INPUTS]: input }, { [C.REGRESS_OUTPUTS]: output }, C.REGRESS_METHOD_NAME);
}

/** `classification_signature_def(examples, classes, scores)`: string classes and/or float scores. */
export function classificationSignatureDef(examples: Tensor | null | undefined, classes: Tensor | null | undefined, scores: Tensor | null | undefined): SignatureDef {
  if (examples === null || examples === undefined) throw new ValueError('Classification examples cannot be None.');
  if (!(examples instanceof Tensor)) throw new ValueError('Classification examples must be a string Tensor.');
  if ((classes === null || classes === undefined) && (scores === null || scores === undefined)) {
    throw new ValueError('Classification classes and scores cannot both be None.');
  }
  const input = buildTensorInfo(examples);
  if (input.dtype !== DT_STRING) throw new ValueError('Classification examples must be a string Tensor.');
  const outs: Record<string, TensorInfo> = {};
  if (classes !== null && classes !== undefined) {
    const c = buildTensorInfo(classes);
    if (c.dtype !== DT_STRING) throw new ValueError('Classification classes must be a string Tensor.');
    outs[C.CLASSIFY_OUTPUT_CLASSES] = c;
  }
  if (scores !== null && scores !== undefined) {
    const s = buildTensorInfo(scores);
    if (s.dtype !== DT_FLOAT) throw new ValueError('Classification scores must be a float Tensor.');
    outs[C.CLASSIFY_OUTPUT_SCORES] = s;
  }
  return buildSignatureDef({ [C.CLASSIFY_INPUTS]: input }, outs, C.CLASSIFY_METHOD_NAME);
}

/** `predict_signature_def(inputs, outputs)`: any named tensors, method `tensorflow/serving/predict`. */
export function predictSignatureDef(inputs: Readonly<Record<string, Tensor | SparseTensor>> | null | undefined, outputs: Readonly<Record<string, Tensor | SparseTensor>> | null | undefined): SignatureDef {
  if (!inputs || Object.keys(inputs).length === 0) throw new ValueError('Prediction inputs cannot be None or empty.');
  if (!outputs || Object.keys(outputs).length === 0) throw new ValueError('Prediction outputs cannot be None or empty.');
  const map = (o: Readonly<Record<string, Tensor | SparseTensor>>) => Object.fromEntries(Object.entries(o).map(([k, t]) => [k, buildTensorInfo(t)]));
  return buildSignatureDef(map(inputs), map(outputs), C.PREDICT_METHOD_NAME);
}

const keysAre = (o: Infos, keys: string[]) => {
  const k = Object.keys(o);
  return k.length === keys.length && keys.every((x) => x in o);
};

function isValidPredict(s: SignatureDef): boolean {
  return s.methodName === C.PREDICT_METHOD_NAME && Object.keys(s.inputs).length > 0 && Object.keys(s.outputs).length > 0;
}

function isValidRegression(s: SignatureDef): boolean {
  if (s.methodName !== C.REGRESS_METHOD_NAME) return false;
  if (!keysAre(s.inputs, [C.REGRESS_INPUTS]) || s.inputs[C.REGRESS_INPUTS]!.dtype !== DT_STRING) return false;
  return keysAre(s.outputs, [C.REGRESS_OUTPUTS]) && s.outputs[C.REGRESS_OUTPUTS]!.dtype === DT_FLOAT;
}

function isValidClassification(s: SignatureDef): boolean {
  if (s.methodName !== C.CLASSIFY_METHOD_NAME) return false;
  if (!keysAre(s.inputs, [C.CLASSIFY_INPUTS]) || s.inputs[C.CLASSIFY_INPUTS]!.dtype !== DT_STRING) return false;
  const keys = Object.keys(s.outputs);
  if (keys.length === 0 || keys.some((k) => k !== C.CLASSIFY_OUTPUT_CLASSES && k !== C.CLASSIFY_OUTPUT_SCORES)) return false;
  if (s.outputs[C.CLASSIFY_OUTPUT_CLASSES] && s.outputs[C.CLASSIFY_OUTPUT_CLASSES].dtype !== DT_STRING) return false;
  if (s.outputs[C.CLASSIFY_OUTPUT_SCORES] && s.outputs[C.CLASSIFY_OUTPUT_SCORES].dtype !== DT_FLOAT) return false;
  return true;
}

/** `is_valid_signature(signature_def)`: a well-formed classify, regress or predict signature. */
export function isValidSignature(signatureDef: SignatureDef | null | undefined): boolean {
  if (signatureDef === null || signatureDef === undefined) return false;
  return isValidClassification(signatureDef) || isValidRegression(signatureDef) || isValidPredict(signatureDef);
}

export const signatureDefUtils = {
  buildSignatureDef, predictSignatureDef, classificationSignatureDef, regressionSignatureDef, isValidSignature,
} as const;

export const utils = { buildTensorInfo, getTensorFromTensorInfo } as const;
