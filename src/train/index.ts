/** `tf.train`: optimizers, learning-rate schedules and the global step. */
export { Optimizer, type GradAndVar, type ApplyGradientsOptions, type ComputeGradientsOptions, type MinimizeOptions } from './optimizer.js';
export {
  GradientDescentOptimizer, MomentumOptimizer, AdagradOptimizer, AdamOptimizer, RMSPropOptimizer, FtrlOptimizer,
  type MomentumOptions, type AdamOptions, type RMSPropOptions,
} from './optimizers.js';
export { AdadeltaOptimizer } from './adadelta.js';
export { ProximalAdagradOptimizer, ProximalGradientDescentOptimizer } from './proximal.js';
export { AdagradDAOptimizer } from './adagrad-da.js';
export { getGlobalStep, createGlobalStep, getOrCreateGlobalStep, globalStep, assertGlobalStep } from './global-step.js';
export {
  exponentialDecay, inverseTimeDecay, naturalExpDecay, polynomialDecay, cosineDecay, cosineDecayRestarts, linearCosineDecay,
  noisyLinearCosineDecay, piecewiseConstant,
  type PolynomialDecayOptions,
} from './decay.js';
export { Saver, type SaverOptions, type SaveOptions, type SaverVarList } from './saver.js';
export * from './checkpoint-api.js';
export { writeGraph } from '../graphdef/write-graph.js';
export { importMetaGraph, exportMetaGraph, type ExportMetaGraphOptions, type ImportMetaGraphOptions } from './meta-graph.js';
export { Example, Features, Feature, BytesList, FloatList, Int64List } from '../io/example.js';
export * from './monitored-index.js';
export { ClusterSpec } from '../distributed/cluster-spec.js';
export { Server, type ServerOptions } from '../distributed/server.js';
export { replicaDeviceSetter, type ReplicaDeviceSetterOptions } from '../distributed/device-setter.js';
export { SyncReplicasOptimizer, type SyncReplicasOptions } from './sync-replicas-optimizer.js';
export { ExponentialMovingAverage, assignMovingAverage } from './moving-averages.js';
export { Supervisor, type SupervisorOptions, type ManagedSessionOptions } from './supervisor.js';
export { summaryIterator } from './summary-iterator.js';
export { basicTrainLoop } from './basic-train-loop.js';
export { warmStart, WarmStartSettings } from './warm-start.js';
export { VocabInfo } from './vocab-info.js';
export { piecewiseConstant as piecewiseConstantDecay } from './decay.js';
export { checkpointsIterator } from './checkpoints-iterator.js';
export { SequenceExample, FeatureList, FeatureLists, SaverDef, ClusterDef, JobDef, ServerDef, generateCheckpointStateProto } from '../proto/classes.js';
