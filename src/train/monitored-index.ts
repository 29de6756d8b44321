/** `tf.train`'s monitored sessions, session-run hooks and Coordinator. */
export {
  MonitoredSession, SingularMonitoredSession, MonitoredTrainingSession, Scaffold, SessionCreator, ChiefSessionCreator,
  WorkerSessionCreator, StepContext, type MonitoredSessionOptions, type SingularMonitoredSessionOptions,
  type MonitoredTrainingSessionOptions, type ChiefSessionCreatorOptions, type ScaffoldOptions, type MonitoredSessionConfig,
} from './monitored-session.js';
export { SessionRunHook, SessionRunArgs, SessionRunContext, SessionRunValues } from './session-run-hook.js';
export { Coordinator, Thread } from './coordinator.js';
export { QueueRunner, addQueueRunner, startQueueRunners, type QueueRunnerOptions, type StartQueueRunnersOptions } from './queue-runner.js';
export * as queueRunner from './queue-runner-namespace.js';
export * from './hooks/index.js';
export { limitEpochs, inputProducer, stringInputProducer, rangeInputProducer, sliceInputProducer, batch, shuffleBatch, batchJoin, shuffleBatchJoin,
  maybeBatch, maybeShuffleBatch, maybeBatchJoin, maybeShuffleBatchJoin } from './input.js';
export { matchFilenamesOnce } from '../io/readers.js';
