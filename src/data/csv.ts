/**
 * `tf.data.experimental.CsvDataset(filenames, recordDefaults, compressionType?, bufferSize?,
 * header = false, fieldDelim = ',', useQuoteDelim = true, naValue = '', selectCols?)`: the
 * records of CSV files as tuples of scalars, one per (selected) column in the dtype of its
 * default, parsed as TF's CSVDataset kernel parses them: records end at `\n`, `\r` or `\r\n`
 * outside quotes, a quoted field may hold delimiters, line breaks and doubled quotes, a field
 * that is empty or `naValue` takes its column's default (a column whose default is empty, or a
 * dtype, is required). A bad record fails with TF's text, and the next `getNext` goes on with
 * the record after it (what `ignoreErrors()` relies on).
 *
 * `tf.data.experimental.makeCsvDataset(filePattern, batchSize, ...)`: TF 1.15's readers.py
 * pipeline: files matched and sorted, read through `parallelInterleave`, shuffled and repeated,
 * batched, and each batch made a (features, label) pair, column names and types inferred from
 * the files when not given (readers.py `_infer_type`: int32 → int64 → float32 → float64 →
 * string).
 */
import { fs, zlib } from '../platform/node-builtins.js';
import { kwargs } from '../args.js';
import { type DType, StringArray, arrayCtor } from '../dtype.js';
import { DataLossError, InvalidArgumentError, ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { globFiles } from '../io/readers.js';
import { readRecordFile } from '../io/tfrecord.js';
import { NDArray } from '../ndarray.js';
import { parseCsvNumber, typeWord } from '../ops/decode-csv.js';
import { toNDArray } from '../ops/convert.js';
import { Dataset, type ElementSpec, type IterContext, type Stage, fileNames, markOwned, openedFileNames } from './dataset.js';
import { ignoreErrors } from './ignore-errors.js';

const CSV_TYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'string'];
const NL = 10, CR = 13, QUOTE = 34;

/** A column default: an NDArray (0 or 1 element), or a graph tensor read when the iterator starts. */
type Default = NDArray | Tensor;

function toDefault(d: unknown, i: number): Default {
  let v: Default;
  if (typeof d === 'string' && (CSV_TYPES as readonly string[]).includes(d)) v = new NDArray((d === 'string' ? new StringArray(0) : new (arrayCtor(d as DType))(0)) as never, [0], d as DType);
  else if (d instanceof Tensor) {
    // a constant is read now (so the dataset can be made inside other datasets' functions)
    const c = d.op.type === 'Const' ? (d.op.attrs as { value?: unknown }).value : undefined;
    v = c instanceof NDArray ? c : d;
  } else if (typeof d === 'string') v = NDArray.fromStrings([d], []);
  else v = Array.isArray(d) && d.length === 1 && typeof d[0] === 'string' ? NDArray.fromStrings(d as string[], [1]) : toNDArray(d as never);
  if (!CSV_TYPES.includes(v.dtype)) throw new TypeError(`Value passed to parameter 'record_defaults' has DataType ${v.dtype} not in list of allowed values: float32, float64, int32, int64, string`);
  const shape = v instanceof NDArray ? v.shape : v.shape;
  if (shape !== null && shape.length > 1) throw new ValueError(`Shape must be at most rank 1 but is rank ${shape.length} (record_defaults)`);
  if (v instanceof NDArray && v.size > 1) throw new InvalidArgumentError(`There should only be 1 default per field but field ${i} has ${v.size}`);
  return v;
}

interface CsvOptions {
  header: boolean;
  delim: number;
  useQuote: boolean;
  naValue: Uint8Array;
  selectCols: number[];
  compression: '' | 'ZLIB' | 'GZIP';
}

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const decoder = new TextDecoder();

/** One record's outcome: its included fields' outputs, or the first error TF's kernel reports for it. */
class RecordParser {
  pos = 0;
  constructor(private readonly b: Uint8Array, private readonly o: CsvOptions, private readonly dtypes: DType[], private readonly defaults: NDArray[]) {}
  get atEnd(): boolean {
    return this.pos >= this.b.length;
  }
  /** Parse the record at `pos` (which must not be at the end); `out` null: skip it (a header). Returns the error text, or null. */
  record(out: NDArray[] | null): string | null {
    const { o } = this;
    let err: string | null = null;
    const note = (e: string | null): void => {
      if (err === null && e !== null) err = e;
    };
    let parsed = 0;
    let selected = 0;
    const all = o.selectCols.length === 0;
    for (let end = false; !end; parsed++) {
      const include = out !== null && (all || (selected < o.selectCols.length && o.selectCols[selected] === parsed));
      if (include) selected++;
      const f = this.field(include);
      end = f.end;
      note(f.err);
      if (include && f.bytes) note(this.output(f.bytes, out!));
    }
    if (err === null && out !== null && out.length !== this.dtypes.length) err = `Expect ${this.dtypes.length} fields but have ${out.length} in record`;
    return err;
  }
  /** One field from `pos`: its bytes (unescaped) when included, whether the record ended, a parse error. */
  private field(include: boolean): { bytes: Uint8Array | null; end: boolean; err: string | null } {
    const { b, o } = this;
    const n = b.length;
    if (this.pos >= n) return { bytes: include ? new Uint8Array(0) : null, end: true, err: null };
    if (o.useQuote && b[this.pos] === QUOTE) {
      const parts: number[] = [];
      let keep = include;
      let err: string | null = null;
      this.pos++;
      for (;;) {
        if (this.pos >= n) return { bytes: null, end: false, err: 'Reached end of file without closing quoted field in record' };
        const ch = b[this.pos++]!;
        if (ch !== QUOTE) {
          parts.push(ch);
          continue;
        }
        if (this.pos >= n) return { bytes: keep ? Uint8Array.from(parts) : null, end: true, err };
        const next = b[this.pos++]!;
        if (next === o.delim) return { bytes: keep ? Uint8Array.from(parts) : null, end: false, err };
        if (next === NL || next === CR) {
          if (next === CR && b[this.pos] === NL) this.pos++;
          return { bytes: keep ? Uint8Array.from(parts) : null, end: true, err };
        }
        if (next === QUOTE) parts.push(QUOTE);
        else {
          // noted, and the field read on to its end
          keep = false;
          err ??= 'Quote inside a string has to be escaped by another quote';
        }
      }
    }
    const start = this.pos;
    let err: string | null = null;
    for (;;) {
      if (this.pos >= n) return { bytes: include ? b.slice(start, this.pos) : null, end: true, err };
      const ch = b[this.pos]!;
      if (ch === o.delim) {
        const f = include ? b.slice(start, this.pos) : null;
        this.pos++;
        return { bytes: f, end: false, err };
      }
      if (ch === NL || ch === CR) {
        const f = include ? b.slice(start, this.pos) : null;
        this.pos++;
        if (ch === CR && b[this.pos] === NL) this.pos++;
        return { bytes: f, end: true, err };
      }
      if (o.useQuote && ch === QUOTE) err ??= 'Unquoted fields cannot have quotes inside';
      this.pos++;
    }
  }
  /** The field as output `out.length` (TF's FieldToOutput). */
  private output(field: Uint8Array, out: NDArray[]): string | null {
    const k = out.length;
    if (k >= this.dtypes.length) return `Expect ${this.dtypes.length} fields but have more in record`;
    const dt = this.dtypes[k]!;
    const dv = this.defaults[k]!;
    const data = dt === 'string' ? new StringArray(1) : new (arrayCtor(dt))(1);
    out.push(markOwned(new NDArray(data as never, [], dt)));
    const missing = field.length === 0 || bytesEqual(field, this.o.naValue);
    if (missing) {
      if (dv.size !== 1) return `Field ${k} is required but missing in record!`;
      (data as unknown as unknown[])[0] = dv.data[0];
      return null;
    }
    if (dt === 'string') {
      (data as unknown as unknown[])[0] = field;
      return null;
    }
    const text = decoder.decode(field);
    const v = parseCsvNumber(text, dt);
    if (v === null) return `Field ${k} in record is not a valid ${typeWord[dt]}: ${text}`;
    (data as unknown as number[])[0] = v;
    return null;
  }
}

export class CsvDataset extends Dataset {
  readonly spec: ElementSpec;
  private readonly files: string[] | Tensor;
  private readonly defaults: Default[];
  private readonly o: CsvOptions;
  /** `new CsvDataset(filenames, recordDefaults, compressionType?, bufferSize?, header?, fieldDelim?, useQuoteDelim?, naValue?, selectCols?)` (or those by keyword). */
  constructor(filenames: string | string[] | Tensor, recordDefaults: readonly unknown[], ...rest: unknown[]) {
    super();
    const a = kwargs(rest, ['compressionType', 'bufferSize', 'header', 'fieldDelim', 'useQuoteDelim', 'naValue', 'selectCols'], 'CsvDataset', 0);
    this.files = fileNames(filenames);
    if (!Array.isArray(recordDefaults) || recordDefaults.length === 0) throw new ValueError('record_defaults must be a non-empty list (one default or dtype per column)');
    this.defaults = recordDefaults.map(toDefault);
    const comp = a.compressionType === undefined || a.compressionType === null ? '' : a.compressionType;
    if (comp !== '' && comp !== 'ZLIB' && comp !== 'GZIP') throw new InvalidArgumentError(`Unsupported compression_type: ${String(comp)}.`);
    const bufferSize = a.bufferSize ?? 4 * 1024 * 1024;
    if (typeof bufferSize !== 'number' || !(bufferSize > 0)) throw new InvalidArgumentError('buffer_size should be positive');
    const delim = a.fieldDelim ?? ',';
    const delimBytes = typeof delim === 'string' ? new TextEncoder().encode(delim) : null;
    if (!delimBytes || delimBytes.length !== 1) throw new InvalidArgumentError('field_delim should be only 1 char');
    const sel = a.selectCols === undefined || a.selectCols === null ? [] : [...(a.selectCols as number[])];
    if (sel.length > 0 && sel.length !== this.defaults.length) throw new InvalidArgumentError('select_cols should match output size');
    for (let i = 1; i < sel.length; i++) if (!(sel[i - 1]! < sel[i]!)) throw new InvalidArgumentError('select_cols should be strictly increasing indices');
    if (sel.length > 0 && !(sel[0]! >= 0)) throw new InvalidArgumentError('select_cols should be non-negative indices');
    this.o = {
      header: !!a.header,
      delim: delimBytes[0]!,
      useQuote: a.useQuoteDelim === undefined || a.useQuoteDelim === null ? true : !!a.useQuoteDelim,
      naValue: new TextEncoder().encode(String(a.naValue ?? '')),
      selectCols: sel,
      compression: comp as CsvOptions['compression'],
    };
    this.spec = { structure: this.defaults.map(() => null), dtypes: this.defaults.map((d) => d.dtype), shapes: this.defaults.map(() => []) };
  }
  override captures(): Tensor[] {
    return [...(this.files instanceof Tensor ? [this.files] : []), ...this.defaults.filter((d): d is Tensor => d instanceof Tensor)];
  }
  open(ctx: IterContext): Stage {
    const list = openedFileNames(this.files, ctx);
    const defaults = this.defaults.map((d, i) => {
      const v = d instanceof Tensor ? ctx.captured.get(d)! : d;
      if (v.shape.length > 1) throw new InvalidArgumentError('Each record default should be at most rank 1');
      if (v.size > 1) throw new InvalidArgumentError(`There should only be 1 default per field but field ${i} has ${v.size}`);
      return v;
    });
    const { o } = this;
    const dtypes = this.spec.dtypes;
    let fi = 0;
    let p: RecordParser | null = null;
    return {
      *next() {
        for (;;) {
          if (p && !p.atEnd) {
            const out: NDArray[] = [];
            const err = p.record(out);
            if (err !== null) throw new InvalidArgumentError(err);
            return out;
          }
          p = null;
          if (fi >= list.length) return null;
          p = new RecordParser(readRecordFile(list[fi++]!, o.compression), o, dtypes, defaults);
          if (o.header && (p.atEnd || p.record(null) !== null)) {
            p = null;
            throw new InvalidArgumentError("Can't read header of file");
          }
        }
      },
    };
  }
}

// ----- makeCsvDataset ---------------------------------------------------------------------

/** Python's csv.reader rows (QUOTE_MINIMAL, or QUOTE_NONE): what readers.py infers names and types from. */
function* pyCsvRows(text: string, delim: string, quoting: boolean): Generator<string[]> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const row: string[] = [];
    let field = '';
    let quoted = false;
    let any = false;
    for (;;) {
      if (i >= n) {
        if (any) row.push(field);
        break;
      }
      const ch = text[i++]!;
      if (quoted) {
        if (ch === '"') {
          if (text[i] === '"') {
            field += '"';
            i++;
          } else quoted = false;
        } else field += ch;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && text[i] === '\n') i++;
        if (any) row.push(field);
        break;
      }
      any = true;
      if (ch === delim) {
        row.push(field);
        field = '';
      } else if (quoting && ch === '"' && field === '') quoted = true;
      else field += ch;
    }
    yield row;
  }
}

const INT_RE = /^\s*[+-]?\d+\s*$/;
const FLOAT_RE = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$|^\s*[+-]?(inf|infinity|nan)\s*$/i;

/** readers.py `_infer_type`: the least permissive type that holds `s` and the column's values so far. */
function inferType(s: string, na: string, prev: DType | null): DType | null {
  if (s === '' || s === na) return prev;
  const order: DType[] = ['int32', 'int64', 'float32', 'float64', 'string'];
  const valid = (t: DType): boolean => {
    if (t === 'int32' || t === 'int64') {
      if (!INT_RE.test(s)) return false;
      const v = BigInt(s.trim());
      return t === 'int32' ? v >= -(2n ** 31n) && v < 2n ** 31n : v >= -(2n ** 63n) && v < 2n ** 63n;
    }
    if (t === 'string') return true;
    if (!FLOAT_RE.test(s)) return false;
    const t0 = s.trim().toLowerCase().replace(/^\+/, '');
    const v = t0.endsWith('nan') ? NaN : t0.endsWith('inf') || t0.endsWith('infinity') ? (t0.startsWith('-') ? -Infinity : Infinity) : Number(t0);
    // numpy's float32(s) / float64(s) < inf: NaN and +inf (and overflow) are not floats here
    return (t === 'float32' ? Math.fround(v) : v) < Infinity;
  };
  for (let i = 0; i < order.length; i++) if (valid(order[i]!) && (prev === null || order.indexOf(prev) <= i)) return order[i]!;
  return 'string';
}

function readText(file: string, compression: string): string {
  const raw = fs.readFileSync(file);
  if (compression !== 'GZIP') return raw.toString('utf8');
  try {
    return zlib.gunzipSync(raw).toString('utf8');
  } catch (e) {
    throw new DataLossError(`${file}: not a readable GZIP file (${(e as Error).message})`);
  }
}

function fileList(pattern: unknown): string[] {
  let names: string[];
  if (Array.isArray(pattern)) {
    if (pattern.length === 0) throw new ValueError('File pattern is empty.');
    names = pattern.flatMap((p) => globFiles(String(p)));
  } else names = globFiles(String(pattern));
  if (names.length === 0) throw new ValueError(`No files match ${Array.isArray(pattern) ? `[${pattern.join(', ')}]` : String(pattern)}.`);
  return [...names].sort();
}

const MAKE_CSV_PARAMS = [
  'columnNames', 'columnDefaults', 'labelName', 'selectColumns', 'fieldDelim', 'useQuoteDelim', 'naValue', 'header', 'numEpochs', 'shuffle',
  'shuffleBufferSize', 'shuffleSeed', 'prefetchBufferSize', 'numParallelReads', 'sloppy', 'numRowsForInference', 'compressionType', 'ignoreErrors',
] as const;

/**
 * `makeCsvDataset(filePattern, batchSize, columnNames?, columnDefaults?, labelName?,
 * selectColumns?, fieldDelim = ',', useQuoteDelim = true, naValue = '', header = true,
 * numEpochs?, shuffle = true, shuffleBufferSize = 10000, shuffleSeed?, prefetchBufferSize = AUTOTUNE,
 * numParallelReads = 1, sloppy = false, numRowsForInference = 100, compressionType?,
 * ignoreErrors = false)` (or those after batchSize by keyword): batches of `{column: values}`
 * (with `labelName`: `[features, label]`).
 */
export function makeCsvDataset(filePattern: string | string[], batchSize: number, ...rest: unknown[]): Dataset {
  const a = kwargs(rest, MAKE_CSV_PARAMS, 'make_csv_dataset', 0);
  const delim = (a.fieldDelim as string | undefined) ?? ',';
  const useQuote = a.useQuoteDelim === undefined ? true : !!a.useQuoteDelim;
  const na = String(a.naValue ?? '');
  const header = a.header === undefined ? true : !!a.header;
  const numEpochs = (a.numEpochs as number | null | undefined) ?? null;
  const shuffle = a.shuffle === undefined ? true : !!a.shuffle;
  const bufferSize = (a.shuffleBufferSize as number | undefined) ?? 10000;
  const seed = (a.shuffleSeed as number | null | undefined) ?? null;
  const prefetch = (a.prefetchBufferSize as number | undefined) ?? -1;
  const reads = (a.numParallelReads as number | undefined) ?? 1;
  const rowsForInference = a.numRowsForInference === undefined ? 100 : (a.numRowsForInference as number | null);
  const compression = (a.compressionType as string | null | undefined) ?? null;

  const filenames = fileList(filePattern);
  let dataset = Dataset.fromTensorSlices(filenames);
  if (shuffle) dataset = dataset.shuffle(filenames.length, seed);

  if ((a.columnNames === undefined || a.columnNames === null || a.columnDefaults === undefined || a.columnDefaults === null) && compression !== null) {
    if (compression === 'ZLIB') throw new ValueError(`compression_type (${compression}) is not supported for probing columns`);
    if (compression !== 'GZIP' && compression !== '') throw new ValueError(`compression_type (${compression}) is not supported`);
  }
  const rows = (text: string): Generator<string[]> => pyCsvRows(text, delim, useQuote);
  let names: string[];
  if (a.columnNames === undefined || a.columnNames === null) {
    if (!header) throw new ValueError('Cannot infer column names without a header line.');
    const first = (f: string): string[] => {
      const r = rows(readText(f, compression ?? '')).next();
      if (r.done) throw new ValueError(`Received StopIteration when reading the header line of ${filenames[0]}.  Empty file?`);
      return r.value;
    };
    names = first(filenames[0]!);
    for (const f of filenames.slice(1)) if (first(f).join('\u0000') !== names.join('\u0000')) throw new ValueError('Files have different column names in the header row.');
  } else names = [...(a.columnNames as string[])];
  if (new Set(names).size !== names.length) throw new ValueError('Cannot have duplicate column names.');

  let select: number[] | null = null;
  if (a.selectColumns !== undefined && a.selectColumns !== null) {
    const idx = (a.selectColumns as (number | string)[]).map((v) => {
      if (typeof v === 'number') {
        if (v < 0 || v >= names.length) throw new ValueError(`Column index ${v} specified in select_columns out of valid range.`);
        return v;
      }
      const k = names.indexOf(v);
      if (k < 0) throw new ValueError(`Value '${v}' specified in select_columns not a valid column index or name.`);
      return k;
    });
    select = [...new Set(idx)].sort((x, y) => x - y);
    if (select.length !== idx.length) throw new ValueError('select_columns contains duplicate columns');
  }

  let defaults: unknown[];
  if (a.columnDefaults !== undefined && a.columnDefaults !== null) defaults = [...(a.columnDefaults as unknown[])];
  else {
    // readers.py _infer_column_defaults: the first rows of the files, in order
    const cols = select ?? names.map((_, i) => i);
    const types: (DType | null)[] = cols.map(() => null);
    let seen = 0;
    outer: for (const f of filenames) {
      const it = rows(readText(f, compression ?? ''));
      if (header) it.next();
      for (const row of it) {
        if (rowsForInference !== null && seen >= rowsForInference) break outer;
        if (row.length !== names.length) throw new ValueError('Problem inferring types: CSV row has different number of fields than expected.');
        cols.forEach((c, j) => (types[j] = inferType(row[c]!, na, types[j]!)));
        seen++;
      }
    }
    defaults = types.map((t) => (t === null || t === 'string' ? NDArray.fromStrings([''], [1]) : new NDArray(new (arrayCtor(t))(1) as never, [1], t)));
  }
  if (select !== null && defaults.length !== select.length) throw new ValueError('If specified, column_defaults and select_columns must have same length.');
  const columns = select !== null && names.length > select.length ? select.map((i) => names[i]!) : names;
  const label = (a.labelName as string | null | undefined) ?? null;
  if (label !== null && !columns.includes(label)) throw new ValueError('`label_name` provided must be one of the columns.');

  const csvArgs = { fieldDelim: delim, useQuoteDelim: useQuote, naValue: na, selectCols: select, header, compressionType: compression };
  const perFile = (filename: Tensor): Dataset => {
    const d = new CsvDataset(filename, defaults, csvArgs);
    return a.ignoreErrors ? d.apply(ignoreErrors()) : d;
  };
  // parallelInterleave's order (the deterministic one, sloppy or not)
  void a.sloppy;
  dataset = dataset.interleave(perFile, reads, 1);
  // readers.py _maybe_shuffle_and_repeat (shuffleAndRepeat: reshuffled each epoch)
  if (numEpochs !== 1 && shuffle) dataset = dataset.shuffle(bufferSize, { seed, reshuffleEachIteration: true }).repeat(numEpochs);
  else if (shuffle) dataset = dataset.shuffle(bufferSize, seed);
  else if (numEpochs !== 1) dataset = dataset.repeat(numEpochs);
  // forever: every batch is full, so the batch dimension is static (as TF sets drop_remainder)
  dataset = dataset.batch(batchSize, numEpochs === null);
  dataset = dataset.map((...cols: Tensor[]) => {
    const features: Record<string, Tensor> = {};
    columns.forEach((c, i) => (features[c] = cols[i]!));
    if (label === null) return features;
    const y = features[label]!;
    delete features[label];
    return [features, y];
  });
  return dataset.prefetch(prefetch);
}
