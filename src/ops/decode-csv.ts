/**
 * `tf.io.decodeCsv(records, recordDefaults, fieldDelim = ',', useQuoteDelim = true, name?,
 * naValue = '', selectCols?)` (TF1's `tf.decode_csv`): each string of `records` split into
 * fields, one output per column in the dtype of its default (float32, float64, int32, int64
 * or string), shaped like `records`. A column whose default is empty is required. Quoted
 * fields (`"a,b"`, `""` for a quote) as TF's DecodeCSV parses them, with TF's errors. Runs on
 * the host before the plan (src/session/host-stage.ts).
 */
import { type DType, StringArray, arrayCtor } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { type TensorLike, toTensor } from './convert.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { kwargs } from '../args.js';

const CSV_TYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'string'];

interface CsvAttrs { fieldDelim: string; useQuoteDelim: boolean; naValue: string; selectCols: number[] | null; outTypes: DType[]; [k: string]: unknown }

const text = (b: unknown): string => (typeof b === 'string' ? b : new TextDecoder().decode(b as Uint8Array));

/** The fields of one record (TF's ExtractFields). */
function splitRecord(rec: string, a: CsvAttrs, index: number, opName: string): string[] {
  const out: string[] = [];
  const d = a.fieldDelim;
  let i = 0;
  const n = rec.length;
  for (;;) {
    if (a.useQuoteDelim && rec[i] === '"') {
      let f = '';
      i++;
      for (;;) {
        if (i >= n) throw new InvalidArgumentError(`Quoted field has to end with quote followed by delim or end (record ${index})`, opName);
        if (rec[i] === '"') {
          if (rec[i + 1] === '"') {
            f += '"';
            i += 2;
            continue;
          }
          i++;
          if (i < n && rec[i] !== d) throw new InvalidArgumentError(`Quote inside a string has to be escaped by another quote (record ${index})`, opName);
          break;
        }
        f += rec[i++];
      }
      out.push(f);
    } else {
      let j = i;
      while (j < n && rec[j] !== d) j++;
      const f = rec.slice(i, j);
      if (a.useQuoteDelim && /["\r\n]/.test(f)) throw new InvalidArgumentError(`Unquoted fields cannot have quotes/CRLFs inside (record ${index})`, opName);
      out.push(f);
      i = j;
    }
    if (i >= n) break;
    i++; // the delimiter
    if (i >= n) {
      out.push(''); // a trailing delimiter ends with an empty field
      break;
    }
  }
  return out;
}

const INT = /^\s*[+-]?\d+\s*$/;
const FLOAT = /^\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf(inity)?|nan)\s*$/i;
export const typeWord: Record<string, string> = { float32: 'float', float64: 'double', int32: 'int32', int64: 'int64' };

/** A numeric CSV field as `dt` holds it (TF's safe_strto32/64, strtof/strtod: spaces around allowed), or null when it is not one. */
export function parseCsvNumber(field: string, dt: DType): number | null {
  if (dt === 'int32' || dt === 'int64') {
    if (!INT.test(field)) return null;
    const v = Number(field.trim());
    return (dt === 'int32' ? v < -(2 ** 31) || v > 2 ** 31 - 1 : !Number.isSafeInteger(v)) ? null : v;
  }
  if (!FLOAT.test(field)) return null;
  const t = field.trim().toLowerCase().replace(/^\+/, '');
  return t.endsWith('inf') || t.endsWith('infinity') ? (t.startsWith('-') ? -Infinity : Infinity) : t.endsWith('nan') ? NaN : Number(t);
}

function convert(field: string, dt: DType, f: number, r: number, opName: string): number {
  const v = parseCsvNumber(field, dt);
  if (v === null) throw new InvalidArgumentError(`Field ${f} in record ${r} is not a valid ${typeWord[dt]}: ${field}`, opName);
  return v;
}

defineOp<CsvAttrs>({
  type: 'DecodeCSV',
  infer: (ins, a) => {
    if (ins[0]!.dtype !== 'string') throw new TypeError(`Value passed to parameter 'records' has DataType ${ins[0]!.dtype} not in list of allowed values: string`);
    return a.outTypes.map((dtype) => ({ dtype, shape: ins[0]!.shape }));
  },
  lower: () => {
    throw new Error('DecodeCSV runs on the host before the plan; it cannot be lowered');
  },
  stateful: false,
});
registerGradient('DecodeCSV', null);
registerHostOp('DecodeCSV', function* (op, ins) {
  const a = op.attrs as CsvAttrs;
  const [records, ...defaults] = ins as [NDArray, ...NDArray[]];
  defaults.forEach((dv, i) => {
    if (dv.size > 1) throw new InvalidArgumentError(`There should only be 1 default per field but field ${i} has ${dv.size}`, op.name);
  });
  const rows = records.data as unknown as StringArray;
  const m = records.size;
  const outs = a.outTypes.map((dt) => (dt === 'string' ? new StringArray(m) : new (arrayCtor(dt))(m)));
  for (let r = 0; r < m; r++) {
    let fields = splitRecord(text(rows[r]), a, r, op.name);
    if (a.selectCols) {
      const last = a.selectCols[a.selectCols.length - 1]!;
      if (fields.length <= last) throw new InvalidArgumentError(`Expect ${last + 1} fields but have ${fields.length} in record ${r}`, op.name);
      fields = a.selectCols.map((c) => fields[c]!);
    } else if (fields.length !== a.outTypes.length) {
      throw new InvalidArgumentError(`Expect ${a.outTypes.length} fields but have ${fields.length} in record ${r}`, op.name);
    }
    a.outTypes.forEach((dt, f) => {
      const field = fields[f]!;
      const o = outs[f] as unknown as unknown[];
      if (field === '' || field === a.naValue) {
        const dv = defaults[f]!;
        if (dv.size === 0) throw new InvalidArgumentError(`Field ${f} is required but missing in record ${r}!`, op.name);
        o[r] = dt === 'string' ? (dv.data as unknown as StringArray)[0] : dv.data[0];
        return;
      }
      o[r] = dt === 'string' ? new TextEncoder().encode(field) : convert(field, dt, f, r, op.name);
    });
  }
  return outs.map((o, i) => new NDArray(o as never, [...records.shape], a.outTypes[i]!));
});

export interface DecodeCsvOptions {
  fieldDelim?: string;
  useQuoteDelim?: boolean;
  name?: string;
  naValue?: string;
  selectCols?: readonly number[] | null;
}

/** `tf.io.decodeCsv(records, recordDefaults, fieldDelim?, useQuoteDelim?, name?, naValue?, selectCols?)`: one tensor per column. */
export function decodeCsv(records: TensorLike, recordDefaults: readonly unknown[], fieldDelim?: string, useQuoteDelim?: boolean, name?: string, naValue?: string, selectCols?: readonly number[] | null, opts?: DecodeCsvOptions): Tensor[];
export function decodeCsv(records: TensorLike, recordDefaults: readonly unknown[], opts?: DecodeCsvOptions): Tensor[];
/** TF1's `tf.decode_csv(value, record_defaults=…)`: the defaults as a keyword too. */
export function decodeCsv(records: TensorLike, opts: DecodeCsvOptions & { recordDefaults: readonly unknown[] }): Tensor[];
export function decodeCsv(opts: DecodeCsvOptions & { records: TensorLike; recordDefaults: readonly unknown[] }): Tensor[];
export function decodeCsv(...args: unknown[]): Tensor[] {
  const a = kwargs(args, ['records', 'recordDefaults', 'fieldDelim', 'useQuoteDelim', 'name', 'naValue', 'selectCols'], 'decode_csv', 2);
  const records = a.records as TensorLike;
  const recordDefaults = a.recordDefaults as readonly unknown[];
  const o = a as DecodeCsvOptions;
  const delim = o.fieldDelim ?? ',';
  if (typeof delim !== 'string' || delim.length !== 1) throw new InvalidArgumentError('field_delim should be only 1 char');
  if (!Array.isArray(recordDefaults) || recordDefaults.length === 0) throw new ValueError('record_defaults must be a non-empty list of tensors (one default per column)');
  const sel = o.selectCols ?? null;
  if (sel) {
    if (sel.some((c, i) => !Number.isInteger(c) || c < 0 || (i > 0 && c <= sel[i - 1]!))) throw new ValueError('select_cols is not strictly increasing.');
    if (sel.length !== recordDefaults.length) throw new ValueError('Length of select_cols and record_defaults do not match.');
  }
  const recs = toTensor(records, 'string');
  const defs = recordDefaults.map((d) => {
    // TF1 writes a default as [value] and a required column as [] (with a dtype: tf.constant([], tf.int32))
    const t = d instanceof Tensor ? d : Array.isArray(d) && d.length === 1 && typeof d[0] === 'string' ? toTensor(d, 'string') : toTensor(d as TensorLike);
    if (!CSV_TYPES.includes(t.dtype)) throw new TypeError(`Value passed to parameter 'record_defaults' has DataType ${t.dtype} not in list of allowed values: float32, float64, int32, int64, string`);
    if (t.shape !== null && t.shape.length > 1) throw new ValueError(`Shape must be at most rank 1 but is rank ${t.shape.length} (record_defaults)`);
    return t;
  });
  const attrs: CsvAttrs = { fieldDelim: delim, useQuoteDelim: o.useQuoteDelim ?? true, naValue: o.naValue ?? '', selectCols: sel ? [...sel] : null, outTypes: defs.map((t) => t.dtype) };
  const op = makeOp(recs.graph ?? getDefaultGraph(), 'DecodeCSV', [recs, ...defs], attrs, o.name, 'DecodeCSV');
  return [...op.outputs];
}
