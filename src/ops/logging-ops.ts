/**
 * TF1's logging ops: `tf.Assert` (the Assert op: a false condition fails the run with
 * `assertion failed: [data 0] [data 1] ...`), `tf.Print` (the Print op: its input passed through,
 * the message and the data written to stderr as `message[v0][v1]`, the first `firstN` times)
 * and `tf.print` (StringFormat + PrintV2, numpy-style). They run as host-stage ops: their
 * inputs are computed first, so a failed assertion stops the run before any variable changes.
 * Values print as TF's Tensor::SummarizeValue prints them (`summarize` entries, then `...`).
 */
import { kwargs } from '../args.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { fromHalf } from '../float16.js';
import { getDefaultGraph } from '../graph/context.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type HostContext, registerHostOp } from '../session/host-stage.js';
import type { SessionState } from '../session/runner.js';
import { StringArray } from '../string-array.js';
import { cond } from './control-flow/cond.js';
import { type TensorLike, toTensor } from './convert.js';
import { noOp } from './core.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

// ----- formatting ----------------------------------------------------------------------------

/** C's `%.{p}g`. */
export function formatG(v: number, p: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = v.toExponential(p - 1);
  const x = Number(e.slice(e.indexOf('e') + 1));
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (x < -4 || x >= p) {
    const [m, ex] = e.split('e') as [string, string];
    const n = Math.abs(Number(ex));
    return `${strip(m)}e${Number(ex) < 0 ? '-' : '+'}${n < 10 ? '0' : ''}${n}`;
  }
  return strip(v.toFixed(p - 1 - x));
}

/** TF's StrCat of a float (FloatToBuffer: 6 significant digits, 9 where 6 do not round-trip) or double (15, else 17). */
export function formatFloat(v: number, dtype: DType): string {
  if (dtype === 'float64') {
    const s = formatG(v, 15);
    return Number(s) === v || Number.isNaN(v) ? s : formatG(v, 17);
  }
  const s = formatG(v, 6);
  return Math.fround(Number(s)) === v || Number.isNaN(v) ? s : formatG(v, 9);
}

const dec = new TextDecoder();

/** absl::CEscape: quotes, backslashes and control characters escaped, other bytes above 0x7e in octal. */
function cEscape(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x22) out += '\\"';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x5c) out += '\\\\';
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

/** The elements of a host value as TF prints one element (bool as 1/0, strings C-escaped). */
function elementStrings(a: NDArray, limit: number, v2: boolean): string[] {
  const out: string[] = [];
  const n = Math.min(limit, a.size);
  if (a.dtype === 'string') {
    const d = a.data as unknown as ArrayLike<Uint8Array>;
    for (let i = 0; i < n; i++) out.push(v2 ? `"${cEscape(d[i]!)}"` : cEscape(d[i]!));
    return out;
  }
  const d = a.data as ArrayLike<number>;
  for (let i = 0; i < n; i++) {
    const v = Number(d[i]);
    if (a.dtype === 'float32' || a.dtype === 'float64') out.push(formatFloat(v, a.dtype));
    else if (a.dtype === 'float16') out.push(formatFloat(fromHalf(v), 'float32'));
    else if (a.dtype === 'bool') out.push(v2 ? (v ? 'True' : 'False') : v ? '1' : '0');
    else out.push(String(Object.is(v, -0) ? 0 : v));
  }
  return out;
}

/**
 * Tensor::SummarizeValue(max_entries) as TF 1.15 prints it: the first `summarize` elements
 * (all when negative) in row-major order, each innermost row in brackets past the first axis
 * (`[1 2][3 4]`), `...` when elements were left out.
 */
export function summarizeValue(a: NDArray, summarize: number): string {
  const total = a.size;
  const limit = summarize < 0 ? total : Math.min(summarize, total);
  const els = elementStrings(a, limit, false);
  const shape = a.shape;
  if (shape.length === 0) return els.join(' ') + (total > limit ? '...' : '');
  let idx = 0;
  let out = '';
  const dim = (k: number): void => {
    if (idx >= limit) return;
    const count = shape[k]!;
    if (k === shape.length - 1) {
      for (let i = 0; i < count; i++) {
        if (idx >= limit) {
          if (k !== 0 && i < count) out += '...';
          return;
        }
        if (i > 0) out += ' ';
        out += els[idx++]!;
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      let open = false;
      if (idx < limit) {
        out += '[';
        open = true;
      }
      dim(k + 1);
      if (idx < limit || open) out += ']';
    }
  };
  dim(0);
  if (total > limit) out += '...';
  return out;
}

// ----- Assert --------------------------------------------------------------------------------

interface AssertAttrs {
  [k: string]: unknown;
  summarize: number;
}

defineOp<AssertAttrs>({
  type: 'Assert',
  infer: ([c]) => {
    if (c!.dtype !== 'bool') throw new TypeError(`Input 'condition' of 'Assert' Op has type ${c!.dtype} that does not match expected type of bool.`);
    return [];
  },
  // Evaluated in the host stage before the plan runs (a plan holding it has nothing left to do).
  lower: () => [],
  stateful: true,
});
registerGradient('Assert', null);

const isLegacyScalar = (s: readonly number[]): boolean => s.length === 0 || (s.length === 1 && s[0] === 1);

registerHostOp('Assert', function* (op, ins) {
  const c = ins[0]!;
  if (!isLegacyScalar(c.shape)) throw new InvalidArgumentError(`In[0] should be a scalar: [${c.shape.join(',')}]`, op.name);
  if (c.data[0]) return [];
  const summarize = (op.attrs as AssertAttrs).summarize;
  const parts = ins.slice(1).map((v) => `[${summarizeValue(v, summarize)}]`);
  throw new InvalidArgumentError(`assertion failed: ${parts.join(' ')}`, op.name);
});

/** The Assert op itself, `data` converted in its scope as TF's op-def library does (`<name>/data_N`). */
function assertOp(condition: Tensor, data: readonly unknown[], summarize: number): Operation {
  const g = condition.graph;
  return g.nameScope('Assert', (scope) => {
    const xs = data.map((d, i) => toTensor(d as TensorLike, undefined, `data_${i}`));
    return makeOp(g, 'Assert', [condition, ...xs], { summarize }, scope, 'Assert');
  });
}

function asCondition(c: TensorLike, name?: string): Tensor {
  return toTensor(c, typeof c === 'boolean' ? 'bool' : undefined, name);
}

const ASSERT_NAMES = ['condition', 'data', 'summarize', 'name'] as const;

/**
 * `tf.Assert(condition, data, summarize?, name?)`: an op that fails the run with
 * InvalidArgumentError `assertion failed: [d0] [d1] ...` when `condition` (a scalar bool) is
 * false, printing `summarize` (default 3) entries of each of `data`. As TF1: when every datum is
 * a string or int32 tensor the Assert op is returned; otherwise it is guarded by
 * `tf.cond(condition, noOp, assert)` (`Assert/AssertGuard`), so the data are only computed when
 * the assertion fails, and that cond's Merge op is returned. Use it in `tf.controlDependencies`.
 */
export function Assert(...args: unknown[]): Operation {
  const o = kwargs(args, ASSERT_NAMES, 'Assert', 2);
  const data = o.data as readonly unknown[];
  if (!Array.isArray(data)) throw new TypeError(`Expected list for 'data' argument to 'Assert' Op, not ${String(data)}.`);
  const summarize = (o.summarize as number | null | undefined) ?? 3;
  const first = [o.condition, ...data].find((x): x is Tensor => x instanceof Tensor);
  const g = first?.graph ?? getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'Assert', () => {
    const xs = data.map((d) => toTensor(d as TensorLike));
    if (xs.every((x) => x.dtype === 'string' || x.dtype === 'int32')) {
      return assertOp(asCondition(o.condition as TensorLike), data, summarize);
    }
    const condition = asCondition(o.condition as TensorLike, 'Condition');
    // The guard is placed with the Assert op on the host device, so that a branch of it never
    // runs on another device than its Merge (a cond's branches are decided where it merges).
    const guarded = g.device('/cpu:0', () => cond(condition, () => noOp(), () => assertOp(condition, data, summarize), { name: 'AssertGuard' })) as Tensor;
    return guarded.op;
  });
}

// ----- Print ---------------------------------------------------------------------------------

interface PrintAttrs {
  [k: string]: unknown;
  message: string;
  firstN: number;
  summarize: number;
}

defineOp<PrintAttrs>({
  type: 'Print',
  infer: ([x]) => [{ dtype: x!.dtype, shape: x!.shape }],
  // The host stage computes the output (the input, passed through) before the plan runs.
  lower: (_b, [x]) => [x!],
  stateful: true,
});
registerGradient('Print', (op, [dy]) => [dy ?? null, ...op.inputs.slice(1).map(() => null)]);

/** Where printed text goes: stderr under Node, console.error in a page. */
function writeStderr(text: string): void {
  const p = (globalThis as { process?: { stderr?: { write(s: string): unknown } } }).process;
  if (p?.stderr?.write) p.stderr.write(text);
  else console.error(text.replace(/\n$/, ''));
}

/** Per session, how many times each Print op has printed (TF's per-kernel call counter). */
const printCounts = new WeakMap<SessionState, Map<Operation, number>>();

function countFor(ctx: HostContext): Map<Operation, number> {
  const st = ctx.runner.state;
  let m = printCounts.get(st);
  if (!m) printCounts.set(st, (m = new Map()));
  return m;
}

registerHostOp('Print', function* (op, ins, ctx) {
  const a = op.attrs as PrintAttrs;
  if (a.firstN >= 0) {
    const counts = countFor(ctx);
    const n = counts.get(op) ?? 0;
    if (n >= a.firstN) return [ins[0]!];
    counts.set(op, n + 1);
  }
  let msg = a.message;
  for (const v of ins.slice(1)) msg += `[${summarizeValue(v, a.summarize)}]`;
  writeStderr(`${msg}\n`);
  return [ins[0]!];
});

const PRINT_NAMES = ['input', 'data', 'message', 'firstN', 'summarize', 'name'] as const;

/**
 * `tf.Print(input, data, message?, firstN?, summarize?, name?)` (deprecated in TF1 for
 * `tf.print`): an identity of `input` that, each time it runs, writes `message` followed by
 * `[value]` for each of `data` (`summarize` entries each, default 3) to stderr; with `firstN`
 * ≥ 0 only the first `firstN` times in a session.
 */
export function Print(...args: unknown[]): Tensor {
  const o = kwargs(args, PRINT_NAMES, 'Print', 2);
  const input = toTensor(o.input as TensorLike);
  const data = o.data as readonly unknown[];
  if (!Array.isArray(data)) throw new TypeError(`Expected list for 'data' argument to 'Print' Op, not ${String(data)}.`);
  const g = input.graph;
  const attrs: PrintAttrs = {
    message: (o.message as string | null | undefined) ?? '',
    firstN: (o.firstN as number | null | undefined) ?? -1,
    summarize: (o.summarize as number | null | undefined) ?? 3,
  };
  const name = (o.name as string | null | undefined) ?? 'Print';
  return g.nameScope(name, (scope) => {
    const xs = data.map((d, i) => toTensor(d as TensorLike, undefined, `data_${i}`));
    return makeOp(g, 'Print', [input, ...xs], attrs, scope, 'Print').outputs[0]!;
  });
}

// ----- tf.print: StringFormat + PrintV2 -----------------------------------------------------

/** numpy-style printing of one tensor (TF's PrintOneDimV2): `[1 2 ... 8 9]`, rows on new lines. */
export function formatV2(a: NDArray, summarize: number): string {
  const shape = a.shape;
  const all = elementStrings(a, a.size, true);
  if (shape.length === 0) return all[0] ?? '';
  const strides: number[] = [];
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    strides[k] = s;
    s *= shape[k]!;
  }
  const go = (k: number, off: number): string => {
    const n = shape[k]!;
    const elide = summarize >= 0 && n > 2 * summarize;
    const idx: (number | null)[] = [];
    for (let i = 0; i < n; i++) {
      if (elide && i === summarize) {
        idx.push(null);
        i = n - summarize - 1;
        continue;
      }
      idx.push(i);
    }
    if (k === shape.length - 1) return `[${idx.map((i) => (i === null ? '...' : all[off + i * strides[k]!]!)).join(' ')}]`;
    const sep = `\n${' '.repeat(k + 1)}`;
    const nl = '\n'.repeat(shape.length - k - 2);
    return `[${idx.map((i) => (i === null ? '...' : go(k + 1, off + i * strides[k]!))).join(nl + sep)}]`;
  };
  return go(0, 0);
}

interface StringFormatAttrs {
  [k: string]: unknown;
  template: string;
  placeholder: string;
  summarize: number;
}

defineOp<StringFormatAttrs>({
  type: 'StringFormat',
  infer: (ins, a) => {
    const count = a.template.split(a.placeholder).length - 1;
    if (count !== ins.length) {
      throw new ValueError(`${count} placeholder(s) in template does not match ${ins.length} tensor(s) provided as input`);
    }
    return [{ dtype: 'string', shape: [] }];
  },
  lower: () => {
    throw new InvalidArgumentError('StringFormat runs in the host stage; it cannot be lowered');
  },
});
registerGradient('StringFormat', null);
registerHostOp('StringFormat', function* (op, ins) {
  const a = op.attrs as StringFormatAttrs;
  const pieces = a.template.split(a.placeholder);
  let out = pieces[0]!;
  ins.forEach((v, i) => (out += formatV2(v, a.summarize) + pieces[i + 1]!));
  return [new NDArray(StringArray.fromValues([out]) as never, [], 'string')];
});

defineOp<{ outputStream: string; end: string }>({
  type: 'PrintV2',
  infer: ([x]) => {
    if (x!.dtype !== 'string') throw new TypeError(`Input 'input' of 'PrintV2' Op has type ${x!.dtype} that does not match expected type of string.`);
    return [];
  },
  lower: () => [],
  stateful: true,
});
registerGradient('PrintV2', null);
registerHostOp('PrintV2', function* (op, [x]) {
  const a = op.attrs as { outputStream: string; end: string };
  const text = dec.decode((x!.data as unknown as ArrayLike<Uint8Array>)[0]!) + a.end;
  if (a.outputStream === 'stdout') {
    const p = (globalThis as { process?: { stdout?: { write(s: string): unknown } } }).process;
    if (p?.stdout?.write) p.stdout.write(text);
    else console.log(text.replace(/\n$/, ''));
  } else if (a.outputStream === 'log(info)' || a.outputStream === 'log(warning)' || a.outputStream === 'log(error)') {
    console.error(text.replace(/\n$/, ''));
  } else {
    writeStderr(text);
  }
  return [];
});

const STREAMS: Record<string, string> = { stderr: 'stderr', stdout: 'stdout', 'log(info)': 'log(info)', 'log(warning)': 'log(warning)', 'log(error)': 'log(error)' };

/**
 * `tf.print(...inputs, {outputStream, summarize, sep, end, name})`: a PrintV2 op printing the
 * inputs (tensors numpy-style, `summarize` entries at each end of a dimension, default 3; other
 * values as text) joined by `sep` and followed by `end`, to `outputStream` (`'stderr'`,
 * `'stdout'`, `'log(info)'` …). Run it, or make it a control dependency.
 */
export function print(...args: unknown[]): Operation {
  let opts: Record<string, unknown> = {};
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && Object.getPrototypeOf(last) === Object.prototype) {
    opts = last as Record<string, unknown>;
    args = args.slice(0, -1);
  }
  for (const k of Object.keys(opts)) {
    if (!['outputStream', 'summarize', 'sep', 'end', 'name'].includes(k)) throw new TypeError(`print() got an unexpected keyword argument '${k}'`);
  }
  const stream = (opts.outputStream as string | undefined) ?? 'stderr';
  if (!(stream in STREAMS)) {
    throw new ValueError(`Unsupported output stream or logging level ${stream}. Supported streams are [${Object.keys(STREAMS).map((s) => `'${s}'`).join(', ')}]`);
  }
  const summarize = (opts.summarize as number | undefined) ?? 3;
  const sep = (opts.sep as string | undefined) ?? ' ';
  const end = (opts.end as string | undefined) ?? '\n';
  const tensors: Tensor[] = [];
  // a placeholder no text argument contains (TF's _generate_placeholder_string)
  const texts = args.filter((x) => !(x instanceof Tensor || x instanceof NDArray || ArrayBuffer.isView(x))).map(String).join('');
  let placeholder = '{}';
  for (let k = 0; texts.includes(placeholder); k++) placeholder += String((k * 7 + 3) % 10);
  const parts = args.map((x) => {
    if (x instanceof Tensor) {
      tensors.push(x);
      return placeholder;
    }
    if (x instanceof NDArray || ArrayBuffer.isView(x)) {
      tensors.push(toTensor(x as TensorLike));
      return placeholder;
    }
    return typeof x === 'string' ? x : String(x);
  });
  const g = tensors[0]?.graph ?? getDefaultGraph();
  return g.nameScope((opts.name as string | undefined) ?? 'PrintV2', (scope) => {
    const template = parts.join(sep);
    const formatted = makeOp(g, 'StringFormat', tensors, { template, placeholder, summarize }, undefined, 'StringFormat').outputs[0]!;
    return makeOp(g, 'PrintV2', [formatted], { outputStream: STREAMS[stream]!, end }, scope, 'PrintV2');
  });
}
