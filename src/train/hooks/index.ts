/** The session-run hooks of `tf.train` (TF1's basic_session_run_hooks). */
export { SecondOrStepTimer } from './timer.js';
export { LoggingTensorHook, type LoggingTensorHookOptions } from './logging-tensor-hook.js';
export { StopAtStepHook } from './stop-at-step-hook.js';
export { CheckpointSaverHook, CheckpointSaverListener, type CheckpointSaverHookOptions } from './checkpoint-saver-hook.js';
export { StepCounterHook, type StepCounterHookOptions } from './step-counter-hook.js';
export { NanTensorHook, NanLossDuringTrainingError } from './nan-tensor-hook.js';
export { SummarySaverHook, type SummarySaverHookOptions } from './summary-saver-hook.js';
export { FinalOpsHook, FeedFnHook } from './final-ops-hook.js';
export { SummaryWriterCache } from './summary-writer-cache.js';
export { StopIteration } from './stop-iteration.js';
export { GlobalStepWaiterHook } from './global-step-waiter-hook.js';
export { ProfilerHook, type ProfilerHookOptions } from './profiler-hook.js';
