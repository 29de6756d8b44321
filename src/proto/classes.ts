/**
 * TF1's protocol-buffer classes on the public API (`tf.Summary`, `tf.Event`, `tf.GraphDef`,
 * `tf.AttrValue`, …, `tf.summary.SummaryDescription`, `tf.train.SequenceExample`, …), each made
 * from its MessageType by `messageClass`, with nested types and enum values as static members.
 */
import { relativeToSaveDir } from '../checkpoint/state.js';
import { ValueError } from '../errors.js';
import { messageClass, type Message } from './message-class.js';
import { DataType, AttrValueT, GraphDefT, ListValueT, NameAttrListT, NodeDefT, TensorProtoT, TensorShapeProtoT, TensorShapeDimT, VersionDefT } from './framework.js';
import {
  EventT, HistogramProtoT, LogMessageT, LogLevel, PluginDataT, SessionLogT, SessionStatus, SummaryAudioT, SummaryImageT, SummaryMetadataT, SummaryT,
  SummaryValueT, TaggedRunMetadataT,
} from './summary.js';
import { CollectionDefT, MetaGraphDefT, MetaInfoDefT, SaverDefT, SignatureDefT, TensorInfoT, CheckpointFormatVersion, AssetFileDefT } from './meta-graph.js';
import { BytesListT, FeatureListT, FeatureListsT, FeatureT, FeaturesT, FloatListT, Int64ListT, SequenceExampleT } from './example.js';
import { ClusterDefT, JobDefT } from '../distributed/messages.js';
import { CheckpointStateT, GlobalJitLevel, GraphOptionsT, OptimizerLevel, OptimizerOptionsT, ServerDefT, SummaryDescriptionT } from './config.js';

export { Message, messageClass, DecodeError, RepeatedField, type MessageClass } from './message-class.js';

// oneof groups named as TF names them
messageClass(AttrValueT, { oneofs: { value: ['list', 's', 'i', 'f', 'b', 'type', 'shape', 'tensor', 'placeholder', 'func'] } });
messageClass(FeatureT, { oneofs: { kind: ['bytesList', 'floatList', 'int64List'] } });
messageClass(CollectionDefT, { oneofs: { kind: ['nodeList', 'bytesList', 'int64List', 'floatList', 'anyList'] } });
messageClass(TensorInfoT, { oneofs: { encoding: ['name', 'cooSparse'] } });
messageClass(EventT, { oneofs: { what: ['fileVersion', 'graphDef', 'summary', 'logMessage', 'sessionLog', 'taggedRunMetadata', 'metaGraphDef'] } });

export const HistogramProto = messageClass(HistogramProtoT);
export const SummaryMetadata = messageClass(SummaryMetadataT, { statics: { PluginData: messageClass(PluginDataT) } });
export const Summary = messageClass(SummaryT, {
  statics: { Value: messageClass(SummaryValueT), Image: messageClass(SummaryImageT), Audio: messageClass(SummaryAudioT) },
});
export const SummaryDescription = messageClass(SummaryDescriptionT);
export const LogMessage = messageClass(LogMessageT, { statics: { ...LogLevel.values } });
export const SessionLogMessage = messageClass(SessionLogT, { statics: { ...SessionStatus.values } });
export const TaggedRunMetadata = messageClass(TaggedRunMetadataT);
export const Event = messageClass(EventT);

export const TensorShapeProto = messageClass(TensorShapeProtoT, { statics: { Dim: messageClass(TensorShapeDimT) } });
export const TensorProto = messageClass(TensorProtoT);
export const NameAttrList = messageClass(NameAttrListT);
export const AttrValue = messageClass(AttrValueT, { statics: { ListValue: messageClass(ListValueT) } });
export const NodeDef = messageClass(NodeDefT);
export const VersionDef = messageClass(VersionDefT);
export const GraphDef = messageClass(GraphDefT);

export const SaverDef = messageClass(SaverDefT, { statics: { ...CheckpointFormatVersion.values } });
export const TensorInfo = messageClass(TensorInfoT);
export const SignatureDef = messageClass(SignatureDefT);
export const CollectionDef = messageClass(CollectionDefT);
export const AssetFileDef = messageClass(AssetFileDefT);
export const MetaGraphDef = messageClass(MetaGraphDefT, { statics: { MetaInfoDef: messageClass(MetaInfoDefT) } });

export const OptimizerOptions = messageClass(OptimizerOptionsT, { statics: { ...OptimizerLevel.values, ...GlobalJitLevel.values } });
export const GraphOptions = messageClass(GraphOptionsT);

export const JobDef = messageClass(JobDefT);
export const ClusterDef = messageClass(ClusterDefT);
export const ServerDef = messageClass(ServerDefT);

export const FeatureList = messageClass(FeatureListT);
export const FeatureLists = messageClass(FeatureListsT);
export const SequenceExample = messageClass(SequenceExampleT);
/** The generic classes of the example messages (tf.train.Example itself is the hand-written class). */
export const ExampleMessages = {
  Feature: messageClass(FeatureT), Features: messageClass(FeaturesT), BytesList: messageClass(BytesListT), FloatList: messageClass(FloatListT), Int64List: messageClass(Int64ListT),
};

export const CheckpointState = messageClass(CheckpointStateT);

void DataType;

/**
 * `tf.summary.get_summary_description(node_def)`: the SummaryDescription stored as JSON in a
 * TensorSummary node's `description` attr.
 */
export function getSummaryDescription(nodeDef: Message | { op: string; attr: Record<string, { s?: Uint8Array | string }> }): Message & Record<string, any> {
  const nd = nodeDef as unknown as { op: string; attr: Record<string, { s?: Uint8Array | string }> };
  if (nd.op !== 'TensorSummary') throw new ValueError(`Can't get_summary_description on ${nd.op}`);
  const s = nd.attr?.description?.s ?? '';
  const text = typeof s === 'string' ? s : new TextDecoder().decode(s);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`Failed to load JSON: ${(e as Error).message}.`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ValueError(`Failed to parse JSON: the description of a SummaryDescription must be a JSON object, got ${text}`);
  const out = new SummaryDescription();
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (k !== 'typeHint' && k !== 'type_hint') throw new ValueError(`Message type "tensorflow.SummaryDescription" has no field named "${k}".`);
    out.typeHint = v;
  }
  return out;
}

const pyList = (xs: readonly (string | number)[]): string => `[${xs.map((x) => (typeof x === 'string' ? `'${x}'` : Number.isInteger(x) ? `${x}.0` : String(x))).join(', ')}]`;

/**
 * `tf.train.generate_checkpoint_state_proto(save_dir, model_checkpoint_path,
 * all_model_checkpoint_paths=None, all_model_checkpoint_timestamps=None,
 * last_preserved_timestamp=None)`: the CheckpointState a `checkpoint` file holds. The model path
 * is appended to the list when it is not its last element; with a relative `saveDir`, relative
 * paths are rewritten relative to it.
 */
export function generateCheckpointStateProto(
  saveDir: string,
  modelCheckpointPath: string,
  allModelCheckpointPaths?: readonly string[] | null,
  allModelCheckpointTimestamps?: readonly number[] | null,
  lastPreservedTimestamp?: number | null,
): Message & Record<string, any> {
  if (typeof saveDir !== 'string') throw new TypeError(`generate_checkpoint_state_proto(): save_dir must be a string, got ${String(saveDir)}`);
  if (typeof modelCheckpointPath !== 'string') throw new TypeError(`generate_checkpoint_state_proto(): model_checkpoint_path must be a string, got ${String(modelCheckpointPath)}`);
  const model = modelCheckpointPath;
  const all = [...(allModelCheckpointPaths ?? [])];
  if (all.length === 0 || all[all.length - 1] !== model) all.push(model);
  const stamps = allModelCheckpointTimestamps ?? null;
  if (stamps && stamps.length > 0 && stamps.length !== all.length) {
    throw new ValueError(`Checkpoint timestamps, if provided, must match checkpoint paths (got paths ${pyList(all)} and timestamps ${pyList(stamps)})`);
  }
  const paths = relativeToSaveDir(saveDir, model, all);
  return new CheckpointState({
    modelCheckpointPath: paths.model,
    allModelCheckpointPaths: paths.all,
    allModelCheckpointTimestamps: stamps ?? undefined,
    lastPreservedTimestamp: lastPreservedTimestamp ?? undefined,
  });
}
