/**
 * A small schema-driven protobuf codec: binary wire format (on the checkpoint reader/writer) and
 * the text format TF's `.pbtxt` files use. Messages decode to plain objects keyed by the
 * camelCase field names; repeated fields decode to arrays, maps to objects. Encoding follows
 * proto3 and the C++ serializer: field-number order, zero scalars omitted except in a oneof,
 * set submessages written even when empty, repeated scalars packed, map entries sorted by key.
 */
import { DataLossError } from '../errors.js';
import { ProtoReader, ProtoWriter, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from '../checkpoint/proto.js';

export type Scalar = 'int32' | 'int64' | 'uint32' | 'uint64' | 'bool' | 'float' | 'double' | 'string' | 'bytes' | 'fixed32';

export interface EnumType {
  kind: 'enum';
  name: string;
  values: Record<string, number>;
}

export interface Field {
  num: number;
  /** The proto field name (snake_case), as the text format prints it. */
  name: string;
  type: Scalar | EnumType | (() => MessageType);
  repeated?: boolean;
  /** A oneof member: written whenever set, zero included. */
  oneof?: boolean;
  /** `map<key, value>`: key scalar type; `type` is the value type. */
  mapKey?: Scalar;
}

export interface MessageType {
  kind: 'message';
  name: string;
  fields: Field[];
}

export type Msg = Record<string, unknown>;

export function message(name: string, fields: Field[]): MessageType {
  fields.sort((a, b) => a.num - b.num);
  return { kind: 'message', name, fields };
}

export function enumType(name: string, values: Record<string, number>): EnumType {
  return { kind: 'enum', name, values };
}

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const keyCache = new Map<string, string>();
export function fieldKey(f: Field): string {
  let k = keyCache.get(f.name);
  if (k === undefined) keyCache.set(f.name, (k = camel(f.name)));
  return k;
}

function resolve(t: Field['type']): Scalar | EnumType | MessageType {
  return typeof t === 'function' ? t() : t;
}

// ---------------------------------------------------------------- binary encoding

const f32 = new DataView(new ArrayBuffer(8));

function isPackable(t: Scalar | EnumType | MessageType): boolean {
  return typeof t !== 'string' ? t.kind === 'enum' : t !== 'string' && t !== 'bytes';
}

function writeScalar(w: ProtoWriter, t: Scalar | EnumType, v: unknown): void {
  if (typeof t !== 'string') return void w.varint(Number(v));
  switch (t) {
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
      w.varint(typeof v === 'bigint' ? v : Number(v));
      return;
    case 'bool':
      w.varint(v ? 1 : 0);
      return;
    case 'fixed32':
      w.fixed32(Number(v));
      return;
    case 'float':
      f32.setFloat32(0, Number(v), true);
      w.fixed32(f32.getUint32(0, true));
      return;
    case 'double':
      f32.setFloat64(0, Number(v), true);
      w.fixed32(f32.getUint32(0, true)).fixed32(f32.getUint32(4, true));
      return;
    case 'string':
      w.raw(new TextEncoder().encode(String(v)));
      return;
    case 'bytes':
      w.raw(v as Uint8Array);
  }
}

function wireOf(t: Scalar | EnumType | MessageType): number {
  if (typeof t !== 'string') return t.kind === 'enum' ? WIRE_VARINT : WIRE_BYTES;
  if (t === 'float' || t === 'fixed32') return WIRE_FIXED32;
  if (t === 'double') return WIRE_FIXED64;
  if (t === 'string' || t === 'bytes') return WIRE_BYTES;
  return WIRE_VARINT;
}

function isZero(t: Scalar | EnumType, v: unknown): boolean {
  if (t === 'string') return v === '';
  if (t === 'bytes') return (v as Uint8Array).length === 0;
  if (t === 'bool') return !v;
  return Number(v) === 0 && !Object.is(v, -0);
}

function writeValue(w: ProtoWriter, f: Field, t: Scalar | EnumType | MessageType, v: unknown): void {
  if (typeof t !== 'string' && t.kind === 'message') {
    w.bytesField(f.num, encode(t, v as Msg));
    return;
  }
  w.tag(f.num, wireOf(t));
  if (t === 'string' || t === 'bytes') {
    const bytes = t === 'string' ? new TextEncoder().encode(String(v)) : (v as Uint8Array);
    w.varint(bytes.length).raw(bytes);
  } else {
    writeScalar(w, t, v);
  }
}

export function encode(type: MessageType, m: Msg): Uint8Array {
  const w = new ProtoWriter();
  for (const f of type.fields) {
    const v = m[fieldKey(f)];
    if (v === undefined || v === null) continue;
    const t = resolve(f.type);
    if (f.mapKey) {
      const entryType = mapEntry(f);
      const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as Msg);
      entries.sort(([a], [b]) => (f.mapKey === 'string' ? (a < b ? -1 : a > b ? 1 : 0) : Number(a) - Number(b)));
      for (const [k, val] of entries) {
        w.bytesField(f.num, encode(entryType, { key: f.mapKey === 'string' ? k : Number(k), value: val }));
      }
    } else if (f.repeated) {
      const arr = v as unknown[];
      if (arr.length === 0) continue;
      if (isPackable(t)) {
        const p = new ProtoWriter();
        for (const x of arr) writeScalar(p, t as Scalar | EnumType, x);
        w.bytesField(f.num, p.finish());
      } else {
        for (const x of arr) writeValue(w, f, t, x);
      }
    } else if (typeof t !== 'string' && t.kind === 'message') {
      writeValue(w, f, t, v);
    } else if (f.oneof || !isZero(t, v)) {
      writeValue(w, f, t, v);
    }
  }
  return w.finish();
}

const entryCache = new WeakMap<Field, MessageType>();
function mapEntry(f: Field): MessageType {
  let e = entryCache.get(f);
  if (!e) {
    e = message(`${f.name}Entry`, [
      { num: 1, name: 'key', type: f.mapKey! },
      { num: 2, name: 'value', type: f.type },
    ]);
    entryCache.set(f, e);
  }
  return e;
}

// ---------------------------------------------------------------- binary decoding

function readFixed64(r: ProtoReader): number {
  if (r.pos + 8 > r.buf.length) throw new DataLossError('truncated protobuf message');
  const dv = new DataView(r.buf.buffer, r.buf.byteOffset + r.pos, 8);
  r.pos += 8;
  return dv.getFloat64(0, true);
}

function readScalar(r: ProtoReader, t: Scalar | EnumType): unknown {
  if (typeof t !== 'string') return r.int32();
  switch (t) {
    case 'int32':
      return r.int32();
    case 'int64':
      return r.varint();
    case 'uint32':
      return r.uint32();
    case 'uint64':
      return Number(r.varintBig());
    case 'bool':
      return r.bool();
    case 'fixed32':
      return r.fixed32();
    case 'float':
      f32.setUint32(0, r.fixed32(), true);
      return f32.getFloat32(0, true);
    case 'double':
      return readFixed64(r);
    case 'string':
      return r.string();
    case 'bytes':
      return r.bytes().slice();
  }
}

function defaultOf(t: Scalar | EnumType): unknown {
  if (t === 'string') return '';
  if (t === 'bytes') return new Uint8Array(0);
  if (t === 'bool') return false;
  return 0;
}

/** protobuf's default recursion limit: messages nested deeper fail to parse (not overflow the stack). */
const RECURSION_LIMIT = 100;
let depth = 0;

/** Decode `buf` as `type`; unknown fields are skipped. */
export function decode<T = Msg>(type: MessageType, buf: Uint8Array): T {
  if (depth >= RECURSION_LIMIT) throw new DataLossError(`protobuf message nested deeper than protobuf's recursion limit of ${RECURSION_LIMIT}`);
  depth++;
  try {
    return decodeBody<T>(type, buf);
  } finally {
    depth--;
  }
}

function decodeBody<T>(type: MessageType, buf: Uint8Array): T {
  const m: Msg = {};
  for (const f of type.fields) {
    const t = resolve(f.type);
    const k = fieldKey(f);
    if (f.mapKey) m[k] = {};
    else if (f.repeated) m[k] = [];
    else if (!f.oneof && (typeof t === 'string' || t.kind === 'enum')) m[k] = defaultOf(t);
  }
  // A Node Buffer's slice() is a view: read through a plain Uint8Array so bytes fields are copies.
  const r = new ProtoReader(Object.getPrototypeOf(buf) === Uint8Array.prototype ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  const byNum = new Map(type.fields.map((f) => [f.num, f]));
  while (!r.done) {
    const [num, wire] = r.tag();
    const f = byNum.get(num);
    if (!f) {
      r.skip(wire);
      continue;
    }
    const t = resolve(f.type);
    const k = fieldKey(f);
    if (f.mapKey) {
      if (wire !== WIRE_BYTES) throw badWire(type, f, wire);
      const e = decode<{ key: unknown; value: unknown }>(mapEntry(f), r.bytes());
      const mt = resolve(f.type);
      const value = e.value ?? (typeof mt !== 'string' && mt.kind === 'message' ? decode(mt, new Uint8Array(0)) : undefined);
      (m[k] as Msg)[String(e.key)] = value;
    } else if (typeof t !== 'string' && t.kind === 'message') {
      if (wire !== WIRE_BYTES) throw badWire(type, f, wire);
      const sub = decode(t, r.bytes());
      if (f.repeated) (m[k] as unknown[]).push(sub);
      else m[k] = sub;
    } else if (f.repeated && wire === WIRE_BYTES && isPackable(t)) {
      const sub = new ProtoReader(r.bytes());
      while (!sub.done) (m[k] as unknown[]).push(readScalar(sub, t as Scalar | EnumType));
    } else {
      if (wire !== wireOf(t)) throw badWire(type, f, wire);
      const v = readScalar(r, t as Scalar | EnumType);
      if (f.repeated) (m[k] as unknown[]).push(v);
      else m[k] = v;
    }
  }
  return m as T;
}

function badWire(type: MessageType, f: Field, wire: number): DataLossError {
  return new DataLossError(`protobuf field ${type.name}.${f.name} has wire type ${wire}, which does not fit its type`);
}

// ---------------------------------------------------------------- text format

/** C-style escaping as protobuf's text format writes strings and bytes. */
export function cEscape(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x0a) s += '\\n';
    else if (b === 0x0d) s += '\\r';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x22) s += '\\"';
    else if (b === 0x27) s += "\\'";
    else if (b === 0x5c) s += '\\\\';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + b.toString(8).padStart(3, '0');
  }
  return s;
}

function formatFloat(v: number, single: boolean): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  let s = String(v);
  if (single) {
    // Shortest decimal that reads back as the same float32.
    for (let p = 1; p <= 9; p++) {
      const t = Number(v.toPrecision(p));
      if (Math.fround(t) === v) {
        s = String(t);
        break;
      }
    }
  }
  // Python's repr: integral values keep a `.0`.
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

function textScalar(t: Scalar | EnumType, v: unknown): string {
  if (typeof t !== 'string') {
    const name = Object.entries(t.values).find(([, n]) => n === v)?.[0];
    return name ?? String(v);
  }
  switch (t) {
    case 'string':
      return `"${cEscape(new TextEncoder().encode(String(v)))}"`;
    case 'bytes':
      return `"${cEscape(v as Uint8Array)}"`;
    case 'bool':
      return v ? 'true' : 'false';
    case 'float':
      return formatFloat(Number(v), true);
    case 'double':
      return formatFloat(Number(v), false);
    default:
      return String(v);
  }
}

/** The text format of `m` (as Python's `text_format.MessageToString`). */
export function toText(type: MessageType, m: Msg, indent = ''): string {
  let out = '';
  for (const f of type.fields) {
    const v = m[fieldKey(f)];
    if (v === undefined || v === null) continue;
    const t = resolve(f.type);
    const emit = (tt: Scalar | EnumType | MessageType, x: unknown, name = f.name): void => {
      if (typeof tt !== 'string' && tt.kind === 'message') {
        out += `${indent}${name} {\n${toText(tt, x as Msg, indent + '  ')}${indent}}\n`;
      } else {
        out += `${indent}${name}: ${textScalar(tt, x)}\n`;
      }
    };
    if (f.mapKey) {
      const entries = Object.entries(v as Msg).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [key, val] of entries) {
        emit(mapEntry(f), { key: f.mapKey === 'string' ? key : Number(key), value: val });
      }
    } else if (f.repeated) {
      for (const x of v as unknown[]) emit(t, x);
    } else if (typeof t !== 'string' && t.kind === 'message') {
      emit(t, v);
    } else if (f.oneof || !isZero(t, v)) {
      emit(t, v);
    }
  }
  return out;
}

class TextParser {
  pos = 0;
  depth = 0;
  constructor(readonly src: string) {}

  private ws(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else if (c !== undefined && /\s/.test(c)) {
        this.pos++;
      } else {
        return;
      }
    }
  }

  peek(): string | undefined {
    this.ws();
    return this.src[this.pos];
  }

  fail(what: string): never {
    const line = this.src.slice(0, this.pos).split('\n').length;
    throw new ParseError(`${line}:${this.pos - this.src.lastIndexOf('\n', this.pos - 1)}: ${what}`);
  }

  ident(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos, this.pos + 200));
    if (!m) this.fail('Expected identifier.');
    this.pos += m[0].length;
    return m[0];
  }

  expect(c: string): void {
    if (this.peek() !== c) this.fail(`Expected "${c}".`);
    this.pos++;
  }

  stringBytes(): Uint8Array {
    const parts: number[] = [];
    while (this.peek() === '"' || this.peek() === "'") {
      const q = this.src[this.pos++]!;
      for (;;) {
        const c = this.src[this.pos++];
        if (c === undefined) this.fail('Unterminated string.');
        if (c === q) break;
        if (c === '\\') {
          const e = this.src[this.pos++]!;
          const simple: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92, a: 7, b: 8, f: 12, v: 11, '?': 63 };
          if (e in simple) parts.push(simple[e]!);
          else if (/[0-7]/.test(e)) {
            let o = e;
            while (o.length < 3 && /[0-7]/.test(this.src[this.pos] ?? '')) o += this.src[this.pos++];
            parts.push(parseInt(o, 8));
          } else if (e === 'x') {
            let h = '';
            while (h.length < 2 && /[0-9a-fA-F]/.test(this.src[this.pos] ?? '')) h += this.src[this.pos++];
            parts.push(parseInt(h, 16));
          } else this.fail(`Invalid escape \\${e}.`);
        } else {
          for (const b of new TextEncoder().encode(c)) parts.push(b);
        }
      }
    }
    return Uint8Array.from(parts);
  }

  token(): string {
    this.ws();
    const m = /^[-+]?[A-Za-z0-9_.+-]+/.exec(this.src.slice(this.pos, this.pos + 100));
    if (!m) this.fail('Expected value.');
    this.pos += m[0].length;
    return m[0];
  }

  scalar(t: Scalar | EnumType): unknown {
    if (t === 'string' || t === 'bytes') {
      // without a quote stringBytes reads nothing: in a `[...]` list that looped forever
      const q = this.peek();
      if (q !== '"' && q !== "'") this.fail('Expected string.');
      const b = this.stringBytes();
      return t === 'string' ? new TextDecoder().decode(b) : b;
    }
    const tok = this.token();
    if (typeof t !== 'string') {
      if (tok in t.values) return t.values[tok];
      if (/^-?\d+$/.test(tok)) return Number(tok);
      this.fail(`Unknown enumeration value of "${tok}" for field of type ${t.name}.`);
    }
    if (t === 'bool') {
      if (tok === 'true' || tok === 't' || tok === '1') return true;
      if (tok === 'false' || tok === 'f' || tok === '0') return false;
      this.fail(`Invalid value for boolean field: "${tok}".`);
    }
    const low = tok.toLowerCase().replace(/f$/, '');
    const n = low === 'inf' || low === 'infinity' ? Infinity : low === '-inf' || low === '-infinity' ? -Infinity : low === 'nan' ? NaN : Number(tok.replace(/[fF]$/, ''));
    if (Number.isNaN(n) && low !== 'nan') this.fail(`Couldn't parse number: ${tok}.`);
    return t === 'float' ? Math.fround(n) : n;
  }

  messageBody(type: MessageType, close: string | null): Msg {
    const m = decode(type, new Uint8Array(0)) as Msg;
    for (;;) {
      const c = this.peek();
      if (c === undefined) {
        if (close !== null) this.fail(`Expected "${close}".`);
        return m;
      }
      if (c === close) {
        this.pos++;
        return m;
      }
      const name = this.ident();
      const f = type.fields.find((x) => x.name === name);
      if (!f) this.fail(`Message type "${type.name}" has no field named "${name}".`);
      const t = f.mapKey ? mapEntry(f) : resolve(f.type);
      const k = fieldKey(f);
      let v: unknown;
      if (typeof t !== 'string' && t.kind === 'message') {
        if (this.peek() === ':') this.pos++;
        const open = this.peek();
        if (open !== '{' && open !== '<') this.fail('Expected "{".');
        this.pos++;
        if (++this.depth > RECURSION_LIMIT) this.fail(`Message is too deep, the parser exceeded the configured recursion limit of ${RECURSION_LIMIT}.`);
        v = this.messageBody(t, open === '{' ? '}' : '>');
        this.depth--;
      } else {
        this.expect(':');
        if (f.repeated && this.peek() === '[') {
          this.pos++;
          while (this.peek() !== ']') {
            (m[k] as unknown[]).push(this.scalar(t));
            if (this.peek() === ',') this.pos++;
          }
          this.pos++;
          continue;
        }
        v = this.scalar(t);
      }
      if (f.mapKey) {
        const e = v as { key: unknown; value: unknown };
        (m[k] as Msg)[String(e.key)] = e.value;
      } else if (f.repeated) (m[k] as unknown[]).push(v);
      else m[k] = v;
      if (this.peek() === ',' || this.peek() === ';') this.pos++;
    }
  }
}

/** protobuf's text_format.ParseError. */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

/** Parse the text format of `type`. */
export function fromText<T = Msg>(type: MessageType, text: string): T {
  return new TextParser(text).messageBody(type, null) as T;
}
