/** TF's example messages (tensorflow/core/example/feature.proto, example.proto). */
import { type MessageType, message } from './codec.js';

export interface BytesListMsg { value: Uint8Array[] }
export interface FloatListMsg { value: number[] }
export interface Int64ListMsg { value: number[] }
export interface FeatureMsg { bytesList?: BytesListMsg; floatList?: FloatListMsg; int64List?: Int64ListMsg }
export interface FeaturesMsg { feature: Record<string, FeatureMsg> }
export interface ExampleMsg { features?: FeaturesMsg }

export const BytesListT: MessageType = message('BytesList', [{ num: 1, name: 'value', type: 'bytes', repeated: true }]);
export const FloatListT: MessageType = message('FloatList', [{ num: 1, name: 'value', type: 'float', repeated: true }]);
export const Int64ListT: MessageType = message('Int64List', [{ num: 1, name: 'value', type: 'int64', repeated: true }]);
export const FeatureT: MessageType = message('Feature', [
  { num: 1, name: 'bytes_list', type: () => BytesListT, oneof: true },
  { num: 2, name: 'float_list', type: () => FloatListT, oneof: true },
  { num: 3, name: 'int64_list', type: () => Int64ListT, oneof: true },
]);
export const FeaturesT: MessageType = message('Features', [{ num: 1, name: 'feature', type: () => FeatureT, mapKey: 'string' }]);
export const ExampleT: MessageType = message('Example', [{ num: 1, name: 'features', type: () => FeaturesT }]);

/** TF's SequenceExample (tensorflow/core/example/example.proto, feature.proto). */
export interface FeatureListMsg { feature: FeatureMsg[] }
export interface FeatureListsMsg { featureList: Record<string, FeatureListMsg> }
export interface SequenceExampleMsg { context?: FeaturesMsg; featureLists?: FeatureListsMsg }

export const FeatureListT: MessageType = message('FeatureList', [{ num: 1, name: 'feature', type: () => FeatureT, repeated: true }]);
export const FeatureListsT: MessageType = message('FeatureLists', [{ num: 1, name: 'feature_list', type: () => FeatureListT, mapKey: 'string' }]);
export const SequenceExampleT: MessageType = message('SequenceExample', [
  { num: 1, name: 'context', type: () => FeaturesT },
  { num: 2, name: 'feature_lists', type: () => FeatureListsT },
]);
