/**
 * `tf.train.Saver`: saves variables of a session to TF V2 checkpoints (`.index` +
 * `.data-00000-of-00001`, readable by TensorFlow) and restores them, keeps the newest
 * `maxToKeep` checkpoints, and maintains the `checkpoint` state file next to them.
 *
 * Each save also writes `<prefix>.meta`, the MetaGraphDef of the graph (see
 * `tf.train.importMetaGraph`), unless `writeMetaGraph` is false.
 *
 * Differences from TF1: no graph ops are added (saving and restoring go straight through the
 * session's variable store, so the SaverDef in a `.meta` names no save/restore tensors), and
 * only V2 checkpoints are read and written.
 */
import { crypto as nodeCrypto, fsp } from '../platform/node-builtins.js';
import { emitWarning } from '../platform/system.js';
import { tfName } from '../dtype.js';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, OpError, UnavailableError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Graph } from '../graph/graph.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { Variable, assign, globalVariables } from '../ops/variables.js';
import { PartitionedVariable, type SaveSliceInfo } from '../scope/partitioned-variable.js';
import { constant, group, identity } from '../ops/core.js';
import { makeOp } from '../ops/registry.js';
import { controlDependencies, nameScope } from '../graph/context.js';
import '../checkpoint/graph-ops.js';
import { Session } from '../session/session.js';
import { cShape, shapesEqual, sizeOf } from '../shape.js';
import {
  type BundleTensor,
  type StagedBundle,
  BundleReader,
  DEFAULT_STATE_FILENAME,
  checkpointExists,
  getCheckpointState,
  isNumericBundleDType,
  encodeBundle,
  metaFilename,
  proto,
  removeCheckpoint,
  removeStaleTempFiles,
  stageBundle,
  updateCheckpointState,
} from '../checkpoint/index.js';
import { commitCheckpoint } from '../checkpoint/commit.js';
import { ioError, registerTemp, releaseTemp, removeTempFiles, saveStep } from '../checkpoint/io.js';
import { exportMetaGraph, serializeMetaGraphDef } from '../metagraph/meta-graph.js';
import type { MetaGraphDef, SaverDef } from '../proto/meta-graph.js';
import { removeStaleStateTemps } from '../checkpoint/state.js';
import { saveOptions, saverOptions } from '../schemas.js';
import { parseOptions } from '../validate.js';
import { isOptionsObject, kwargs } from '../args.js';

/** Variables to save: a list (each keyed by `v.op.name`) or checkpoint key → variable. */
export type SaverVarList =
  | readonly (Variable | PartitionedVariable)[]
  | Readonly<Record<string, Variable | PartitionedVariable | readonly Variable[]>>
  | ReadonlyMap<string, Variable | PartitionedVariable | readonly Variable[]>;

export interface SaverOptions {
  /**
   * How many recent checkpoints to keep (default 5). Older ones are deleted as new ones are
   * saved. `0` or `null` keeps every checkpoint, and the state file then lists only the latest.
   */
  maxToKeep?: number | null;
  /** Additionally keep one checkpoint per this many hours of training (default 10000). */
  keepCheckpointEveryNHours?: number;
  /** Allow a saver with no variables; its save and restore do nothing (default false). */
  allowEmpty?: boolean;
  /** Zero-pad the step in checkpoint names to 8 digits (`model.ckpt-00001000`). */
  padStepNumber?: boolean;
  /** Store paths relative to the checkpoint directory in the state file, even absolute ones. */
  saveRelativePaths?: boolean;
  /** Restore a checkpoint tensor into a variable of another shape with the same element count. */
  reshape?: boolean;
  /** One shard per device in TF; one process writes the same single-shard bundle either way. */
  sharded?: boolean | null;
  /** TF's name of the save ops' scope. */
  name?: string | null;
  /** TF restores one variable at a time; tsflow checks all before writing any. */
  restoreSequentially?: boolean | null;
  /** Fix the variables on `build()` instead of in the constructor. */
  deferBuild?: boolean | null;
  /** 2 (`SaverDef.V2`), the only format written. */
  writeVersion?: number | null;
  /** The default path for `restore`. */
  filename?: string | null;
  saverDef?: null;
  builder?: null;
}

export interface SaveOptions {
  /** Appended to the prefix as `-STEP`; a Variable or Tensor is evaluated with `sess.run`. */
  globalStep?: number | Variable | Tensor | null;
  /** Name of the state file (default `checkpoint`); no directories. */
  latestFilename?: string;
  /** Update the state file and the list of kept checkpoints (default true). */
  writeState?: boolean;
  /** Write `<prefix>.meta`, the graph's MetaGraphDef (default true). */
  writeMetaGraph?: boolean;
  /** The MetaGraph file's extension (default `meta`). */
  metaGraphSuffix?: string | null;
  stripDefaultAttrs?: boolean | null;
  saveDebugInfo?: boolean | null;
}

interface Saveable {
  key: string;
  variable: Variable;
  /** Set for a part of a partitioned variable: the slice of tensor `key` it is. */
  slice?: SaveSliceInfo;
}

interface KeptCheckpoint {
  path: string;
  /** Seconds since the epoch. */
  time: number;
}

const utf8 = new TextEncoder();

function compareKeys(a: string, b: string): number {
  // byte order of the UTF-8 encodings (no Buffer: this runs in browsers too)
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Python's `os.path.dirname`: `''` for a bare file name, trailing slashes dropped. */
function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head !== '' && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p === '' ? '.' : p)).isDirectory();
  } catch {
    return false;
  }
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return String(x);
  return typeof x === 'string' ? `'${x}'` : String(x);
}

/** The prefixes a state file names (none when it is missing or malformed). */
function listedCheckpoints(dir: string, latestFilename: string): Set<string> {
  let state;
  try {
    state = getCheckpointState(dir, latestFilename);
  } catch {
    return new Set();
  }
  return new Set(state === null ? [] : [state.modelCheckpointPath, ...state.allModelCheckpointPaths]);
}

/** One part of a partitioned variable, saved under its full name: `key` and `spec` as TF's SaveSliceInfo. */
function sliceSaveable(key: string, v: Variable): Saveable {
  const info = v.saveSliceInfo;
  if (!info) throw new ValueError(`Slices must all be slices: ${v.name}`);
  return { key, variable: v, slice: info };
}

/**
 * The checkpoint keys and variables, sorted by key, checked the way TF's Saver does (TF's
 * op_list_to_dict and saveable_objects_for_op): a partitioned variable, or a part of one in a
 * list, is saved as slices of one tensor under its full name.
 */
function buildSaveables(varList: SaverVarList): Saveable[] {
  let items: Saveable[];
  if (Array.isArray(varList)) {
    const byName = new Map<string, Saveable[] | Saveable>();
    for (const v of varList as readonly unknown[]) {
      if (v instanceof PartitionedVariable) {
        if (byName.has(v.name)) throw new ValueError(`At least two variables have the same name: ${v.name}`);
        byName.set(v.name, [...v].map((part) => sliceSaveable(v.name, part)));
        continue;
      }
      if (!(v instanceof Variable)) throw new TypeError(`Variable to save is not a Variable: ${describe(v)}`);
      if (v.saveSliceInfo) {
        const name = v.saveSliceInfo.fullName;
        const got = byName.get(name);
        if (got !== undefined && !Array.isArray(got)) throw new ValueError(`Mixing slices and non-slices with the same name: ${name}`);
        if (got === undefined) byName.set(name, [sliceSaveable(name, v)]);
        else got.push(sliceSaveable(name, v));
        continue;
      }
      const name = v.op.name;
      if (byName.has(name)) {
        throw new ValueError(Array.isArray(byName.get(name)) ? `Mixing slices and non-slices with the same name: ${name}` : `At least two variables have the same name: ${name}`);
      }
      byName.set(name, { key: name, variable: v });
    }
    items = [...byName.values()].flat();
  } else if (typeof varList === 'object' && varList !== null && !(varList instanceof Variable)) {
    const entries = varList instanceof Map ? [...(varList as Map<unknown, unknown>)] : Object.entries(varList);
    items = entries.flatMap(([key, v]): Saveable[] => {
      if (typeof key !== 'string') throw new TypeError(`Checkpoint keys must be strings, got ${describe(key)}`);
      if (v instanceof PartitionedVariable || Array.isArray(v)) {
        // A set of slices, all of one tensor.
        const parts = [...(v as Iterable<unknown>)];
        let full: string | null = null;
        return parts.map((part) => {
          if (!(part instanceof Variable)) throw new ValueError(`Slices must all be Variables: ${describe(part)}`);
          const s = sliceSaveable(key, part);
          if (full === null) full = s.slice!.fullName;
          else if (full !== s.slice!.fullName) throw new ValueError(`Slices must all be from the same tensor: ${full} != ${s.slice!.fullName}`);
          return s;
        });
      }
      if (!(v instanceof Variable)) {
        throw new TypeError(`Variable to save is not a Variable: ${describe(v)} (checkpoint key ${key})`);
      }
      return [{ key, variable: v }];
    });
  } else {
    throw new TypeError(`Variables to save should be passed in a dict or a list: ${describe(varList)}`);
  }
  // Stable: the slices of one key keep their order.
  items.sort((a, b) => compareKeys(a.key, b.key));
  const seen = new Set<Variable>();
  let graph: Graph | null = null;
  for (const s of items) {
    if (s.key === '') throw new ValueError('Checkpoint keys must be non-empty strings');
    if (seen.has(s.variable)) throw new ValueError(`The same saveable will be restored with two names: ${s.key}`);
    seen.add(s.variable);
    graph ??= s.variable.graph;
    if (s.variable.graph !== graph) {
      throw new ValueError(`Variable ${s.variable.name} is not from the same graph as the other variables to save`);
    }
  }
  return items;
}

/** TF's `_wrap_restore_error_with_msg`, keeping the error's class and node. */
function wrapRestoreError(err: OpError, what: string): OpError {
  const msg =
    `Restoring from checkpoint failed. This is most likely due to ${what} from the checkpoint. ` +
    `Please ensure that you have not altered the graph expected based on the checkpoint. ` +
    `Original error:\n\n${err.message}`;
  const Ctor = err.constructor as new (message: string, op: string | null) => OpError;
  const wrapped = new Ctor(msg, err.op);
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}

/**
 * `tf.train.Saver(varList?, opts?)`.
 *
 * Like TF, the variables are fixed when the saver is created: without `varList` it takes the
 * global variables of the default graph as they are at that moment, so create the saver after
 * the model and its optimizer (whose slots and step counter are global variables too).
 */
const SAVER_NAMES = [
  'varList', 'reshape', 'sharded', 'maxToKeep', 'keepCheckpointEveryNHours', 'name', 'restoreSequentially', 'saverDef', 'builder',
  'deferBuild', 'allowEmpty', 'writeVersion', 'padStepNumber', 'saveRelativePaths', 'filename',
] as const;
const SAVE_NAMES = [
  'sess', 'savePath', 'globalStep', 'latestFilename', 'metaGraphSuffix', 'writeMetaGraph', 'writeState', 'stripDefaultAttrs', 'saveDebugInfo',
] as const;

/** A plain object of checkpoint keys → variables (TF1's dict var_list), not an options object. */
function isVarDict(x: unknown): boolean {
  return isOptionsObject(x) && Object.values(x).some((v) => v instanceof Variable || v instanceof Tensor || v instanceof PartitionedVariable || (Array.isArray(v) && v[0] instanceof Variable));
}

/** The names of a saver's graph ops, as a SaverDef gives them. */
export interface SaverGraphNames {
  filename: string;
  save: string;
  restore: string;
}

/**
 * TF1's save/restore subgraph under `scope` (`save/Const` the filename, `save/SaveV2`,
 * `save/control_dependency`, `save/RestoreV2`, `save/Assign…`, `save/restore_all`), so the
 * SaverDef names tensors that TF's import_meta_graph and `sess.run('save/restore_all', …)` use.
 * tsflow's own save/restore write and read the bundle directly (atomically, with the state file).
 */
function buildSaveRestoreOps(g: Graph, saveables: readonly Saveable[], scope: string): SaverGraphNames {
  return g.asDefault(() =>
    nameScope(scope, () => {
      const filename = constant(NDArray.fromStrings(['model'], []), undefined, undefined, 'Const');
      const strs = (v: string[], name: string) => constant(NDArray.fromStrings(v), undefined, undefined, name);
      const keys = saveables.map((x) => x.key);
      const blanks = saveables.map((x) => x.slice?.spec ?? '');
      const dtypes = saveables.map((x) => x.variable.dtype);
      const save = nameScope('SaveV2', (sc) =>
        makeOp(g, 'SaveV2', [filename, strs(keys, 'tensor_names'), strs(blanks, 'shape_and_slices'), ...saveables.map((x) => x.variable.ref)], { dtypes }, sc, 'SaveV2'));
      const saved = controlDependencies([save], () => identity(filename, 'control_dependency'));
      const restored = nameScope('RestoreV2', (sc) =>
        makeOp(g, 'RestoreV2', [filename, strs(keys, 'tensor_names'), strs(blanks, 'shape_and_slices')], { dtypes }, sc, 'RestoreV2'));
      const assigns = saveables.map((x, i) => assign(x.variable, restored.outputs[i]!, null, null, 'Assign'));
      const restore = group(...assigns, { name: 'restore_all' });
      return { filename: filename.name, save: saved.name, restore: restore.name };
    }),
  );
}

export class Saver {
  private saveables: Saveable[] = [];
  /** The graph ops the SaverDef names (null until built; imported ones for importMetaGraph). */
  private graphNames: SaverGraphNames | null = null;
  readonly maxToKeep: number;
  readonly keepCheckpointEveryNHours: number;
  readonly padStepNumber: boolean;
  readonly saveRelativePaths: boolean;
  readonly reshape: boolean;
  readonly sharded: boolean;
  /** TF's name of the save ops' scope (tsflow adds no save ops). */
  readonly name: string | null;
  /** The default checkpoint path (TF1's `filename`), used by `restore` when given none. */
  readonly filename: string | null;
  private builtGraph: Graph | null = null;
  private built = false;
  private readonly pendingVarList: SaverVarList | null;
  private readonly allowEmpty: boolean;
  private last: KeptCheckpoint[] = [];
  private nextKeepTime: number;

  /**
   * `tf.train.Saver(var_list=None, reshape=False, sharded=False, max_to_keep=5,
   * keep_checkpoint_every_n_hours=10000.0, name=None, restore_sequentially=False,
   * saver_def=None, builder=None, defer_build=False, allow_empty=False, write_version=V2,
   * pad_step_number=False, save_relative_paths=False, filename=None)`; a trailing object holds
   * any of them by keyword. A plain object whose values are variables is the dict var_list.
   */
  constructor(varList?: SaverVarList | null, opts?: SaverOptions);
  constructor(opts: SaverOptions & { varList?: SaverVarList | null });
  constructor(
    varList?: SaverVarList | null, reshape?: boolean | null, sharded?: boolean | null, maxToKeep?: number | null, keepCheckpointEveryNHours?: number | null,
    name?: string | null, restoreSequentially?: boolean | null, saverDef?: null, builder?: null, deferBuild?: boolean | null, allowEmpty?: boolean | null,
    writeVersion?: number | null, padStepNumber?: boolean | null, saveRelativePaths?: boolean | null, filename?: string | null,
  );
  constructor(...args: unknown[]) {
    if (args.length === 1 && isVarDict(args[0])) args = [args[0], {}];
    const a = kwargs(args, SAVER_NAMES, 'Saver');
    const varList = a.varList as SaverVarList | null | undefined;
    const opts: SaverOptions = {};
    for (const k of ['maxToKeep', 'keepCheckpointEveryNHours', 'allowEmpty', 'padStepNumber', 'saveRelativePaths', 'reshape'] as const) {
      if (a[k] !== undefined && (a[k] !== null || k === 'maxToKeep')) (opts as Record<string, unknown>)[k] = a[k];
    }
    parseOptions(saverOptions, opts, 'Saver');
    for (const k of ['sharded', 'restoreSequentially', 'deferBuild'] as const) {
      if (a[k] !== undefined && a[k] !== null && typeof a[k] !== 'boolean') throw new TypeError(`Invalid Saver option ${k}: expected a boolean, got ${describe(a[k])}`);
    }
    for (const k of ['name', 'filename'] as const) {
      if (a[k] !== undefined && a[k] !== null && typeof a[k] !== 'string') throw new TypeError(`Invalid Saver option ${k}: expected a string, got ${describe(a[k])}`);
    }
    if (a.saverDef !== undefined && a.saverDef !== null) throw new ValueError('Saver(): building from a saver_def is not supported; import the graph with tf.train.importMetaGraph');
    if (a.builder !== undefined && a.builder !== null) throw new ValueError('Saver(): a custom builder is not supported');
    if (a.writeVersion !== undefined && a.writeVersion !== null && a.writeVersion !== 2) {
      throw new ValueError(`Saver(): write_version ${describe(a.writeVersion)} is not supported; tsflow writes V2 checkpoints (tf.train.SaverDef.V2 = 2)`);
    }
    this.maxToKeep = opts.maxToKeep === undefined ? 5 : opts.maxToKeep ?? 0;
    this.keepCheckpointEveryNHours = opts.keepCheckpointEveryNHours ?? 10000;
    this.padStepNumber = opts.padStepNumber ?? false;
    this.saveRelativePaths = opts.saveRelativePaths ?? false;
    this.reshape = opts.reshape ?? false;
    this.sharded = (a.sharded as boolean | null | undefined) ?? false;
    this.name = (a.name as string | null | undefined) ?? null;
    this.filename = (a.filename as string | null | undefined) ?? null;
    this.allowEmpty = opts.allowEmpty ?? false;
    this.pendingVarList = varList ?? null;
    this.nextKeepTime = Date.now() / 1000 + this.keepCheckpointEveryNHours * 3600;
    if (!a.deferBuild) this.build();
  }

  /**
   * `saver.build()`: fix the variables (the default graph's global variables when no var_list
   * was given). The constructor builds unless `deferBuild`; then call it before save/restore.
   */
  build(): void {
    if (this.built) return;
    const list = this.pendingVarList ?? globalVariables(getDefaultGraph());
    const saveables = buildSaveables(list);
    if (saveables.length === 0 && !this.allowEmpty) throw new ValueError('No variables to save');
    this.saveables = saveables;
    this.builtGraph = saveables[0]?.variable.graph ?? null;
    if (this.builtGraph && !this.graphNames) this.graphNames = buildSaveRestoreOps(this.builtGraph, saveables, this.name ?? 'save');
    this.built = true;
  }

  /**
   * Take over the save/restore ops an imported MetaGraph's SaverDef names (under `scope` when
   * imported with one), instead of building new ones; call before `build()`.
   */
  adoptSaverDef(sd: SaverDef | undefined, g: Graph, scope = ''): void {
    if (!sd || !sd.filenameTensorName || !sd.saveTensorName || !sd.restoreOpName) return;
    const at = (n: string) => (scope ? `${scope}/${n}` : n);
    try {
      g.getTensorByName(at(sd.filenameTensorName));
      g.getTensorByName(at(sd.saveTensorName));
      g.getOperationByName(at(sd.restoreOpName));
    } catch {
      return;
    }
    this.graphNames = { filename: at(sd.filenameTensorName), save: at(sd.saveTensorName), restore: at(sd.restoreOpName) };
  }

  private needBuilt(what: string): void {
    if (!this.built) throw new Error(`\`build()\` should be called before ${what} if defer_build==True`);
  }

  /** The graph the variables belong to (null for an empty saver). */
  get graph(): Graph | null {
    return this.builtGraph;
  }

  /** Checkpoint key → variable, in key order. */
  get varList(): Map<string, Variable> {
    return new Map(this.saveables.map((s) => [s.key, s.variable]));
  }

  /** The kept checkpoints' prefixes, oldest first (empty when `maxToKeep` is 0). */
  get lastCheckpoints(): string[] {
    return this.last.map((c) => c.path);
  }

  /** Replace the list of kept checkpoints, e.g. to resume deleting old ones after a restart. */
  setLastCheckpoints(paths: readonly string[]): void {
    this.last = paths.map((p) => ({ path: p, time: Date.now() / 1000 }));
  }

  /** Like {@link setLastCheckpoints} with explicit times (seconds since the epoch). */
  setLastCheckpointsWithTime(items: readonly [string, number][]): void {
    this.last = items.map(([p, t]) => ({ path: p, time: t }));
  }

  /**
   * `recover_last_checkpoints`: take over checkpoints saved earlier (e.g. the state file's
   * `allModelCheckpointPaths`) so that `maxToKeep` deletes them in turn; missing ones are
   * skipped, times are the index files' modification times.
   */
  async recoverLastCheckpoints(paths: readonly string[]): Promise<void> {
    const items: [string, number][] = [];
    for (const p of paths) {
      try {
        items.push([p, (await fsp.stat(metaFilename(p))).mtimeMs / 1000]);
      } catch {
        // gone
      }
    }
    this.setLastCheckpointsWithTime(items);
  }

  private checkSession(sess: unknown): asserts sess is Session {
    if (!(sess instanceof Session)) throw new TypeError(`'sess' must be a Session; ${describe(sess)}`);
    if (this.graph !== null && sess.graph !== this.graph) {
      throw new ValueError('The Saver\'s variables are not elements of the session\'s graph.');
    }
  }

  private async stepOf(sess: Session, step: number | Variable | Tensor): Promise<number> {
    if (typeof step === 'number') {
      if (!Number.isInteger(step)) throw new TypeError(`globalStep must be an integer, got ${step}`);
      return step;
    }
    if (step instanceof Variable || step instanceof Tensor) {
      const a: NDArray = await sess.run(step instanceof Variable ? step.value() : step);
      if (a.size !== 1) throw new ValueError(`globalStep must be a scalar, got shape ${cShape(a.shape)}`);
      return Math.trunc(Number(a.data[0]));
    }
    throw new TypeError(`globalStep must be a number, a Variable or a Tensor, got ${describe(step)}`);
  }

  /**
   * Save the variables to `<savePath>` (or `<savePath>-<globalStep>`) and return that prefix
   * (null for an empty saver). Then, unless `writeState` is false, update the state file in
   * the prefix's directory and delete checkpoints beyond `maxToKeep`. The state file is only
   * written after both checkpoint files are in place; a failed save leaves an earlier
   * checkpoint under the same prefix as it was.
   */
  async save(sess: Session, savePath: string, opts?: SaveOptions): Promise<string | null>;
  async save(
    sess: Session, savePath: string, globalStep?: number | Variable | Tensor | null, latestFilename?: string | null, metaGraphSuffix?: string | null,
    writeMetaGraph?: boolean | null, writeState?: boolean | null, stripDefaultAttrs?: boolean | null, saveDebugInfo?: boolean | null,
  ): Promise<string | null>;
  async save(...args: unknown[]): Promise<string | null> {
    const a = kwargs(args, SAVE_NAMES, 'save', 2);
    const sess = a.sess as Session;
    const savePath = a.savePath as string;
    const opts: SaveOptions = {};
    for (const k of ['globalStep', 'latestFilename', 'writeMetaGraph', 'writeState'] as const) {
      if (a[k] !== undefined && (a[k] !== null || k === 'globalStep')) (opts as Record<string, unknown>)[k] = a[k];
    }
    const suffix = a.metaGraphSuffix ?? 'meta';
    if (typeof suffix !== 'string') throw new TypeError(`Invalid Saver.save option metaGraphSuffix: expected a string, got ${describe(suffix)}`);
    if (a.stripDefaultAttrs !== undefined && a.stripDefaultAttrs !== null && typeof a.stripDefaultAttrs !== 'boolean') {
      throw new TypeError(`Invalid Saver.save option stripDefaultAttrs: expected a boolean, got ${describe(a.stripDefaultAttrs)}`);
    }
    if (a.saveDebugInfo === true) throw new ValueError('Saver.save(): save_debug_info is not supported (tsflow graphs carry no stack traces)');
    this.needBuilt('save');
    const { writeMetaGraph, ...rest } = opts;
    parseOptions(saveOptions, rest, 'Saver.save');
    if (writeMetaGraph !== undefined && typeof writeMetaGraph !== 'boolean') {
      throw new TypeError(`Saver.save: writeMetaGraph must be a boolean, got ${describe(writeMetaGraph)}`);
    }
    const latestFilename = opts.latestFilename ?? DEFAULT_STATE_FILENAME;
    const writeState = opts.writeState ?? true;
    if (pyDirname(latestFilename) !== '') {
      throw new ValueError("'latest_filename' must not contain path components");
    }
    if (typeof savePath !== 'string') throw new TypeError(`save_path must be a string, got ${describe(savePath)}`);
    let checkpointFile: string;
    const gs = opts.globalStep;
    this.checkSession(sess);
    if (gs !== undefined && gs !== null) {
      const step = await this.stepOf(sess, gs);
      checkpointFile = this.padStepNumber
        ? `${savePath}-${step < 0 ? '-' + String(-step).padStart(7, '0') : String(step).padStart(8, '0')}`
        : `${savePath}-${step}`;
    } else {
      checkpointFile = savePath;
      if (pyBasename(savePath) === latestFilename) {
        throw new ValueError(`'latest_filename' collides with 'save_path': '${latestFilename}' and '${savePath}'`);
      }
    }
    if (this.saveables.length === 0) return null;

    const saveDir = pyDirname(savePath);
    const tensors: BundleTensor[] = [];
    for (const s of this.saveables) {
      if (!sess.isInitialized(s.variable)) {
        throw new FailedPreconditionError(`Attempting to use uninitialized value ${s.variable.op.name}`, 'save/SaveV2');
      }
    }
    for (const s of this.saveables) {
      const array = await sess.readVariable(s.variable);
      tensors.push(s.slice ? { name: s.key, array, slice: { fullShape: s.slice.fullShape, extents: s.slice.extents } } : { name: s.key, array });
    }

    // Temporary files of earlier saves of this path that were killed (the state file may still
    // name a backup checkpoint among them; that one stays until a new state file replaces it).
    removeStaleTempFiles(savePath, listedCheckpoints(saveDir, latestFilename));
    removeStaleStateTemps(saveDir, latestFilename);
    await saveStep('save:cleaned');

    let staged: StagedBundle;
    try {
      staged = await stageBundle(checkpointFile, tensors);
    } catch (e) {
      if ((e instanceof FailedPreconditionError || e instanceof NotFoundError) && !(await isDirectory(saveDir))) {
        throw new ValueError(`Parent directory of ${savePath} doesn't exist, can't save.`);
      }
      throw e;
    }
    const kept = this.maxToKeep > 0 ? this.last.filter((c) => c.path !== checkpointFile) : [];
    const dropped: KeptCheckpoint[] = [];
    if (this.maxToKeep > 0) {
      kept.push({ path: checkpointFile, time: Date.now() / 1000 });
      while (kept.length > this.maxToKeep) dropped.push(kept.shift()!);
    }
    // The MetaGraph is staged (written and synced) before the checkpoint commits, and renamed
    // into place after it: a save failing before the commit leaves no trace of either.
    let meta: StagedMeta | null = null;
    let mg: MetaGraphDef | null = null;
    if (writeMetaGraph ?? true) {
      try {
        mg = this.exportMetaGraph(null, { graph: sess.graph, stripDefaultAttrs: (a.stripDefaultAttrs as boolean | null | undefined) ?? false });
      } catch (e) {
        // A graph GraphDef cannot express (a reduction over all axes of unknown rank) still saves its variables.
        if (!(e instanceof ValueError)) throw e;
        emitWarning(`Saver.save: no MetaGraph written for ${checkpointFile}: ${e.message}`);
      }
    }
    if (mg) {
      try {
        meta = await stageMetaFile(`${checkpointFile}.${suffix}`, mg);
      } catch (e) {
        await staged.abort();
        throw e;
      }
    }
    try {
      await commitCheckpoint(staged, {
        stateDir: saveDir,
        latestFilename,
        writeState: writeState
          ? async () => {
              await updateCheckpointState(saveDir, checkpointFile, kept.map((c) => c.path), {
                latestFilename,
                saveRelativePaths: this.saveRelativePaths,
              });
            }
          : undefined,
      });
    } catch (e) {
      await meta?.abort();
      throw e;
    }
    if (writeState) {
      this.last = kept;
      for (const c of dropped) {
        if (c.time > this.nextKeepTime) {
          this.nextKeepTime += this.keepCheckpointEveryNHours * 3600;
          continue;
        }
        // Never delete the checkpoint just written (a prefix saved twice is only listed once).
        if (c.path !== checkpointFile) await removeCheckpoint(c.path).catch(() => undefined);
      }
    }
    if (meta) await meta.commit();
    return checkpointFile;
  }

  /** The SaverDef this saver writes into MetaGraphs (V2, its keep settings). */
  get saverDef(): SaverDef {
    return {
      filenameTensorName: this.graphNames?.filename ?? '',
      saveTensorName: this.graphNames?.save ?? '',
      restoreOpName: this.graphNames?.restore ?? '',
      maxToKeep: this.maxToKeep,
      // TF records the option (one process writes a single shard either way)
      sharded: this.sharded,
      keepCheckpointEveryNHours: this.keepCheckpointEveryNHours,
      version: 2,
    };
  }

  /** `Saver.export_meta_graph(filename?, …)`: the graph's MetaGraphDef with this saver's SaverDef. */
  exportMetaGraph(filename?: string | null, opts: { graph?: Graph; clearDevices?: boolean; asText?: boolean; collectionList?: string[]; stripDefaultAttrs?: boolean } = {}): MetaGraphDef {
    return exportMetaGraph(filename, { graph: opts.graph ?? this.graph ?? getDefaultGraph(), saverDef: this.saverDef, ...opts });
  }

  /**
   * Restore the saver's variables from the checkpoint at `savePath` (a prefix, not a
   * directory: use `latestCheckpoint(dir)`). Variables need no initialization first; those
   * not in the saver are untouched; extra checkpoint keys are ignored. Everything is checked
   * before any variable is written, so a failed restore changes nothing.
   */
  async restore(sess: Session, savePath?: string | null): Promise<void>;
  async restore(opts: { sess: Session; savePath?: string | null }): Promise<void>;
  async restore(sess: Session, opts: { savePath?: string | null }): Promise<void>;
  async restore(...args: unknown[]): Promise<void> {
    const a = kwargs(args, ['sess', 'savePath'], 'restore', 1);
    const sess = a.sess as Session;
    const savePath = (a.savePath ?? this.filename) as string | null | undefined;
    this.needBuilt('restore');
    if (this.saveables.length === 0) return;
    if (savePath === null || savePath === undefined) throw new ValueError("Can't load save_path when it is None.");
    this.checkSession(sess);
    if (!checkpointExists(savePath)) {
      throw new ValueError(`The passed save_path is not a valid checkpoint: ${savePath}`);
    }
    await this.restoreFrom(sess, await BundleReader.open(savePath));
  }

  /**
   * The checkpoint {@link save} would write, as the bytes of its two files (no file system:
   * browsers, downloads, uploads): `index` is `<prefix>.index`, `data` is
   * `<prefix>.data-00000-of-00001`, in TF's V2 format byte for byte.
   */
  async toBytes(sess: Session): Promise<{ index: Uint8Array; data: Uint8Array }> {
    this.needBuilt('save');
    this.checkSession(sess);
    for (const s of this.saveables) {
      if (!sess.isInitialized(s.variable)) {
        throw new FailedPreconditionError(`Attempting to use uninitialized value ${s.variable.op.name}`, 'save/SaveV2');
      }
    }
    const tensors: BundleTensor[] = [];
    for (const s of this.saveables) {
      const array = await sess.readVariable(s.variable);
      tensors.push(s.slice ? { name: s.key, array, slice: { fullShape: s.slice.fullShape, extents: s.slice.extents } } : { name: s.key, array });
    }
    const { index, data } = encodeBundle(tensors);
    return { index, data };
  }

  /**
   * {@link restore} from a checkpoint's bytes (as {@link toBytes} makes them, or TF's
   * `.index` / `.data-00000-of-00001` files read by other means). `data` may list the shards
   * of a sharded checkpoint in order.
   */
  async restoreFromBytes(
    sess: Session,
    bytes: { index: ArrayBuffer | Uint8Array; data: ArrayBuffer | Uint8Array | readonly (ArrayBuffer | Uint8Array)[] },
    name = 'checkpoint',
  ): Promise<void> {
    this.needBuilt('restore');
    if (this.saveables.length === 0) return;
    this.checkSession(sess);
    const u8 = (b: ArrayBuffer | Uint8Array): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));
    const shards = Array.isArray(bytes.data) ? bytes.data.map(u8) : [u8(bytes.data as ArrayBuffer | Uint8Array)];
    await this.restoreFrom(sess, BundleReader.fromBytes(name, u8(bytes.index), shards));
  }

  /**
   * {@link restore} from a checkpoint served over HTTP(S): `prefixUrl` is the prefix (the URL of
   * `<prefix>.index` less `.index`); the index is fetched, then its data shards. An HTTP error
   * fails naming the URL and status (404 of the index: not a valid checkpoint).
   */
  async restoreFromUrl(sess: Session, prefixUrl: string | URL, opts: { fetch?: (url: string) => Promise<Response> } = {}): Promise<void> {
    this.needBuilt('restore');
    if (this.saveables.length === 0) return;
    this.checkSession(sess);
    const location = (globalThis as { location?: { href?: string } }).location?.href;
    const prefix = location ? new URL(String(prefixUrl), location).href : new URL(String(prefixUrl)).href;
    const fetchFn = opts.fetch ?? ((u: string) => fetch(u));
    const get = async (url: string): Promise<Uint8Array> => {
      let res: Response;
      try {
        res = await fetchFn(url);
      } catch (e) {
        throw new UnavailableError(`${url}; ${(e as Error).message}`, 'save/RestoreV2');
      }
      if (res.status === 404 && url.endsWith('.index')) throw new ValueError(`The passed save_path is not a valid checkpoint: ${prefix} (${url}: HTTP 404)`);
      if (res.status === 404) throw new NotFoundError(`${url}; HTTP 404 ${res.statusText}`.trimEnd(), 'save/RestoreV2');
      if (!res.ok) throw new UnavailableError(`${url}; HTTP ${res.status} ${res.statusText}`.trimEnd(), 'save/RestoreV2');
      return new Uint8Array(await res.arrayBuffer());
    };
    const index = await get(metaFilename(prefix));
    const head = BundleReader.fromIndexBytes(prefix, index);
    const shards = await Promise.all(Array.from({ length: Math.max(1, head.numShards) }, (_, i) => get(head.dataPath(i))));
    await this.restoreFrom(sess, BundleReader.fromBytes(prefix, index, shards));
  }

  /** Restore the saveables from an open bundle; everything is checked before any variable is written. */
  private async restoreFrom(sess: Session, reader: BundleReader): Promise<void> {
    try {
      // As TF's RestoreV2: look every key up in key order (the first missing one fails), then
      // report all dtype mismatches together.
      const mismatched: string[] = [];
      for (const s of this.saveables) {
        if (!reader.has(s.key)) throw new NotFoundError(`Key ${s.key} not found in checkpoint`, 'save/RestoreV2');
        const entry = reader.entry(s.key)!;
        if (entry.dtype !== s.variable.dtype) {
          mismatched.push(
            `tensor_name = ${s.key}; expected dtype ${tfName(s.variable.dtype)} does not equal original dtype ${proto.dataTypeString(entry.proto.dtype)}`,
          );
        }
      }
      if (mismatched.length > 0) throw new InvalidArgumentError(mismatched.join('\n'), 'save/RestoreV2');
      const pairs: [Variable, NDArray][] = [];
      for (let i = 0; i < this.saveables.length; i++) {
        const s = this.saveables[i]!;
        const entry = reader.entry(s.key)!;
        const v = s.variable;
        if (s.slice) {
          if (!shapesEqual([...s.slice.fullShape], entry.shape)) {
            throw new InvalidArgumentError(
              `tensor_name = ${s.key}; shape in shape_and_slice spec ${cShape([...s.slice.fullShape])} does not match the shape stored in checkpoint: ${cShape(entry.shape)}`,
              'save/RestoreV2',
            );
          }
          continue;
        }
        if (!shapesEqual(v.shape, entry.shape)) {
          if (!(this.reshape && sizeOf(v.shape) === sizeOf(entry.shape))) {
            throw new InvalidArgumentError(
              `Assign requires shapes of both tensors to match. lhs shape= ${cShape(v.shape)} rhs shape= ${cShape(entry.shape)}`,
              i === 0 ? 'save/Assign' : `save/Assign_${i}`,
            );
          }
        }
      }
      for (const s of this.saveables) {
        const value = s.slice ? await reader.readSlice(s.key, s.slice.extents) : await reader.read(s.key);
        if (!(value instanceof NDArray) || !isNumericBundleDType(value.dtype)) {
          throw new InvalidArgumentError(`Key ${s.key} does not hold a numeric tensor`, 'save/RestoreV2');
        }
        const v = s.variable;
        pairs.push([v, shapesEqual(v.shape, value.shape) ? value : new NDArray(value.data, v.shape, value.dtype)]);
      }
      await sess.writeVariables(pairs, 'save/Assign');
    } catch (e) {
      if (e instanceof NotFoundError) throw wrapRestoreError(e, 'a Variable name or other graph key that is missing');
      if (e instanceof InvalidArgumentError) throw wrapRestoreError(e, 'a mismatch between the current graph and the graph');
      throw e;
    }
  }
}

const META_TEMP = /\.meta\.tmp[0-9a-f]{32}$/;

interface StagedMeta {
  /** Rename the staged file into place. */
  commit(): Promise<void>;
  /** Remove the staged file. */
  abort(): Promise<void>;
}

/**
 * Write a `.meta` file's bytes to a synced temporary file beside it (temporaries of killed
 * saves of the same file are removed first); `commit` renames it into place, so the `.meta` is
 * the earlier one or the new one, never a torn one.
 */
async function stageMetaFile(file: string, mg: MetaGraphDef): Promise<StagedMeta> {
  const dir = pyDirname(file) || '.';
  const base = pyBasename(file);
  removeTempFiles(dir, (n) => (n.startsWith(`${base}.tmp`) && META_TEMP.test(n) ? `${dir}/${n}` : null));
  const tmp = registerTemp(`${file}.tmp${nodeCrypto.randomBytes(16).toString('hex')}`);
  const abort = async (): Promise<void> => {
    await fsp.unlink(tmp).catch(() => undefined);
    releaseTemp(tmp);
  };
  try {
    const fh = await fsp.open(tmp, 'wx');
    try {
      await fh.writeFile(serializeMetaGraphDef(mg));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await saveStep('meta:temp-written');
  } catch (e) {
    await abort();
    throw ioError(e, tmp);
  }
  return {
    abort,
    async commit() {
      try {
        await fsp.rename(tmp, file);
      } catch (e) {
        await abort();
        throw ioError(e, file);
      }
      releaseTemp(tmp);
    },
  };
}
