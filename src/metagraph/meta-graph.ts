/**
 * `tf.train.export_meta_graph` / `tf.train.import_meta_graph`: a MetaGraphDef holds the
 * GraphDef, the SaverDef and the collections (variables as VariableDef protos, ops and tensors
 * by name), so a program can rebuild a model from the file alone and find it by names.
 */
import { fs as nodeFs } from '../platform/node-builtins.js';
import { ioError } from '../checkpoint/io.js';
import { DataLossError, IOError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { Variable } from '../ops/variables.js';
import { SaveSliceInfo } from '../scope/partitioned-variable.js';
import { decode, encode, fromText, toText } from '../proto/codec.js';
import {
  type CollectionDef,
  type MetaGraphDef,
  MetaGraphDefT,
  type SaverDef,
  type VariableDef,
  VariableDefT,
} from '../proto/meta-graph.js';
import { importInto } from '../graphdef/import.js';
import { strippedOpList, stripDefaultAttrs } from '../graphdef/op-defs.js';

/** Collections whose items are variables, serialized as VariableDef protos (TF's `_proto_fn`s). */
const VARIABLE_KEYS = new Set<string>([
  GraphKeys.GLOBAL_VARIABLES, GraphKeys.TRAINABLE_VARIABLES, GraphKeys.LOCAL_VARIABLES, GraphKeys.MODEL_VARIABLES,
  GraphKeys.METRIC_VARIABLES, GraphKeys.MOVING_AVERAGE_VARIABLES, 'concatenated_variables', 'trainable_resource_variables',
]);

export interface ExportMetaGraphOptions {
  graph?: Graph;
  /** The SaverDef to embed (a Saver's `saverDef`). */
  saverDef?: SaverDef;
  /** Only these collections (default: every one that serializes). */
  collectionList?: string[];
  /** Write `device: ''` on every node. */
  clearDevices?: boolean;
  /** Write the text format instead of binary. */
  asText?: boolean;
  /** MetaInfoDef tags. */
  tags?: string[];
  /** Drop from each node the attrs whose value is its OpDef's default (TF's strip_default_attrs). */
  stripDefaultAttrs?: boolean;
}

const utf8 = new TextEncoder();

function variableDef(v: Variable, prefix: string): Uint8Array {
  const strip = (n: string) => (prefix && n.startsWith(prefix) ? n.slice(prefix.length) : n);
  const def: VariableDef = {
    variableName: strip(v.name),
    initialValueName: strip(v.initialValue.name),
    initializerName: strip(v.initializer.name),
    snapshotName: strip(v.value().name),
    isResource: false,
    trainable: v.trainable,
  };
  const info = v.saveSliceInfo;
  if (info) {
    def.saveSliceInfoDef = { fullName: strip(info.fullName), fullShape: [...info.fullShape], varOffset: [...info.varOffset], varShape: [...info.varShape] };
  }
  return encode(VariableDefT, def as unknown as Record<string, unknown>);
}

/** A collection as TF serializes it, or null when an item has no serialized form (TF skips those). */
function toCollectionDef(key: string, items: unknown[]): CollectionDef | null {
  if (items.length === 0) return null;
  if (items.every((x) => x instanceof Variable)) {
    return { bytesList: { value: (items as Variable[]).map((v) => variableDef(v, '')) } };
  }
  if (items.every((x) => x instanceof Tensor || x instanceof Operation)) {
    return { nodeList: { value: (items as (Tensor | Operation)[]).map((x) => x.name) } };
  }
  if (items.every((x) => typeof x === 'string')) return { bytesList: { value: (items as string[]).map((s) => utf8.encode(s)) } };
  if (items.every((x) => typeof x === 'number' && Number.isInteger(x))) return { int64List: { value: items as number[] } };
  if (items.every((x) => typeof x === 'number')) return { floatList: { value: items as number[] } };
  void key;
  return null;
}

/** The MetaGraphDef of `graph` (TF's `export_meta_graph` without a filename). */
export function buildMetaGraphDef(opts: ExportMetaGraphOptions = {}): MetaGraphDef {
  const g = opts.graph ?? getDefaultGraph();
  const gd = g.asGraphDef();
  if (opts.clearDevices) for (const n of gd.node) n.device = '';
  if (opts.stripDefaultAttrs) stripDefaultAttrs(gd);
  const collectionDef: Record<string, CollectionDef> = {};
  for (const key of opts.collectionList ?? g.getAllCollectionKeys()) {
    const c = toCollectionDef(key, g.getCollection(key));
    if (c) collectionDef[key] = c;
  }
  return {
    metaInfoDef: {
      metaGraphVersion: '',
      strippedOpList: strippedOpList(gd),
      tags: opts.tags ?? [],
      tensorflowVersion: '1.15.0',
      tensorflowGitVersion: 'tsflow',
      strippedDefaultAttrs: opts.stripDefaultAttrs ?? false,
    },
    graphDef: gd,
    ...(opts.saverDef ? { saverDef: opts.saverDef } : {}),
    collectionDef,
    signatureDef: {},
    assetFileDef: [],
  };
}

export function serializeMetaGraphDef(mg: MetaGraphDef, asText = false): string | Uint8Array {
  return asText ? toText(MetaGraphDefT, mg as unknown as Record<string, unknown>) : encode(MetaGraphDefT, mg as unknown as Record<string, unknown>);
}

/**
 * `tf.train.export_meta_graph(filename?, {graph, saverDef, collectionList, clearDevices,
 * asText})`: returns the MetaGraphDef, and writes it to `filename` when one is given.
 */
export function exportMetaGraph(filename?: string | null, opts: ExportMetaGraphOptions = {}): MetaGraphDef {
  const mg = buildMetaGraphDef(opts);
  if (filename) nodeFs.writeFileSync(filename, serializeMetaGraphDef(mg, opts.asText ?? false));
  return mg;
}

/** A `.meta` file (binary, or the text format) or its bytes as a MetaGraphDef. */
export function readMetaGraphDef(src: string | Uint8Array | MetaGraphDef): MetaGraphDef {
  if (typeof src === 'object' && !(src instanceof Uint8Array)) return src;
  let bytes: Uint8Array;
  if (typeof src === 'string') {
    if (!nodeFs.existsSync(src)) throw new IOError(`File ${src} does not exist.`);
    try {
      bytes = new Uint8Array(nodeFs.readFileSync(src));
    } catch (e) {
      throw ioError(e, src);
    }
  } else bytes = src;
  try {
    return decode<MetaGraphDef>(MetaGraphDefT, bytes);
  } catch (e) {
    // TF's read_meta_graph_file falls back to the text format, and names the file when neither parses
    try {
      return fromText<MetaGraphDef>(MetaGraphDefT, new TextDecoder().decode(bytes));
    } catch (textError) {
      if (typeof src !== 'string') throw e;
      throw new DataLossError(`Cannot parse file ${src}: ${(textError as Error).message}.`);
    }
  }
}

export interface ImportMetaGraphOptions {
  /** Drop every node's device. */
  clearDevices?: boolean;
  /** Name scope the imported ops are put under (default: none). */
  importScope?: string;
}

export interface ImportedMetaGraph {
  metaGraphDef: MetaGraphDef;
  /** Checkpoint key (the variable's name in the MetaGraph) → each imported variable. */
  variables: Map<string, Variable>;
  /** Those of them in the MetaGraph's global variables collection (what its Saver saves). */
  globalVariables: Map<string, Variable>;
  graph: Graph;
}

/**
 * Import `mg` into the default graph and rebuild its collections: variable collections as
 * Variables over the imported ops (one object per variable, shared between collections), node
 * lists as the imported ops and tensors, byte/int/float lists as values.
 */
export function importMetaGraphDef(src: string | Uint8Array | MetaGraphDef, opts: ImportMetaGraphOptions = {}): ImportedMetaGraph {
  const mg = readMetaGraphDef(src);
  const g = getDefaultGraph();
  const scope = opts.importScope ?? '';
  const { prefix } = importInto(g, mg.graphDef ?? { node: [] }, { name: scope, clearDevices: opts.clearDevices ?? false });
  const p = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const el = (n: string): Tensor | Operation => g.asGraphElement(p + n, true, true);
  const trainable = new Set(
    (mg.collectionDef[GraphKeys.TRAINABLE_VARIABLES]?.bytesList?.value ?? []).map((b) => decode<VariableDef>(VariableDefT, b).variableName),
  );
  const variables = new Map<string, Variable>();
  const variableOf = (bytes: Uint8Array): Variable => {
    const d = decode<VariableDef>(VariableDefT, bytes);
    const known = variables.get(d.variableName.replace(/:0$/, ''));
    if (known) return known;
    if (d.isResource) throw new ValueError(`Variable ${d.variableName} is a resource variable, which tsflow does not import`);
    const ref = el(d.variableName) as Tensor;
    const init = el(d.initializerName) as Operation;
    const snap = el(d.snapshotName) as Tensor;
    // Older TF wrote no initial_value_name; the initializer's value input stands in.
    const initial = d.initialValueName ? (el(d.initialValueName) as Tensor) : init.inputs[1] ?? snap;
    const v = Variable.fromGraph(ref, initial, init, snap, d.trainable || trainable.has(d.variableName));
    const info = d.saveSliceInfoDef;
    if (info && info.fullName) v.saveSliceInfo = new SaveSliceInfo(p + info.fullName, info.fullShape.map(Number), info.varOffset.map(Number), info.varShape.map(Number));
    variables.set(d.variableName.replace(/:0$/, ''), v);
    return v;
  };
  for (const [key, c] of Object.entries(mg.collectionDef)) {
    let items: unknown[];
    if (c.nodeList) items = c.nodeList.value.map((n) => el(n));
    else if (c.bytesList) items = VARIABLE_KEYS.has(key) ? c.bytesList.value.map(variableOf) : c.bytesList.value.map((b) => new TextDecoder().decode(b));
    else if (c.int64List) items = [...c.int64List.value];
    else if (c.floatList) items = [...c.floatList.value];
    else continue; // any_list: TF's own Python protos tsflow has no objects for.
    for (const x of items) g.addToCollection(key, x);
  }
  const globalVariables = new Map<string, Variable>();
  for (const b of mg.collectionDef[GraphKeys.GLOBAL_VARIABLES]?.bytesList?.value ?? []) {
    const key = decode<VariableDef>(VariableDefT, b).variableName.replace(/:0$/, '');
    globalVariables.set(key, variables.get(key)!);
  }
  return { metaGraphDef: mg, variables, globalVariables, graph: g };
}
