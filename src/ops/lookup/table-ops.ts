/**
 * TF's hash table ops (core/kernels/lookup_table_op.cc, lookup_table_init_op.cc): `HashTableV2`
 * (a per-session resource, as TF's tables are), `InitializeTableV2` (keys → values, once),
 * `LookupTableFindV2` (the value of each key, the default for a missing one) and
 * `LookupTableSizeV2`. They run on the host before the plan (src/session/host-stage.ts), and
 * export to / import from GraphDefs under TF's names and attrs.
 */
import type { DType } from '../../dtype.js';
import { FailedPreconditionError, InvalidArgumentError } from '../../errors.js';
import type { Operation } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { StringArray } from '../../string-array.js';
import { type HostContext, registerHostOp } from '../../session/host-stage.js';
import type { SessionState } from '../../session/runner.js';
import { defineOp, registerGradient } from '../registry.js';

/** @internal The session-independent identity of one table. */
export class TableResource {
  constructor(readonly keyDtype: DType, readonly valueDtype: DType, readonly sharedName: string, readonly opName: string) {}
}

/** @internal */
export interface TState {
  map: Map<string | number, unknown> | null;
}

const states = new WeakMap<SessionState, { byShared: Map<string, TState>; byRes: Map<TableResource, TState> }>();

/** @internal The table's contents in one session (`map` null until initialized). */
export function stateOf(s: SessionState, r: TableResource): TState {
  let m = states.get(s);
  if (!m) states.set(s, (m = { byShared: new Map(), byRes: new Map() }));
  let t = m.byRes.get(r);
  if (t) return t;
  if (r.sharedName !== '') t = m.byShared.get(r.sharedName);
  if (!t) {
    t = { map: null };
    if (r.sharedName !== '') m.byShared.set(r.sharedName, t);
  }
  m.byRes.set(r, t);
  return t;
}

interface TAttrs { resource: TableResource; [k: string]: unknown }

/** The table a consumer op's first input is the handle of. */
export function tableOf(op: Operation): TableResource {
  const h = op.inputs[0];
  const r = h && (h.op.attrs as { resource?: unknown }).resource;
  if (!(r instanceof TableResource)) throw new InvalidArgumentError(`Node '${op.name}' (${op.type}) takes a table handle, but its first input is ${h ? `${h.op.type} '${h.op.name}'` : 'missing'}`, op.name);
  return r;
}

const dec = new TextDecoder();
/** A key as a Map key: strings decoded, numbers as they are. */
function keysOf(a: NDArray): (string | number)[] {
  if (a.dtype === 'string') return Array.from(a.data as unknown as StringArray, (b) => dec.decode(b));
  return Array.from(a.data as ArrayLike<number>, Number);
}
function valuesOf(a: NDArray): unknown[] {
  return a.dtype === 'string' ? Array.from(a.data as unknown as StringArray) : Array.from(a.data as ArrayLike<number>);
}
const shown = (v: unknown): string => (v instanceof Uint8Array ? dec.decode(v) : String(v));

/** @internal */
export function makeArray(values: unknown[], shape: number[], dtype: DType): NDArray {
  if (dtype === 'string') return new NDArray(StringArray.fromValues(values as Uint8Array[]) as never, shape, 'string');
  const z = NDArray.zeros(shape, dtype);
  values.forEach((v, i) => (z.data[i] = v as number));
  return z;
}

const noLower = (t: string) => (): never => {
  throw new Error(`${t} runs on the host before the plan; it cannot be lowered`);
};

defineOp<TAttrs>({ type: 'HashTableV2', infer: () => [{ dtype: 'string', shape: [2] }], lower: noLower('HashTableV2'), stateful: true });
defineOp<TAttrs>({ type: 'InitializeTableV2', infer: () => [], lower: () => [], stateful: true });
defineOp<TAttrs>({
  type: 'LookupTableFindV2',
  infer: ([, keys], a) => [{ dtype: a.resource.valueDtype, shape: keys!.shape }],
  lower: noLower('LookupTableFindV2'),
  stateful: true,
});
defineOp<TAttrs>({ type: 'LookupTableSizeV2', infer: () => [{ dtype: 'int64', shape: [] }], lower: noLower('LookupTableSizeV2'), stateful: true });
for (const t of ['HashTableV2', 'InitializeTableV2', 'LookupTableFindV2', 'LookupTableSizeV2']) registerGradient(t, null);

registerHostOp('HashTableV2', function* (op) {
  const r = (op.attrs as TAttrs).resource;
  return [new NDArray(StringArray.fromValues(['tsflow:table', r.sharedName || op.name]), [2], 'string')];
});

registerHostOp('InitializeTableV2', function* (op, [, keys, values], hc: HostContext) {
  const r = tableOf(op);
  const t = stateOf(hc.runner.state, r);
  if (keys!.size !== values!.size) {
    throw new InvalidArgumentError(`Expected shape [${keys!.shape.join(',')}] for value, got [${values!.shape.join(',')}]`, op.name);
  }
  if (t.map !== null) throw new FailedPreconditionError('Table already initialized.', op.name);
  const map = new Map<string | number, unknown>();
  const ks = keysOf(keys!);
  const vs = valuesOf(values!);
  ks.forEach((k, i) => {
    if (map.has(k) && shown(map.get(k)) !== shown(vs[i])) {
      throw new InvalidArgumentError(`HashTable has different value for same key. Key ${k} has ${shown(map.get(k))} and trying to add value ${shown(vs[i])}`, op.name);
    }
    map.set(k, vs[i]);
  });
  t.map = map;
  return [];
});

registerHostOp('LookupTableFindV2', function* (op, [, keys, dflt], hc: HostContext) {
  const r = tableOf(op);
  const t = stateOf(hc.runner.state, r);
  if (t.map === null) throw new FailedPreconditionError('Table not initialized.', op.name);
  if (dflt!.size !== 1) throw new InvalidArgumentError(`Expected default value to be a scalar, got shape [${dflt!.shape.join(',')}]`, op.name);
  const d = valuesOf(dflt!)[0];
  const map = t.map;
  const out = keysOf(keys!).map((k) => (map.has(k) ? map.get(k) : d));
  return [makeArray(out, [...keys!.shape], r.valueDtype)];
});

registerHostOp('LookupTableSizeV2', function* (op, _ins, hc: HostContext) {
  const t = stateOf(hc.runner.state, tableOf(op));
  return [makeArray([t.map?.size ?? 0], [], 'int64')];
});
