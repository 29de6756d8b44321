/**
 * tsflow — TensorFlow 1.x's graph-and-Session programming model in TypeScript.
 *
 *   import * as tf from 'tsflow';
 */
export {
  type DType, float32, int32, bool, float64, int64, int8, uint8, int16, uint16, float16, string, StringArray,
  complex64, complex128,
} from './dtype.js';
export { NDArray, type NDData, type ComplexValue } from './ndarray.js';
export { complex, real, imag, conj, angle, toComplex64, toComplex128 } from './ops/complex.js';
export { fft, ifft, fft2d, ifft2d, fft3d, ifft3d } from './ops/fft.js';
export * as spectral from './ops/spectral-namespace.js';
export * as signal from './ops/signal/index.js';
export * as audio from './ops/audio-namespace.js';
export * as errors from './errors.js';
export * as nest from './nest-namespace.js';
export * as quantization from './ops/quantization-namespace.js';
export * from './ops/quantization-namespace.js';
export { Graph, GraphKeys } from './graph/graph.js';
export { Operation, Tensor } from './graph/tensor.js';
export { Dimension, TensorShape, dimensionValue, unknownShape } from './graph/tensor-shape.js';
export {
  getDefaultGraph, resetDefaultGraph, nameScope, device, controlDependencies, setRandomSeed,
} from './graph/context.js';
export * from './ops/index.js';
export * as image from './ops/image/index.js';
export { randomCrop } from './ops/image/index.js';
export {
  stringSplit, reduceJoin, substr, regexReplace, stringStrip, asString, stringToNumber, stringToHashBucket, stringToHashBucketFast,
  stringToHashBucketStrong, encodeBase64, decodeBase64,
} from './ops/strings/ops.js';
export { join as stringJoin } from './ops/strings.js';
export { SparseTensor, SparseTensorValue, sparsePlaceholder, sparseTensorToDense, sparseToDense, sparseTensorDenseMatmul } from './ops/sparse-tensor.js';
export * as sparse from './ops/sparse-namespace.js';
export { editDistance } from './ops/edit-distance.js';
export { serializeTensor, parseTensor, serializeSparse, serializeManySparse, deserializeManySparse } from './ops/sparse-serialize.js';
export { sparseMatmul, sparseResetShape, convertToTensorOrSparseTensor, batchScatterUpdate } from './ops/sparse-extra.js';
export { cond, whileLoop, type WhileLoopOptions } from './ops/control-flow/index.js';
export { TensorArray } from './ops/tensor-array.js';
export { FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue, QueueBase, type QueueOptions } from './data/queue.js';
export { ConditionalAccumulator, SparseConditionalAccumulator, ConditionalAccumulatorBase, type AccumulatorOptions } from './data/conditional-accumulator.js';
export { randomShuffle } from './ops/random-shuffle.js';
export { ReaderBase, TFRecordReader, TextLineReader, FixedLengthRecordReader, WholeFileReader, IdentityReader, readFile, writeFile, matchingFiles } from './io/readers.js';
export { isVariableInitialized, reportUninitializedVariables } from './ops/variable-init.js';
export { pyFunc, numpyFunction, pyFunction, type PyFuncFn, type PyFuncResult } from './ops/py-func.js';
export { RegisterGradient, NotDifferentiable, noGradient, customGradient, type UserGradFn } from './ops/custom-gradient.js';
export { gradients, AggregationMethod, UnconnectedGradients, type Gradient, type GradientsOptions } from './ops/gradients.js';
export { hessians } from './ops/hessians.js';
export * as train from './train/index.js';
export * as logging from './train/tf-logging.js';
export { Session, type SessionOptions, type DeviceAttributes } from './session/session.js';
export type { FeedDict, FeedKey, FeedValue } from './session/feeds.js';
export { RunOptions, RunMetadata, type StepStats, type DeviceStepStats, type NodeExecStats } from './session/run-trace.js';
export * as timeline from './session/timeline-namespace.js';
export { getDefaultSession, InteractiveSession } from './session/default-session.js';
export { ConfigProto, GPUOptions } from './session/config.js';
export * as data from './data/index.js';
export * from './scope/index.js';
export * as initializers from './scope/initializers-namespace.js';
export * as contrib from './contrib/index.js';
export * as losses from './losses/index.js';
export { importGraphDef, type ImportGraphDefOptions, graphUtil } from './graphdef/index.js';
export * as summary from './summary/index.js';
export { SessionLog } from './summary/file-writer.js';
export * as savedModel from './metagraph/index.js';
export { tablesInitializer, initializeAllTables } from './metagraph/main-op.js';
export * as distributions from './distributions/index.js';
export * as lookup from './ops/lookup/index.js';
export * as metrics from './metrics/index.js';
export * as layers from './layers/index.js';
export * as keras from './keras/index.js';
export * as io from './io/index.js';
export * as gfile from './platform/gfile-legacy.js';
export * as compat from './compat.js';
export * as estimator from './estimator/index.js';
export * as featureColumn from './feature-column/index.js';
export * as pythonIo from './io/python-io.js';
export { FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, SparseFeature, parseSingleExample, parseExample, decodeRaw } from './ops/parsing.js';
export { parseSingleSequenceExample, parseSequenceExample } from './ops/parse-sequence-example.js';
export { decodeCompressed } from './ops/decode-compressed.js';
export { decodeJsonExample } from './ops/decode-json-example.js';
export { decodeCsv } from './ops/decode-csv.js';
export { makeTensorProto, makeNdarray } from './contrib/util.js';

import { webgpuAvailable as probe } from './session/webgpu-probe.js';
/** Whether a WebGPU adapter exists here (loads the WebGPU runtime on demand). */
export const webgpuAvailable = probe;
export * as app from './platform/app.js';
export * as flags from './platform/flags-namespace.js';
export * as version from './platform/version-namespace.js';
export { VERSION, GIT_VERSION, COMPILER_VERSION, GRAPH_DEF_VERSION, GRAPH_DEF_VERSION_MIN_CONSUMER, GRAPH_DEF_VERSION_MIN_PRODUCER } from './platform/version.js';
export * as test from './platform/test-util.js';
export { AttrValue, Event, GraphDef, GraphOptions, HistogramProto, LogMessage, MetaGraphDef, NameAttrList, NodeDef, OptimizerOptions, Summary, SummaryMetadata, TensorInfo } from './proto/classes.js';
