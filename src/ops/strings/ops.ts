/**
 * TF1's string ops on string tensors, with TF's op types: StringSplit / StringSplitV2 (to a
 * SparseTensor), ReduceJoin, Substr, StaticRegexReplace / RegexReplace, StaticRegexFullMatch /
 * RegexFullMatch, StringStrip, StringLower, StringUpper, AsString, StringToNumber,
 * StringToHashBucketFast / StringToHashBucket / StringToHashBucketStrong, EncodeBase64,
 * DecodeBase64. Strings live on the host, so these run as host-stage ops
 * (src/session/host-stage.ts): evaluated in JS before the device plan, their outputs fed to it.
 *
 * Regular expressions: TF uses RE2; here a pattern is translated to a JS RegExp (Unicode mode)
 * over the UTF-8-decoded string. RE2's syntax is mostly a subset of JS's; translated are
 * `(?P<name>…)`, `\A`, `\z`, `\C`-free leading flag groups `(?i)`, `(?s)`, `(?m)`, `(?U)` is refused;
 * JS-only constructs RE2 rejects (backreferences, lookaround) are refused with TF's
 * "Invalid pattern" error; invalid UTF-8 bytes are matched as U+FFFD.
 */
import { type DType, StringArray } from '../../dtype.js';
import { InvalidArgumentError, ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import { type PartialShape, broadcastPartial, broadcastShapes } from '../../shape.js';
import { decodeString, encodeString } from '../../string-array.js';
import { kwargs } from '../../args.js';
import { fromHalf } from '../../float16.js';
import { type TensorLike, toTensor } from '../convert.js';
import { defineOp, makeOp, registerGradient, type OutSpec } from '../registry.js';
import { SparseTensor } from '../sparse-tensor.js';
import { fingerprint64, hash64, sipHash24 } from './hash.js';

type Attrs = Record<string, unknown>;

/** Declare a host-stage op (no gradient). */
export function hostOp<A extends Attrs>(type: string, infer: (ins: readonly Tensor[], a: A, name: string) => OutSpec[], run: (ins: NDArray[], a: A, op: Operation) => NDArray[]): void {
  defineOp<A>({
    type,
    infer,
    lower: () => {
      throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
    },
    stateful: true,
  });
  registerGradient(type, null);
  registerHostOp(type, function* (op, ins) {
    try {
      return run(ins, op.attrs as A, op);
    } catch (e) {
      if (e instanceof InvalidArgumentError && !e.message.includes(op.name)) throw new InvalidArgumentError(e.message, op.name);
      throw e;
    }
  });
}

function needString(t: Tensor, param: string, type: string): void {
  if (t.dtype !== 'string') throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: string (op ${type})`);
}

const strs = (a: NDArray): StringArray => a.data as unknown as StringArray;
const strArray = (vals: Uint8Array[], shape: readonly number[]): NDArray => {
  const out = new StringArray(vals.length);
  vals.forEach((v, i) => (out[i] = v));
  return new NDArray(out as never, [...shape], 'string');
};
const int64 = (vals: ArrayLike<number>, shape: readonly number[]): NDArray => new NDArray(Float64Array.from(vals), [...shape], 'int64');
const nameOf = (o: Attrs): string | undefined => o.name as string | undefined;

/** Python's repr of a byte string, as TF's messages print one (b'…'). */
function pyBytes(b: Uint8Array): string {
  let s = '';
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x27) s += "\\'";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `b'${s}'`;
}

/** Elementwise string → T op over a shape-preserving input. */
function unaryStringOp<A extends Attrs>(type: string, outDType: (a: A) => DType, f: (s: Uint8Array, a: A, i: number) => Uint8Array | number): void {
  hostOp<A>(type, ([x], a) => {
    needString(x!, 'input', type);
    return [{ dtype: outDType(a), shape: x!.shape }];
  }, ([x], a) => {
    const src = strs(x!);
    const dt = outDType(a);
    if (dt === 'string') return [strArray(Array.from(src, (s, i) => f(s, a, i) as Uint8Array), x!.shape)];
    const out = dt === 'bool' ? new Uint8Array(src.length) : dt === 'int32' ? new Int32Array(src.length) : dt === 'float32' ? new Float32Array(src.length) : new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = Number(f(src[i]!, a, i));
    return [new NDArray(out as never, [...x!.shape], dt)];
  });
}

// ----- StringSplit, StringSplitV2 ---------------------------------------------------------

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

function splitChars(s: Uint8Array, delim: Uint8Array, skipEmpty: boolean): Uint8Array[] {
  if (delim.length === 0) return Array.from(s, (_, i) => s.subarray(i, i + 1));
  const set = new Set(delim);
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || set.has(s[i]!)) {
      if (!skipEmpty || i > start) out.push(s.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** Python's str.split(sep, maxsplit) on bytes; sep empty: runs of whitespace. */
function splitV2(s: Uint8Array, sep: Uint8Array, maxsplit: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (sep.length === 0) {
    let i = 0;
    while (i < s.length) {
      while (i < s.length && isSpace(s[i]!)) i++;
      if (i >= s.length) break;
      if (maxsplit >= 0 && out.length === maxsplit) {
        // Python keeps the rest as it is, trailing whitespace included
        out.push(s.subarray(i));
        break;
      }
      const st = i;
      while (i < s.length && !isSpace(s[i]!)) i++;
      out.push(s.subarray(st, i));
    }
    return out;
  }
  let start = 0;
  let i = 0;
  while (i + sep.length <= s.length && (maxsplit < 0 || out.length < maxsplit)) {
    let m = true;
    for (let k = 0; k < sep.length; k++) if (s[i + k] !== sep[k]) { m = false; break; }
    if (m) {
      out.push(s.subarray(start, i));
      i += sep.length;
      start = i;
    } else i++;
  }
  out.push(s.subarray(start));
  return out;
}

function toSparse(rows: Uint8Array[][]): NDArray[] {
  const idx: number[] = [];
  const vals: Uint8Array[] = [];
  let width = 0;
  rows.forEach((toks, r) => {
    width = Math.max(width, toks.length);
    toks.forEach((t, c) => {
      idx.push(r, c);
      vals.push(t);
    });
  });
  return [int64(idx, [vals.length, 2]), strArray(vals, [vals.length]), int64([rows.length, width], [2])];
}

const sparseSpecs = (): OutSpec[] => [{ dtype: 'int64', shape: [null, 2] }, { dtype: 'string', shape: [null] }, { dtype: 'int64', shape: [2] }];

hostOp<{ skip_empty: boolean }>('StringSplit', ([x, d], _a, name) => {
  needString(x!, 'input', 'StringSplit');
  needString(d!, 'delimiter', 'StringSplit');
  if (x!.shape !== null && x!.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${x!.shape.length} for '${name}' (op: 'StringSplit') with input shapes: [${x!.shape.map((v) => v ?? '?').join(',')}], [].`);
  return sparseSpecs();
}, ([x, d], a) => {
  if (x!.shape.length !== 1) throw new InvalidArgumentError(`input must be a vector, got shape: [${x!.shape.join(',')}]`);
  if (d!.shape.length !== 0) throw new InvalidArgumentError(`delimiter must be a scalar, got shape: [${d!.shape.join(',')}]`);
  const delim = strs(d!)[0]!;
  return toSparse(Array.from(strs(x!), (s) => splitChars(s, delim, a.skip_empty)));
});

hostOp<{ maxsplit: number }>('StringSplitV2', ([x, sep], _a, name) => {
  needString(x!, 'input', 'StringSplitV2');
  needString(sep!, 'sep', 'StringSplitV2');
  if (x!.shape !== null && x!.shape.length !== 1) throw new ValueError(`Shape must be rank 1 but is rank ${x!.shape.length} for '${name}' (op: 'StringSplitV2') with input shapes: [${x!.shape.map((v) => v ?? '?').join(',')}], [].`);
  return sparseSpecs();
}, ([x, sep], a) => {
  if (sep!.shape.length !== 0) throw new InvalidArgumentError(`sep must be a scalar, got shape: [${sep!.shape.join(',')}]`);
  const s = strs(sep!)[0]!;
  return toSparse(Array.from(strs(x!), (v) => splitV2(v, s, a.maxsplit)));
});

function sparseOut(op: Operation): SparseTensor {
  return new SparseTensor(op.outputs[0]!, op.outputs[1]!, op.outputs[2]!);
}

/**
 * `tf.stringSplit(source, sep = ' ', skipEmpty = true, delimiter?, resultType = 'SparseTensor',
 * name?)` (TF1's string_split): each string of the vector split at any of the characters of the
 * delimiter (an empty one splits into bytes), as a SparseTensor [rows, longest].
 */
export function stringSplit(...a: unknown[]): SparseTensor {
  const o = kwargs(a, ['source', 'sep', 'skipEmpty', 'delimiter', 'resultType', 'name'], 'stringSplit', 1);
  if (o.sep !== undefined && o.sep !== null && o.delimiter !== undefined && o.delimiter !== null) throw new ValueError("Cannot specify both 'sep' and 'delimiter'");
  if ((o.resultType ?? 'SparseTensor') !== 'SparseTensor') throw new ValueError('stringSplit: only resultType SparseTensor is supported (tsflow has no RaggedTensor)');
  const x = toTensor(o.source as TensorLike, 'string');
  const d = x.graph.asDefault(() => toTensor((o.sep ?? o.delimiter ?? ' ') as TensorLike, 'string'));
  return sparseOut(makeOp(x.graph, 'StringSplit', [x, d], { skip_empty: o.skipEmpty === undefined || o.skipEmpty === null ? true : !!o.skipEmpty }, nameOf(o), 'StringSplit'));
}

/**
 * `tf.strings.split(input, sep?, maxsplit = -1, resultType = 'SparseTensor', source?, name?)`:
 * Python's str.split on each string (sep null: runs of whitespace; else the whole sep, empty
 * tokens kept) as a SparseTensor.
 */
export function split(...a: unknown[]): SparseTensor {
  const o = kwargs(a, ['input', 'sep', 'maxsplit', 'resultType', 'source', 'name'], 'strings.split', 0);
  if ((o.resultType ?? 'SparseTensor') !== 'SparseTensor') throw new ValueError('strings.split: only resultType SparseTensor is supported (tsflow has no RaggedTensor)');
  const src = o.input ?? o.source;
  if (src === undefined || src === null) throw new ValueError('strings.split: input is required');
  const x = toTensor(src as TensorLike, 'string');
  const s = x.graph.asDefault(() => toTensor((o.sep ?? '') as TensorLike, 'string'));
  return sparseOut(makeOp(x.graph, 'StringSplitV2', [x, s], { maxsplit: (o.maxsplit as number | undefined) ?? -1 }, nameOf(o), 'StringSplit'));
}

// ----- ReduceJoin -------------------------------------------------------------------------

function reduceAxes(r: number, idx: number[]): number[] {
  const seen = new Set<number>();
  return idx.map((v) => {
    if (v < -r || v >= r) throw new InvalidArgumentError(`Invalid reduction dimension ${v} for input with ${r} dimensions.`);
    const a = v < 0 ? v + r : v;
    if (seen.has(a)) throw new InvalidArgumentError(`Duplicate reduction dimension ${a}`);
    seen.add(a);
    return a;
  });
}

hostOp<{ keep_dims: boolean; separator: string }>('ReduceJoin', ([x, ri], a) => {
  needString(x!, 'inputs', 'ReduceJoin');
  let shape: PartialShape = null;
  if (x!.shape !== null && ri!.op.type === 'Const') {
    const v = ri!.op.attrs.value as NDArray;
    const axes = new Set(Array.from(v.data as ArrayLike<number>, (q) => (q < 0 ? q + x!.shape!.length : q)));
    shape = a.keep_dims ? x!.shape.map((d, i) => (axes.has(i) ? 1 : d)) : x!.shape.filter((_, i) => !axes.has(i));
  }
  return [{ dtype: 'string', shape }];
}, ([x, ri], a) => {
  const s = x!.shape;
  const axes = reduceAxes(s.length, Array.from(ri!.data as ArrayLike<number>, Number));
  const red = new Set(axes);
  const keptAxes = s.map((_, i) => i).filter((i) => !red.has(i));
  const outShape = a.keep_dims ? s.map((d, i) => (red.has(i) ? 1 : d)) : keptAxes.map((i) => s[i]!);
  const strides = s.map((_, i) => s.slice(i + 1).reduce((p, d) => p * d, 1));
  const outN = keptAxes.reduce((p, i) => p * s[i]!, 1);
  const redN = axes.reduce((p, i) => p * s[i]!, 1);
  const src = strs(x!);
  const sep = encodeString(a.separator);
  const out: Uint8Array[] = [];
  for (let o = 0; o < outN; o++) {
    let base = 0;
    let rem = o;
    for (let k = keptAxes.length - 1; k >= 0; k--) {
      const ax = keptAxes[k]!;
      base += (rem % s[ax]!) * strides[ax]!;
      rem = Math.floor(rem / s[ax]!);
    }
    const parts: Uint8Array[] = [];
    // the first listed axis varies fastest (TF: reduce_join(a, [0, 1]) of [[a, b], [c, d]] is "acbd")
    for (let r = 0; r < redN; r++) {
      let off = base;
      let q = r;
      for (const ax of axes) {
        off += (q % s[ax]!) * strides[ax]!;
        q = Math.floor(q / s[ax]!);
      }
      parts.push(src[off]!);
    }
    const len = parts.reduce((p, b) => p + b.length, 0) + Math.max(0, parts.length - 1) * sep.length;
    const buf = new Uint8Array(len);
    let w = 0;
    parts.forEach((b, k) => {
      if (k > 0) { buf.set(sep, w); w += sep.length; }
      buf.set(b, w);
      w += b.length;
    });
    out.push(buf);
  }
  return [strArray(out, outShape)];
});

/**
 * `tf.reduceJoin(inputs, axis?, keepDims = false, separator = '', name?, reductionIndices?,
 * keepdims?)` (also tf.strings.reduceJoin): joins the strings along the axes (all when none,
 * last axis fastest; with several the first listed varies fastest, as TF).
 */
export function reduceJoin(...a: unknown[]): Tensor {
  const o = kwargs(a, ['inputs', 'axis', 'keepDims', 'separator', 'name', 'reductionIndices', 'keepdims'], 'reduceJoin', 1);
  const x = toTensor(o.inputs as TensorLike, 'string');
  if ((o.axis ?? null) !== null && (o.reductionIndices ?? null) !== null) throw new ValueError("Cannot specify both 'axis' and 'reduction_indices'");
  if ((o.keepDims ?? null) !== null && (o.keepdims ?? null) !== null) throw new ValueError("Cannot specify both 'keepdims' and 'keep_dims'");
  let axis = o.axis ?? o.reductionIndices ?? null;
  return x.graph.nameScope(nameOf(o) ? null : 'ReduceJoin', () => x.graph.asDefault(() => {
    if (axis === null) {
      if (x.shape === null) throw new ValueError('reduceJoin: tsflow needs the rank of inputs known when axis is not given');
      axis = [...Array(x.shape.length).keys()].reverse();
    }
    const ax = toTensor((typeof axis === 'number' ? [axis] : axis) as TensorLike, 'int32');
    return makeOp(x.graph, 'ReduceJoin', [x, ax], { keep_dims: !!(o.keepDims ?? o.keepdims), separator: String(o.separator ?? '') }, nameOf(o), 'ReduceJoin').outputs[0]!;
  }));
}

// ----- Substr -----------------------------------------------------------------------------

/** UTF-8 character start offsets of s, plus its length. */
function charStarts(s: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) if ((s[i]! & 0xc0) !== 0x80) out.push(i);
  out.push(s.length);
  return out;
}

hostOp<{ unit: 'BYTE' | 'UTF8_CHAR' }>('Substr', ([x, pos, len]) => {
  needString(x!, 'input', 'Substr');
  for (const [t, p] of [[pos!, 'pos'], [len!, 'len']] as const) {
    if (t.dtype !== 'int32' && t.dtype !== 'int64') throw new TypeError(`Value passed to parameter '${p}' has DataType ${t.dtype} not in list of allowed values: int32, int64`);
  }
  if (pos!.dtype !== len!.dtype) throw new TypeError(`Input 'len' of 'Substr' Op has type ${len!.dtype} that does not match type ${pos!.dtype} of argument 'pos'.`);
  let shape: PartialShape = x!.shape;
  if (x!.shape !== null && pos!.shape !== null) shape = broadcastPartial([...x!.shape], [...pos!.shape]) ?? null;
  return [{ dtype: 'string', shape }];
}, ([x, pos, len], a) => {
  if (pos!.shape.join() !== len!.shape.join()) throw new InvalidArgumentError(`pos and len should have the same shape, got: [${pos!.shape.join(',')}] vs. [${len!.shape.join(',')}]`);
  const shape = broadcastShapes(x!.shape, pos!.shape);
  if (!shape) throw new InvalidArgumentError(`Incompatible shapes: [${x!.shape.join(',')}] vs. [${pos!.shape.join(',')}]`);
  const n = shape.reduce((p, d) => p * d, 1);
  const at = (arr: NDArray, i: number): number => {
    // broadcast index i of `shape` into arr
    const s = arr.shape;
    let off = 0;
    let stride = 1;
    let rem = i;
    for (let k = shape.length - 1; k >= 0; k--) {
      const c = rem % shape[k]!;
      rem = Math.floor(rem / shape[k]!);
      const ak = k - (shape.length - s.length);
      if (ak >= 0) {
        if (s[ak]! !== 1) off += c * stride;
        stride *= s[ak]!;
      }
    }
    return off;
  };
  const src = strs(x!);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const xi = at(x!, i);
    const s = src[xi]!;
    let p = Number(pos!.data[at(pos!, i)]);
    const l = Number(len!.data[at(len!, i)]);
    if (a.unit === 'UTF8_CHAR') {
      const starts = charStarts(s);
      const nc = starts.length - 1;
      if (!(Math.abs(p) <= nc - (p < 0 ? 0 : 0) && (p < 0 ? -p <= nc : p <= nc))) throw new InvalidArgumentError(`pos ${p} out of range for unicode string at index ${i}`);
      if (p < 0) p += nc;
      const e = Math.min(nc, p + Math.max(0, l));
      out.push(s.subarray(starts[p]!, starts[e]!));
    } else {
      if (!(p < 0 ? -p <= s.length : p <= s.length)) throw new InvalidArgumentError(`pos ${p} out of range for string${pyBytes(s)} at index ${i}`);
      if (p < 0) p += s.length;
      out.push(s.subarray(p, Math.min(s.length, p + Math.max(0, l))));
    }
  }
  return [strArray(out, shape)];
});

/**
 * `tf.substr(input, pos, len, name?, unit = 'BYTE')` (also tf.strings.substr): the substring at
 * pos (negative: from the end) of up to len bytes (or UTF-8 characters); pos and len broadcast.
 */
export function substr(...a: unknown[]): Tensor {
  const o = kwargs(a, ['input', 'pos', 'len', 'name', 'unit'], 'substr', 3);
  const unit = (o.unit as string | undefined) ?? 'BYTE';
  if (unit !== 'BYTE' && unit !== 'UTF8_CHAR') throw new ValueError(`Attr 'unit' of 'Substr' Op passed string '${unit}' not in: "BYTE", "UTF8_CHAR".`);
  const x = toTensor(o.input as TensorLike, 'string');
  return x.graph.asDefault(() => {
    const p = toTensor(o.pos as TensorLike, 'int32');
    const l = toTensor(o.len as TensorLike, p.dtype);
    return makeOp(x.graph, 'Substr', [x, p, l], { unit, T: p.dtype }, nameOf(o), 'Substr').outputs[0]!;
  });
}

// ----- regular expressions ----------------------------------------------------------------

const reCache = new Map<string, RegExp>();

/** An RE2 pattern as a JS RegExp (see the module comment); TF's error for a bad one. */
export function re2ToRegExp(pattern: string, global: boolean, anchored = false): RegExp {
  const key = `${global ? 'g' : ''}${anchored ? 'a' : ''}:${pattern}`;
  const hit = reCache.get(key);
  if (hit) return hit;
  let flags = 'u';
  let p = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    if (lead[1]!.includes('U')) throw new InvalidArgumentError(`Invalid pattern: ${pattern}, error: tsflow's JS regular expressions have no non-greedy (?U) mode`);
    flags += [...new Set(lead[1]!)].join('');
    p = p.slice(lead[0].length);
  }
  if (/\\[1-9]|\(\?<?[=!]/.test(p)) throw new InvalidArgumentError(`Invalid pattern: ${pattern}, error: invalid escape sequence or lookaround (not supported by RE2)`);
  p = p.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])');
  if (anchored) p = `^(?:${p})$`;
  let re: RegExp;
  try {
    re = new RegExp(p, global ? `${flags}g` : flags);
  } catch (e) {
    throw new InvalidArgumentError(`Invalid pattern: ${pattern}, error: ${(e as Error).message}`);
  }
  reCache.set(key, re);
  return re;
}

/** An RE2 rewrite (\0-\9 groups, \\ a backslash) as a replacer for String#replace. */
function rewriteFn(rewrite: string): (m: string, ...g: unknown[]) => string {
  const parts: (string | number)[] = [];
  let lit = '';
  for (let i = 0; i < rewrite.length; i++) {
    const c = rewrite[i]!;
    if (c === '\\') {
      const nx = rewrite[i + 1];
      if (nx === undefined) throw new InvalidArgumentError(`Invalid rewrite pattern: ${rewrite}`);
      if (nx === '\\') lit += '\\';
      else if (nx >= '0' && nx <= '9') {
        parts.push(lit, Number(nx));
        lit = '';
      } else throw new InvalidArgumentError(`Invalid rewrite pattern: ${rewrite}`);
      i++;
    } else lit += c;
  }
  parts.push(lit);
  return (m, ...g) => parts.map((q) => (typeof q === 'number' ? (q === 0 ? m : ((g[q - 1] as string | undefined) ?? '')) : q)).join('');
}

function regexReplaceStr(s: Uint8Array, pattern: string, rewrite: string, global: boolean): Uint8Array {
  const re = re2ToRegExp(pattern, global);
  re.lastIndex = 0;
  return encodeString(decodeString(s).replace(re, rewriteFn(rewrite) as never));
}

unaryStringOp<{ pattern: string; rewrite: string; replace_global: boolean }>('StaticRegexReplace', () => 'string', (s, a) => regexReplaceStr(s, a.pattern, a.rewrite, a.replace_global));

hostOp<{ replace_global: boolean }>('RegexReplace', ([x, p, r]) => {
  needString(x!, 'input', 'RegexReplace');
  return [{ dtype: 'string', shape: x!.shape }];
}, ([x, p, r], a) => {
  if (p!.shape.length !== 0) throw new InvalidArgumentError(`Pattern must be scalar, but received [${p!.shape.join(',')}]`);
  if (r!.shape.length !== 0) throw new InvalidArgumentError(`Rewrite must be scalar, but received [${r!.shape.join(',')}]`);
  const pat = decodeString(strs(p!)[0]!);
  const rw = decodeString(strs(r!)[0]!);
  return [strArray(Array.from(strs(x!), (s) => regexReplaceStr(s, pat, rw, a.replace_global)), x!.shape)];
});

const fullMatch = (s: Uint8Array, pattern: string): number => (re2ToRegExp(pattern, false, true).test(decodeString(s)) ? 1 : 0);
unaryStringOp<{ pattern: string }>('StaticRegexFullMatch', () => 'bool', (s, a) => fullMatch(s, a.pattern));
hostOp('RegexFullMatch', ([x]) => {
  needString(x!, 'input', 'RegexFullMatch');
  return [{ dtype: 'bool', shape: x!.shape }];
}, ([x, p]) => {
  if (p!.shape.length !== 0) throw new InvalidArgumentError(`Pattern must be scalar, but received [${p!.shape.join(',')}]`);
  const pat = decodeString(strs(p!)[0]!);
  return [new NDArray(Uint8Array.from(Array.from(strs(x!), (s) => fullMatch(s, pat))) as never, [...x!.shape], 'bool')];
});

const isStr = (v: unknown): v is string => typeof v === 'string';

/**
 * `tf.regexReplace(input, pattern, rewrite, replaceGlobal = true, name?)` (also
 * tf.strings.regexReplace): RE2 pattern and rewrite (`\1`); StaticRegexReplace when both are
 * strings, RegexReplace when either is a tensor.
 */
export function regexReplace(...a: unknown[]): Tensor {
  const o = kwargs(a, ['input', 'pattern', 'rewrite', 'replaceGlobal', 'name'], 'regexReplace', 3);
  const x = toTensor(o.input as TensorLike, 'string');
  const global = o.replaceGlobal === undefined || o.replaceGlobal === null ? true : !!o.replaceGlobal;
  if (isStr(o.pattern) && isStr(o.rewrite)) {
    re2ToRegExp(o.pattern, global);
    rewriteFn(o.rewrite);
    return makeOp(x.graph, 'StaticRegexReplace', [x], { pattern: o.pattern, rewrite: o.rewrite, replace_global: global }, nameOf(o), 'StaticRegexReplace').outputs[0]!;
  }
  return x.graph.asDefault(() => makeOp(x.graph, 'RegexReplace', [x, toTensor(o.pattern as TensorLike, 'string'), toTensor(o.rewrite as TensorLike, 'string')], { replace_global: global }, nameOf(o), 'RegexReplace').outputs[0]!);
}

/** `tf.strings.regexFullMatch(input, pattern, name?)`: whether each whole string matches (bool). */
export function regexFullMatch(...a: unknown[]): Tensor {
  const o = kwargs(a, ['input', 'pattern', 'name'], 'regexFullMatch', 2);
  const x = toTensor(o.input as TensorLike, 'string');
  if (isStr(o.pattern)) {
    re2ToRegExp(o.pattern, false, true);
    return makeOp(x.graph, 'StaticRegexFullMatch', [x], { pattern: o.pattern }, nameOf(o), 'StaticRegexFullMatch').outputs[0]!;
  }
  return x.graph.asDefault(() => makeOp(x.graph, 'RegexFullMatch', [x, toTensor(o.pattern as TensorLike, 'string')], {}, nameOf(o), 'RegexFullMatch').outputs[0]!);
}

// ----- strip, lower, upper ----------------------------------------------------------------

unaryStringOp('StringStrip', () => 'string', (s) => {
  let b = 0;
  let e = s.length;
  while (b < e && isSpace(s[b]!)) b++;
  while (e > b && isSpace(s[e - 1]!)) e--;
  return s.subarray(b, e);
});

function caseMap(s: Uint8Array, upper: boolean, encoding: string): Uint8Array {
  if (encoding === 'utf-8') return encodeString(upper ? decodeString(s).toUpperCase() : decodeString(s).toLowerCase());
  const out = new Uint8Array(s);
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (upper && c >= 97 && c <= 122) out[i] = c - 32;
    else if (!upper && c >= 65 && c <= 90) out[i] = c + 32;
  }
  return out;
}
unaryStringOp<{ encoding: string }>('StringLower', () => 'string', (s, a) => caseMap(s, false, a.encoding));
unaryStringOp<{ encoding: string }>('StringUpper', () => 'string', (s, a) => caseMap(s, true, a.encoding));

function stringOp(type: string, where: string, a: unknown[], names: string[], attrs: (o: Attrs) => Attrs): Tensor {
  const o = kwargs(a, names, where, 1);
  const x = toTensor(o[names[0]!] as TensorLike, 'string');
  return makeOp(x.graph, type, [x], attrs(o), nameOf(o), type).outputs[0]!;
}

/** `tf.stringStrip(input, name?)` (also tf.strings.strip): leading and trailing ASCII whitespace removed. */
export const stringStrip = (...a: unknown[]): Tensor => stringOp('StringStrip', 'stringStrip', a, ['input', 'name'], () => ({}));

function encodingOf(o: Attrs, type: string): Attrs {
  const e = String(o.encoding ?? '').toLowerCase();
  if (e !== '' && e !== 'utf-8') throw new InvalidArgumentError(`${type}: encoding must be '' or 'utf-8', got '${String(o.encoding)}'`);
  return { encoding: e };
}
/** `tf.strings.lower(input, encoding = '', name?)`: ASCII letters (all of Unicode with 'utf-8') to lower case. */
export const lower = (...a: unknown[]): Tensor => stringOp('StringLower', 'strings.lower', a, ['input', 'encoding', 'name'], (o) => encodingOf(o, 'StringLower'));
/** `tf.strings.upper(input, encoding = '', name?)`. */
export const upper = (...a: unknown[]): Tensor => stringOp('StringUpper', 'strings.upper', a, ['input', 'encoding', 'name'], (o) => encodingOf(o, 'StringUpper'));

// ----- AsString ---------------------------------------------------------------------------

interface AsStringAttrs { precision: number; scientific: boolean; shortest: boolean; width: number; fill: string; [k: string]: unknown }

/** |v| (finite, non-zero) exactly as D / 10^k with integers D, k. */
function exactDecimal(v: number): [bigint, number] {
  const x = Math.abs(v);
  let k = 0;
  while (!Number.isInteger(x * 2 ** k)) k++;
  return [BigInt(x * 2 ** k) * 5n ** BigInt(k), k];
}

/** round(D / 10^drop) with ties to even (glibc printf's rounding of the exact value). */
function roundDrop(D: bigint, drop: number): bigint {
  if (drop <= 0) return D * 10n ** BigInt(-drop);
  const q = 10n ** BigInt(drop);
  const r = D / q;
  const rem = (D % q) * 2n;
  return rem > q || (rem === q && r % 2n === 1n) ? r + 1n : r;
}

/** C's %.pf. */
function fmtF(v: number, p: number): string {
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  if (v === 0) return sign + (p > 0 ? `0.${'0'.repeat(p)}` : '0');
  const [D, k] = exactDecimal(v);
  const digits = roundDrop(D, k - p).toString().padStart(p + 1, '0');
  return sign + (p > 0 ? `${digits.slice(0, -p)}.${digits.slice(-p)}` : digits);
}

/** C's %.pe: the mantissa digits (p + 1 of them) and the exponent. */
function eParts(v: number, p: number): [string, number] {
  if (v === 0) return ['0'.repeat(p + 1), 0];
  const [D, k] = exactDecimal(v);
  const len = D.toString().length;
  let X = len - 1 - k;
  let R = roundDrop(D, len - (p + 1)).toString();
  if (R.length > p + 1) {
    R = R.slice(0, p + 1);
    X += 1;
  }
  return [R, X];
}

function fmtE(v: number, p: number): string {
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const [R, X] = eParts(v, p);
  const m = p > 0 ? `${R[0]}.${R.slice(1)}` : R;
  return `${sign}${m}e${X < 0 ? '-' : '+'}${String(Math.abs(X)).padStart(2, '0')}`;
}

/** C's %.pg (trailing zeros removed). */
function fmtG(v: number, p: number): string {
  const P = p === 0 ? 1 : p;
  const X = eParts(v, P - 1)[1];
  const strip = (q: string): string => (q.includes('.') ? q.replace(/\.?0+$/, '') : q);
  if (P > X && X >= -4) return strip(fmtF(v, P - 1 - X));
  const [m, ex] = fmtE(v, P - 1).split('e') as [string, string];
  return `${strip(m)}e${ex}`;
}

function printfNumber(v: number, a: AsStringAttrs, float: boolean): string {
  let body: string;
  if (float && !Number.isFinite(v)) body = Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  else if (!float) body = String(v);
  else {
    const p = a.precision > -1 ? a.precision : 6;
    body = a.shortest ? fmtG(v, p) : a.scientific ? fmtE(v, p) : fmtF(v, p);
  }
  if (a.width > -1 && body.length < a.width) {
    if (a.fill === '-') return body.padEnd(a.width, ' ');
    if (a.fill === '0' && (!float || Number.isFinite(v))) {
      const neg = body.startsWith('-');
      return (neg ? '-' : '') + body.slice(neg ? 1 : 0).padStart(a.width - (neg ? 1 : 0), '0');
    }
    if (a.fill === '+' && !body.startsWith('-')) body = `+${body}`;
    else if (a.fill === ' ' && !body.startsWith('-')) body = ` ${body}`;
    return body.padStart(a.width, ' ');
  }
  if (a.fill === '+' && !body.startsWith('-')) return `+${body}`;
  if (a.fill === ' ' && !body.startsWith('-')) return ` ${body}`;
  return body;
}

const AS_STRING_TYPES: readonly DType[] = ['int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'bool', 'uint8'];
hostOp<AsStringAttrs>('AsString', ([x], a) => {
  if (!AS_STRING_TYPES.includes(x!.dtype)) throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: int8, int16, int32, int64, complex64, complex128, float32, float64, bool`);
  const float = x!.dtype.startsWith('float');
  if (!float && (a.scientific || a.shortest)) throw new InvalidArgumentError(`scientific and shortest format not supported for datatype ${x!.dtype}`);
  if (!float && a.precision > -1) throw new InvalidArgumentError(`precision not supported for datatype ${x!.dtype}`);
  if (a.fill.length > 1) throw new InvalidArgumentError(`Fill string must be one or fewer characters`);
  if (a.scientific && a.shortest) throw new InvalidArgumentError('Cannot select both scientific and shortest notation');
  if (a.fill !== '' && !' 0-+#'.includes(a.fill)) throw new InvalidArgumentError(`Fill argument not supported: '${a.fill}' (tsflow takes '', ' ', '0', '-', '+')`);
  return [{ dtype: 'string', shape: x!.shape }];
}, ([x], a) => {
  const float = x!.dtype.startsWith('float');
  const d = x!.data as ArrayLike<number>;
  const flat = Array.from(d, (v) => (x!.dtype === 'float16' ? fromHalf(v) : v));
  const out = flat.map((v) => encodeString(x!.dtype === 'bool' ? (v ? 'true' : 'false') : printfNumber(Number(v), a, float)));
  return [strArray(out, x!.shape)];
});

/**
 * `tf.asString(input, precision = -1, scientific = false, shortest = false, width = -1,
 * fill = '', name?)` (also tf.strings.asString): numbers formatted as C's printf does
 * (`%f` with 6 digits by default, `%e`, `%g`; width padded with spaces, or fill '0' / '-').
 */
export function asString(...a: unknown[]): Tensor {
  const o = kwargs(a, ['input', 'precision', 'scientific', 'shortest', 'width', 'fill', 'name'], 'asString', 1);
  const x = toTensor(o.input as TensorLike);
  const attrs: AsStringAttrs = {
    precision: (o.precision as number | undefined) ?? -1, scientific: !!o.scientific, shortest: !!o.shortest,
    width: (o.width as number | undefined) ?? -1, fill: (o.fill as string | undefined) ?? '',
  };
  const float = x.dtype.startsWith('float');
  if (!float && (attrs.scientific || attrs.shortest)) throw new InvalidArgumentError(`scientific and shortest format not supported for datatype ${x.dtype}`);
  if (!float && attrs.precision > -1) throw new InvalidArgumentError(`precision not supported for datatype ${x.dtype}`);
  return makeOp(x.graph, 'AsString', [x], { ...attrs, T: x.dtype }, nameOf(o), 'AsString').outputs[0]!;
}

// ----- StringToNumber ---------------------------------------------------------------------

const FLOAT_RE = /^[ \t\n\v\f\r]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan|0x[0-9a-f]+)[ \t\n\v\f\r]*$/i;
const INT_RE = /^[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*$/;

/** TF's safe_strtof/strtod/strto32/strto64: the value, or null when the string is not one. */
function parseNumber(s: string, out: DType): number | null {
  if (out === 'int32' || out === 'int64') {
    if (!INT_RE.test(s)) return null;
    const b = BigInt(s.trim());
    const lim = out === 'int32' ? 2n ** 31n : 2n ** 63n;
    if (b < -lim || b >= lim) return null;
    if (out === 'int64' && (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER))) return null;
    return Number(b);
  }
  if (s.length >= 32 || !FLOAT_RE.test(s)) return null;
  const t = s.trim().toLowerCase();
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  let v: number;
  if (body.startsWith('inf')) v = Infinity;
  else if (body === 'nan') v = NaN;
  else if (body.startsWith('0x')) v = parseInt(body.slice(2), 16);
  else v = Number(body);
  v = neg ? -v : v;
  return out === 'float32' ? Math.fround(v) : v;
}

const TO_NUMBER_TYPES: readonly DType[] = ['float32', 'float64', 'int32', 'int64'];
hostOp<{ out_type: DType }>('StringToNumber', ([x], a) => {
  needString(x!, 'string_tensor', 'StringToNumber');
  return [{ dtype: a.out_type, shape: x!.shape }];
}, ([x], a) => {
  const src = strs(x!);
  const out = a.out_type === 'float32' ? new Float32Array(src.length) : a.out_type === 'int32' ? new Int32Array(src.length) : new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const s = decodeString(src[i]!);
    const v = parseNumber(s, a.out_type);
    if (v === null) throw new InvalidArgumentError(`StringToNumberOp could not correctly convert string: ${s}`);
    out[i] = v;
  }
  return [new NDArray(out as never, [...x!.shape], a.out_type)];
});

/** `tf.stringToNumber(stringTensor, outType = float32, name?)` (also tf.strings.toNumber). */
export function stringToNumber(...a: unknown[]): Tensor {
  const o = kwargs(a, ['stringTensor', 'outType', 'name'], 'stringToNumber', 1);
  const t = String(o.outType ?? 'float32') as DType;
  if (!TO_NUMBER_TYPES.includes(t)) throw new TypeError(`Value passed to parameter 'out_type' has DataType ${t} not in list of allowed values: float32, float64, int32, int64`);
  const x = toTensor(o.stringTensor as TensorLike, 'string');
  return makeOp(x.graph, 'StringToNumber', [x], { out_type: t }, nameOf(o), 'StringToNumber').outputs[0]!;
}

// ----- hash buckets -----------------------------------------------------------------------

interface HashAttrs { num_buckets: number; key?: number[]; [k: string]: unknown }
const bucket = (h: bigint, n: number): number => Number(h % BigInt(n));
for (const [type, fn] of [
  ['StringToHashBucketFast', (s: Uint8Array) => fingerprint64(s)],
  ['StringToHashBucket', (s: Uint8Array) => hash64(s)],
  ['StringToHashBucketStrong', (s: Uint8Array, a: HashAttrs) => sipHash24(BigInt(a.key![0]!), BigInt(a.key![1]!), s)],
] as const) {
  hostOp<HashAttrs>(type, ([x]) => {
    needString(x!, type === 'StringToHashBucket' ? 'string_tensor' : 'input', type);
    return [{ dtype: 'int64', shape: x!.shape }];
  }, ([x], a) => [int64(Array.from(strs(x!), (s) => bucket(fn(s, a), a.num_buckets)), x!.shape)]);
}

function hashOp(type: string, where: string, a: unknown[], names: string[]): Tensor {
  const o = kwargs(a, names, where, 2);
  const n = o.numBuckets as number;
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`Value for attr 'num_buckets' of ${String(n)} must be at least minimum 1`);
  const attrs: HashAttrs = { num_buckets: n };
  if (type === 'StringToHashBucketStrong') {
    const key = o.key as number[];
    if (!Array.isArray(key) || key.length !== 2) throw new InvalidArgumentError('Key must have 2 elements');
    if (!key.every((k) => Number.isInteger(k) && k >= 0)) throw new TypeError('key must be a list of two non-negative integers');
    attrs.key = [...key];
  }
  const x = toTensor(o[names[0]!] as TensorLike, 'string');
  return makeOp(x.graph, type, [x], attrs, nameOf(o), type).outputs[0]!;
}
/** `tf.stringToHashBucketFast(input, numBuckets, name?)`: Fingerprint64(s) mod numBuckets (int64). */
export const stringToHashBucketFast = (...a: unknown[]): Tensor => hashOp('StringToHashBucketFast', 'stringToHashBucketFast', a, ['input', 'numBuckets', 'name']);
/** `tf.stringToHashBucket(stringTensor, numBuckets, name?)`: TF's legacy Hash64(s) mod numBuckets. */
export const stringToHashBucket = (...a: unknown[]): Tensor => hashOp('StringToHashBucket', 'stringToHashBucket', a, ['stringTensor', 'numBuckets', 'name']);
/** `tf.stringToHashBucketStrong(input, numBuckets, key, name?)`: SipHash-2-4 under key [k0, k1] mod numBuckets. */
export const stringToHashBucketStrong = (...a: unknown[]): Tensor => hashOp('StringToHashBucketStrong', 'stringToHashBucketStrong', a, ['input', 'numBuckets', 'key', 'name']);

// ----- base64 (web-safe) ------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INV = new Int16Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64_INV[B64.charCodeAt(i)] = i;

function encode64(s: Uint8Array, pad: boolean): Uint8Array {
  let out = '';
  let i = 0;
  for (; i + 3 <= s.length; i += 3) {
    const v = (s[i]! << 16) | (s[i + 1]! << 8) | s[i + 2]!;
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + B64[v & 63]!;
  }
  const rem = s.length - i;
  if (rem === 2) {
    const v = (s[i]! << 16) | (s[i + 1]! << 8);
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + (pad ? '=' : '');
  } else if (rem === 1) {
    const v = s[i]! << 16;
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + (pad ? '==' : '');
  }
  return encodeString(out);
}

function decode64(s: Uint8Array): Uint8Array {
  let end = s.length;
  if (end === 0) return new Uint8Array(0);
  // padding only in the last block of a length-multiple-of-4 string
  if (end % 4 === 0 && end >= 4) {
    if (s[end - 2] === 61 && s[end - 1] === 61) end -= 2;
    else if (s[end - 1] === 61) end -= 1;
  }
  if (end % 4 === 1) throw new InvalidArgumentError('Base64 string length cannot be 1 modulo 4.');
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let w = 0;
  for (let i = 0; i < end; i += 4) {
    const n = Math.min(4, end - i);
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = k < n ? B64_INV[s[i + k]!]! : 0;
      if (c < 0) throw new InvalidArgumentError('Invalid character found in base64.');
      v = (v << 6) | c;
    }
    const bytes = [(v >> 16) & 255, (v >> 8) & 255, v & 255];
    for (let k = 0; k < n - 1; k++) out[w++] = bytes[k]!;
  }
  return out.subarray(0, w);
}

unaryStringOp<{ pad: boolean }>('EncodeBase64', () => 'string', (s, a) => encode64(s, a.pad));
unaryStringOp('DecodeBase64', () => 'string', (s) => decode64(s));

/** `tf.encodeBase64(input, pad = false, name?)` (also tf.io.encodeBase64): web-safe base64 ('-', '_'). */
export const encodeBase64 = (...a: unknown[]): Tensor => stringOp('EncodeBase64', 'encodeBase64', a, ['input', 'pad', 'name'], (o) => ({ pad: !!o.pad }));
/** `tf.decodeBase64(input, name?)`: web-safe base64 with or without padding. */
export const decodeBase64 = (...a: unknown[]): Tensor => stringOp('DecodeBase64', 'decodeBase64', a, ['input', 'name'], () => ({}));
