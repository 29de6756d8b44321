/**
 * `tf.saved_model.builder.SavedModelBuilder` (TF 1.15's saved_model/builder_impl.py, the v1
 * builder) and `tf.saved_model.simple_save`: a SavedModel directory holds `saved_model.pb` (a
 * SavedModel proto with one MetaGraphDef per tag set, each with its SignatureDefs), the
 * variables as the checkpoint `variables/variables` (written once, by the first meta graph's
 * Saver) and the asset files copied into `assets/`.
 */
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { AssertionError, KeyError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { globalVariables } from '../ops/variables.js';
import { StringArray } from '../string-array.js';
import type { NDArray } from '../ndarray.js';
import { encode, toText } from '../proto/codec.js';
import { type AssetFileDef, AssetFileDefT, type MetaGraphDef, type SavedModel, SavedModelT, type SignatureDef, type TensorInfo } from '../proto/meta-graph.js';
import type { Session } from '../session/session.js';
import { Saver } from '../train/saver.js';
import { info } from '../train/tf-logging.js';
import { buildMetaGraphDef } from './meta-graph.js';
import { predictSignatureDef, signatureConstants, tagConstants } from './signature-utils.js';

/** saved_model/constants.py. */
export const ASSETS_DIRECTORY = 'assets';
export const ASSETS_KEY = 'saved_model_assets';
export const LEGACY_INIT_OP_KEY = 'legacy_init_op';
export const MAIN_OP_KEY = 'saved_model_main_op';
export const TRAIN_OP_KEY = 'saved_model_train_op';
export const INIT_OP_SIGNATURE_KEY = '__saved_model_init_op';
export const TRAIN_OP_SIGNATURE_KEY = '__saved_model_train_op';
export const SAVED_MODEL_FILENAME_PB = 'saved_model.pb';
export const SAVED_MODEL_FILENAME_PBTXT = 'saved_model.pbtxt';
export const SAVED_MODEL_SCHEMA_VERSION = 1;
export const VARIABLES_DIRECTORY = 'variables';
export const VARIABLES_FILENAME = 'variables';

const ASSET_TYPE_URL = 'type.googleapis.com/tensorflow.AssetFileDef';

/** An item of the `saved_model_assets` collection: TF's `Any`-packed AssetFileDef. */
export class AssetFileDefItem {
  constructor(readonly filename: string, readonly tensorName: string) {}
  toProto(): AssetFileDef {
    return { filename: this.filename, tensorInfo: { name: this.tensorName, dtype: 0 } };
  }
}

export interface AddMetaGraphOptions {
  signatureDefMap?: Readonly<Record<string, SignatureDef>> | null;
  /** String Const tensors holding the paths of files to copy into `assets/`. */
  assetsCollection?: readonly Tensor[] | null;
  /** Deprecated in TF 1.15: treated as `mainOp`. */
  legacyInitOp?: Operation | null;
  clearDevices?: boolean;
  /** Run by the loader after the variables are restored (with the asset paths fed). */
  mainOp?: Operation | null;
  stripDefaultAttrs?: boolean;
  /** The Saver to save and export with (default: one over every global variable, sharded, V2). */
  saver?: Saver | null;
}

const OPTION_KEYS = ['signatureDefMap', 'assetsCollection', 'legacyInitOp', 'clearDevices', 'mainOp', 'stripDefaultAttrs', 'saver'];

function checkOptions(opts: AddMetaGraphOptions, what: string): void {
  for (const k of Object.keys(opts)) {
    if (!OPTION_KEYS.includes(k)) throw new TypeError(`${what}() got an unexpected keyword argument '${k}'`);
  }
}

function validateTensorInfo(t: TensorInfo | undefined | null): void {
  if (t === null || t === undefined) throw new AssertionError('All TensorInfo protos used in the SignatureDefs must have the name and dtype fields set.');
  if (t.name === undefined && t.cooSparse === undefined) {
    throw new AssertionError(`All TensorInfo protos used in the SignatureDefs must have one of the 'encoding' fields (e.g., name or coo_sparse) set: ${JSON.stringify(t)}`);
  }
  if (!t.dtype) throw new AssertionError(`All TensorInfo protos used in the SignatureDefs must have the dtype field set: ${JSON.stringify(t)}`);
}

function validateSignatureDefMap(map: Readonly<Record<string, SignatureDef>>): void {
  for (const sig of Object.values(map)) {
    for (const t of Object.values(sig.inputs)) validateTensorInfo(t);
    for (const t of Object.values(sig.outputs)) validateTensorInfo(t);
  }
  for (const key of [INIT_OP_SIGNATURE_KEY, TRAIN_OP_SIGNATURE_KEY]) {
    if (key in map) throw new KeyError(`SignatureDef map key "${key}" is reserved for initialization. Please use a different key.`);
  }
}

/** The file path an asset tensor holds (TF's `_asset_path_from_tensor`). */
function assetPathFromTensor(t: unknown): string {
  if (!(t instanceof Tensor)) throw new TypeError('Asset path tensor must be a Tensor.');
  if (t.op.type !== 'Const') throw new TypeError('Asset path tensor must be of type constant.');
  if (t.dtype !== 'string') throw new TypeError('Asset path tensor must be of dtype string.');
  const v = t.op.attrs.value as NDArray;
  if (v.size !== 1) throw new TypeError('Asset path tensor must be a scalar.');
  return new TextDecoder().decode((v.data as unknown as StringArray)[0]!);
}

function sameFile(a: string, b: string): boolean {
  return Buffer.compare(nodeFs.readFileSync(a), nodeFs.readFileSync(b)) === 0;
}

/** The name an asset is copied under: its basename, made unique when another file has it. */
function assetFilenameToAdd(path: string, map: Map<string, string>): string {
  const name = nodePath.basename(path);
  const other = map.get(name);
  if (other === undefined || other === path || sameFile(path, other)) return name;
  let i = 1;
  let unique = name;
  while (map.has(unique)) unique = `${name}_${i++}`;
  return unique;
}

function isNonEmptyDir(p: string): boolean {
  const st = nodeFs.statSync(p, { throwIfNoEntry: false });
  if (!st) return false;
  return !st.isDirectory() || nodeFs.readdirSync(p).length > 0;
}

/**
 * `tf.saved_model.builder.SavedModelBuilder(export_dir)` (`tf.saved_model.Builder`): the first
 * meta graph is added with its variables (`addMetaGraphAndVariables`), further ones over the
 * same variables with other tags (`addMetaGraph`); `save()` writes the SavedModel proto.
 */
export class SavedModelBuilder {
  private readonly exportDir: string;
  private readonly savedModel: SavedModel = { savedModelSchemaVersion: SAVED_MODEL_SCHEMA_VERSION, metaGraphs: [] };
  private hasSavedVariables = false;
  private graph: Graph | null = null;

  constructor(exportDir: string) {
    if (typeof exportDir !== 'string' || exportDir === '') throw new ValueError(`export_dir must be a non-empty string, got ${String(exportDir)}`);
    this.exportDir = exportDir;
    if (nodeFs.existsSync(exportDir)) {
      if (isNonEmptyDir(exportDir)) {
        throw new AssertionError(
          `Export directory already exists, and isn't empty. Please choose a different export directory, or delete all the contents of the specified directory: ${exportDir}`,
        );
      }
    } else {
      nodeFs.mkdirSync(exportDir, { recursive: true });
    }
  }

  /**
   * `add_meta_graph_and_variables(sess, tags, signature_def_map=None, assets_collection=None,
   * legacy_init_op=None, clear_devices=False, main_op=None, strip_default_attrs=False,
   * saver=None)`: saves the session's variables to `variables/variables` and adds the graph's
   * MetaGraphDef tagged `tags`.
   */
  async addMetaGraphAndVariables(sess: Session, tags: readonly string[], opts: AddMetaGraphOptions = {}): Promise<void> {
    checkOptions(opts, 'add_meta_graph_and_variables');
    if (this.hasSavedVariables) {
      throw new AssertionError('Graph state including variables and assets has already been saved. Please invoke `add_meta_graph()` instead.');
    }
    const g = sess.graph;
    const sigs = opts.signatureDefMap ?? {};
    validateSignatureDefMap(sigs);
    this.addCollections(g, opts.assetsCollection ?? null, opts.mainOp ?? opts.legacyInitOp ?? null);
    nodeFs.mkdirSync(nodePath.join(this.exportDir, VARIABLES_DIRECTORY), { recursive: true });
    const variablesPath = nodePath.join(this.exportDir, VARIABLES_DIRECTORY, VARIABLES_FILENAME);
    const saver = this.maybeCreateSaver(g, opts.saver ?? null);
    // No checkpoint state file: a SavedModel may be copied or moved, and its loader reads none.
    if (saver) await saver.save(sess, variablesPath, { writeMetaGraph: false, writeState: false });
    this.tagAndAdd(this.exportMetaGraph(g, saver, opts), tags, sigs);
    this.hasSavedVariables = true;
    this.graph = g;
  }

  /**
   * `add_meta_graph(tags, signature_def_map=None, assets_collection=None, legacy_init_op=None,
   * clear_devices=False, main_op=None, strip_default_attrs=False, saver=None)`: another
   * MetaGraphDef over the variables already saved.
   */
  addMetaGraph(tags: readonly string[], opts: AddMetaGraphOptions = {}): void {
    checkOptions(opts, 'add_meta_graph');
    if (!this.hasSavedVariables) {
      throw new AssertionError('Graph state including variables and assets has not been saved yet. Please invoke `add_meta_graph_and_variables()` first.');
    }
    const sigs = opts.signatureDefMap ?? {};
    validateSignatureDefMap(sigs);
    const g = opts.saver?.graph ?? getDefaultGraph();
    this.addCollections(g, opts.assetsCollection ?? null, opts.mainOp ?? opts.legacyInitOp ?? null);
    const saver = this.maybeCreateSaver(g, opts.saver ?? null);
    this.tagAndAdd(this.exportMetaGraph(g, saver, opts), tags, sigs);
  }

  /** `save(as_text=False)`: writes `saved_model.pb` (or `.pbtxt`) and returns its path. */
  save(asText: boolean | { asText?: boolean } = false): string {
    const text = typeof asText === 'object' ? asText.asText ?? false : asText;
    let path: string;
    const msg = this.savedModel as unknown as Record<string, unknown>;
    if (text) {
      path = nodePath.join(this.exportDir, SAVED_MODEL_FILENAME_PBTXT);
      nodeFs.writeFileSync(path, toText(SavedModelT, msg));
    } else {
      path = nodePath.join(this.exportDir, SAVED_MODEL_FILENAME_PB);
      nodeFs.writeFileSync(path, encode(SavedModelT, msg));
    }
    info('SavedModel written to: %s', path);
    return path;
  }

  private addCollections(g: Graph, assets: readonly Tensor[] | null, mainOp: Operation | null): void {
    this.saveAndWriteAssets(g, assets);
    if (mainOp !== null) {
      if (!(mainOp instanceof Operation)) throw new TypeError(`main_op needs to be an Operation: ${String(mainOp)}`);
      for (const key of [MAIN_OP_KEY, LEGACY_INIT_OP_KEY]) {
        if (g.getCollection(key).length > 0) throw new ValueError(`Graph already contains one or more main ops under the collection ${key}.`);
      }
      g.addToCollection(MAIN_OP_KEY, mainOp);
    }
  }

  private saveAndWriteAssets(g: Graph, assets: readonly Tensor[] | null): void {
    if (assets === null) {
      info('No assets to save.');
      return;
    }
    const map = new Map<string, string>();
    for (const t of assets) {
      const src = assetPathFromTensor(t);
      if (!src) throw new ValueError(`Invalid asset filepath tensor ${String(t)}`);
      const name = assetFilenameToAdd(src, map);
      g.addToCollection(ASSETS_KEY, new AssetFileDefItem(name, t.name));
      map.set(name, src);
    }
    if (map.size === 0) {
      info('No assets to write.');
      return;
    }
    const dir = nodePath.join(this.exportDir, ASSETS_DIRECTORY);
    nodeFs.mkdirSync(dir, { recursive: true });
    for (const [name, src] of map) nodeFs.copyFileSync(src, nodePath.join(dir, name));
    info('Assets written to: %s', dir);
  }

  /** The given saver, or TF's default: every saveable global variable, sharded, V2, allowed empty. */
  private maybeCreateSaver(g: Graph, saver: Saver | null): Saver | null {
    if (saver) return saver;
    const vars = globalVariables(g);
    if (vars.length === 0) return null;
    return new Saver(vars, { sharded: true, allowEmpty: true });
  }

  private exportMetaGraph(g: Graph, saver: Saver | null, opts: AddMetaGraphOptions): MetaGraphDef {
    const mg = buildMetaGraphDef({ graph: g, clearDevices: opts.clearDevices ?? false, stripDefaultAttrs: opts.stripDefaultAttrs ?? false, ...(saver ? { saverDef: saver.saverDef } : {}) });
    const assets = g.getCollection(ASSETS_KEY).filter((x): x is AssetFileDefItem => x instanceof AssetFileDefItem);
    if (assets.length > 0) {
      mg.collectionDef[ASSETS_KEY] = {
        anyList: { value: assets.map((a) => ({ typeUrl: ASSET_TYPE_URL, value: encode(AssetFileDefT, a.toProto() as unknown as Record<string, unknown>) })) },
      };
    }
    return mg;
  }

  private tagAndAdd(mg: MetaGraphDef, tags: readonly string[], sigs: Readonly<Record<string, SignatureDef>>): void {
    mg.metaInfoDef!.tags = [...mg.metaInfoDef!.tags, ...tags];
    for (const [k, v] of Object.entries(sigs)) mg.signatureDef[k] = v;
    this.savedModel.metaGraphs.push(mg);
  }
}

/**
 * `tf.saved_model.simple_save(session, export_dir, inputs, outputs, legacy_init_op=None)`: a
 * SavedModel tagged `serve` whose `serving_default` signature predicts `outputs` from `inputs`,
 * with the graph's asset files and devices cleared.
 */
export async function simpleSave(
  session: Session, exportDir: string, inputs: Readonly<Record<string, Tensor>>, outputs: Readonly<Record<string, Tensor>>,
  legacyInitOp?: Operation | null | { legacyInitOp?: Operation | null },
): Promise<void> {
  const init = legacyInitOp instanceof Operation || legacyInitOp === null || legacyInitOp === undefined ? legacyInitOp ?? null : legacyInitOp.legacyInitOp ?? null;
  const signatureDefMap = { [signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY]: predictSignatureDef(inputs, outputs) };
  const b = new SavedModelBuilder(exportDir);
  await b.addMetaGraphAndVariables(session, [tagConstants.SERVING], {
    signatureDefMap,
    assetsCollection: session.graph.getCollection(GraphKeys.ASSET_FILEPATHS) as Tensor[],
    mainOp: init,
    clearDevices: true,
  });
  b.save();
}
