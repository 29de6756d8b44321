/**
 * TF's config and server messages used as classes on the public API
 * (tensorflow/core/protobuf/{config,tensorflow_server,saver}.proto,
 * tensorflow/python/training/checkpoint_state.proto, framework/summary.proto's SummaryDescription).
 */
import { type MessageType, enumType, message } from './codec.js';
import { ClusterDefT } from '../distributed/messages.js';

export const OptimizerLevel = enumType('OptimizerOptions.Level', { L1: 0, L0: -1 });
export const GlobalJitLevel = enumType('OptimizerOptions.GlobalJitLevel', { DEFAULT: 0, OFF: -1, ON_1: 1, ON_2: 2 });
export const OptimizerOptionsT: MessageType = message('OptimizerOptions', [
  { num: 1, name: 'do_common_subexpression_elimination', type: 'bool' },
  { num: 2, name: 'do_constant_folding', type: 'bool' },
  { num: 6, name: 'max_folded_constant_in_bytes', type: 'int64' },
  { num: 4, name: 'do_function_inlining', type: 'bool' },
  { num: 3, name: 'opt_level', type: OptimizerLevel },
  { num: 5, name: 'global_jit_level', type: GlobalJitLevel },
]);
/** GraphOptions without rewrite_options (RewriterConfig), which tsflow has no use for. */
export const GraphOptionsT: MessageType = message('GraphOptions', [
  { num: 2, name: 'enable_recv_scheduling', type: 'bool' },
  { num: 3, name: 'optimizer_options', type: () => OptimizerOptionsT },
  { num: 4, name: 'build_cost_model', type: 'int64' },
  { num: 9, name: 'build_cost_model_after', type: 'int64' },
  { num: 5, name: 'infer_shapes', type: 'bool' },
  { num: 6, name: 'place_pruned_graph', type: 'bool' },
  { num: 7, name: 'enable_bfloat16_sendrecv', type: 'bool' },
  { num: 8, name: 'timeline_step', type: 'int32' },
]);

/** ServerDef without default_session_config (a ConfigProto). */
export const ServerDefT: MessageType = message('ServerDef', [
  { num: 1, name: 'cluster', type: () => ClusterDefT },
  { num: 2, name: 'job_name', type: 'string' },
  { num: 3, name: 'task_index', type: 'int32' },
  { num: 5, name: 'protocol', type: 'string' },
  { num: 6, name: 'port', type: 'int32' },
]);

export const CheckpointStateT: MessageType = message('CheckpointState', [
  { num: 1, name: 'model_checkpoint_path', type: 'string' },
  { num: 2, name: 'all_model_checkpoint_paths', type: 'string', repeated: true },
  { num: 3, name: 'all_model_checkpoint_timestamps', type: 'double', repeated: true },
  { num: 4, name: 'last_preserved_timestamp', type: 'double' },
]);

export const SummaryDescriptionT: MessageType = message('SummaryDescription', [{ num: 1, name: 'type_hint', type: 'string' }]);
