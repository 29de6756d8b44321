/**
 * TF's summary and event messages (tensorflow/core/framework/summary.proto,
 * tensorflow/core/util/event.proto) and the run-trace messages
 * (tensorflow/core/protobuf/config.proto RunMetadata, framework/step_stats.proto).
 */
import { type MessageType, enumType, message } from './codec.js';
import { GraphDefT, type TensorProto, TensorProtoT, TensorShapeProtoT } from './framework.js';

export interface HistogramProto {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}
export const HistogramProtoT: MessageType = message('HistogramProto', [
  { num: 1, name: 'min', type: 'double' },
  { num: 2, name: 'max', type: 'double' },
  { num: 3, name: 'num', type: 'double' },
  { num: 4, name: 'sum', type: 'double' },
  { num: 5, name: 'sum_squares', type: 'double' },
  { num: 6, name: 'bucket_limit', type: 'double', repeated: true },
  { num: 7, name: 'bucket', type: 'double', repeated: true },
]);

export const SummaryImageT: MessageType = message('Summary.Image', [
  { num: 1, name: 'height', type: 'int32' },
  { num: 2, name: 'width', type: 'int32' },
  { num: 3, name: 'colorspace', type: 'int32' },
  { num: 4, name: 'encoded_image_string', type: 'bytes' },
]);
export const SummaryAudioT: MessageType = message('Summary.Audio', [
  { num: 1, name: 'sample_rate', type: 'float' },
  { num: 2, name: 'num_channels', type: 'int64' },
  { num: 3, name: 'length_frames', type: 'int64' },
  { num: 4, name: 'encoded_audio_string', type: 'bytes' },
  { num: 5, name: 'content_type', type: 'string' },
]);
export const PluginDataT: MessageType = message('SummaryMetadata.PluginData', [
  { num: 1, name: 'plugin_name', type: 'string' },
  { num: 2, name: 'content', type: 'bytes' },
]);
export const SummaryMetadataT: MessageType = message('SummaryMetadata', [
  { num: 1, name: 'plugin_data', type: () => PluginDataT },
  { num: 2, name: 'display_name', type: 'string' },
  { num: 3, name: 'summary_description', type: 'string' },
  { num: 4, name: 'data_class', type: enumType('DataClass', { DATA_CLASS_UNKNOWN: 0, DATA_CLASS_SCALAR: 1, DATA_CLASS_TENSOR: 2, DATA_CLASS_BLOB_SEQUENCE: 3 }) },
]);

export interface SummaryValue {
  nodeName?: string;
  tag: string;
  metadata?: { pluginData?: { pluginName: string; content?: Uint8Array }; displayName?: string; summaryDescription?: string };
  simpleValue?: number;
  image?: { height: number; width: number; colorspace: number; encodedImageString: Uint8Array };
  histo?: HistogramProto;
  audio?: { sampleRate: number; numChannels: number; lengthFrames: number; encodedAudioString: Uint8Array; contentType: string };
  tensor?: TensorProto;
}
export const SummaryValueT: MessageType = message('Summary.Value', [
  { num: 7, name: 'node_name', type: 'string' },
  { num: 1, name: 'tag', type: 'string' },
  { num: 9, name: 'metadata', type: () => SummaryMetadataT },
  { num: 2, name: 'simple_value', type: 'float', oneof: true },
  { num: 3, name: 'obsolete_old_style_histogram', type: 'bytes', oneof: true },
  { num: 4, name: 'image', type: () => SummaryImageT, oneof: true },
  { num: 5, name: 'histo', type: () => HistogramProtoT, oneof: true },
  { num: 6, name: 'audio', type: () => SummaryAudioT, oneof: true },
  { num: 8, name: 'tensor', type: () => TensorProtoT, oneof: true },
]);
export interface Summary {
  value: SummaryValue[];
}
export const SummaryT: MessageType = message('Summary', [{ num: 1, name: 'value', type: () => SummaryValueT, repeated: true }]);

export const SessionStatus = enumType('SessionLog.SessionStatus', { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 });
export interface SessionLog {
  status: number;
  checkpointPath: string;
  msg: string;
}
export const SessionLogT: MessageType = message('SessionLog', [
  { num: 1, name: 'status', type: SessionStatus },
  { num: 2, name: 'checkpoint_path', type: 'string' },
  { num: 3, name: 'msg', type: 'string' },
]);
export const TaggedRunMetadataT: MessageType = message('TaggedRunMetadata', [
  { num: 1, name: 'tag', type: 'string' },
  { num: 2, name: 'run_metadata', type: 'bytes' },
]);
export const LogLevel = enumType('LogMessage.Level', { UNKNOWN: 0, DEBUGGING: 10, INFO: 20, WARN: 30, ERROR: 40, FATAL: 50 });
export const LogMessageT: MessageType = message('LogMessage', [
  { num: 1, name: 'level', type: LogLevel },
  { num: 2, name: 'message', type: 'string' },
]);

export interface Event {
  wallTime: number;
  step: number;
  fileVersion?: string;
  graphDef?: Uint8Array;
  summary?: Summary;
  sessionLog?: SessionLog;
  taggedRunMetadata?: { tag: string; runMetadata: Uint8Array };
  metaGraphDef?: Uint8Array;
}
export const EventT: MessageType = message('Event', [
  { num: 1, name: 'wall_time', type: 'double' },
  { num: 2, name: 'step', type: 'int64' },
  { num: 3, name: 'file_version', type: 'string', oneof: true },
  { num: 4, name: 'graph_def', type: 'bytes', oneof: true },
  { num: 5, name: 'summary', type: () => SummaryT, oneof: true },
  { num: 6, name: 'log_message', type: () => LogMessageT, oneof: true },
  { num: 7, name: 'session_log', type: () => SessionLogT, oneof: true },
  { num: 8, name: 'tagged_run_metadata', type: () => TaggedRunMetadataT, oneof: true },
  { num: 9, name: 'meta_graph_def', type: 'bytes', oneof: true },
]);

// ----- run traces -------------------------------------------------------------------------

export const AllocationDescriptionT: MessageType = message('AllocationDescription', [
  { num: 1, name: 'requested_bytes', type: 'int64' },
  { num: 2, name: 'allocated_bytes', type: 'int64' },
  { num: 3, name: 'allocator_name', type: 'string' },
]);
export const TensorDescriptionT: MessageType = message('TensorDescription', [
  { num: 1, name: 'dtype', type: 'int32' },
  { num: 2, name: 'shape', type: () => TensorShapeProtoT },
  { num: 4, name: 'allocation_description', type: () => AllocationDescriptionT },
]);
export const NodeOutputT: MessageType = message('NodeOutput', [
  { num: 1, name: 'slot', type: 'int32' },
  { num: 3, name: 'tensor_description', type: () => TensorDescriptionT },
]);
export interface NodeExecStats {
  nodeName: string;
  allStartMicros: number;
  opStartRelMicros: number;
  opEndRelMicros: number;
  allEndRelMicros: number;
  output: { slot: number; tensorDescription?: { dtype: number; shape?: unknown; allocationDescription?: { requestedBytes: number; allocatedBytes: number; allocatorName: string } } }[];
  timelineLabel: string;
  scheduledMicros: number;
  threadId: number;
}
export const NodeExecStatsT: MessageType = message('NodeExecStats', [
  { num: 1, name: 'node_name', type: 'string' },
  { num: 2, name: 'all_start_micros', type: 'int64' },
  { num: 3, name: 'op_start_rel_micros', type: 'int64' },
  { num: 4, name: 'op_end_rel_micros', type: 'int64' },
  { num: 5, name: 'all_end_rel_micros', type: 'int64' },
  { num: 7, name: 'output', type: () => NodeOutputT, repeated: true },
  { num: 8, name: 'timeline_label', type: 'string' },
  { num: 9, name: 'scheduled_micros', type: 'int64' },
  { num: 10, name: 'thread_id', type: 'uint32' },
]);
export interface DeviceStepStats {
  device: string;
  nodeStats: NodeExecStats[];
}
export const DeviceStepStatsT: MessageType = message('DeviceStepStats', [
  { num: 1, name: 'device', type: 'string' },
  { num: 2, name: 'node_stats', type: () => NodeExecStatsT, repeated: true },
]);
export interface StepStats {
  devStats: DeviceStepStats[];
}
export const StepStatsT: MessageType = message('StepStats', [{ num: 1, name: 'dev_stats', type: () => DeviceStepStatsT, repeated: true }]);
export const RunMetadataT: MessageType = message('RunMetadata', [
  { num: 1, name: 'step_stats', type: () => StepStatsT },
  { num: 3, name: 'partition_graphs', type: () => GraphDefT, repeated: true },
]);
