/**
 * `tf.saved_model.loader.load(sess, tags, export_dir, import_scope=None)` for TF1 SavedModels
 * (TF 1.15's saved_model/loader_impl.py): the MetaGraphDef whose tags match is imported into the
 * session's graph with its collections, every variable of it the checkpoint
 * `export_dir/variables/variables` holds is restored from it by name, and the main op (or
 * legacy init op) runs with each asset tensor fed the path of its file under `assets/`.
 */
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { ioError } from '../checkpoint/io.js';
import { DataLossError, IOError, RuntimeError } from '../errors.js';
import { loadCheckpoint } from '../checkpoint/index.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { StringArray } from '../string-array.js';
import { makeOp } from '../ops/registry.js';
import { decode, fromText } from '../proto/codec.js';
import {
  type AssetFileDef, AssetFileDefT, type MetaGraphDef, type SavedModel, SavedModelT, type VariableDef, VariableDefT,
} from '../proto/meta-graph.js';
import type { Session } from '../session/session.js';
import { importInto } from '../graphdef/import.js';
import { info } from '../train/tf-logging.js';
import { importMetaGraphDef } from './meta-graph.js';

const PB = 'saved_model.pb';
const PBTXT = 'saved_model.pbtxt';
const LEGACY_INIT_OP_KEY = 'legacy_init_op';
const MAIN_OP_KEY = 'saved_model_main_op';
const ASSETS_KEY = 'saved_model_assets';

/** `parse_saved_model(export_dir)`: the binary proto, else the text one. */
export function parseSavedModel(exportDir: string): SavedModel {
  const pb = nodePath.join(exportDir, PB);
  const txt = nodePath.join(exportDir, PBTXT);
  // as TF's parse_saved_model: a file that does not parse is "Cannot parse file <path>: <why>."
  const parse = <T>(file: string, how: (bytes: Uint8Array) => T): T => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(nodeFs.readFileSync(file));
    } catch (e) {
      throw ioError(e, file);
    }
    try {
      return how(bytes);
    } catch (e) {
      throw new DataLossError(`Cannot parse file ${file}: ${(e as Error).message}.`);
    }
  };
  if (nodeFs.existsSync(pb)) return parse(pb, (b) => decode<SavedModel>(SavedModelT, b));
  if (nodeFs.existsSync(txt)) return parse(txt, (b) => fromText<SavedModel>(SavedModelT, new TextDecoder().decode(b)));
  throw new IOError(`SavedModel file does not exist at: ${exportDir}/{${PBTXT}|${PB}}`);
}

/** `tf.saved_model.loader.maybe_saved_model_directory(export_dir)`: holds saved_model.pb or .pbtxt. */
export function maybeSavedModelDirectory(exportDir: string): boolean {
  return nodeFs.existsSync(nodePath.join(exportDir, PBTXT)) || nodeFs.existsSync(nodePath.join(exportDir, PB));
}

const scoped = (scope: string, name: string) => (scope ? `${scope}/${name}` : name);

/** `get_asset_tensors`: asset tensor name → the path of its file in the export's assets dir. */
function assetFileDefs(mg: MetaGraphDef): AssetFileDef[] {
  if (mg.assetFileDef.length > 0) return mg.assetFileDef;
  return (mg.collectionDef[ASSETS_KEY]?.anyList?.value ?? []).map((a) => decode<AssetFileDef>(AssetFileDefT, a.value));
}

const INIT_OP_SIGNATURE_KEY = '__saved_model_init_op';

/**
 * TF's `get_init_op`: the init op signature's output (what TF 2's builder writes), else the main
 * op, else the legacy init op the MetaGraph's collections name; null when there is none.
 */
function initOpName(mg: MetaGraphDef): string | null {
  const sig = mg.signatureDef[INIT_OP_SIGNATURE_KEY];
  if (sig) {
    const out = sig.outputs[INIT_OP_SIGNATURE_KEY];
    if (!out || out.name === undefined) throw new RuntimeError(`Key ${INIT_OP_SIGNATURE_KEY} not found in signature def.`);
    return out.name;
  }
  for (const key of [MAIN_OP_KEY, LEGACY_INIT_OP_KEY]) {
    const c = mg.collectionDef[key];
    if (!c) continue;
    const list = c.nodeList?.value ?? [];
    if (list.length !== 1) throw new RuntimeError(`Expected exactly one SavedModel init op. Found: [${list.map((n) => `'${n}'`).join(', ')}]`);
    return list[0]!;
  }
  return null;
}

/** Whether the MetaGraph's variable collections are all of ref variables (tsflow rebuilds those). */
function collectionsImportable(mg: MetaGraphDef): boolean {
  for (const c of Object.values(mg.collectionDef)) {
    for (const b of c.bytesList?.value ?? []) {
      try {
        const d = decode<VariableDef>(VariableDefT, b);
        if (d.isResource) return false;
      } catch {
        // not a VariableDef
      }
    }
  }
  return true;
}

export interface LoadOptions {
  /** Name scope the MetaGraph's ops are imported under (TF's `import_scope`). */
  importScope?: string | null;
}

/** Returns the loaded MetaGraphDef (its `signatureDef` names the inputs and outputs). */
export async function load(sess: Session, tags: readonly string[], exportDir: string, importScope?: string | null | LoadOptions): Promise<MetaGraphDef> {
  const scope = (typeof importScope === 'object' && importScope !== null ? importScope.importScope : importScope) ?? '';
  const sm = parseSavedModel(exportDir);
  const want = [...tags].sort().join(',');
  const mg = sm.metaGraphs.find((m) => [...(m.metaInfoDef?.tags ?? [])].sort().join(',') === want);
  if (!mg) {
    const avail = sm.metaGraphs.map((m) => `[${(m.metaInfoDef?.tags ?? []).join(', ')}]`).join(', ');
    throw new RuntimeError(`MetaGraphDef associated with tags ${tags.map((t) => `'${t}'`).join(', ')} could not be found in SavedModel. To inspect available tag-sets in the SavedModel, please use the SavedModel CLI: \`saved_model_cli\`\navailable_tags: ${avail}`);
  }
  const g = sess.graph;
  let ops: Operation[];
  if (collectionsImportable(mg)) {
    const before = new Set(g.getOperations());
    g.asDefault(() => importMetaGraphDef(mg, { importScope: scope }));
    ops = g.getOperations().filter((o) => !before.has(o));
  } else {
    ops = [...importInto(g, mg.graphDef ?? { node: [] }, { name: scope }).ops.values()];
  }
  let vars = ops.filter((o) => o.type === 'VariableV2');
  const varPath = nodePath.join(exportDir, 'variables', 'variables');
  // TF's import_meta_graph makes no Saver for a MetaGraph without a SaverDef or variables to save.
  if (vars.length === 0 || (!mg.saverDef && !nodeFs.existsSync(`${varPath}.index`))) {
    info('The specified SavedModel has no variables; no checkpoints were restored.');
  } else {
    const reader = loadCheckpoint(varPath);
    // Variables outside the Saver (asset filenames and the like) stay uninitialized, as TF leaves
    // them to the SavedModel's init op.
    const key = (v: Operation) => (scope && v.name.startsWith(`${scope}/`) ? v.name.slice(scope.length + 1) : v.name);
    vars = vars.filter((v) => reader.hasTensor(key(v)));
    const assigns: Operation[] = g.nameScope('saved_model_restore', () =>
      vars.map((v) => {
        const value = reader.getValue(key(v));
        if (!(value instanceof NDArray)) throw new RuntimeError(`variable ${v.name} in the SavedModel holds strings, which tsflow variables cannot`);
        const c = makeOp(g, 'Const', [], { value }, undefined, 'Const').outputs[0]!;
        return makeOp(g, 'Assign', [v.outputs[0]!, c], {}, undefined, 'Assign');
      }),
    );
    await sess.run(assigns);
  }
  const init = initOpName(mg);
  if (init !== null) {
    const feeds = new Map<Tensor, NDArray>();
    for (const a of assetFileDefs(mg)) {
      const t = g.getTensorByName(scoped(scope, a.tensorInfo?.name ?? ''));
      const path = nodePath.join(exportDir, 'assets', a.filename);
      feeds.set(t, new NDArray(StringArray.fromValues([path]) as never, [], 'string'));
    }
    // a signature names a tensor (`op:0`), a collection an op
    const el = g.asGraphElement(scoped(scope, init), true, true);
    await sess.run(el as Operation, feeds);
  }
  return mg;
}
