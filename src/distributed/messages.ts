/**
 * The wire messages of tsflow's worker service, in protocol buffers through the repository's
 * codec (src/proto): tensors travel as TF's `TensorProto` (numbers packed little-endian in
 * `tensor_content`), partitions as TF's `GraphDef`. Names follow TF's worker.proto where a
 * message has a TF counterpart (RegisterGraph, RunGraph, DeregisterGraph, GetStatus).
 */
import { type MessageType, message } from '../proto/codec.js';
import { GraphDefT, TensorProtoT, type GraphDef, type TensorProto } from '../proto/framework.js';

export const JobDefT: MessageType = message('tensorflow.JobDef', [
  { num: 1, name: 'name', type: 'string' },
  { num: 2, name: 'tasks', type: 'string', mapKey: 'int32' },
]);
export const ClusterDefT: MessageType = message('tensorflow.ClusterDef', [{ num: 1, name: 'job', type: () => JobDefT, repeated: true }]);

export interface JobDefMsg { name: string; tasks: Record<number, string> }

export const GetStatusRequestT: MessageType = message('tsflow.GetStatusRequest', []);
export interface GetStatusResponse {
  cluster?: { job: JobDefMsg[] };
  jobName: string;
  taskIndex: number;
  /** Random per server process: a restarted task has a new one. */
  incarnation: string;
  /** Partitions registered, client sessions holding them, variables. */
  partitions: number;
  sessions: number;
  variables: number;
}
export const GetStatusResponseT: MessageType = message('tsflow.GetStatusResponse', [
  { num: 1, name: 'cluster', type: () => ClusterDefT },
  { num: 2, name: 'job_name', type: 'string' },
  { num: 3, name: 'task_index', type: 'int32' },
  { num: 4, name: 'incarnation', type: 'string' },
  { num: 5, name: 'partitions', type: 'int32' },
  { num: 6, name: 'sessions', type: 'int32' },
  { num: 7, name: 'variables', type: 'int32' },
]);

export interface RegisterGraphRequest {
  sessionHandle: string;
  graphDef?: GraphDef;
  /** Placeholder node names fed by each RunGraph, in `send` order. */
  feed: string[];
  /** Tensor names returned by each RunGraph, in `recv` order. */
  fetch: string[];
  /** Operation names run for their effects. */
  target: string[];
  /** Variable node names that are the server's shared variables (not the partition's own). */
  variable: string[];
}
export const RegisterGraphRequestT: MessageType = message('tsflow.RegisterGraphRequest', [
  { num: 1, name: 'session_handle', type: 'string' },
  { num: 2, name: 'graph_def', type: () => GraphDefT },
  { num: 3, name: 'feed', type: 'string', repeated: true },
  { num: 4, name: 'fetch', type: 'string', repeated: true },
  { num: 5, name: 'target', type: 'string', repeated: true },
  { num: 6, name: 'variable', type: 'string', repeated: true },
]);
export interface RegisterGraphResponse { graphHandle: string }
export const RegisterGraphResponseT: MessageType = message('tsflow.RegisterGraphResponse', [{ num: 1, name: 'graph_handle', type: 'string' }]);

export interface RunGraphRequest {
  sessionHandle: string;
  graphHandle: string;
  stepId: number;
  send: TensorProto[];
}
export const RunGraphRequestT: MessageType = message('tsflow.RunGraphRequest', [
  { num: 1, name: 'session_handle', type: 'string' },
  { num: 2, name: 'graph_handle', type: 'string' },
  { num: 3, name: 'step_id', type: 'int64' },
  { num: 4, name: 'send', type: () => TensorProtoT, repeated: true },
]);
export interface RunGraphResponse { recv: TensorProto[] }
export const RunGraphResponseT: MessageType = message('tsflow.RunGraphResponse', [{ num: 1, name: 'recv', type: () => TensorProtoT, repeated: true }]);

/** Read (no `value`) or write (`value`) of shared variables by name: savers and restores. */
export interface VariablesRequest {
  sessionHandle: string;
  name: string[];
  value: TensorProto[];
}
export const VariablesRequestT: MessageType = message('tsflow.VariablesRequest', [
  { num: 1, name: 'session_handle', type: 'string' },
  { num: 2, name: 'name', type: 'string', repeated: true },
  { num: 3, name: 'value', type: () => TensorProtoT, repeated: true },
]);
export interface VariablesResponse { value: TensorProto[] }
export const VariablesResponseT: MessageType = message('tsflow.VariablesResponse', [{ num: 1, name: 'value', type: () => TensorProtoT, repeated: true }]);

export interface SessionRequest { sessionHandle: string }
export const SessionRequestT: MessageType = message('tsflow.SessionRequest', [{ num: 1, name: 'session_handle', type: 'string' }]);
export const EmptyT: MessageType = message('tsflow.Empty', []);
