/**
 * TF 1.15's lookup tables (python/ops/lookup_ops.py, contrib/lookup): `KeyValueTensorInitializer`,
 * `StaticHashTable` / `HashTable` (`lookup`, `size`, `init` / `initializer`, whose op joins the
 * graph's table_initializer collection for `tf.tables_initializer`), and the vocabulary helpers
 * `index_table_from_tensor` (with hashed out-of-vocabulary buckets) and
 * `index_to_string_table_from_tensor`.
 */
import { type DType, parseDType } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { GraphKeys } from '../../graph/graph.js';
import { type Operation, Tensor } from '../../graph/tensor.js';
import type { Graph } from '../../graph/graph.js';
import { type TensorLike, toTensor } from '../convert.js';
import { makeOp } from '../registry.js';
import { add, cast, notEqual, size as sizeOf, where } from '../index.js';
import { range } from '../array.js';
import { asString, stringToHashBucketFast } from '../strings/ops.js';
import { TableResource } from './table-ops.js';
import './graphdef.js';

/** The element count when the static shape fixes it (plans need Range's bounds known when built). */
function staticSize(t: Tensor): number | null {
  return t.shape !== null && t.shape.every((d) => d !== null) ? (t.shape as number[]).reduce((a, b) => a * b, 1) : null;
}

/** `tf.lookup.KeyValueTensorInitializer(keys, values, key_dtype=None, value_dtype=None, name=None)`. */
export class KeyValueTensorInitializer {
  readonly keys: Tensor;
  readonly values: Tensor;
  readonly keyDtype: DType;
  readonly valueDtype: DType;
  private readonly name: string;

  constructor(keys: TensorLike, values: TensorLike, keyDtype?: DType | string | null | { keyDtype?: DType | string; valueDtype?: DType | string; name?: string }, valueDtype?: DType | string | null, name?: string) {
    let kd = keyDtype;
    let vd = valueDtype;
    let nm = name;
    if (kd && typeof kd === 'object') ({ keyDtype: kd, valueDtype: vd, name: nm } = kd);
    const g = keys instanceof Tensor ? keys.graph : getDefaultGraph();
    [this.keys, this.values] = g.nameScope(nm ?? 'key_value_init', () => [
      toTensor(keys, kd ? parseDType(kd as string) : undefined, 'keys'),
      toTensor(values, vd ? parseDType(vd as string) : undefined, 'values'),
    ]);
    if (kd && this.keys.dtype !== parseDType(kd as string)) this.keys = cast(this.keys, parseDType(kd as string));
    this.keyDtype = this.keys.dtype;
    this.valueDtype = this.values.dtype;
    this.name = nm ?? 'table_init';
  }

  /** `initialize(table)`: the InitializeTableV2 op, added to the table initializers. */
  initialize(table: StaticHashTable): Operation {
    if (table.keyDtype !== this.keyDtype || table.valueDtype !== this.valueDtype) {
      throw new TypeError(`Signature mismatch. Keys must be dtype ${this.keyDtype}, got ${table.keyDtype}. Values must be dtype ${this.valueDtype}, got ${table.valueDtype}.`);
    }
    const g = table.resourceHandle.graph;
    const op = g.nameScope(`${table.name}/`, () =>
      makeOp(g, 'InitializeTableV2', [table.resourceHandle, this.keys, this.values], { resource: table.resource }, this.name, 'table_init'),
    );
    g.addToCollection(GraphKeys.TABLE_INITIALIZERS, op);
    return op;
  }
}

/** A table initializer other than KeyValueTensorInitializer (tf.lookup.TextFileInitializer). */
export interface TableInitializerLike {
  readonly keyDtype: DType;
  readonly valueDtype: DType;
  readonly graph: Graph;
  /** TF's `_shared_name` of the initializer. */
  readonly sharedName: string;
  initialize(table: StaticHashTable): Operation;
}
export type TableInitializer = KeyValueTensorInitializer | TableInitializerLike;
const isTableInitializer = (x: unknown): x is TableInitializerLike =>
  x !== null && typeof x === 'object' && typeof (x as TableInitializerLike).initialize === 'function' && typeof (x as TableInitializerLike).sharedName === 'string';

/**
 * `tf.lookup.StaticHashTable(initializer, default_value, name=None)` (TF 1.15's v1
 * `StaticHashTableV1`; `tf.contrib.lookup.HashTable` also takes `shared_name`).
 */
export class StaticHashTable {
  readonly resourceHandle: Tensor;
  /** @internal */ readonly resource: TableResource;
  readonly keyDtype: DType;
  readonly valueDtype: DType;
  readonly defaultValue: Tensor;
  /** The table's name scope (without the trailing slash). */
  readonly name: string;
  /** The op that fills the table (run it, or tf.tablesInitializer(), before a lookup). */
  readonly initializer: Operation;

  constructor(initializer: TableInitializer, defaultValue: TensorLike, name?: string | null | { name?: string; sharedName?: string }, sharedName?: string) {
    let nm = name;
    let shared = sharedName;
    if (nm && typeof nm === 'object') ({ name: nm, sharedName: shared } = nm);
    if (!(initializer instanceof KeyValueTensorInitializer) && !isTableInitializer(initializer)) throw new TypeError('initializer must be a KeyValueTensorInitializer or a TextFileInitializer');
    const g = initializer instanceof KeyValueTensorInitializer ? initializer.keys.graph : initializer.graph;
    // a file initializer names the table after its file (TF's _shared_name), so tables over one file share it
    shared ??= initializer instanceof KeyValueTensorInitializer ? undefined : initializer.sharedName;
    this.keyDtype = initializer.keyDtype;
    this.valueDtype = initializer.valueDtype;
    const built = g.nameScope((nm as string | null | undefined) ?? 'hash_table', (scope) => {
      const dflt = toTensor(defaultValue, this.valueDtype, 'Const');
      if (dflt.dtype !== this.valueDtype) throw new TypeError(`Tensor conversion requested dtype ${this.valueDtype} for Tensor with dtype ${dflt.dtype}`);
      const placeholder = new TableResource(this.keyDtype, this.valueDtype, shared ?? '', '');
      const op = makeOp(g, 'HashTableV2', [], { resource: placeholder, keyDtype: this.keyDtype, valueDtype: this.valueDtype, sharedName: shared ?? '', container: '', useNodeNameSharing: false }, 'hash_table', 'hash_table');
      const resource = new TableResource(this.keyDtype, this.valueDtype, shared ?? '', op.name);
      (op.attrs as { resource: TableResource }).resource = resource;
      return { scope: scope.replace(/\/$/, ''), dflt, handle: op.outputs[0]!, resource };
    });
    this.name = built.scope;
    this.defaultValue = built.dflt;
    this.resourceHandle = built.handle;
    this.resource = built.resource;
    this.initializer = initializer.initialize(this);
  }

  /** TF1's `table.init`. */
  get init(): Operation {
    return this.initializer;
  }

  /** `lookup(keys, name=None)`: each key's value, the default value for missing keys. */
  lookup(keys: TensorLike, name?: string | { name?: string }): Tensor {
    const nm = typeof name === 'object' ? name.name : name;
    const k = toTensor(keys, this.keyDtype, 'keys');
    if (k.dtype !== this.keyDtype) throw new TypeError(`Signature mismatch. Keys must be dtype ${this.keyDtype}, got ${k.dtype}.`);
    const g = this.resourceHandle.graph;
    return makeOp(g, 'LookupTableFindV2', [this.resourceHandle, k, this.defaultValue], { resource: this.resource }, nm ?? undefined, `${this.name.split('/').pop()}_Lookup`).outputs[0]!;
  }

  /** `size(name=None)`: the number of entries (int64). */
  size(name?: string): Tensor {
    const g = this.resourceHandle.graph;
    return makeOp(g, 'LookupTableSizeV2', [this.resourceHandle], { resource: this.resource }, name, `${this.name.split('/').pop()}_Size`).outputs[0]!;
  }
}

/** `tf.contrib.lookup.HashTable(initializer, default_value, shared_name=None, name=None)`. */
export class HashTable extends StaticHashTable {
  constructor(initializer: TableInitializer, defaultValue: TensorLike, sharedName?: string | null | { sharedName?: string; name?: string }, name?: string) {
    if (sharedName && typeof sharedName === 'object') super(initializer, defaultValue, sharedName);
    else super(initializer, defaultValue, { name: name ?? undefined, sharedName: (sharedName as string | null | undefined) ?? undefined });
  }
}

/** A table with hashed buckets for missing keys (TF's `IdTableWithHashBuckets`, FastHashSpec). */
export class IdTableWithHashBuckets {
  constructor(readonly table: StaticHashTable, readonly numOovBuckets: number, readonly name: string) {}
  get initializer(): Operation {
    return this.table.initializer;
  }
  get init(): Operation {
    return this.table.initializer;
  }
  size(): Tensor {
    return add(this.table.size(), toTensor(this.numOovBuckets, 'int64'));
  }
  lookup(keys: TensorLike, name?: string): Tensor {
    const g = this.table.resourceHandle.graph;
    return g.nameScope(name ?? `${this.name}_Lookup`, () => {
      let k = toTensor(keys, this.table.keyDtype);
      // integer keys: the table's int64, hashed through their decimal text (TF's _as_string)
      if (k.dtype !== 'string' && this.table.keyDtype === 'int64' && k.dtype !== 'int64') k = cast(k, 'int64');
      const ids = this.table.lookup(k);
      if (this.numOovBuckets === 0) return ids;
      const buckets = stringToHashBucketFast(k.dtype === 'string' ? k : asString(k), this.numOovBuckets);
      return where(notEqual(ids, this.table.defaultValue), ids, add(buckets, this.table.size()));
    });
  }
}

/**
 * `tf.contrib.lookup.index_table_from_tensor(vocabulary_list, num_oov_buckets=0,
 * default_value=-1, hasher_spec=FastHashSpec, dtype=tf.string, name=None)`: each string's
 * index in the vocabulary (int64), missing ones hashed into `num_oov_buckets` ids after it.
 */
export function indexTableFromTensor(
  vocabularyList: TensorLike,
  numOovBuckets: number | { numOovBuckets?: number; defaultValue?: number; dtype?: DType | string; name?: string } = 0,
  defaultValue = -1, hasherSpec: null = null, dtype: DType | string = 'string', name?: string,
): StaticHashTable | IdTableWithHashBuckets {
  let n = numOovBuckets;
  let dv = defaultValue;
  let dt = dtype;
  let nm = name;
  if (typeof n === 'object') ({ numOovBuckets: n = 0, defaultValue: dv = -1, dtype: dt = 'string', name: nm } = n);
  void hasherSpec;
  if (vocabularyList === null || vocabularyList === undefined) throw new ValueError('vocabulary_list must be specified.');
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`num_oov_buckets must be greater or equal than 0, got ${n}.`);
  if (n > 0 && dv !== -1) throw new ValueError(`Can't specify both num_oov_buckets and default_value (${dv}).`);
  const g = vocabularyList instanceof Tensor ? vocabularyList.graph : getDefaultGraph();
  return g.nameScope(nm ?? 'string_to_index', (scope) => {
    const keys = toTensor(vocabularyList, parseDType(dt as string));
    const values = cast(range(0, staticSize(keys) ?? sizeOf(keys)), 'int64');
    const init = new KeyValueTensorInitializer(keys, values, { keyDtype: keys.dtype, valueDtype: 'int64', name: 'table_init' });
    const table = new StaticHashTable(init, toTensor(dv, 'int64'), { name: 'hash_table' });
    return n > 0 ? new IdTableWithHashBuckets(table, n as number, scope.replace(/\/$/, '')) : table;
  });
}

/**
 * `tf.contrib.lookup.index_to_string_table_from_tensor(vocabulary_list, default_value='UNK',
 * name=None)`: an int64 index → its string in the vocabulary, `default_value` out of range.
 */
export function indexToStringTableFromTensor(vocabularyList: TensorLike, defaultValue: string | { defaultValue?: string; name?: string } = 'UNK', name?: string): StaticHashTable {
  let dv = defaultValue;
  let nm = name;
  if (typeof dv === 'object') ({ defaultValue: dv = 'UNK', name: nm } = dv);
  if (vocabularyList === null || vocabularyList === undefined) throw new ValueError('vocabulary_list must be specified.');
  const g = vocabularyList instanceof Tensor ? vocabularyList.graph : getDefaultGraph();
  return g.nameScope(nm ?? 'index_to_string', () => {
    const vocab = toTensor(vocabularyList, 'string');
    const keys = cast(range(0, staticSize(vocab) ?? sizeOf(vocab)), 'int64');
    const init = new KeyValueTensorInitializer(keys, vocab, { keyDtype: 'int64', valueDtype: 'string', name: 'table_init' });
    return new StaticHashTable(init, toTensor(dv as string, 'string'), { name: 'hash_table' });
  });
}
