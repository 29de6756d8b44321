/** `tf.train`'s monitored sessions, session-run hooks and Coordinator. */
export {
  MonitoredSession, SingularMonitoredSession, MonitoredTrainingSession, Scaffold, SessionCreator, ChiefSessionCreator,
  WorkerSessionCreator, StepContext, type MonitoredSessionOptions, type SingularMonitoredSessionOptions,
  type MonitoredTrainingSessionOptions, type ChiefSessionCreatorOptions, type ScaffoldOptions, type MonitoredSessionConfig,
} from './monitored-session.js';
export { SessionRunHook, SessionRunArgs, SessionRunContext, SessionRunValues } from './session-run-hook.js';
export { Coordinator } from './coordinator.js';
export * from './hooks/index.js';
