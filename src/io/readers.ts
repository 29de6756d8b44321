/**
 * TF1's readers: `tf.TFRecordReader`, `tf.TextLineReader`, `tf.FixedLengthRecordReader`,
 * `tf.WholeFileReader`, `tf.IdentityReader` (`tf.ReaderBase`), and the file ops
 * `tf.readFile` / `tf.io.writeFile` / `tf.matchingFiles` / `tf.train.matchFilenamesOnce`.
 *
 * A reader is a per-session resource, as TF's reader resources are; its ops (ReaderReadV2,
 * ReaderReadUpToV2, ReaderNumRecordsProducedV2, ReaderNumWorkUnitsCompletedV2, ReaderResetV2)
 * are host-stage ops. `read(queue)` takes a work unit (a file name) from `queue` when it has
 * none (waiting as a dequeue does, OutOfRangeError once that queue is closed and empty), and
 * gives the next record as `[key, value]` string scalars with TF's keys: `file:offset`
 * (TFRecord), `file:line` (text lines, from 1), `file:index` (fixed-length records, from 0),
 * the file name (whole files), the work itself (identity). Files are read with Node's fs;
 * malformed ones fail with DataLossError naming the file.
 */
import { ioError } from '../checkpoint/io.js';
import { DataLossError, InvalidArgumentError, NotFoundError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type QueueBase, dequeueFrom } from '../data/queue.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { registerHostOp } from '../session/host-stage.js';
import type { SessionState } from '../session/runner.js';
import { StringArray } from '../string-array.js';
import { iterateRecords } from './records.js';
import { type CompressionType, TFRecordOptions, compressionString, decompressFile, readRecordFile } from './tfrecord.js';
import './reader-graphdef.js';

type Kind = 'TFRecordReader' | 'TextLineReader' | 'FixedLengthRecordReader' | 'WholeFileReader' | 'IdentityReader';
type Record_ = [key: string, value: Uint8Array];

interface Config {
  compression?: CompressionType;
  skipHeaderLines?: number;
  recordBytes?: number;
  headerBytes?: number;
  footerBytes?: number;
  hopBytes?: number;
}

class ReaderResource {
  constructor(readonly kind: Kind, readonly config: Config) {}
}

interface RState {
  work: string | null;
  records: Iterator<Record_> | null;
  produced: number;
  completed: number;
}

const states = new WeakMap<SessionState, Map<ReaderResource, RState>>();
function stateOf(s: SessionState, r: ReaderResource): RState {
  let m = states.get(s);
  if (!m) states.set(s, (m = new Map()));
  let st = m.get(r);
  if (!st) m.set(r, (st = { work: null, records: null, produced: 0, completed: 0 }));
  return st;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function readBytes(file: string): Uint8Array {
  try {
    const b = nodeFs.readFileSync(file);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    // TF's errno classes (a directory is FailedPrecondition "Is a directory", not NotFound)
    throw ioError(e, file);
  }
}

/** The records of one work unit, with TF's keys. */
function* recordsOf(r: ReaderResource, work: string): Generator<Record_, void, undefined> {
  const c = r.config;
  switch (r.kind) {
    case 'IdentityReader':
      yield [work, enc.encode(work)];
      return;
    case 'WholeFileReader':
      yield [work, readBytes(work).slice()];
      return;
    case 'TFRecordReader': {
      const bytes = readRecordFile(work, c.compression ?? '');
      let off = 0;
      for (const rec of iterateRecords(bytes, work)) {
        yield [`${work}:${off}`, rec.slice()];
        off += 16 + rec.length;
      }
      return;
    }
    case 'TextLineReader': {
      const bytes = readBytes(work);
      let pos = 0;
      let line = 0;
      while (pos < bytes.length) {
        let end = bytes.indexOf(10, pos);
        const next = end < 0 ? bytes.length : end + 1;
        if (end < 0) end = bytes.length;
        let stop = end;
        if (stop > pos && bytes[stop - 1] === 13) stop--;
        line++;
        const text = bytes.slice(pos, stop);
        pos = next;
        if (line <= (c.skipHeaderLines ?? 0)) continue;
        yield [`${work}:${line}`, text];
      }
      return;
    }
    case 'FixedLengthRecordReader': {
      const bytes = decompressFile(readBytes(work), c.compression ?? '', work);
      const rec = c.recordBytes!;
      const hop = c.hopBytes ?? 0;
      const limit = bytes.length - (c.footerBytes ?? 0);
      let pos = c.headerBytes ?? 0;
      if (pos > limit && bytes.length > 0) throw new DataLossError(`${work} is ${bytes.length} bytes, shorter than its header (${pos}) and footer (${c.footerBytes ?? 0}) bytes`);
      let k = 0;
      while (pos + rec <= limit) {
        yield [`${work}:${k++}`, bytes.slice(pos, pos + rec)];
        pos += hop > 0 ? hop : rec;
      }
      return;
    }
  }
}

interface ReadAttrs { resource: ReaderResource; queue: QueueBase | null; [k: string]: unknown }

const str = (s: string): NDArray => NDArray.fromStrings([enc.encode(s)], []);

for (const t of ['TFRecordReaderV2', 'TextLineReaderV2', 'FixedLengthRecordReaderV2', 'WholeFileReaderV2', 'IdentityReaderV2']) {
  defineOp({ type: t, infer: () => [{ dtype: 'string', shape: [2] }], lower: () => { throw new Error(`${t} runs on the host`); }, stateful: true });
  registerGradient(t, null);
  registerHostOp(t, function* (op) {
    return [NDArray.fromStrings([enc.encode('tsflow:reader'), enc.encode(op.name)], [2])];
  });
}
defineOp<ReadAttrs>({ type: 'ReaderReadV2', infer: () => [{ dtype: 'string', shape: [] }, { dtype: 'string', shape: [] }], lower: () => { throw new Error('ReaderReadV2 runs on the host'); }, stateful: true });
defineOp<ReadAttrs>({ type: 'ReaderReadUpToV2', infer: () => [{ dtype: 'string', shape: [null] }, { dtype: 'string', shape: [null] }], lower: () => { throw new Error('ReaderReadUpToV2 runs on the host'); }, stateful: true });
defineOp<ReadAttrs>({ type: 'ReaderNumRecordsProducedV2', infer: () => [{ dtype: 'int64', shape: [] }], lower: () => { throw new Error('runs on the host'); }, stateful: true });
defineOp<ReadAttrs>({ type: 'ReaderNumWorkUnitsCompletedV2', infer: () => [{ dtype: 'int64', shape: [] }], lower: () => { throw new Error('runs on the host'); }, stateful: true });
defineOp<ReadAttrs>({ type: 'ReaderResetV2', infer: () => [], lower: () => [], stateful: true });
for (const t of ['ReaderReadV2', 'ReaderReadUpToV2', 'ReaderNumRecordsProducedV2', 'ReaderNumWorkUnitsCompletedV2', 'ReaderResetV2']) registerGradient(t, null);

/** The next record, taking work units from the queue as needed; null never (it waits or throws). */
function* nextRecord(op: Operation, st: RState, a: ReadAttrs, hc: Parameters<Parameters<typeof registerHostOp>[1]>[2], allowEndOfWork: boolean): Generator<Promise<unknown>, Record_ | 'end-of-work', unknown> {
  for (;;) {
    if (st.records === null) {
      const el = yield* dequeueFrom(a.queue!, op, hc);
      const w = el[0]!;
      if (w.dtype !== 'string' || w.size !== 1) throw new InvalidArgumentError(`Expected to dequeue a one-element string tensor, got ${w.dtype} of shape [${w.shape.join(',')}]`, op.name);
      const raw = (w.data as unknown as StringArray)[0]!;
      st.work = typeof raw === 'string' ? raw : dec.decode(raw as Uint8Array);
      st.records = recordsOf(a.resource, st.work);
    }
    let r: IteratorResult<Record_>;
    try {
      r = st.records.next();
    } catch (e) {
      // a file that cannot be read ends this work unit with the error
      st.records = null;
      st.work = null;
      if (e instanceof DataLossError && e.op === null) throw new DataLossError(e.message, op.name);
      if (e instanceof NotFoundError && e.op === null) throw new NotFoundError(e.message, op.name);
      throw e;
    }
    if (!r.done) {
      st.produced++;
      return r.value;
    }
    st.records = null;
    st.work = null;
    st.completed++;
    if (allowEndOfWork) return 'end-of-work';
  }
}

registerHostOp('ReaderReadV2', function* (op, _ins, hc) {
  const a = op.attrs as ReadAttrs;
  const st = stateOf(hc.runner.state, a.resource);
  const r = (yield* nextRecord(op, st, a, hc, false)) as Record_;
  return [str(r[0]), NDArray.fromStrings([r[1]], [])];
});

registerHostOp('ReaderReadUpToV2', function* (op, ins, hc) {
  const a = op.attrs as ReadAttrs;
  const n = Number(ins[ins.length - 1]!.data[0]);
  if (!(n > 0)) throw new InvalidArgumentError(`num_records (${n}) must be > 0`, op.name);
  const st = stateOf(hc.runner.state, a.resource);
  const keys: Uint8Array[] = [];
  const vals: Uint8Array[] = [];
  // as TF's ReaderBase::ReadUpTo: records of the current work unit, at most n; a work unit's end
  // returns what this call has, else the next unit is taken
  while (keys.length < n) {
    const r = yield* nextRecord(op, st, a, hc, true);
    if (r === 'end-of-work') {
      if (keys.length > 0) break;
      continue;
    }
    keys.push(enc.encode(r[0]));
    vals.push(r[1]);
  }
  return [NDArray.fromStrings(keys, [keys.length]), NDArray.fromStrings(vals, [vals.length])];
});

registerHostOp('ReaderNumRecordsProducedV2', function* (op, _ins, hc) {
  return [new NDArray(Float64Array.of(stateOf(hc.runner.state, (op.attrs as ReadAttrs).resource).produced) as never, [], 'int64')];
});
registerHostOp('ReaderNumWorkUnitsCompletedV2', function* (op, _ins, hc) {
  return [new NDArray(Float64Array.of(stateOf(hc.runner.state, (op.attrs as ReadAttrs).resource).completed) as never, [], 'int64')];
});
registerHostOp('ReaderResetV2', function* (op, _ins, hc) {
  const st = stateOf(hc.runner.state, (op.attrs as ReadAttrs).resource);
  Object.assign(st, { work: null, records: null, produced: 0, completed: 0 });
  return [];
});

const queueOf = (q: unknown): QueueBase => {
  if (q && typeof q === 'object' && 'queueRef' in q && 'resource' in q) return q as QueueBase;
  throw new TypeError('A reader reads from a queue (a tf.FIFOQueue or the queue of tf.train.stringInputProducer)');
};

/** `tf.ReaderBase`: the methods every reader has. */
export class ReaderBase {
  /** The reader op's output (TF's resource handle). */
  readonly readerRef: Tensor;
  private readonly resource: ReaderResource;

  protected constructor(kind: Kind, config: Config, name?: string | null) {
    this.resource = new ReaderResource(kind, config);
    this.readerRef = makeOp(getDefaultGraph(), `${kind}V2`, [], { resource: this.resource, ...config }, name ?? undefined, `${kind}V2`).outputs[0]!;
  }

  private op(type: string, inputs: Tensor[], queue: QueueBase | null, name: string | null | undefined, dflt: string): Operation {
    return makeOp(getDefaultGraph(), type, [this.readerRef, ...inputs], { resource: this.resource, queue }, name ?? undefined, dflt);
  }

  /** `read(queue, name?)`: `[key, value]`, the next record. */
  read(queue: QueueBase, name?: string | null): [Tensor, Tensor] {
    const q = queueOf(queue);
    const op = this.op('ReaderReadV2', [q.queueRef], q, name, 'ReaderReadV2');
    return [op.outputs[0]!, op.outputs[1]!];
  }

  /** `readUpTo(queue, numRecords, name?)`: up to numRecords `[keys, values]` of one work unit. */
  readUpTo(queue: QueueBase, numRecords: TensorLike, name?: string | null): [Tensor, Tensor] {
    const q = queueOf(queue);
    const op = this.op('ReaderReadUpToV2', [q.queueRef, toTensor(numRecords, 'int64')], q, name, 'ReaderReadUpToV2');
    return [op.outputs[0]!, op.outputs[1]!];
  }

  /** `numRecordsProduced(name?)`: an int64 scalar. */
  numRecordsProduced(name?: string | null): Tensor {
    return this.op('ReaderNumRecordsProducedV2', [], null, name, 'ReaderNumRecordsProducedV2').outputs[0]!;
  }

  /** `numWorkUnitsCompleted(name?)`: an int64 scalar. */
  numWorkUnitsCompleted(name?: string | null): Tensor {
    return this.op('ReaderNumWorkUnitsCompletedV2', [], null, name, 'ReaderNumWorkUnitsCompletedV2').outputs[0]!;
  }

  /** `reset(name?)`: back to the state of a new reader. */
  reset(name?: string | null): Operation {
    return this.op('ReaderResetV2', [], null, name, 'ReaderResetV2');
  }

  /** Whether the reader can serialize its state (not here). */
  get supportsSerialize(): boolean {
    return false;
  }
}

type NameOpt = { name?: string | null };
const isOpts = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof TFRecordOptions);

/** `tf.TFRecordReader(name?, options?)`: the records of TFRecord files (options: a TFRecordOptions or compression type). */
export class TFRecordReader extends ReaderBase {
  constructor(name?: string | null | (NameOpt & { options?: TFRecordOptions | string | number | null }), options?: TFRecordOptions | string | number | null) {
    const o = isOpts(name) ? name : { name, options };
    super('TFRecordReader', { compression: compressionString((o.options ?? null) as never) }, o.name ?? null);
  }
}

/** `tf.TextLineReader(skipHeaderLines?, name?)`: the lines of text files, without their line ends. */
export class TextLineReader extends ReaderBase {
  constructor(skipHeaderLines?: number | null | (NameOpt & { skipHeaderLines?: number | null }), name?: string | null) {
    const o = isOpts(skipHeaderLines) ? skipHeaderLines : { skipHeaderLines, name };
    super('TextLineReader', { skipHeaderLines: o.skipHeaderLines ?? 0 }, o.name ?? null);
  }
}

interface FixedOpts extends NameOpt {
  recordBytes?: number;
  headerBytes?: number | null;
  footerBytes?: number | null;
  hopBytes?: number | null;
  encoding?: string | null;
}

/**
 * `tf.FixedLengthRecordReader(recordBytes, headerBytes?, footerBytes?, hopBytes?, name?,
 * encoding?)`: records of `recordBytes` bytes after `headerBytes`, every `hopBytes` bytes when
 * given, before `footerBytes`; a last partial record is dropped, as in TF. `encoding`: '',
 * 'ZLIB' or 'GZIP'.
 */
export class FixedLengthRecordReader extends ReaderBase {
  constructor(recordBytes: number | FixedOpts, headerBytes?: number | null | FixedOpts, footerBytes?: number | null | FixedOpts, hopBytes?: number | null | FixedOpts, name?: string | null | FixedOpts, encoding?: string | null | FixedOpts) {
    const args = [recordBytes, headerBytes, footerBytes, hopBytes, name, encoding];
    const keys = ['recordBytes', 'headerBytes', 'footerBytes', 'hopBytes', 'name', 'encoding'] as const;
    const o: FixedOpts = {};
    for (const [i, a] of args.entries()) {
      if (isOpts(a)) {
        Object.assign(o, a);
        break;
      }
      if (a !== undefined) (o as Record<string, unknown>)[keys[i]!] = a;
    }
    if (o.recordBytes === undefined || !Number.isInteger(o.recordBytes) || o.recordBytes <= 0) throw new ValueError(`record_bytes must be a positive integer, got ${String(o.recordBytes)}`);
    for (const k of ['headerBytes', 'footerBytes', 'hopBytes'] as const) {
      const v = o[k];
      if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0)) throw new ValueError(`${k} must be a non-negative integer, got ${v}`);
    }
    super('FixedLengthRecordReader', {
      recordBytes: o.recordBytes, headerBytes: o.headerBytes ?? 0, footerBytes: o.footerBytes ?? 0, hopBytes: o.hopBytes ?? 0,
      compression: compressionString((o.encoding ?? null) as never),
    }, o.name ?? null);
  }
}

/** `tf.WholeFileReader(name?)`: one record per file, keyed by its name. */
export class WholeFileReader extends ReaderBase {
  constructor(name?: string | null | NameOpt) {
    super('WholeFileReader', {}, isOpts(name) ? (name.name ?? null) : (name ?? null));
  }
}

/** `tf.IdentityReader(name?)`: each work unit as its own key and value. */
export class IdentityReader extends ReaderBase {
  constructor(name?: string | null | NameOpt) {
    super('IdentityReader', {}, isOpts(name) ? (name.name ?? null) : (name ?? null));
  }
}

// ----- file ops ------------------------------------------------------------------------------

const scalarString = (v: NDArray, what: string, op: string): string => {
  if (v.dtype !== 'string' || v.size !== 1) throw new InvalidArgumentError(`${what} must be a scalar string, got shape [${v.shape.join(',')}]`, op);
  const raw = (v.data as unknown as StringArray)[0]!;
  return typeof raw === 'string' ? raw : dec.decode(raw as Uint8Array);
};

defineOp({ type: 'ReadFile', infer: () => [{ dtype: 'string', shape: [] }], lower: () => { throw new Error('ReadFile runs on the host'); }, stateful: true });
defineOp({ type: 'WriteFile', infer: () => [], lower: () => [], stateful: true });
defineOp({ type: 'MatchingFiles', infer: () => [{ dtype: 'string', shape: [null] }], lower: () => { throw new Error('MatchingFiles runs on the host'); }, stateful: true });
for (const t of ['ReadFile', 'WriteFile', 'MatchingFiles']) registerGradient(t, null);

registerHostOp('ReadFile', function* (op, ins) {
  const f = scalarString(ins[0]!, 'filename', op.name);
  return [NDArray.fromStrings([readBytes(f).slice()], [])];
});
registerHostOp('WriteFile', function* (op, ins) {
  const f = scalarString(ins[0]!, 'filename', op.name);
  const c = ins[1]!;
  if (c.dtype !== 'string' || c.size !== 1) throw new InvalidArgumentError(`Contents tensor must be scalar, but had shape: [${c.shape.join(',')}]`, op.name);
  const raw = (c.data as unknown as StringArray)[0]!;
  const bytes = typeof raw === 'string' ? enc.encode(raw) : (raw as Uint8Array);
  const dir = nodePath.dirname(f);
  try {
    nodeFs.mkdirSync(dir, { recursive: true });
    nodeFs.writeFileSync(f, bytes);
  } catch (e) {
    throw new NotFoundError(`${f}; ${(e as Error).message}`, op.name);
  }
  return [];
});

/** Glob `pattern` (`*`, `?`, `[...]` in any path component): the matching paths, sorted. */
export function globFiles(pattern: string): string[] {
  const isGlob = (s: string): boolean => /[*?[]/.test(s);
  const toRe = (s: string): RegExp => {
    let re = '';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if (ch === '*') re += '[^/]*';
      else if (ch === '?') re += '[^/]';
      else if (ch === '[') {
        const j = s.indexOf(']', i + 1);
        if (j < 0) re += '\\[';
        else {
          let body = s.slice(i + 1, j);
          if (body.startsWith('^') || body.startsWith('!')) body = `^${body.slice(1)}`;
          re += `[${body.replace(/\\/g, '\\\\')}]`;
          i = j;
        }
      } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
  };
  if (!isGlob(pattern)) return nodeFs.existsSync(pattern) ? [pattern] : [];
  const abs = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, i) => p !== '' || i === 0);
  let bases: string[] = [abs ? '/' : ''];
  for (const [i, part] of parts.entries()) {
    if (i === 0 && abs) continue;
    const next: string[] = [];
    for (const b of bases) {
      const join = (n: string): string => (b === '' ? n : b.endsWith('/') ? `${b}${n}` : `${b}/${n}`);
      if (!isGlob(part)) {
        const p = join(part);
        if (nodeFs.existsSync(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = nodeFs.readdirSync(b === '' ? '.' : b);
      } catch {
        continue;
      }
      const re = toRe(part);
      for (const n of names) if (re.test(n)) next.push(join(n));
    }
    bases = next;
  }
  return bases.sort();
}

registerHostOp('MatchingFiles', function* (op, ins) {
  const p = ins[0]!;
  if (p.dtype !== 'string' || p.shape.length > 1) throw new InvalidArgumentError(`Input pattern tensor must be scalar or a vector, but had shape: [${p.shape.join(',')}]`, op.name);
  const pats = [...(p.data as unknown as StringArray)].map((x) => (typeof x === 'string' ? x : dec.decode(x as Uint8Array)));
  const all = pats.flatMap(globFiles).sort();
  return [NDArray.fromStrings(all.map((s) => enc.encode(s)), [all.length])];
});

/** `tf.readFile(filename, name?)` (`tf.io.readFile`, `tf.read_file`): the file's bytes as a string scalar. */
export function readFile(filename: TensorLike, name?: string | null | NameOpt): Tensor {
  const n = isOpts(name) ? name.name : name;
  return makeOp(getDefaultGraph(), 'ReadFile', [toTensor(filename, 'string')], {}, n ?? undefined, 'ReadFile').outputs[0]!;
}

/** `tf.io.writeFile(filename, contents, name?)` (`tf.write_file`): writes the bytes, creating missing directories. */
export function writeFile(filename: TensorLike, contents: TensorLike, name?: string | null | NameOpt): Operation {
  const n = isOpts(name) ? name.name : name;
  return makeOp(getDefaultGraph(), 'WriteFile', [toTensor(filename, 'string'), toTensor(contents, 'string')], {}, n ?? undefined, 'WriteFile');
}

/** `tf.matchingFiles(pattern, name?)` (`tf.io.matchingFiles`): the sorted paths matching the glob pattern(s). */
export function matchingFiles(pattern: TensorLike, name?: string | null | NameOpt): Tensor {
  const n = isOpts(name) ? name.name : name;
  return makeOp(getDefaultGraph(), 'MatchingFiles', [toTensor(pattern, 'string')], {}, n ?? undefined, 'MatchingFiles').outputs[0]!;
}

defineOp({ type: 'MatchingFilenamesOnce', infer: () => [{ dtype: 'string', shape: [null] }], lower: () => { throw new Error('runs on the host'); }, stateful: true });
registerGradient('MatchingFilenamesOnce', null);
const onceValues = new WeakMap<SessionState, Map<Operation, NDArray>>();
registerHostOp('MatchingFilenamesOnce', function* (op, ins, hc) {
  let m = onceValues.get(hc.runner.state);
  if (!m) onceValues.set(hc.runner.state, (m = new Map()));
  let v = m.get(op);
  if (!v) {
    const pats = [...(ins[0]!.data as unknown as StringArray)].map((x) => (typeof x === 'string' ? x : dec.decode(x as Uint8Array)));
    const all = pats.flatMap(globFiles).sort();
    m.set(op, (v = NDArray.fromStrings(all.map((s) => enc.encode(s)), [all.length])));
  }
  return [v];
});

/**
 * `tf.train.matchFilenamesOnce(pattern, name?)`: the files matching `pattern`, listed once per
 * session (at the first run that needs them) and the same list after. TF1 keeps it in a local
 * variable; tsflow's variables need static shapes, so it is a host op that remembers its value
 * per session instead (no initializer to run).
 */
export function matchFilenamesOnce(pattern: TensorLike, name?: string | null | NameOpt): Tensor {
  const n = isOpts(name) ? name.name : name;
  return getDefaultGraph().nameScope(n ?? 'matching_filenames', (scope) =>
    makeOp(getDefaultGraph(), 'MatchingFilenamesOnce', [toTensor(pattern, 'string')], {}, scope, 'matching_filenames').outputs[0]!);
}

