/**
 * `tf.train.init_from_checkpoint(ckpt_dir_or_file, assignment_map)` (also
 * `tf.contrib.framework.init_from_checkpoint`) as TF 1.15's checkpoint_utils: each mapped
 * variable's initializer becomes an assignment from a `RestoreV2` op reading the checkpoint, so
 * running the usual initializer loads it. Mappings: `'ckpt/name': variable or 'var/name'`,
 * `'ckpt_scope/': 'scope/'` (every getVariable variable under the scope) and `'/': '/'` (all of
 * them). Also `tf.train.getCheckpointMtimes` and the TF1 spelling `tf.train.NewCheckpointReader`.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { makeOp } from '../ops/registry.js';
import { Variable } from '../ops/variables.js';
import { fs } from '../platform/node-builtins.js';
import { storedVariables } from '../scope/get-variable.js';
import { compatible, pyShape } from '../shape.js';
import { loadCheckpoint, newCheckpointReader, resolveCheckpoint } from '../checkpoint/reader.js';
import { globFiles } from '../io/readers.js';

const str = (v: string): NDArray => NDArray.fromStrings([v], []);
const strs = (v: string[]): NDArray => NDArray.fromStrings(v, [v.length]);

/** Python's repr of the reader's name → shape map, as TF's error prints it. */
function pyMap(m: Map<string, number[]>): string {
  return `{${[...m].map(([k, s]) => `'${k}': [${s.join(', ')}]`).join(', ')}}`;
}

/** TF's `_set_checkpoint_initializer`: the variable is initialized from a RestoreV2 of the file. */
function setCheckpointInitializer(v: Variable, ckptFile: string, tensorName: string): void {
  const g = v.graph;
  // RestoreV2 reads files on the host, whatever the variable's device.
  g.controlDependencies(null, () => {
    const constant = (value: NDArray, name: string): Tensor => makeOp(g, 'Const', [], { value }, name, 'Const').outputs[0]!;
    const restore = g.nameScope('checkpoint_initializer', (scope) =>
      makeOp(g, 'RestoreV2', [constant(str(ckptFile), 'prefix'), constant(strs([tensorName]), 'tensor_names'), constant(strs(['']), 'shape_and_slices')], { dtypes: [v.dtype] }, scope, 'RestoreV2').outputs[0]!,
    );
    // TF: restore_op.set_shape(variable.shape)
    (restore as { shape: Tensor['shape'] }).shape = [...v.shape];
    const init = makeOp(g, 'Assign', [v.ref, restore], {}, undefined, 'Assign');
    Object.defineProperty(v, 'initializer', { value: init, configurable: true });
    Object.defineProperty(v, 'initialValue', { value: restore, configurable: true });
  });
}

type Target = Variable | string;

/**
 * `tf.train.initFromCheckpoint(ckptDirOrFile, assignmentMap)`: `assignmentMap` maps checkpoint
 * names (or scopes ending in '/') to variables, variable names, or scopes. Raises TF's
 * ValueErrors for a tensor the checkpoint lacks and a shape that differs.
 */
export function initFromCheckpoint(ckptDirOrFile: string, assignmentMap: Record<string, Target> | Map<string, Target>): void {
  if (typeof ckptDirOrFile !== 'string') throw new TypeError(`initFromCheckpoint: ckptDirOrFile must be a string, got ${String(ckptDirOrFile)}`);
  const ckptFile = resolveCheckpoint(ckptDirOrFile);
  const reader = loadCheckpoint(ckptDirOrFile);
  const variableMap = reader.getVariableToShapeMap();
  const storeVars = storedVariables(getDefaultGraph());
  const entries = [...(assignmentMap instanceof Map ? assignmentMap : Object.entries(assignmentMap))].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [tensorNameInCkpt, current] of entries) {
    const v = current instanceof Variable ? current : storeVars.get(current) ?? null;
    if (v !== null) {
      const shape = variableMap.get(tensorNameInCkpt);
      if (shape === undefined) throw new ValueError(`Tensor ${tensorNameInCkpt} is not found in ${ckptDirOrFile} checkpoint ${pyMap(variableMap)}`);
      if (!compatible(v.shape, shape)) {
        throw new ValueError(`Shape of variable ${v.name} (${pyShape(v.shape)}) doesn't match with shape of tensor ${tensorNameInCkpt} ([${shape.join(', ')}]) from checkpoint reader.`);
      }
      setCheckpointInitializer(v, ckptFile, tensorNameInCkpt);
      continue;
    }
    if (typeof current !== 'string') throw new TypeError(`initFromCheckpoint: assignment_map values must be variables or names, got ${String(current)}`);
    const scopes = current.includes('/') ? current.slice(0, current.lastIndexOf('/')) : '';
    if (!tensorNameInCkpt.endsWith('/')) {
      throw new ValueError(`Assignment map with scope only name ${scopes} should map to scope only ${tensorNameInCkpt}. Should be 'scope/': 'other_scope/'.`);
    }
    const scopeVariables = [...storeVars.keys()].filter((n) => !scopes || n.startsWith(`${scopes}/`)).sort();
    for (const varName of scopeVariables) {
      let full = varName.slice(scopes.length);
      if (current !== '/') full = full.slice(1);
      if (tensorNameInCkpt !== '/') full = tensorNameInCkpt + full;
      if (full.endsWith('/')) full = full.slice(0, -1);
      if (!variableMap.has(full)) {
        throw new ValueError(`Tensor ${full} (${varName.slice(scopes.length + 1)} in ${tensorNameInCkpt}) is not found in ${ckptDirOrFile} checkpoint`);
      }
      const sv = storeVars.get(varName)!;
      const shape = variableMap.get(full)!;
      if (!compatible(sv.shape, shape)) {
        throw new ValueError(`Shape of variable ${sv.name} (${pyShape(sv.shape)}) doesn't match with shape of tensor ${full} ([${shape.join(', ')}]) from checkpoint reader.`);
      }
      setCheckpointInitializer(sv, ckptFile, full);
    }
  }
}

/**
 * `tf.train.get_checkpoint_mtimes(checkpoint_prefixes)`: each checkpoint's modification time in
 * seconds (its `.index` file, or the V1 file itself); prefixes with no file are skipped.
 */
export function getCheckpointMtimes(checkpointPrefixes: string[]): number[] {
  const out: number[] = [];
  for (const p of checkpointPrefixes) {
    const found = globFiles(`${p}.index`)[0] ?? globFiles(p)[0];
    if (found !== undefined) out.push(fs.statSync(found).mtimeMs / 1e3);
  }
  return out;
}

/** TF1's spelling `tf.train.NewCheckpointReader(filepattern)`. */
export const NewCheckpointReader = newCheckpointReader;
