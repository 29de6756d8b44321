/**
 * TF's framework messages (tensorflow/core/framework/{types,tensor_shape,tensor,attr_value,
 * node_def,graph,versions,op_def,function}.proto): field numbers and types as TF declares them.
 */
import { DataTypeEnum } from '../checkpoint/proto.js';
import { type MessageType, enumType, message } from './codec.js';

const dtypeValues: Record<string, number> = { ...DataTypeEnum };
for (const [k, v] of Object.entries(DataTypeEnum)) if (v > 0) dtypeValues[`${k}_REF`] = v + 100;
export const DataType = enumType('DataType', dtypeValues);

export interface TensorShapeProto {
  dim: { size: number; name: string }[];
  unknownRank: boolean;
}
export const TensorShapeDimT: MessageType = message('TensorShapeProto.Dim', [
  { num: 1, name: 'size', type: 'int64' },
  { num: 2, name: 'name', type: 'string' },
]);
export const TensorShapeProtoT: MessageType = message('TensorShapeProto', [
  { num: 2, name: 'dim', type: () => TensorShapeDimT, repeated: true },
  { num: 3, name: 'unknown_rank', type: 'bool' },
]);

export interface TensorProto {
  dtype: number;
  tensorShape?: TensorShapeProto;
  versionNumber: number;
  tensorContent: Uint8Array;
  halfVal: number[];
  floatVal: number[];
  doubleVal: number[];
  intVal: number[];
  stringVal: Uint8Array[];
  scomplexVal: number[];
  int64Val: number[];
  boolVal: boolean[];
  dcomplexVal: number[];
  uint32Val: number[];
  uint64Val: number[];
}
export const TensorProtoT: MessageType = message('TensorProto', [
  { num: 1, name: 'dtype', type: DataType },
  { num: 2, name: 'tensor_shape', type: () => TensorShapeProtoT },
  { num: 3, name: 'version_number', type: 'int32' },
  { num: 4, name: 'tensor_content', type: 'bytes' },
  { num: 13, name: 'half_val', type: 'int32', repeated: true },
  { num: 5, name: 'float_val', type: 'float', repeated: true },
  { num: 6, name: 'double_val', type: 'double', repeated: true },
  { num: 7, name: 'int_val', type: 'int32', repeated: true },
  { num: 8, name: 'string_val', type: 'bytes', repeated: true },
  { num: 9, name: 'scomplex_val', type: 'float', repeated: true },
  { num: 10, name: 'int64_val', type: 'int64', repeated: true },
  { num: 11, name: 'bool_val', type: 'bool', repeated: true },
  { num: 12, name: 'dcomplex_val', type: 'double', repeated: true },
  { num: 16, name: 'uint32_val', type: 'uint32', repeated: true },
  { num: 17, name: 'uint64_val', type: 'uint64', repeated: true },
]);

export interface NameAttrList {
  name: string;
  attr: Record<string, AttrValue>;
}
export interface ListValue {
  s: Uint8Array[];
  i: number[];
  f: number[];
  b: boolean[];
  type: number[];
  shape: TensorShapeProto[];
  tensor: TensorProto[];
  func: NameAttrList[];
}
/** One attr value; exactly one member of the `value` oneof is set. */
export interface AttrValue {
  list?: ListValue;
  s?: Uint8Array;
  i?: number;
  f?: number;
  b?: boolean;
  type?: number;
  shape?: TensorShapeProto;
  tensor?: TensorProto;
  placeholder?: string;
  func?: NameAttrList;
}
export const NameAttrListT: MessageType = message('NameAttrList', [
  { num: 1, name: 'name', type: 'string' },
  { num: 2, name: 'attr', type: () => AttrValueT, mapKey: 'string' },
]);
export const ListValueT: MessageType = message('AttrValue.ListValue', [
  { num: 2, name: 's', type: 'bytes', repeated: true },
  { num: 3, name: 'i', type: 'int64', repeated: true },
  { num: 4, name: 'f', type: 'float', repeated: true },
  { num: 5, name: 'b', type: 'bool', repeated: true },
  { num: 6, name: 'type', type: DataType, repeated: true },
  { num: 7, name: 'shape', type: () => TensorShapeProtoT, repeated: true },
  { num: 8, name: 'tensor', type: () => TensorProtoT, repeated: true },
  { num: 9, name: 'func', type: () => NameAttrListT, repeated: true },
]);
export const AttrValueT: MessageType = message('AttrValue', [
  { num: 1, name: 'list', type: () => ListValueT, oneof: true },
  { num: 2, name: 's', type: 'bytes', oneof: true },
  { num: 3, name: 'i', type: 'int64', oneof: true },
  { num: 4, name: 'f', type: 'float', oneof: true },
  { num: 5, name: 'b', type: 'bool', oneof: true },
  { num: 6, name: 'type', type: DataType, oneof: true },
  { num: 7, name: 'shape', type: () => TensorShapeProtoT, oneof: true },
  { num: 8, name: 'tensor', type: () => TensorProtoT, oneof: true },
  { num: 9, name: 'placeholder', type: 'string', oneof: true },
  { num: 10, name: 'func', type: () => NameAttrListT, oneof: true },
]);

export interface NodeDef {
  name: string;
  op: string;
  input: string[];
  device: string;
  attr: Record<string, AttrValue>;
}
export const NodeDefT: MessageType = message('NodeDef', [
  { num: 1, name: 'name', type: 'string' },
  { num: 2, name: 'op', type: 'string' },
  { num: 3, name: 'input', type: 'string', repeated: true },
  { num: 4, name: 'device', type: 'string' },
  { num: 5, name: 'attr', type: () => AttrValueT, mapKey: 'string' },
]);

export interface VersionDef {
  producer: number;
  minConsumer: number;
  badConsumers: number[];
}
export const VersionDefT: MessageType = message('VersionDef', [
  { num: 1, name: 'producer', type: 'int32' },
  { num: 2, name: 'min_consumer', type: 'int32' },
  { num: 3, name: 'bad_consumers', type: 'int32', repeated: true },
]);

export const ArgDefT: MessageType = message('OpDef.ArgDef', [
  { num: 1, name: 'name', type: 'string' },
  { num: 2, name: 'description', type: 'string' },
  { num: 3, name: 'type', type: DataType },
  { num: 4, name: 'type_attr', type: 'string' },
  { num: 5, name: 'number_attr', type: 'string' },
  { num: 6, name: 'type_list_attr', type: 'string' },
  { num: 16, name: 'is_ref', type: 'bool' },
]);
export const AttrDefT: MessageType = message('OpDef.AttrDef', [
  { num: 1, name: 'name', type: 'string' },
  { num: 2, name: 'type', type: 'string' },
  { num: 3, name: 'default_value', type: () => AttrValueT },
  { num: 4, name: 'description', type: 'string' },
  { num: 5, name: 'has_minimum', type: 'bool' },
  { num: 6, name: 'minimum', type: 'int64' },
  { num: 7, name: 'allowed_values', type: () => AttrValueT },
]);
export const OpDefT: MessageType = message('OpDef', [
  { num: 1, name: 'name', type: 'string' },
  { num: 2, name: 'input_arg', type: () => ArgDefT, repeated: true },
  { num: 3, name: 'output_arg', type: () => ArgDefT, repeated: true },
  { num: 4, name: 'attr', type: () => AttrDefT, repeated: true },
  { num: 5, name: 'summary', type: 'string' },
  { num: 6, name: 'description', type: 'string' },
  { num: 16, name: 'is_aggregate', type: 'bool' },
  { num: 17, name: 'is_stateful', type: 'bool' },
  { num: 18, name: 'is_commutative', type: 'bool' },
  { num: 19, name: 'allows_uninitialized_input', type: 'bool' },
]);
export const OpListT: MessageType = message('OpList', [{ num: 1, name: 'op', type: () => OpDefT, repeated: true }]);

/** FunctionDefLibrary: kept only to say a graph has functions (tsflow does not run them). */
export const FunctionDefLibraryT: MessageType = message('FunctionDefLibrary', [
  { num: 1, name: 'function', type: 'bytes', repeated: true },
  { num: 2, name: 'gradient', type: 'bytes', repeated: true },
]);

export interface GraphDef {
  node: NodeDef[];
  versions?: VersionDef;
  library?: { function: Uint8Array[]; gradient: Uint8Array[] };
}
export const GraphDefT: MessageType = message('GraphDef', [
  { num: 1, name: 'node', type: () => NodeDefT, repeated: true },
  { num: 2, name: 'library', type: () => FunctionDefLibraryT },
  { num: 4, name: 'versions', type: () => VersionDefT },
]);
