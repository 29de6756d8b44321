/**
 * TF 1.15's text-file tables (python/ops/lookup_ops.py, core/kernels/lookup_util.cc):
 * `TextFileIndex`, `TextFileInitializer` (the `InitializeTableFromTextFileV2` op: one entry per
 * line, key and value from the whole line, the line number or a `delimiter`-split column),
 * `StaticVocabularyTable` (a vocabulary with hashed out-of-vocabulary buckets) and the file
 * helpers `index_table_from_file` / `index_to_string_table_from_file`.
 */
import { type DType, parseDType } from '../../dtype.js';
import { kwargs } from '../../args.js';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { type Graph, GraphKeys } from '../../graph/graph.js';
import { type Operation, Tensor } from '../../graph/tensor.js';
import { fs } from '../../platform/node-builtins.js';
import { type HostContext, registerHostOp } from '../../session/host-stage.js';
import { A, registerExporter } from '../../graphdef/export.js';
import { RULES, make } from '../../graphdef/import-rules.js';
import { type TensorLike, toTensor } from '../convert.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';
import { add, cast, notEqual, where } from '../index.js';
import { asString, stringToHashBucketFast } from '../strings/ops.js';
import { IdTableWithHashBuckets, StaticHashTable } from './tables.js';
import { TableResource, stateOf, tableOf } from './table-ops.js';

/** `tf.lookup.TextFileIndex`: what of a line a key or value is (a column index `>= 0` otherwise). */
export const TextFileIndex = Object.freeze({ WHOLE_LINE: -2, LINE_NUMBER: -1 });

const isInt = (d: DType): boolean => ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64'].includes(d);

/**
 * `tf.lookup.TextFileInitializer(filename, key_dtype, key_index, value_dtype, value_index,
 * vocab_size=None, delimiter='\t', name=None)`.
 */
export class TextFileInitializer {
  readonly filename: TensorLike;
  readonly keyDtype: DType;
  readonly valueDtype: DType;
  readonly keyIndex: number;
  readonly valueIndex: number;
  readonly vocabSize: number | null;
  readonly delimiter: string;
  readonly name: string | null;
  readonly graph: Graph;

  constructor(filename: TensorLike, keyDtype: DType | string, keyIndex: number, valueDtype: DType | string, valueIndex: number, vocabSize?: number | null, delimiter?: string, name?: string | null);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = kwargs(args, ['filename', 'keyDtype', 'keyIndex', 'valueDtype', 'valueIndex', 'vocabSize', 'delimiter', 'name'], 'TextFileInitializer', 5);
    const name = (a.name as string | null | undefined) ?? null;
    if (!(a.filename instanceof Tensor) && !a.filename) throw new ValueError(`Filename required for ${name ?? 'None'}.`);
    const kd = parseDType(a.keyDtype as string);
    const vd = parseDType(a.valueDtype as string);
    const ki = a.keyIndex as number;
    const vi = a.valueIndex as number;
    if (!Number.isInteger(ki) || ki < -2) throw new ValueError(`Invalid key index ${ki}.`);
    if (ki === TextFileIndex.LINE_NUMBER && kd !== 'int64') throw new ValueError(`Signature mismatch. Keys must be dtype <dtype: 'int64'>, got <dtype: '${kd}'>.`);
    if (ki === TextFileIndex.WHOLE_LINE && !isInt(kd) && kd !== 'string') throw new ValueError(`Signature mismatch. Keys must be integer or string, got <dtype: '${kd}'>.`);
    if (!Number.isInteger(vi) || vi < -2) throw new ValueError(`Invalid value index ${vi}.`);
    if (vi === TextFileIndex.LINE_NUMBER && vd !== 'int64') throw new ValueError(`Signature mismatch. Values must be dtype <dtype: 'int64'>, got <dtype: '${vd}'>.`);
    if (vi === TextFileIndex.WHOLE_LINE && vd !== 'string') throw new ValueError(`Signature mismatch. Values must be dtype <dtype: 'string'>, got <dtype: '${vd}'>.`);
    const vs = (a.vocabSize as number | null | undefined) ?? null;
    if (vs !== null && !(vs > 0)) throw new ValueError(`Invalid vocab_size ${vs}.`);
    const delim = (a.delimiter as string | undefined) ?? '\t';
    if (typeof delim !== 'string' || delim.length !== 1) throw new ValueError(`delimiter must be one character, got ${JSON.stringify(delim)}`);
    this.filename = a.filename as TensorLike;
    this.keyDtype = kd;
    this.valueDtype = vd;
    this.keyIndex = ki;
    this.valueIndex = vi;
    this.vocabSize = vs;
    this.delimiter = delim;
    this.name = name;
    this.graph = a.filename instanceof Tensor ? a.filename.graph : getDefaultGraph();
  }

  /** TF's `_shared_name`: `hash_table_<filename>[_<vocab_size>]_<key_index>_<value_index>`. */
  get sharedName(): string {
    const f = this.filename instanceof Tensor ? this.filename.name : String(this.filename);
    return this.vocabSize ? `hash_table_${f}_${this.vocabSize}_${this.keyIndex}_${this.valueIndex}` : `hash_table_${f}_${this.keyIndex}_${this.valueIndex}`;
  }

  /** `initialize(table)`: the InitializeTableFromTextFileV2 op, added to the table initializers. */
  initialize(table: StaticHashTable): Operation {
    if (table.keyDtype !== this.keyDtype || table.valueDtype !== this.valueDtype) {
      throw new TypeError(`Signature mismatch. Keys must be dtype ${this.keyDtype}, got ${table.keyDtype}. Values must be dtype ${this.valueDtype}, got ${table.valueDtype}.`);
    }
    const g = table.resourceHandle.graph;
    const op = g.nameScope(`${table.name}/`, () =>
      g.nameScope(this.name ?? 'text_file_init', () => {
        const filename = toTensor(this.filename, 'string', 'asset_filepath');
        if (filename.dtype !== 'string') throw new TypeError(`filename must be a string tensor, got ${filename.dtype}`);
        const init = makeOp(g, 'InitializeTableFromTextFileV2', [table.resourceHandle, filename], {
          resource: table.resource, keyIndex: this.keyIndex, valueIndex: this.valueIndex, vocabSize: this.vocabSize ?? -1, delimiter: this.delimiter,
        }, undefined, 'InitializeTableFromTextFileV2');
        if (filename.op.type === 'Const') g.addToCollection(GraphKeys.ASSET_FILEPATHS, filename);
        return init;
      }),
    );
    g.addToCollection(GraphKeys.TABLE_INITIALIZERS, op);
    return op;
  }
}

/** `TextFileIdTableInitializer`: string (or integer) keys → int64 ids, the whole line and its number by default. */
export class TextFileIdTableInitializer extends TextFileInitializer {
  constructor(filename: TensorLike, o: { keyColumnIndex?: number; valueColumnIndex?: number; vocabSize?: number | null; delimiter?: string; name?: string; keyDtype?: DType } = {}) {
    super(filename, o.keyDtype ?? 'string', o.keyColumnIndex ?? TextFileIndex.WHOLE_LINE, 'int64', o.valueColumnIndex ?? TextFileIndex.LINE_NUMBER, o.vocabSize ?? null, o.delimiter ?? '\t', o.name ?? 'text_file_id_table_init');
  }
}

/** `TextFileStringTableInitializer`: int64 ids → strings, the line number and the whole line by default. */
export class TextFileStringTableInitializer extends TextFileInitializer {
  constructor(filename: TensorLike, o: { keyColumnIndex?: number; valueColumnIndex?: number; vocabSize?: number | null; delimiter?: string; name?: string } = {}) {
    super(filename, 'int64', o.keyColumnIndex ?? TextFileIndex.LINE_NUMBER, 'string', o.valueColumnIndex ?? TextFileIndex.WHOLE_LINE, o.vocabSize ?? null, o.delimiter ?? '\t', o.name ?? 'text_file_string_table_init');
  }
}

// ---- the op ---------------------------------------------------------------------------------

interface InitAttrs { resource: TableResource; keyIndex: number; valueIndex: number; vocabSize: number; delimiter: string; [k: string]: unknown }

defineOp<InitAttrs>({ type: 'InitializeTableFromTextFileV2', infer: () => [], lower: () => [], stateful: true });
registerGradient('InitializeTableFromTextFileV2', null);
registerExporter(['InitializeTableFromTextFileV2'], ({ attrs }) => ({
  key_index: A.i(attrs.keyIndex as number), value_index: A.i(attrs.valueIndex as number), vocab_size: A.i(attrs.vocabSize as number), delimiter: A.s(attrs.delimiter as string),
}));
RULES.set('InitializeTableFromTextFileV2', (c) => {
  const r = c.inputs[0] && (c.inputs[0].op.attrs as { resource?: unknown }).resource;
  if (!(r instanceof TableResource)) throw new InvalidArgumentError(`Node '${c.node.name}' (${c.node.op}) takes a table handle`, c.node.name);
  return make(c, 'InitializeTableFromTextFileV2', c.inputs, {
    resource: r, keyIndex: c.attrs.int('key_index'), valueIndex: c.attrs.int('value_index'), vocabSize: c.attrs.int('vocab_size', -1), delimiter: c.attrs.string('delimiter', '\t'),
  });
});

/** strtol-like parsing of TF's safe_strto32/64 (surrounding spaces allowed, nothing else). */
function parseIntToken(tok: string, bits: 32 | 64): number | null {
  const t = tok.trim();
  if (!/^[+-]?\d+$/.test(t)) return null;
  const v = BigInt(t);
  const lim = bits === 32 ? 2n ** 31n : 2n ** 63n;
  if (v < -lim || v >= lim) return null;
  return Number(v);
}
function parseFloatToken(tok: string, f32: boolean): number | null {
  const t = tok.trim();
  if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf(inity)?|nan)$/i.test(t)) return null;
  const v = /inf/i.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(t) ? NaN : Number(t);
  return f32 ? Math.fround(v) : v;
}

function fieldValue(line: string, tokens: string[], index: number, lineNo: number, dtype: DType, op: string): string | number | Uint8Array {
  if (index === TextFileIndex.LINE_NUMBER) return lineNo;
  const tok = index === TextFileIndex.WHOLE_LINE ? line : tokens[index]!;
  switch (dtype) {
    case 'int32':
    case 'int64': {
      const v = parseIntToken(tok, dtype === 'int32' ? 32 : 64);
      if (v === null) throw new InvalidArgumentError(`Field ${tok} in line ${lineNo} is not a valid ${dtype}.`, op);
      return v;
    }
    case 'float32':
    case 'float64': {
      const v = parseFloatToken(tok, dtype === 'float32');
      if (v === null) throw new InvalidArgumentError(`Field ${tok} in line ${lineNo} is not a valid ${dtype === 'float32' ? 'float' : 'double'}.`, op);
      return v;
    }
    case 'string':
      return tok;
    default:
      throw new InvalidArgumentError(`Data type ${dtype} not supported.`, op);
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

registerHostOp('InitializeTableFromTextFileV2', function* (op, [, filenameArr], hc: HostContext) {
  const a = op.attrs as InitAttrs;
  const r = tableOf(op);
  const { keyIndex, valueIndex, vocabSize, delimiter } = a;
  if (filenameArr!.size !== 1) throw new InvalidArgumentError(`filename should be a single string, but got shape [${filenameArr!.shape.join(',')}]`, op.name);
  const filename = dec.decode((filenameArr!.data as unknown as ArrayLike<Uint8Array>)[0]);
  if (keyIndex === TextFileIndex.LINE_NUMBER && r.keyDtype !== 'int64') throw new InvalidArgumentError(`Key index for line number requires table key dtype of int64, got ${r.keyDtype}`, op.name);
  if (keyIndex === TextFileIndex.WHOLE_LINE && !isInt(r.keyDtype) && r.keyDtype !== 'string') throw new InvalidArgumentError(`Key index for whole line requires string or integer table key, got ${r.keyDtype}`, op.name);
  if (valueIndex === TextFileIndex.LINE_NUMBER && r.valueDtype !== 'int64') throw new InvalidArgumentError(`Value index for line number requires table value dtype of int64, got ${r.valueDtype}`, op.name);
  if (valueIndex === TextFileIndex.WHOLE_LINE && r.valueDtype !== 'string') throw new InvalidArgumentError(`Value index for whole line requires table value dtype of string, got ${r.valueDtype}`, op.name);
  const t = stateOf(hc.runner.state, r);
  // a table already filled from its file is left as it is (the kernel ignores a second initialization)
  if (t.map !== null) return [];
  let text: string;
  try {
    text = dec.decode(fs.readFileSync(filename));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new NotFoundError(`${filename}; No such file or directory`, op.name);
    throw new InvalidArgumentError(`${filename}: ${(e as Error).message}`, op.name);
  }
  // lines as TF's InputBuffer::ReadLine reads them: split on \n, a trailing \r dropped, no empty last line
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const ignoreSplit = Math.max(keyIndex, valueIndex) < 0;
  const need = Math.max(keyIndex, valueIndex) + 1;
  const map = new Map<string | number, unknown>();
  const shown = (v: unknown): string => (v instanceof Uint8Array ? dec.decode(v) : String(v));
  let n = 0;
  for (let raw of lines) {
    if (vocabSize !== -1 && n >= vocabSize) break;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw === '') throw new InvalidArgumentError(`Invalid content in ${filename}: empty line found at position ${n}.`, op.name);
    const tokens = ignoreSplit ? [] : raw.split(delimiter);
    if (!ignoreSplit && tokens.length < need) {
      throw new InvalidArgumentError(`Invalid number of columns in ${filename} line ${n} (${raw}) : expected at least ${need} got ${tokens.length}`, op.name);
    }
    const k = fieldValue(raw, tokens, keyIndex, n, r.keyDtype, op.name) as string | number;
    let v = fieldValue(raw, tokens, valueIndex, n, r.valueDtype, op.name);
    if (typeof v === 'string') v = enc.encode(v);
    if (map.has(k) && shown(map.get(k)) !== shown(v)) {
      throw new InvalidArgumentError(`HashTable has different value for same key. Key ${k} has ${shown(map.get(k))} and trying to add value ${shown(v)}`, op.name);
    }
    map.set(k, v);
    n++;
  }
  if (vocabSize !== -1 && n !== vocabSize) throw new InvalidArgumentError(`Invalid vocab_size in ${filename}: expected ${vocabSize} but got ${n}`, op.name);
  if (t.map !== null) throw new FailedPreconditionError('Table already initialized.', op.name);
  t.map = map;
  return [];
});

// ---- tables ---------------------------------------------------------------------------------

type Initializer = ConstructorParameters<typeof StaticHashTable>[0];

/**
 * `tf.lookup.StaticVocabularyTable(initializer, num_oov_buckets, lookup_key_dtype=None,
 * name=None)`: the initializer's int64 ids, a key it lacks hashed (Fingerprint64 of its text)
 * into `[size, size + num_oov_buckets)`. Without an initializer every key is hashed.
 */
export class StaticVocabularyTable {
  readonly table: StaticHashTable | null;
  readonly numOovBuckets: number;
  readonly keyDtype: DType;
  readonly valueDtype: DType = 'int64';
  readonly name: string;

  constructor(initializer: Initializer | null, numOovBuckets: number, lookupKeyDtype?: DType | string | null, name?: string | null);
  constructor(...args: unknown[]);
  constructor(...args: unknown[]) {
    const a = kwargs(args, ['initializer', 'numOovBuckets', 'lookupKeyDtype', 'name'], 'StaticVocabularyTable', 2);
    const n = a.numOovBuckets as number;
    if (!(n > 0)) throw new ValueError('oov_buckets must be > 0.');
    let name = (a.name as string | null | undefined) ?? null;
    if (name) name = name.replace(/\/+$/, '');
    const init = (a.initializer as Initializer | null | undefined) ?? null;
    let kd = a.lookupKeyDtype ? parseDType(a.lookupKeyDtype as string) : null;
    if (init) {
      kd ??= init.keyDtype;
      if (init.keyDtype !== 'int64' && init.keyDtype !== 'string') {
        throw new TypeError(`Invalid key dtype, expected one of (tf.int64, tf.string), but got ${init.keyDtype}.`);
      }
      if (isInt(init.keyDtype) !== isInt(kd)) throw new TypeError(`Invalid key dtype, expected ${isInt(kd) ? 'integer' : 'non-integer'} but got ${init.keyDtype}.`);
      if (init.valueDtype !== 'int64') throw new TypeError(`Invalid value dtype, expected int64 but got ${init.valueDtype}.`);
      this.table = new StaticHashTable(init, -1);
      name ??= this.table.name;
    } else {
      kd ??= 'string';
      this.table = null;
      name ??= 'hash_bucket';
    }
    if (!isInt(kd) && kd !== 'string') throw new TypeError(`Invalid key_dtype, expected integer or string, got ${kd}.`);
    this.keyDtype = kd;
    this.numOovBuckets = n;
    this.name = name.split('/').pop()!;
  }

  /** TF1's `initializer` (a no-op without a table). */
  get initializer(): Operation {
    if (this.table) return this.table.initializer;
    return getDefaultGraph().nameScope('init', () => makeOp(getDefaultGraph(), 'NoOp', [], {}, undefined, 'NoOp'));
  }
  get init(): Operation {
    return this.initializer;
  }
  get resourceHandle(): Tensor | null {
    return this.table?.resourceHandle ?? null;
  }

  /** `size(name=None)`: the vocabulary's size plus the buckets (int64). */
  size(name?: string): Tensor {
    const g = this.table?.resourceHandle.graph ?? getDefaultGraph();
    return g.nameScope(name ?? `${this.name}_Size`, () => add(this.table ? this.table.size() : toTensor(0, 'int64'), toTensor(this.numOovBuckets, 'int64')));
  }

  /** `lookup(keys, name=None)`: int64 ids of `keys` (a SparseTensor's values keep its indices). */
  lookup(keys: TensorLike, name?: string | { name?: string }): Tensor {
    const nm = typeof name === 'object' ? name.name : name;
    let values = toTensor(keys, this.keyDtype);
    if (values.dtype !== this.keyDtype) throw new TypeError(`Signature mismatch. Keys must be dtype ${this.keyDtype}, got ${values.dtype}.`);
    if (this.table && this.table.keyDtype === 'int64' && values.dtype !== 'int64') values = cast(values, 'int64');
    return values.graph.nameScope(nm ?? `${this.name}_Lookup`, () => {
      let buckets = stringToHashBucketFast(values.dtype === 'string' ? values : asString(values), this.numOovBuckets, 'hash_bucket');
      if (!this.table) return buckets;
      const ids = this.table.lookup(values);
      buckets = add(buckets, this.table.size());
      return where(notEqual(ids, this.table.defaultValue), ids, buckets);
    });
  }
}

/** TF's `_check_table_dtypes`-level checks of the file helpers' arguments. */
function checkVocabArgs(vocabularyFile: unknown, numOov: number, vocabSize: number | null): void {
  if (vocabularyFile === null || vocabularyFile === undefined || (typeof vocabularyFile === 'string' && !vocabularyFile)) {
    throw new ValueError('vocabulary_file must be specified and must not be empty.');
  }
  if (!Number.isInteger(numOov) || numOov < 0) throw new ValueError(`num_oov_buckets must be greater or equal than 0, got ${numOov}.`);
  if (vocabSize !== null && vocabSize < 1) {
    throw new ValueError(`vocab_size must be greater than 0, got ${vocabSize}. vocabulary_file: ${vocabularyFile instanceof Tensor ? '?' : String(vocabularyFile)}`);
  }
}

/**
 * `tf.contrib.lookup.index_table_from_file(vocabulary_file=None, num_oov_buckets=0,
 * vocab_size=None, default_value=-1, hasher_spec=FastHashSpec, key_dtype=tf.string, name=None,
 * key_column_index=WHOLE_LINE, value_column_index=LINE_NUMBER, delimiter='\t')`.
 */
export function indexTableFromFile(...args: unknown[]): StaticHashTable | IdTableWithHashBuckets {
  const a = kwargs(args, ['vocabularyFile', 'numOovBuckets', 'vocabSize', 'defaultValue', 'hasherSpec', 'keyDtype', 'name', 'keyColumnIndex', 'valueColumnIndex', 'delimiter'], 'index_table_from_file');
  const numOov = (a.numOovBuckets as number | undefined) ?? 0;
  const vocabSize = (a.vocabSize as number | null | undefined) ?? null;
  checkVocabArgs(a.vocabularyFile, numOov, vocabSize);
  const keyDtype = parseDType(((a.keyDtype as string | undefined) ?? 'string'));
  if (!isInt(keyDtype) && keyDtype !== 'string') throw new TypeError('Only integer and string keys are supported.');
  if (a.hasherSpec != null) throw new ValueError('hasher_spec: only the default FastHashSpec is supported');
  const g = a.vocabularyFile instanceof Tensor ? a.vocabularyFile.graph : getDefaultGraph();
  return g.nameScope((a.name as string | undefined) ?? 'string_to_index', (scope) => {
    const table = g.nameScope('hash_table', () => {
      const init = new TextFileIdTableInitializer(a.vocabularyFile as TensorLike, {
        vocabSize, keyDtype: isInt(keyDtype) ? 'int64' : keyDtype, name: 'table_init',
        keyColumnIndex: (a.keyColumnIndex as number | undefined) ?? TextFileIndex.WHOLE_LINE,
        valueColumnIndex: (a.valueColumnIndex as number | undefined) ?? TextFileIndex.LINE_NUMBER,
        delimiter: (a.delimiter as string | undefined) ?? '\t',
      });
      return new StaticHashTable(init, toTensor((a.defaultValue as number | undefined) ?? -1, 'int64'));
    });
    return numOov > 0 ? new IdTableWithHashBuckets(table, numOov, scope.replace(/\/$/, '')) : table;
  });
}

/**
 * `tf.contrib.lookup.index_to_string_table_from_file(vocabulary_file, vocab_size=None,
 * default_value='UNK', name=None, key_column_index=LINE_NUMBER, value_column_index=WHOLE_LINE,
 * delimiter='\t')`.
 */
export function indexToStringTableFromFile(...args: unknown[]): StaticHashTable {
  const a = kwargs(args, ['vocabularyFile', 'vocabSize', 'defaultValue', 'name', 'keyColumnIndex', 'valueColumnIndex', 'delimiter'], 'index_to_string_table_from_file', 1);
  const vocabSize = (a.vocabSize as number | null | undefined) ?? null;
  checkVocabArgs(a.vocabularyFile, 0, vocabSize);
  const g = a.vocabularyFile instanceof Tensor ? a.vocabularyFile.graph : getDefaultGraph();
  return g.nameScope((a.name as string | undefined) ?? 'index_to_string', () => {
    const init = new TextFileStringTableInitializer(a.vocabularyFile as TensorLike, {
      vocabSize, name: 'table_init', delimiter: (a.delimiter as string | undefined) ?? '\t',
      keyColumnIndex: (a.keyColumnIndex as number | undefined) ?? TextFileIndex.LINE_NUMBER,
      valueColumnIndex: (a.valueColumnIndex as number | undefined) ?? TextFileIndex.WHOLE_LINE,
    });
    return new StaticHashTable(init, toTensor((a.defaultValue as string | undefined) ?? 'UNK', 'string'));
  });
}
