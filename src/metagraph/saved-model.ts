/**
 * `tf.saved_model.loader.load(sess, tags, export_dir)` for TF1 SavedModels: the MetaGraphDef
 * whose tags match is imported into the session's graph (no prefix), and every variable of it
 * the checkpoint `export_dir/variables/variables` holds is restored from it by name.
 */
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { RuntimeError } from '../errors.js';
import { loadCheckpoint } from '../checkpoint/index.js';
import type { Operation } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { makeOp } from '../ops/registry.js';
import { decode } from '../proto/codec.js';
import { type MetaGraphDef, type SavedModel, SavedModelT } from '../proto/meta-graph.js';
import type { Session } from '../session/session.js';
import { importInto } from '../graphdef/import.js';

function readSavedModel(exportDir: string): SavedModel {
  return decode<SavedModel>(SavedModelT, new Uint8Array(nodeFs.readFileSync(nodePath.join(exportDir, 'saved_model.pb'))));
}

/** Returns the loaded MetaGraphDef (its `signatureDef` names the inputs and outputs). */
export async function load(sess: Session, tags: string[], exportDir: string): Promise<MetaGraphDef> {
  const sm = readSavedModel(exportDir);
  const want = [...tags].sort().join(',');
  const mg = sm.metaGraphs.find((m) => [...(m.metaInfoDef?.tags ?? [])].sort().join(',') === want);
  if (!mg) {
    const avail = sm.metaGraphs.map((m) => `[${(m.metaInfoDef?.tags ?? []).join(', ')}]`).join(', ');
    throw new RuntimeError(`MetaGraphDef associated with tags ${tags.map((t) => `'${t}'`).join(', ')} could not be found in SavedModel. To inspect available tag-sets in the SavedModel, please use the SavedModel CLI: \`saved_model_cli\`\navailable_tags: ${avail}`);
  }
  const g = sess.graph;
  const { ops } = importInto(g, mg.graphDef ?? { node: [] }, { name: '' });
  let vars = [...ops.values()].filter((o) => o.type === 'VariableV2');
  if (vars.length === 0) return mg;
  const reader = loadCheckpoint(nodePath.join(exportDir, 'variables', 'variables'));
  // Variables outside the Saver (asset filenames and the like) stay uninitialized, as TF leaves
  // them to the SavedModel's init op.
  vars = vars.filter((v) => reader.hasTensor(v.name));
  const assigns: Operation[] = g.nameScope('saved_model_restore', () =>
    vars.map((v) => {
      const value = reader.getValue(v.name);
      if (!(value instanceof NDArray)) throw new RuntimeError(`variable ${v.name} in the SavedModel holds strings, which tsflow variables cannot`);
      const c = makeOp(g, 'Const', [], { value }, undefined, 'Const').outputs[0]!;
      return makeOp(g, 'Assign', [v.outputs[0]!, c], {}, undefined, 'Assign');
    }),
  );
  await sess.run(assigns);
  return mg;
}
