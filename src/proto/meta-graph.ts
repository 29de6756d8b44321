/**
 * TF's MetaGraph, Saver and SavedModel messages (tensorflow/core/protobuf/{meta_graph,saver,
 * saved_model}.proto).
 */
import { type MessageType, enumType, message } from './codec.js';
import { DataType, type GraphDef, GraphDefT, OpListT, type TensorShapeProto, TensorShapeProtoT } from './framework.js';

export const AnyT: MessageType = message('google.protobuf.Any', [
  { num: 1, name: 'type_url', type: 'string' },
  { num: 2, name: 'value', type: 'bytes' },
]);

export interface MetaInfoDef {
  metaGraphVersion: string;
  strippedOpList?: unknown;
  tags: string[];
  tensorflowVersion: string;
  tensorflowGitVersion: string;
  strippedDefaultAttrs: boolean;
}
export const MetaInfoDefT: MessageType = message('MetaGraphDef.MetaInfoDef', [
  { num: 1, name: 'meta_graph_version', type: 'string' },
  { num: 2, name: 'stripped_op_list', type: () => OpListT },
  { num: 3, name: 'any_info', type: () => AnyT },
  { num: 4, name: 'tags', type: 'string', repeated: true },
  { num: 5, name: 'tensorflow_version', type: 'string' },
  { num: 6, name: 'tensorflow_git_version', type: 'string' },
  { num: 7, name: 'stripped_default_attrs', type: 'bool' },
]);

export const CheckpointFormatVersion = enumType('SaverDef.CheckpointFormatVersion', { LEGACY: 0, V1: 1, V2: 2 });
export interface SaverDef {
  filenameTensorName: string;
  saveTensorName: string;
  restoreOpName: string;
  maxToKeep: number;
  sharded: boolean;
  keepCheckpointEveryNHours: number;
  version: number;
}
export const SaverDefT: MessageType = message('SaverDef', [
  { num: 1, name: 'filename_tensor_name', type: 'string' },
  { num: 2, name: 'save_tensor_name', type: 'string' },
  { num: 3, name: 'restore_op_name', type: 'string' },
  { num: 4, name: 'max_to_keep', type: 'int32' },
  { num: 5, name: 'sharded', type: 'bool' },
  { num: 6, name: 'keep_checkpoint_every_n_hours', type: 'float' },
  { num: 7, name: 'version', type: CheckpointFormatVersion },
]);

export interface CollectionDef {
  nodeList?: { value: string[] };
  bytesList?: { value: Uint8Array[] };
  int64List?: { value: number[] };
  floatList?: { value: number[] };
  anyList?: { value: { typeUrl: string; value: Uint8Array }[] };
}
export const CollectionNodeListT: MessageType = message('CollectionDef.NodeList', [{ num: 1, name: 'value', type: 'string', repeated: true }]);
export const CollectionBytesListT: MessageType = message('CollectionDef.BytesList', [{ num: 1, name: 'value', type: 'bytes', repeated: true }]);
export const CollectionInt64ListT: MessageType = message('CollectionDef.Int64List', [{ num: 1, name: 'value', type: 'int64', repeated: true }]);
export const CollectionFloatListT: MessageType = message('CollectionDef.FloatList', [{ num: 1, name: 'value', type: 'float', repeated: true }]);
export const CollectionAnyListT: MessageType = message('CollectionDef.AnyList', [{ num: 1, name: 'value', type: () => AnyT, repeated: true }]);
export const CollectionDefT: MessageType = message('CollectionDef', [
  { num: 1, name: 'node_list', type: () => CollectionNodeListT, oneof: true },
  { num: 2, name: 'bytes_list', type: () => CollectionBytesListT, oneof: true },
  { num: 3, name: 'int64_list', type: () => CollectionInt64ListT, oneof: true },
  { num: 4, name: 'float_list', type: () => CollectionFloatListT, oneof: true },
  { num: 5, name: 'any_list', type: () => CollectionAnyListT, oneof: true },
]);

export interface CooSparse {
  valuesTensorName: string;
  indicesTensorName: string;
  denseShapeTensorName: string;
}
export interface TensorInfo {
  name?: string;
  cooSparse?: CooSparse;
  dtype: number;
  tensorShape?: TensorShapeProto;
}
export const CooSparseT: MessageType = message('TensorInfo.CooSparse', [
  { num: 1, name: 'values_tensor_name', type: 'string' },
  { num: 2, name: 'indices_tensor_name', type: 'string' },
  { num: 3, name: 'dense_shape_tensor_name', type: 'string' },
]);
export const TensorInfoT: MessageType = message('TensorInfo', [
  { num: 1, name: 'name', type: 'string', oneof: true },
  { num: 4, name: 'coo_sparse', type: () => CooSparseT, oneof: true },
  { num: 2, name: 'dtype', type: DataType },
  { num: 3, name: 'tensor_shape', type: () => TensorShapeProtoT },
]);

export interface SignatureDef {
  inputs: Record<string, TensorInfo>;
  outputs: Record<string, TensorInfo>;
  methodName: string;
}
export const SignatureDefT: MessageType = message('SignatureDef', [
  { num: 1, name: 'inputs', type: () => TensorInfoT, mapKey: 'string' },
  { num: 2, name: 'outputs', type: () => TensorInfoT, mapKey: 'string' },
  { num: 3, name: 'method_name', type: 'string' },
]);

export interface AssetFileDef {
  tensorInfo?: TensorInfo;
  filename: string;
}
export const AssetFileDefT: MessageType = message('AssetFileDef', [
  { num: 1, name: 'tensor_info', type: () => TensorInfoT },
  { num: 2, name: 'filename', type: 'string' },
]);

export interface MetaGraphDef {
  metaInfoDef?: MetaInfoDef;
  graphDef?: GraphDef;
  saverDef?: SaverDef;
  collectionDef: Record<string, CollectionDef>;
  signatureDef: Record<string, SignatureDef>;
  assetFileDef: AssetFileDef[];
  objectGraphDef?: Uint8Array;
}
export const MetaGraphDefT: MessageType = message('MetaGraphDef', [
  { num: 1, name: 'meta_info_def', type: () => MetaInfoDefT },
  { num: 2, name: 'graph_def', type: () => GraphDefT },
  { num: 3, name: 'saver_def', type: () => SaverDefT },
  { num: 4, name: 'collection_def', type: () => CollectionDefT, mapKey: 'string' },
  { num: 5, name: 'signature_def', type: () => SignatureDefT, mapKey: 'string' },
  { num: 6, name: 'asset_file_def', type: () => AssetFileDefT, repeated: true },
  { num: 7, name: 'object_graph_def', type: 'bytes' },
]);

export interface SavedModel {
  savedModelSchemaVersion: number;
  metaGraphs: MetaGraphDef[];
}
export const SavedModelT: MessageType = message('SavedModel', [
  { num: 1, name: 'saved_model_schema_version', type: 'int64' },
  { num: 2, name: 'meta_graphs', type: () => MetaGraphDefT, repeated: true },
]);

/** tensorflow/core/framework/variable.proto: how a collection names a variable's ops. */
export interface VariableDef {
  variableName: string;
  initialValueName: string;
  initializerName: string;
  snapshotName: string;
  /** Set for a part of a partitioned variable. */
  saveSliceInfoDef?: SaveSliceInfoDef;
  isResource: boolean;
  trainable: boolean;
}
export interface SaveSliceInfoDef {
  fullName: string;
  fullShape: number[];
  varOffset: number[];
  varShape: number[];
}
export const SaveSliceInfoDefT: MessageType = message('SaveSliceInfoDef', [
  { num: 1, name: 'full_name', type: 'string' },
  { num: 2, name: 'full_shape', type: 'int64', repeated: true },
  { num: 3, name: 'var_offset', type: 'int64', repeated: true },
  { num: 4, name: 'var_shape', type: 'int64', repeated: true },
]);
export const VariableDefT: MessageType = message('VariableDef', [
  { num: 1, name: 'variable_name', type: 'string' },
  { num: 2, name: 'initializer_name', type: 'string' },
  { num: 3, name: 'snapshot_name', type: 'string' },
  { num: 4, name: 'save_slice_info_def', type: () => SaveSliceInfoDefT },
  { num: 5, name: 'is_resource', type: 'bool' },
  { num: 6, name: 'initial_value_name', type: 'string' },
  { num: 7, name: 'trainable', type: 'bool' },
]);
