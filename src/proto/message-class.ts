/**
 * Protocol-buffer message classes built from the codec's MessageTypes, behaving as TF1's
 * Python protos: `new tf.Summary({value: [new tf.Summary.Value({tag: 'a', simpleValue: 1})]})`,
 * `serializeToString()`, `X.fromString(bytes)`, `parseFromString` / `mergeFromString`,
 * `copyFrom` / `mergeFrom`, `clear()`, `hasField` / `clearField` / `whichOneof`, `equals`, and
 * `toString()` in protobuf's text format as Python prints it.
 *
 * Semantics are proto3's (every TF message used here is proto3): scalars read their zero value
 * when unset and are not written when zero; singular submessages and oneof members have
 * presence. Reading an unset submessage gives an empty one that joins its parent when it is
 * written to (as in Python). Repeated fields are arrays with `add(fields)`, `append(x)` and
 * `extend(xs)`; map fields are plain objects.
 *
 * Bytes that do not parse raise `DecodeError` ('Error parsing message', Python's
 * google.protobuf.message.DecodeError), a subclass of `tf.errors.DataLossError`.
 */
import { DataLossError, ValueError } from '../errors.js';
import { type EnumType, type Field, type MessageType, type Msg, type Scalar, cEscape, decode, encode, fieldKey } from './codec.js';

/** Python's google.protobuf.message.DecodeError; a DataLossError, so either catch works. */
export class DecodeError extends DataLossError {
  constructor(detail?: string) {
    super(detail ? `Error parsing message: ${detail}` : 'Error parsing message');
    this.name = 'DecodeError';
  }
}

type Resolved = Scalar | EnumType | MessageType;
const resolve = (t: Field['type']): Resolved => (typeof t === 'function' ? t() : t);
const isMsgType = (t: Resolved): t is MessageType => typeof t !== 'string' && t.kind === 'message';
const shortName = (type: MessageType): string => type.name.slice(type.name.lastIndexOf('.') + 1);

/** A repeated field: an array that converts what is added to the field's element type. */
export class RepeatedField<T = unknown> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  /** @internal */ declare _conv: (x: unknown) => T;
  /** @internal */ declare _touch: () => void;
  /** @internal */ declare _elemClass: MessageClass | null;

  /** Append one element (TF1's `append`). */
  append(x: unknown): void {
    super.push(this._conv(x));
    this._touch();
  }
  /** Append each element (TF1's `extend`). */
  extend(xs: Iterable<unknown>): void {
    for (const x of xs) super.push(this._conv(x));
    this._touch();
  }
  override push(...xs: T[]): number {
    for (const x of xs) super.push(this._conv(x));
    this._touch();
    return this.length;
  }
  /** A new message element, appended and returned (TF1's `add(**fields)` of a repeated message). */
  add(fields: Record<string, unknown> = {}): T {
    if (!this._elemClass) throw new ValueError('add() is for repeated message fields; use append() for scalars');
    const m = new this._elemClass(fields) as T;
    super.push(m);
    this._touch();
    return m;
  }
}

function makeRepeated<T>(conv: (x: unknown) => T, touch: () => void, elemClass: MessageClass | null, items: Iterable<unknown> = []): RepeatedField<T> {
  const r = new RepeatedField<T>();
  Object.defineProperty(r, '_conv', { value: conv });
  Object.defineProperty(r, '_touch', { value: touch });
  Object.defineProperty(r, '_elemClass', { value: elemClass });
  for (const x of items) Array.prototype.push.call(r, conv(x));
  return r;
}

// ---------------------------------------------------------------- scalar checks

function pyRepr(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : typeof v === 'bigint' ? `${v}` : Array.isArray(v) ? `[${v.map(pyRepr).join(', ')}]` : String(v);
}
function typeError(v: unknown, expected: string): TypeError {
  const t = v === null ? 'null' : v instanceof Uint8Array ? 'Uint8Array' : Array.isArray(v) ? 'Array' : typeof v;
  return new TypeError(`${pyRepr(v)} has type ${t}, but expected one of: ${expected}`);
}
const INT_RANGE: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

function checkScalar(t: Scalar | EnumType, v: unknown, where: string): unknown {
  if (typeof t !== 'string') {
    if (typeof v === 'string') {
      if (!(v in t.values)) throw new ValueError(`Enum type "${t.name}" has no value named ${v} (field ${where})`);
      return t.values[v];
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(v, 'int');
    return v;
  }
  switch (t) {
    case 'string':
      if (typeof v !== 'string') throw typeError(v, 'string');
      return v;
    case 'bytes':
      if (typeof v === 'string') return new TextEncoder().encode(v);
      if (!(v instanceof Uint8Array)) throw typeError(v, 'Uint8Array, string');
      return v;
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return v !== 0;
      throw typeError(v, 'boolean');
    case 'float':
    case 'double':
      if (typeof v === 'bigint') v = Number(v);
      if (typeof v !== 'number') throw typeError(v, 'number');
      return t === 'float' ? Math.fround(v) : v;
    default: {
      if (typeof v === 'bigint') {
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw new ValueError(`Value out of range: ${v}`);
        v = Number(v);
      }
      if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(v, 'int');
      const [lo, hi] = INT_RANGE[t]!;
      if (v < lo || v > hi) throw new ValueError(`Value out of range: ${v}`);
      return v;
    }
  }
}

function zeroOf(t: Scalar | EnumType): unknown {
  if (t === 'string') return '';
  if (t === 'bytes') return new Uint8Array(0);
  if (t === 'bool') return false;
  return 0;
}

// ---------------------------------------------------------------- text format (Python's str())

/** A double as Python's repr prints it: `1.0`, `0.0001`, `1e-05`, `1e+16`, `nan`, `inf`. */
function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mant, e] = v.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp >= -4 && exp < 16) {
    const s = String(v);
    if (!s.includes('e')) return s.includes('.') ? s : `${s}.0`;
    // JS writes 1e-7 style below 1e-6 only, which is outside this range; keep a fallback.
    return v.toFixed(Math.max(0, -exp + mant.replace(/^-?\d\.?/, '').length));
  }
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}
/** A float32 as protobuf's Python text format prints it: the shortest decimal that reads back. */
function pyFloat32(v: number): string {
  if (!Number.isFinite(v) || v === 0) return pyFloat(v);
  for (let p = 1; p <= 9; p++) {
    const t = Number(v.toPrecision(p));
    if (Math.fround(t) === v) return pyFloat(t);
  }
  return pyFloat(v);
}

function textScalar(t: Scalar | EnumType, v: unknown): string {
  if (typeof t !== 'string') return Object.entries(t.values).find(([, n]) => n === v)?.[0] ?? String(v);
  switch (t) {
    case 'string':
      return `"${cEscape(new TextEncoder().encode(v as string))}"`;
    case 'bytes':
      return `"${cEscape(v as Uint8Array)}"`;
    case 'bool':
      return v ? 'true' : 'false';
    case 'float':
      return pyFloat32(v as number);
    case 'double':
      return pyFloat(v as number);
    default:
      return String(v);
  }
}

// ---------------------------------------------------------------- the base class

export interface MessageClass<M extends Message = Message> {
  new (fields?: Record<string, unknown> | Message): M;
  readonly DESCRIPTOR: MessageType;
  fromString(bytes: Uint8Array): M;
  fromObject(m: Msg): M;
}

/** The base of every generated message class. */
export abstract class Message {
  /** @internal set values by camelCase field name */
  declare _v: Map<string, unknown>;
  /** @internal empty submessages handed out for unset fields */
  declare _lazy: Map<string, Message>;
  /** @internal tells the parent this message was written to */
  declare _parentTouch: (() => void) | null;

  static readonly DESCRIPTOR: MessageType;

  constructor(fields?: Record<string, unknown> | Message) {
    Object.defineProperty(this, '_v', { value: new Map() });
    Object.defineProperty(this, '_lazy', { value: new Map() });
    Object.defineProperty(this, '_parentTouch', { value: null, writable: true });
    const type = this.descriptor;
    for (const f of type.fields) {
      const t = resolve(f.type);
      const k = fieldKey(f);
      if (f.mapKey) this._v.set(k, {});
      else if (f.repeated) this._v.set(k, makeRepeated(converter(f, t, k), () => this._touch(), isMsgType(t) ? classFor(t) : null));
    }
    if (fields instanceof Message) this.mergeFrom(fields);
    else if (fields !== undefined && fields !== null) {
      if (typeof fields !== 'object') throw new TypeError(`${shortName(type)}() takes an object of fields, got ${String(fields)}`);
      for (const [key, v] of Object.entries(fields)) {
        if (v === undefined || v === null) continue;
        const f = fieldByName(type, key);
        if (!f) throw new ValueError(`Protocol message ${shortName(type)} has no "${key}" field.`);
        (this as unknown as Record<string, unknown>)[fieldKey(f)] = v;
      }
    }
    Object.preventExtensions(this);
  }

  /** The MessageType this class was built from. */
  get descriptor(): MessageType {
    return (this.constructor as typeof Message).DESCRIPTOR;
  }

  /** @internal */
  _touch(): void {
    this._parentTouch?.();
  }

  /** The message as the codec's plain object (present fields only; camelCase keys). */
  toObject(): Msg {
    const out: Msg = {};
    for (const f of this.descriptor.fields) {
      const t = resolve(f.type);
      const k = fieldKey(f);
      if (f.mapKey) {
        const m = this._v.get(k) as Record<string, unknown>;
        const conv = converter(f, t, k);
        out[k] = Object.fromEntries(Object.entries(m).map(([key, x]) => [key, isMsgType(t) ? (conv(x) as Message).toObject() : conv(x)]));
      } else if (f.repeated) {
        const conv = converter(f, t, k);
        out[k] = (this._v.get(k) as unknown[]).map((x) => (isMsgType(t) ? (conv(x) as Message).toObject() : conv(x)));
      } else if (this._v.has(k)) {
        const v = this._v.get(k);
        out[k] = v instanceof Message ? v.toObject() : v;
      } else if (!isMsgType(t) && !f.oneof) {
        out[k] = zeroOf(t);
      }
    }
    return out;
  }

  /** The wire bytes (TF1's `SerializeToString()`). */
  serializeToString(): Uint8Array {
    return encode(this.descriptor, this.toObject());
  }

  /** Merge parsed `bytes` into this message; returns the number of bytes read. */
  mergeFromString(bytes: Uint8Array): number {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`mergeFromString() needs bytes (a Uint8Array), got ${typeof bytes}`);
    let m: Msg;
    try {
      m = decode(this.descriptor, bytes);
    } catch (e) {
      throw new DecodeError((e as Error).message);
    }
    this.mergeFrom(fromObjectOf(this.constructor as MessageClass, m));
    return bytes.length;
  }

  /** Clear, then parse `bytes` (TF1's `ParseFromString`); returns the number of bytes read. */
  parseFromString(bytes: Uint8Array): number {
    this.clear();
    return this.mergeFromString(bytes);
  }

  /** Merge `other` (same type): set scalars and present fields overwrite, repeated fields append, submessages merge. */
  mergeFrom(other: Message): void {
    if (!(other instanceof Message) || other.descriptor !== this.descriptor) {
      throw new TypeError(`Parameter to MergeFrom() must be instance of same class: expected ${shortName(this.descriptor)} got ${other instanceof Message ? shortName(other.descriptor) : typeof other}.`);
    }
    const self = this as unknown as Record<string, unknown>;
    for (const f of this.descriptor.fields) {
      const t = resolve(f.type);
      const k = fieldKey(f);
      const ov = other._v.get(k);
      if (f.mapKey) {
        const dst = this._v.get(k) as Record<string, unknown>;
        const conv = converter(f, t, k);
        for (const [key, x] of Object.entries(ov as Record<string, unknown>)) dst[key] = isMsgType(t) ? copyOf(conv(x) as Message) : conv(x);
        if (Object.keys(ov as object).length) this._touch();
      } else if (f.repeated) {
        const conv = converter(f, t, k);
        (this._v.get(k) as RepeatedField).extend((ov as unknown[]).map((x) => (isMsgType(t) ? copyOf(conv(x) as Message) : x)));
      } else if (!other._v.has(k)) {
        continue;
      } else if (ov instanceof Message) {
        (self[k] as Message).mergeFrom(ov);
        this.markPresent(f, k);
      } else if (f.oneof || !isZeroScalar(t as Scalar | EnumType, ov)) {
        self[k] = ov;
      }
    }
  }

  /** Make this message a copy of `other` (TF1's `CopyFrom`). */
  copyFrom(other: Message): void {
    if (other === this) return;
    this.clear();
    this.mergeFrom(other);
  }

  /** Reset every field (TF1's `Clear()`). */
  clear(): void {
    for (const f of this.descriptor.fields) this.clearOne(f);
    this._touch();
  }

  /** Whether a submessage field, oneof member or oneof (by its name) is set (TF1's `HasField`). */
  hasField(name: string): boolean {
    const oneof = this.oneofMembers(name);
    if (oneof) return oneof.some((f) => this._v.has(fieldKey(f)));
    const f = fieldByName(this.descriptor, name);
    if (!f) throw new ValueError(`Protocol message ${shortName(this.descriptor)} has no field ${name}.`);
    if (f.repeated || f.mapKey || (!f.oneof && !isMsgType(resolve(f.type)))) {
      throw new ValueError(`Protocol message has no non-repeated submessage field "${name}" nor marked as optional`);
    }
    return this._v.has(fieldKey(f));
  }

  /** Reset one field, or every member of a oneof given by its name (TF1's `ClearField`). */
  clearField(name: string): void {
    const oneof = this.oneofMembers(name);
    if (oneof) {
      for (const f of oneof) this.clearOne(f);
      return;
    }
    const f = fieldByName(this.descriptor, name);
    if (!f) throw new ValueError(`Protocol message ${shortName(this.descriptor)} has no "${name}" field.`);
    this.clearOne(f);
  }

  /** The camelCase name of the set member of oneof `group` (e.g. Event's 'what'), or null. */
  whichOneof(group: string): string | null {
    const members = this.oneofMembers(group);
    if (!members) throw new ValueError(`Protocol message has no oneof "${group}" field.`);
    const f = members.find((x) => this._v.has(fieldKey(x)));
    return f ? fieldKey(f) : null;
  }

  /** `[camelCaseName, value]` of each set field, in field-number order (TF1's `ListFields`). */
  listFields(): [string, unknown][] {
    const self = this as unknown as Record<string, unknown>;
    const out: [string, unknown][] = [];
    for (const f of [...this.descriptor.fields].sort((a, b) => a.num - b.num)) {
      const k = fieldKey(f);
      if (isPresent(this, f, k)) out.push([k, self[k]]);
    }
    return out;
  }

  /** Same type and same wire bytes (maps compare by content, regardless of key order). */
  equals(other: unknown): boolean {
    if (!(other instanceof Message) || other.descriptor !== this.descriptor) return false;
    const a = this.serializeToString();
    const b = other.serializeToString();
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  /** protobuf's text format, as Python's `str(message)` prints it. */
  toString(): string {
    return textOf(this, '');
  }

  toJSON(): Msg {
    return this.toObject();
  }

  /** @internal */
  markPresent(f: Field, k: string): void {
    const v = this._v.get(k) ?? this._lazy.get(k);
    this._lazy.delete(k);
    if (f.oneof) this.clearOtherOneofs(f);
    this._v.set(k, v);
    this._touch();
  }

  private clearOtherOneofs(f: Field): void {
    for (const g of this.groupOf(f)) if (g !== f) this.clearOne(g);
  }

  private clearOne(f: Field): void {
    const t = resolve(f.type);
    const k = fieldKey(f);
    if (f.mapKey) this._v.set(k, {});
    else if (f.repeated) (this._v.get(k) as RepeatedField).length = 0;
    else {
      const old = this._v.get(k);
      if (old instanceof Message) old._parentTouch = null;
      this._v.delete(k);
      this._lazy.delete(k);
    }
    void t;
  }

  private groupOf(f: Field): Field[] {
    const groups = oneofGroups(this.constructor as MessageClass);
    for (const members of Object.values(groups)) if (members.includes(f)) return members;
    return [f];
  }

  private oneofMembers(name: string): Field[] | null {
    return oneofGroups(this.constructor as MessageClass)[name] ?? null;
  }
}

function isZeroScalar(t: Scalar | EnumType, v: unknown): boolean {
  if (t === 'string') return v === '';
  if (t === 'bytes') return (v as Uint8Array).length === 0;
  if (t === 'bool') return !v;
  return Number(v) === 0 && !Object.is(v, -0);
}

function isPresent(m: Message, f: Field, k: string): boolean {
  const v = m._v.get(k);
  if (f.mapKey) return Object.keys(v as object).length > 0;
  if (f.repeated) return (v as unknown[]).length > 0;
  if (f.oneof || isMsgType(resolve(f.type))) return m._v.has(k);
  return v !== undefined && !isZeroScalar(resolve(f.type) as Scalar, v);
}

function copyOf(m: Message): Message {
  const c = new (m.constructor as MessageClass)();
  c.mergeFrom(m);
  return c;
}

function textOf(m: Message, indent: string): string {
  let out = '';
  const self = m as unknown as Record<string, unknown>;
  const emit = (name: string, t: Resolved, v: unknown): void => {
    if (isMsgType(t)) out += `${indent}${name} {\n${textOf(v as Message, indent + '  ')}${indent}}\n`;
    else out += `${indent}${name}: ${textScalar(t, v)}\n`;
  };
  for (const f of [...m.descriptor.fields].sort((a, b) => a.num - b.num)) {
    const t = resolve(f.type);
    const k = fieldKey(f);
    if (!isPresent(m, f, k)) continue;
    if (f.mapKey) {
      const conv = converter(f, t, k);
      const entries = Object.entries(self[k] as Record<string, unknown>);
      const num = f.mapKey !== 'string';
      entries.sort(([a], [b]) => (num ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
      for (const [key, v] of entries) {
        const keyText = textScalar(f.mapKey!, num ? Number(key) : key);
        const val = conv(v);
        const body = isMsgType(t) ? `${indent}  value {\n${textOf(val as Message, indent + '    ')}${indent}  }\n` : `${indent}  value: ${textScalar(t, val)}\n`;
        out += `${indent}${f.name} {\n${indent}  key: ${keyText}\n${body}${indent}}\n`;
      }
    } else if (f.repeated) {
      const conv = converter(f, t, k);
      for (const x of self[k] as unknown[]) emit(f.name, t, conv(x));
    } else {
      emit(f.name, t, self[k]);
    }
  }
  return out;
}

// ---------------------------------------------------------------- field plumbing

function fieldByName(type: MessageType, name: string): Field | undefined {
  return type.fields.find((f) => fieldKey(f) === name || f.name === name);
}

/** Converts a value given for an element (repeated, map value) or singular field to its stored form. */
function converter(f: Field, t: Resolved, k: string): (x: unknown) => unknown {
  const where = `${k}`;
  if (isMsgType(t)) {
    const cls = classFor(t);
    return (x) => coerceMessage(cls, x, where);
  }
  return (x) => checkScalar(t, x, where);
}

function coerceMessage(cls: MessageClass, x: unknown, where: string): Message {
  if (x instanceof cls) return x;
  if (x instanceof Message) throw new TypeError(`${where}: expected a ${shortName(cls.DESCRIPTOR)} message, got a ${shortName(x.descriptor)}`);
  if (x !== null && typeof x === 'object') {
    // Hand-written message classes (tf.train.Example, Features, Feature) expose toMsg().
    const toMsg = (x as { toMsg?: () => Msg }).toMsg;
    if (typeof toMsg === 'function') return cls.fromObject(toMsg.call(x));
    return new cls(x as Record<string, unknown>);
  }
  throw new TypeError(`${where}: expected a ${shortName(cls.DESCRIPTOR)} message or an object of its fields, got ${pyRepr(x)}`);
}

function defineAccessors(cls: MessageClass, type: MessageType): void {
  for (const f of type.fields) {
    const k = fieldKey(f);
    Object.defineProperty(cls.prototype, k, {
      configurable: true,
      enumerable: true,
      get(this: Message) {
        const t = resolve(f.type);
        if (this._v.has(k)) return this._v.get(k);
        if (isMsgType(t)) {
          let lazy = this._lazy.get(k);
          if (!lazy) {
            lazy = new (classFor(t))();
            lazy._parentTouch = () => this.markPresent(f, k);
            this._lazy.set(k, lazy);
          }
          return lazy;
        }
        return zeroOf(t as Scalar | EnumType);
      },
      set(this: Message, v: unknown) {
        const t = resolve(f.type);
        if (f.mapKey) {
          if (v === null || typeof v !== 'object') throw new TypeError(`${k}: a map field takes an object, got ${pyRepr(v)}`);
          const conv = converter(f, t, k);
          const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
          this._v.set(k, Object.fromEntries(entries.map(([key, x]) => [String(key), conv(x)])));
          this._touch();
          return;
        }
        if (f.repeated) {
          if (v === null || typeof v !== 'object' || !(Symbol.iterator in (v as object))) throw new TypeError(`${k}: a repeated field takes an array, got ${pyRepr(v)}`);
          const arr = this._v.get(k) as RepeatedField;
          const items = [...(v as Iterable<unknown>)];
          arr.length = 0;
          arr.extend(items);
          return;
        }
        if (v === undefined || v === null) {
          this.clearField(k);
          return;
        }
        if (isMsgType(t)) {
          const m = coerceMessage(classFor(t), v, k);
          const old = this._v.get(k);
          if (old instanceof Message && old !== m) old._parentTouch = null;
          m._parentTouch = () => this.markPresent(f, k);
          this._lazy.delete(k);
          this._v.set(k, m);
          this.markPresent(f, k);
          return;
        }
        this._v.set(k, checkScalar(t, v, k));
        if (f.oneof) this.markPresent(f, k);
        else this._touch();
      },
    });
  }
}

const oneofCache = new WeakMap<MessageClass, Record<string, Field[]>>();
function oneofGroups(cls: MessageClass): Record<string, Field[]> {
  return oneofCache.get(cls) ?? {};
}

const classCache = new Map<MessageType, MessageClass>();

export interface MessageClassSpec {
  /** The oneof groups by name, each a list of member field names (default: every oneof field in one group named 'value'). */
  oneofs?: Record<string, string[]>;
  /** Static members: nested message classes and enum values (`tf.Summary.Value`, `tf.LogMessage.INFO`). */
  statics?: Record<string, unknown>;
}

/** The message class of `type` (one class per MessageType; a spec given the first time names its oneofs and statics). */
export function messageClass<S extends Record<string, unknown> = Record<string, never>>(
  type: MessageType,
  spec: MessageClassSpec & { statics?: S } = {},
): MessageClass<Message & Record<string, any>> & S {
  let cls = classCache.get(type);
  if (!cls) {
    const name = shortName(type);
    const holder = {
      [name]: class extends Message {
        static override readonly DESCRIPTOR = type;
        static fromString(bytes: Uint8Array): Message {
          const m = new this();
          m.mergeFromString(bytes);
          return m;
        }
        static fromObject(m: Msg): Message {
          return fromObjectOf(this as unknown as MessageClass, m);
        }
      },
    };
    cls = holder[name] as unknown as MessageClass;
    defineAccessors(cls, type);
    classCache.set(type, cls);
    const oneofFields = type.fields.filter((f) => f.oneof);
    const groups: Record<string, Field[]> = {};
    if (spec.oneofs) {
      for (const [g, members] of Object.entries(spec.oneofs)) groups[g] = members.map((n) => fieldByName(type, n)!).filter(Boolean);
    } else if (oneofFields.length) {
      groups.value = oneofFields;
    }
    oneofCache.set(cls, groups);
  } else if (spec.oneofs) {
    const groups: Record<string, Field[]> = {};
    for (const [g, members] of Object.entries(spec.oneofs)) groups[g] = members.map((n) => fieldByName(type, n)!).filter(Boolean);
    oneofCache.set(cls, groups);
  }
  if (spec.statics) {
    for (const [k, v] of Object.entries(spec.statics)) Object.defineProperty(cls, k, { value: v, enumerable: true, configurable: true });
  }
  return cls as MessageClass<Message & Record<string, any>> & S;
}

function classFor(type: MessageType): MessageClass {
  return classCache.get(type) ?? messageClass(type);
}

/** Build a message from the codec's plain object (what `decode` returns). */
function fromObjectOf(cls: MessageClass, m: Msg): Message {
  const out = new cls();
  const self = out as unknown as Record<string, unknown>;
  for (const f of cls.DESCRIPTOR.fields) {
    const k = fieldKey(f);
    const v = m[k];
    if (v === undefined || v === null) continue;
    const t = resolve(f.type);
    if (isMsgType(t) && !f.repeated && !f.mapKey) {
      self[k] = fromObjectOf(classFor(t), v as Msg);
    } else if (isMsgType(t) && f.repeated) {
      self[k] = (v as Msg[]).map((x) => (x instanceof Message ? x : fromObjectOf(classFor(t), x)));
    } else if (isMsgType(t) && f.mapKey) {
      self[k] = Object.fromEntries(Object.entries(v as Record<string, Msg>).map(([key, x]) => [key, x instanceof Message ? x : fromObjectOf(classFor(t), x)]));
    } else {
      self[k] = v;
    }
  }
  out._parentTouch = null;
  return out;
}
