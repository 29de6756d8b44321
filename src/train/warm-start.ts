/**
 * `tf.train.warm_start` (training/warm_starting_util.py): the chosen variables are initialized
 * from a checkpoint (through initFromCheckpoint: their initializers read it), optionally under
 * other names. Vocabulary remapping (`var_name_to_vocab_info`) and partitioned variables are
 * not supported: a clear error names them.
 */
import { NotImplementedError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { GraphKeys } from '../graph/graph.js';
import { Variable } from '../ops/variables.js';
import { kwargs } from '../args.js';
import { initFromCheckpoint } from './init-from-checkpoint.js';
import * as logging from './tf-logging.js';

type VarsToWarmStart = string | readonly string[] | readonly Variable[] | null;
type Names = Record<string, string> | Map<string, string>;

const NAMES = ['ckptToInitializeFrom', 'varsToWarmStart', 'varNameToVocabInfo', 'varNameToPrevVarName'] as const;

const pySet = (xs: Iterable<string>): string => `{${[...xs].map((x) => `'${x}'`).join(', ')}}`;
const pyKeys = (xs: Iterable<string>): string => `dict_keys([${[...xs].map((x) => `'${x}'`).join(', ')}])`;
const pyType = (v: unknown): string => (v instanceof Variable ? "<class 'tensorflow.python.ops.variables.RefVariable'>" : `<class '${typeof v === 'string' ? 'str' : v === null ? 'NoneType' : typeof v}'>`);

/** TF's `_get_grouped_variables`: variable name → its variables. */
function groupedVariables(vars: VarsToWarmStart): Map<string, Variable[]> {
  const g = getDefaultGraph();
  let list: Variable[];
  if (typeof vars === 'string' || vars === null) {
    // a regex matched at the start of each trainable variable's name (get_collection's scope); null: all of them
    list = g.getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES, vars ?? undefined);
  } else if (Array.isArray(vars)) {
    if (vars.every((v) => typeof v === 'string')) {
      list = (vars as string[]).flatMap((s) => g.getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES, s));
    } else if (vars.every((v) => v instanceof Variable)) {
      list = [...(vars as Variable[])];
    } else {
      throw new ValueError(`If \`vars_to_warm_start\` is a list, it must be all \`Variable\` or all \`str\`.  Given types are [${vars.map(pyType).join(', ')}]`);
    }
  } else {
    throw new ValueError(`\`vars_to_warm_start must be a \`list\` or \`str\`.  Given type is ${pyType(vars)}`);
  }
  const out = new Map<string, Variable[]>();
  for (const v of list) {
    const name = v.saveSliceInfo ? v.saveSliceInfo.fullName : v.op.name;
    if (!out.has(name)) out.set(name, []);
    out.get(name)!.push(v);
  }
  return out;
}

/**
 * `warmStart(ckptToInitializeFrom, varsToWarmStart = '.*', varNameToVocabInfo = null,
 * varNameToPrevVarName = null)`: `varsToWarmStart` is a regex over the trainable variables'
 * names, a list of regexes over the global variables, a list of variables, or null (only the
 * variables with vocabularies, so none here). `varNameToPrevVarName` maps a variable's name to
 * its name in the checkpoint; a name in it that matches no chosen variable is a ValueError, as
 * in TF. Call it before the initializers run (as an Estimator's model function would).
 */
export function warmStart(...args: unknown[]): void {
  // all four given: the last is varNameToPrevVarName, not an options object
  const a = kwargs(args.length >= 4 ? [...args, {}] : args, NAMES, 'warm_start', 1);
  const ckpt = a.ckptToInitializeFrom as string;
  if (typeof ckpt !== 'string') throw new TypeError(`warm_start(): ckpt_to_initialize_from must be a string, got ${String(ckpt)}`);
  const vars = (a.varsToWarmStart === undefined ? '.*' : a.varsToWarmStart) as VarsToWarmStart;
  logging.info(`Warm-starting from: ${ckpt}`);
  const grouped = groupedVariables(vars);
  const vocab = (a.varNameToVocabInfo ?? null) as Record<string, unknown> | null;
  if (vocab !== null && Object.keys(vocab).length > 0) {
    throw new NotImplementedError(`warm_start: var_name_to_vocab_info (vocabulary remapping) is not supported; given for ${pySet(Object.keys(vocab))}`);
  }
  const raw = (a.varNameToPrevVarName ?? null) as Names | null;
  const prevNames = new Map<string, string>(raw === null ? [] : raw instanceof Map ? raw : Object.entries(raw));
  const used = new Set<string>();
  const assignment = new Map<string, Variable>();
  let count = 0;
  for (const [name, vs] of grouped) {
    const prev = prevNames.get(name);
    if (prev) used.add(name);
    if (!vars) continue;
    if (vs.length > 1 || vs[0]!.saveSliceInfo) throw new NotImplementedError(`warm_start: the partitioned variable ${name} can't be warm-started; warm-start an unpartitioned copy`);
    count++;
    logging.debug(`Warm-starting variable: ${name}; prev_var_name: ${prev || 'Unchanged'}`);
    assignment.set(prev || name, vs[0]!);
  }
  initFromCheckpoint(ckpt, assignment);
  logging.info('Warm-started %d variables.', count);
  const unused = [...prevNames.keys()].filter((n) => !used.has(n));
  if (unused.length > 0) {
    throw new ValueError(`You provided the following variables in var_name_to_prev_var_name that were not used: ${pySet(unused)}.  Perhaps you misspelled them?  Here is the list of viable variable names: ${pyKeys(grouped.keys())}`);
  }
}

/**
 * `tf.estimator.WarmStartSettings(ckptToInitializeFrom, varsToWarmStart = '.*',
 * varNameToVocabInfo = null, varNameToPrevVarName = null)`: warmStart's arguments as one
 * object; `warmStart(...settings.args())` applies it.
 */
export class WarmStartSettings {
  readonly ckptToInitializeFrom: string;
  readonly varsToWarmStart: VarsToWarmStart;
  readonly varNameToVocabInfo: Record<string, unknown> | null;
  readonly varNameToPrevVarName: Names | null;
  constructor(...args: unknown[]) {
    const a = kwargs(args.length >= 4 ? [...args, {}] : args, NAMES, 'WarmStartSettings', 1);
    if (typeof a.ckptToInitializeFrom !== 'string') throw new TypeError(`WarmStartSettings: ckpt_to_initialize_from must be a string, got ${String(a.ckptToInitializeFrom)}`);
    this.ckptToInitializeFrom = a.ckptToInitializeFrom;
    this.varsToWarmStart = (a.varsToWarmStart === undefined ? '.*' : a.varsToWarmStart) as VarsToWarmStart;
    this.varNameToVocabInfo = (a.varNameToVocabInfo ?? null) as Record<string, unknown> | null;
    this.varNameToPrevVarName = (a.varNameToPrevVarName ?? null) as Names | null;
  }
  /** warmStart's positional arguments. */
  args(): [string, VarsToWarmStart, Record<string, unknown> | null, Names | null] {
    return [this.ckptToInitializeFrom, this.varsToWarmStart, this.varNameToVocabInfo, this.varNameToPrevVarName];
  }
}
