/**
 * TF 1.15's Unicode and ragged string ops of `tf.strings`: unicodeDecode(WithOffsets),
 * unicodeSplit(WithOffsets), unicodeEncode, unicodeTranscode, unicodeScript, bytesSplit, ngrams
 * and unsortedSegmentJoin, on TF's op types (UnicodeDecode, UnicodeDecodeWithOffsets,
 * UnicodeEncode, UnicodeTranscode, UnicodeScript, StringNGrams, UnsortedSegmentJoin) as host-stage
 * ops (strings live on the host).
 *
 * Ragged results. tsflow has no RaggedTensor, so where TF returns one these return TF's ragged
 * components: `[values, rowSplits]`, rowSplits int64 of length rows + 1, row r being
 * values[rowSplits[r] : rowSplits[r + 1]]. The rows are the input's elements in row-major order
 * (for an input of shape [a, b] there are a·b rows; TF's RaggedTensor would add the uniform outer
 * splits of that shape). A scalar input gives a plain 1-D tensor, as in TF. ngrams on a dense
 * input returns a dense tensor, as TF does; on a `[values, rowSplits]` pair it returns one.
 *
 * Encodings: 'UTF-8', 'UTF-16-BE', 'UTF-32-BE'. Ill-formed input: errors 'replace' puts
 * replacementChar for each maximal ill-formed subsequence (ICU's practice), 'ignore' drops it,
 * 'strict' is InvalidArgumentError.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type PartialShape } from '../shape.js';
import { StringArray } from '../string-array.js';
import { reshape } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { makeOp, type OutSpec } from './registry.js';
import { hostOp } from './strings/ops.js';

type Attrs = Record<string, unknown>;
type Ragged = [Tensor, Tensor];


const strs = (a: NDArray): Uint8Array[] => Array.from(a.data as unknown as ArrayLike<Uint8Array>);
const strArray = (vals: Uint8Array[], shape: readonly number[]): NDArray => new NDArray(StringArray.fromValues(vals) as never, [...shape], 'string');
const int64 = (vals: ArrayLike<number>): NDArray => new NDArray(Float64Array.from(vals), [vals.length], 'int64');
const int32 = (vals: ArrayLike<number>, shape: readonly number[] = [vals.length]): NDArray => new NDArray(Int32Array.from(vals), [...shape], 'int32');
const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

function needString(t: Tensor, param: string, type: string): void {
  if (t.dtype !== 'string') throw new TypeError(`Value passed to parameter '${param}' has DataType ${t.dtype} not in list of allowed values: string (op ${type})`);
}

// ----- encodings ----------------------------------------------------------------------------

const ENCODINGS = ['UTF-8', 'UTF-16-BE', 'UTF-32-BE'] as const;
type Encoding = (typeof ENCODINGS)[number];
type Errors = 'strict' | 'replace' | 'ignore';

function checkEncoding(e: unknown, what: string, type: string): Encoding {
  if (!ENCODINGS.includes(e as Encoding)) throw new ValueError(`Value for attr '${what}' of "${String(e)}" is not in the list of allowed values: "UTF-8", "UTF-16-BE", "UTF-32-BE" (op ${type})`);
  return e as Encoding;
}
function checkErrors(e: unknown, type: string): Errors {
  if (e !== 'strict' && e !== 'replace' && e !== 'ignore') throw new ValueError(`Value for attr 'errors' of "${String(e)}" is not in the list of allowed values: "strict", "replace", "ignore" (op ${type})`);
  return e;
}

/** One decoded character: its code point (-1: an ill-formed subsequence) and first byte. */
interface Char { cp: number; start: number }

function decodeUtf8(s: Uint8Array, out: Char[]): void {
  let i = 0;
  while (i < s.length) {
    const b = s[i]!;
    if (b < 0x80) { out.push({ cp: b, start: i }); i++; continue; }
    let need = 0, lo = 0x80, hi = 0xbf, cp = 0;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0x0f; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 0x07; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
    else { out.push({ cp: -1, start: i }); i++; continue; }
    let k = 1;
    for (; k <= need; k++) {
      const c = s[i + k];
      if (c === undefined || c < lo || c > hi) break;
      cp = (cp << 6) | (c & 0x3f);
      lo = 0x80; hi = 0xbf;
    }
    if (k <= need) { out.push({ cp: -1, start: i }); i += k; continue; }
    out.push({ cp, start: i });
    i += need + 1;
  }
}

function decodeUtf16(s: Uint8Array, out: Char[]): void {
  let i = 0;
  while (i + 1 < s.length) {
    const u = (s[i]! << 8) | s[i + 1]!;
    if (u >= 0xd800 && u <= 0xdbff && i + 3 < s.length) {
      const v = (s[i + 2]! << 8) | s[i + 3]!;
      if (v >= 0xdc00 && v <= 0xdfff) { out.push({ cp: 0x10000 + ((u - 0xd800) << 10) + (v - 0xdc00), start: i }); i += 4; continue; }
    }
    out.push({ cp: u >= 0xd800 && u <= 0xdfff ? -1 : u, start: i });
    i += 2;
  }
  if (i < s.length) out.push({ cp: -1, start: i });
}

function decodeUtf32(s: Uint8Array, out: Char[]): void {
  let i = 0;
  for (; i + 3 < s.length; i += 4) {
    const v = ((s[i]! << 24) | (s[i + 1]! << 16) | (s[i + 2]! << 8) | s[i + 3]!) >>> 0;
    out.push({ cp: v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ? -1 : v, start: i });
  }
  if (i < s.length) out.push({ cp: -1, start: i });
}

/** The characters of `s`, ill-formed parts replaced, dropped or refused as `errors` says. */
function decodeChars(s: Uint8Array, enc: Encoding, errors: Errors, repl: number, replaceControl: boolean): Char[] {
  const raw: Char[] = [];
  if (enc === 'UTF-8') decodeUtf8(s, raw);
  else if (enc === 'UTF-16-BE') decodeUtf16(s, raw);
  else decodeUtf32(s, raw);
  const out: Char[] = [];
  for (const c of raw) {
    if (c.cp < 0) {
      if (errors === 'strict') throw new InvalidArgumentError('Invalid formatting on input string');
      if (errors === 'ignore') continue;
      out.push({ cp: repl, start: c.start });
    } else out.push(replaceControl && c.cp < 0x20 ? { cp: repl, start: c.start } : c);
  }
  return out;
}

const validCp = (cp: number): boolean => cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);

function encodeCp(cp: number, enc: Encoding, out: number[]): void {
  if (enc === 'UTF-32-BE') { out.push((cp >>> 24) & 255, (cp >>> 16) & 255, (cp >>> 8) & 255, cp & 255); return; }
  if (enc === 'UTF-16-BE') {
    if (cp < 0x10000) { out.push(cp >> 8, cp & 255); return; }
    const v = cp - 0x10000, hi = 0xd800 + (v >> 10), lo = 0xdc00 + (v & 0x3ff);
    out.push(hi >> 8, hi & 255, lo >> 8, lo & 255);
    return;
  }
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/** Code points to bytes; invalid ones replaced, dropped or refused. */
function encodeCps(cps: ArrayLike<number>, from: number, to: number, enc: Encoding, errors: Errors, repl: number): Uint8Array {
  const out: number[] = [];
  for (let i = from; i < to; i++) {
    let cp = cps[i]!;
    if (!validCp(cp)) {
      if (errors === 'strict') throw new InvalidArgumentError(`Invalid code point ${cp}`);
      if (errors === 'ignore') continue;
      cp = repl;
    }
    encodeCp(cp, enc, out);
  }
  return Uint8Array.from(out);
}

function checkReplacement(r: unknown, type: string): number {
  if (!Number.isInteger(r)) throw new TypeError(`Expected int for argument 'replacement_char' not ${String(r)}.`);
  if (!validCp(r as number)) throw new InvalidArgumentError(`replacement_char out of unicode codepoint range (op ${type})`);
  return r as number;
}

// ----- UnicodeDecode, UnicodeDecodeWithOffsets ----------------------------------------------

interface DecodeAttrs extends Attrs { input_encoding: Encoding; errors: Errors; replacement_char: number; replace_control_characters: boolean }

for (const withOffsets of [false, true]) {
  const type = withOffsets ? 'UnicodeDecodeWithOffsets' : 'UnicodeDecode';
  hostOp<DecodeAttrs>(type, ([x]) => {
    needString(x!, 'input', type);
    const outs: OutSpec[] = [{ dtype: 'int64', shape: [null] }, { dtype: 'int32', shape: [null] }];
    if (withOffsets) outs.push({ dtype: 'int64', shape: [null] });
    return outs;
  }, ([x], a) => {
    const splits = [0];
    const cps: number[] = [];
    const starts: number[] = [];
    for (const s of strs(x!)) {
      for (const c of decodeChars(s, a.input_encoding, a.errors, a.replacement_char, a.replace_control_characters)) {
        cps.push(c.cp);
        starts.push(c.start);
      }
      splits.push(cps.length);
    }
    const out = [int64(splits), int32(cps)];
    if (withOffsets) out.push(int64(starts));
    return out;
  });
}

function decodeAttrs(o: Attrs, type: string, withControl: boolean): DecodeAttrs {
  return {
    input_encoding: checkEncoding(o.inputEncoding, 'input_encoding', type),
    errors: checkErrors(o.errors ?? 'replace', type),
    replacement_char: checkReplacement(o.replacementChar ?? 65533, type),
    replace_control_characters: withControl ? !!o.replaceControlCharacters : false,
  };
}

/** A scalar input's single row as a plain vector; else the [values, rowSplits] pair. */
function raggedResult(x: Tensor, values: Tensor, splits: Tensor): Tensor | Ragged {
  if (x.shape !== null && x.shape.length === 0) return values;
  return [values, splits];
}

function decodeOp(o: Attrs, withOffsets: boolean, where: string): Operation {
  const type = withOffsets ? 'UnicodeDecodeWithOffsets' : 'UnicodeDecode';
  const x = toTensor(o.input as TensorLike, 'string');
  if (x.shape === null) throw new ValueError(`${where}: the rank of input must be known`);
  return makeOp(x.graph, type, [x], { ...decodeAttrs(o, type, true), Tsplits: 'int64' }, o.name as string | undefined, where);
}

/**
 * `tf.strings.unicodeDecode(input, inputEncoding, errors = 'replace', replacementChar = 65533,
 * replaceControlCharacters = false, name?)`: the code points (int32) of each string. A scalar
 * gives a 1-D tensor; otherwise `[values, rowSplits]` (see the file's note on ragged results).
 */
export function unicodeDecode(...args: unknown[]): Tensor | Ragged {
  const o = kwargs(args, ['input', 'inputEncoding', 'errors', 'replacementChar', 'replaceControlCharacters', 'name'], 'unicode_decode', 2);
  const op = decodeOp(o, false, 'UnicodeDecode');
  return raggedResult(op.inputs[0]!, op.outputs[1]!, op.outputs[0]!);
}

/**
 * `tf.strings.unicodeDecodeWithOffsets(input, inputEncoding, errors, replacementChar,
 * replaceControlCharacters, name?)`: [code points, the byte offset where each starts], each a
 * 1-D tensor for a scalar input, else `[values, rowSplits]` pairs sharing the row splits.
 */
export function unicodeDecodeWithOffsets(...args: unknown[]): [Tensor | Ragged, Tensor | Ragged] {
  const o = kwargs(args, ['input', 'inputEncoding', 'errors', 'replacementChar', 'replaceControlCharacters', 'name'], 'unicode_decode_with_offsets', 2);
  const op = decodeOp(o, true, 'UnicodeDecodeWithOffsets');
  const x = op.inputs[0]!;
  return [raggedResult(x, op.outputs[1]!, op.outputs[0]!), raggedResult(x, op.outputs[2]!, op.outputs[0]!)];
}

// ----- UnicodeEncode --------------------------------------------------------------------------

interface EncodeAttrs extends Attrs { output_encoding: Encoding; errors: Errors; replacement_char: number }

hostOp<EncodeAttrs>('UnicodeEncode', ([v, sp]) => {
  if (v!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'input_values' has DataType ${v!.dtype} not in list of allowed values: int32`);
  if (sp!.dtype !== 'int64' && sp!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'input_splits' has DataType ${sp!.dtype} not in list of allowed values: int32, int64`);
  const n = sp!.shape?.[0];
  return [{ dtype: 'string', shape: [n === null || n === undefined ? null : Math.max(n - 1, 0)] }];
}, ([v, sp], a) => {
  const cps = v!.data as Int32Array;
  const s = Array.from(sp!.data as ArrayLike<number>, Number);
  if (sp!.shape.length !== 1 || s.length < 1) throw new InvalidArgumentError('Input splits must contain at least one value');
  if (s[0] !== 0) throw new InvalidArgumentError(`First value in input_splits must be zero, got ${s[0]}`);
  if (s[s.length - 1] !== cps.length) throw new InvalidArgumentError(`Last value in input_splits must be equal to length of input_values. Got ${s[s.length - 1]} and ${cps.length}`);
  const out: Uint8Array[] = [];
  for (let r = 0; r + 1 < s.length; r++) {
    if (s[r + 1]! < s[r]!) throw new InvalidArgumentError('input_splits must be sorted in ascending order');
    out.push(encodeCps(cps, s[r]!, s[r + 1]!, a.output_encoding, a.errors, a.replacement_char));
  }
  return [strArray(out, [out.length])];
});

function isRaggedPair(x: unknown): x is [TensorLike, TensorLike] {
  return Array.isArray(x) && x.length === 2 && (x[0] instanceof Tensor || x[0] instanceof NDArray) && (x[1] instanceof Tensor || x[1] instanceof NDArray);
}

/**
 * `tf.strings.unicodeEncode(input, outputEncoding, errors = 'replace', replacementChar = 65533,
 * name?)`: code points to strings. `input` is an int32 tensor of rank ≥ 1 (its last axis is
 * encoded: rank 1 gives a scalar, [a, b, n] gives [a, b]) or a `[values, rowSplits]` pair (one
 * string per row).
 */
export function unicodeEncode(...args: unknown[]): Tensor {
  const o = kwargs(args, ['input', 'outputEncoding', 'errors', 'replacementChar', 'name'], 'unicode_encode', 2);
  const type = 'UnicodeEncode';
  const attrs: EncodeAttrs = {
    output_encoding: checkEncoding(o.outputEncoding, 'output_encoding', type),
    errors: checkErrors(o.errors ?? 'replace', type),
    replacement_char: checkReplacement(o.replacementChar ?? 65533, type),
  };
  const name = o.name as string | undefined;
  if (isRaggedPair(o.input)) {
    const v = toTensor(o.input[0], 'int32');
    const sp = v.graph.asDefault(() => toTensor((o.input as TensorLike[])[1]!, 'int64'));
    return makeOp(v.graph, type, [v, sp], { ...attrs, Tsplits: sp.dtype }, name, 'UnicodeEncode').outputs[0]!;
  }
  const x = toTensor(o.input as TensorLike, 'int32');
  const s = x.shape;
  if (s === null || s.length === 0 || s.some((d) => d === null)) throw new ValueError('unicode_encode: input must be of known shape with rank ≥ 1 (or a [values, rowSplits] pair)');
  const dims = s as number[];
  const rows = size(dims.slice(0, -1)), n = dims[dims.length - 1]!;
  const g = x.graph;
  return g.nameScope(name ?? 'UnicodeEncode', () => g.asDefault(() => {
    const flat = reshape(x, [-1]);
    const splits = toTensor(new NDArray(Float64Array.from({ length: rows + 1 }, (_, i) => i * n), [rows + 1], 'int64') as unknown as TensorLike);
    const enc = makeOp(g, type, [flat, splits], { ...attrs, Tsplits: 'int64' }, undefined, 'UnicodeEncode').outputs[0]!;
    return reshape(enc, dims.slice(0, -1));
  }));
}

// ----- unicodeSplit(WithOffsets), bytesSplit: strings per character ---------------------------

interface SplitAttrs extends Attrs { input_encoding: Encoding; errors: Errors; replacement_char: number; with_offsets: boolean; bytes: boolean }

// Not a TF op: TF composes unicode_split from UnicodeDecodeWithOffsets and UnicodeEncode, and
// bytes_split from a substr; here one host op produces the same components.
hostOp<SplitAttrs>('TsflowStringCharSplit', ([x], a) => {
  needString(x!, 'input', 'unicode_split');
  const outs: OutSpec[] = [{ dtype: 'int64', shape: [null] }, { dtype: 'string', shape: [null] }];
  if (a.with_offsets) outs.push({ dtype: 'int64', shape: [null] });
  return outs;
}, ([x], a) => {
  const splits = [0];
  const vals: Uint8Array[] = [];
  const starts: number[] = [];
  for (const s of strs(x!)) {
    if (a.bytes) {
      for (let i = 0; i < s.length; i++) { vals.push(s.slice(i, i + 1)); starts.push(i); }
    } else {
      for (const c of decodeChars(s, a.input_encoding, a.errors, a.replacement_char, false)) {
        const b: number[] = [];
        encodeCp(c.cp, a.input_encoding, b);
        vals.push(Uint8Array.from(b));
        starts.push(c.start);
      }
    }
    splits.push(vals.length);
  }
  const out = [int64(splits), strArray(vals, [vals.length])];
  if (a.with_offsets) out.push(int64(starts));
  return out;
});

function splitOp(o: Attrs, withOffsets: boolean, bytes: boolean, where: string): Operation {
  const x = toTensor(o.input as TensorLike, 'string');
  if (x.shape === null) throw new ValueError(`${where}: the rank of input must be known`);
  const a: SplitAttrs = bytes
    ? { input_encoding: 'UTF-8', errors: 'replace', replacement_char: 65533, with_offsets: withOffsets, bytes }
    : { ...decodeAttrs(o, 'UnicodeDecodeWithOffsets', false), with_offsets: withOffsets, bytes };
  return makeOp(x.graph, 'TsflowStringCharSplit', [x], a, o.name as string | undefined, where);
}

/**
 * `tf.strings.unicodeSplit(input, inputEncoding, errors = 'replace', replacementChar = 65533,
 * name?)`: each string split into its characters (each re-encoded in inputEncoding; replaced
 * ill-formed parts become the replacement character). Scalar: 1-D; else `[values, rowSplits]`.
 */
export function unicodeSplit(...args: unknown[]): Tensor | Ragged {
  const o = kwargs(args, ['input', 'inputEncoding', 'errors', 'replacementChar', 'name'], 'unicode_split', 2);
  const op = splitOp(o, false, false, 'unicode_split');
  return raggedResult(op.inputs[0]!, op.outputs[1]!, op.outputs[0]!);
}

/** `tf.strings.unicodeSplitWithOffsets(input, inputEncoding, errors, replacementChar, name?)`: [characters, their byte offsets]. */
export function unicodeSplitWithOffsets(...args: unknown[]): [Tensor | Ragged, Tensor | Ragged] {
  const o = kwargs(args, ['input', 'inputEncoding', 'errors', 'replacementChar', 'name'], 'unicode_split_with_offsets', 2);
  const op = splitOp(o, true, false, 'unicode_split_with_offsets');
  const x = op.inputs[0]!;
  return [raggedResult(x, op.outputs[1]!, op.outputs[0]!), raggedResult(x, op.outputs[2]!, op.outputs[0]!)];
}

/** `tf.strings.bytesSplit(input, name?)`: each string split into one-byte strings. Scalar: 1-D; else `[values, rowSplits]`. */
export function bytesSplit(...args: unknown[]): Tensor | Ragged {
  const o = kwargs(args, ['input', 'name'], 'bytes_split', 1);
  const op = splitOp(o, false, true, 'bytes_split');
  return raggedResult(op.inputs[0]!, op.outputs[1]!, op.outputs[0]!);
}

// ----- UnicodeTranscode -------------------------------------------------------------------------

interface TranscodeAttrs extends Attrs { input_encoding: Encoding; output_encoding: Encoding; errors: Errors; replacement_char: number; replace_control_characters: boolean }

hostOp<TranscodeAttrs>('UnicodeTranscode', ([x]) => {
  needString(x!, 'input', 'UnicodeTranscode');
  return [{ dtype: 'string', shape: x!.shape }];
}, ([x], a) => {
  const out = strs(x!).map((s) => {
    const cs = decodeChars(s, a.input_encoding, a.errors, a.replacement_char, a.replace_control_characters);
    return encodeCps(cs.map((c) => c.cp), 0, cs.length, a.output_encoding, a.errors, a.replacement_char);
  });
  return [strArray(out, x!.shape)];
});

/**
 * `tf.strings.unicodeTranscode(input, inputEncoding, outputEncoding, errors = 'replace',
 * replacementChar = 65533, replaceControlCharacters = false, name?)`: each string re-encoded,
 * same shape.
 */
export function unicodeTranscode(...args: unknown[]): Tensor {
  const o = kwargs(args, ['input', 'inputEncoding', 'outputEncoding', 'errors', 'replacementChar', 'replaceControlCharacters', 'name'], 'unicode_transcode', 3);
  const type = 'UnicodeTranscode';
  const x = toTensor(o.input as TensorLike, 'string');
  const a: TranscodeAttrs = { ...decodeAttrs(o, type, true), output_encoding: checkEncoding(o.outputEncoding, 'output_encoding', type) };
  return makeOp(x.graph, type, [x], a, o.name as string | undefined, 'UnicodeTranscode').outputs[0]!;
}

// ----- UnicodeScript --------------------------------------------------------------------------

// ICU's UScriptCode numbers of the scripts Unicode assigns characters to (uscript.h).
const ICU_SCRIPTS: [string, number][] = [
  ['Common', 0], ['Inherited', 1], ['Arabic', 2], ['Armenian', 3], ['Bengali', 4], ['Bopomofo', 5], ['Cherokee', 6], ['Coptic', 7],
  ['Cyrillic', 8], ['Deseret', 9], ['Devanagari', 10], ['Ethiopic', 11], ['Georgian', 12], ['Gothic', 13], ['Greek', 14], ['Gujarati', 15],
  ['Gurmukhi', 16], ['Han', 17], ['Hangul', 18], ['Hebrew', 19], ['Hiragana', 20], ['Kannada', 21], ['Katakana', 22], ['Khmer', 23],
  ['Lao', 24], ['Latin', 25], ['Malayalam', 26], ['Mongolian', 27], ['Myanmar', 28], ['Ogham', 29], ['Old_Italic', 30], ['Oriya', 31],
  ['Runic', 32], ['Sinhala', 33], ['Syriac', 34], ['Tamil', 35], ['Telugu', 36], ['Thaana', 37], ['Thai', 38], ['Tibetan', 39],
  ['Canadian_Aboriginal', 40], ['Yi', 41], ['Tagalog', 42], ['Hanunoo', 43], ['Buhid', 44], ['Tagbanwa', 45], ['Braille', 46],
  ['Cypriot', 47], ['Limbu', 48], ['Linear_B', 49], ['Osmanya', 50], ['Shavian', 51], ['Tai_Le', 52], ['Ugaritic', 53],
  ['Buginese', 55], ['Glagolitic', 56], ['Kharoshthi', 57], ['Syloti_Nagri', 58], ['New_Tai_Lue', 59], ['Tifinagh', 60],
  ['Old_Persian', 61], ['Balinese', 62], ['Batak', 63], ['Brahmi', 65], ['Cham', 66], ['Egyptian_Hieroglyphs', 71],
  ['Pahawh_Hmong', 75], ['Old_Hungarian', 76], ['Javanese', 78], ['Kayah_Li', 79], ['Lepcha', 82], ['Linear_A', 83], ['Mandaic', 84],
  ['Meroitic_Hieroglyphs', 86], ['Nko', 87], ['Old_Turkic', 88], ['Old_Permic', 89], ['Phags_Pa', 90], ['Phoenician', 91], ['Miao', 92],
  ['Vai', 99], ['Cuneiform', 101], ['Carian', 104], ['Tai_Tham', 106], ['Lycian', 107], ['Lydian', 108], ['Ol_Chiki', 109], ['Rejang', 110],
  ['Saurashtra', 111], ['SignWriting', 112], ['Sundanese', 113], ['Meetei_Mayek', 115], ['Imperial_Aramaic', 116], ['Avestan', 117],
  ['Chakma', 118], ['Kaithi', 120], ['Manichaean', 121], ['Inscriptional_Pahlavi', 122], ['Psalter_Pahlavi', 123],
  ['Inscriptional_Parthian', 125], ['Samaritan', 126], ['Tai_Viet', 127], ['Bamum', 130], ['Lisu', 131], ['Old_South_Arabian', 133],
  ['Bassa_Vah', 134], ['Duployan', 135], ['Elbasan', 136], ['Grantha', 137], ['Mende_Kikakui', 140], ['Meroitic_Cursive', 141],
  ['Old_North_Arabian', 142], ['Nabataean', 143], ['Palmyrene', 144], ['Khudawadi', 145], ['Warang_Citi', 146], ['Mro', 149],
  ['Nushu', 150], ['Sharada', 151], ['Sora_Sompeng', 152], ['Takri', 153], ['Tangut', 154], ['Anatolian_Hieroglyphs', 156],
  ['Khojki', 157], ['Tirhuta', 158], ['Caucasian_Albanian', 159], ['Mahajani', 160], ['Ahom', 161], ['Hatran', 162], ['Modi', 163],
  ['Multani', 164], ['Pau_Cin_Hau', 165], ['Siddham', 166], ['Adlam', 167], ['Bhaiksuki', 168], ['Marchen', 169], ['Newa', 170],
  ['Osage', 171], ['Masaram_Gondi', 175], ['Soyombo', 176], ['Zanabazar_Square', 177], ['Dogra', 178], ['Gunjala_Gondi', 179],
  ['Makasar', 180], ['Medefaidrin', 181], ['Hanifi_Rohingya', 182], ['Sogdian', 183], ['Old_Sogdian', 184],
];
const USCRIPT_UNKNOWN = 103;
let scriptRegexes: [RegExp, number][] | null = null;
const scriptCache = new Map<number, number>();

function scriptOf(cp: number): number {
  if (!validCp(cp) && !(cp >= 0xd800 && cp <= 0xdfff)) return -1;
  const hit = scriptCache.get(cp);
  if (hit !== undefined) return hit;
  scriptRegexes ??= ICU_SCRIPTS.flatMap(([n, c]): [RegExp, number][] => {
    try {
      return [[new RegExp(`^\\p{Script=${n}}$`, 'u'), c]];
    } catch {
      return [];
    }
  });
  const ch = String.fromCodePoint(cp);
  let code = USCRIPT_UNKNOWN;
  for (const [re, c] of scriptRegexes) if (re.test(ch)) { code = c; break; }
  scriptCache.set(cp, code);
  return code;
}

hostOp<Attrs>('UnicodeScript', ([x]) => {
  if (x!.dtype !== 'int32') throw new TypeError(`Value passed to parameter 'input' has DataType ${x!.dtype} not in list of allowed values: int32`);
  return [{ dtype: 'int32', shape: x!.shape }];
}, ([x]) => [int32(Array.from(x!.data as Int32Array, scriptOf), x!.shape)]);

/**
 * `tf.strings.unicodeScript(input, name?)`: the ICU UScriptCode of each int32 code point
 * (0 Common, 1 Inherited, 8 Cyrillic, 17 Han, 25 Latin, …; 103 Unknown for unassigned ones;
 * -1 for values that are not code points), from the engine's Unicode Script property.
 */
export function unicodeScript(...args: unknown[]): Tensor {
  const o = kwargs(args, ['input', 'name'], 'unicode_script', 1);
  const x = toTensor(o.input as TensorLike, 'int32');
  return makeOp(x.graph, 'UnicodeScript', [x], {}, o.name as string | undefined, 'UnicodeScript').outputs[0]!;
}

// ----- StringNGrams (tf.strings.ngrams) -------------------------------------------------------

interface NGramAttrs extends Attrs { separator: string; ngram_widths: number[]; left_pad: string; right_pad: string; pad_width: number; preserve_short_sequences: boolean }

function ngramRows(data: Uint8Array[], splits: number[], a: NGramAttrs): [Uint8Array[], number[]] {
  const enc = new TextEncoder();
  const sep = enc.encode(a.separator), lp = enc.encode(a.left_pad), rp = enc.encode(a.right_pad);
  const padOf = (w: number): number => Math.min(a.pad_width < 0 ? w - 1 : a.pad_width, w - 1);
  const count = (len: number, w: number): number => Math.max(0, len + 2 * padOf(w) - w + 1);
  const out: Uint8Array[] = [];
  const outSplits = [0];
  const join = (parts: Uint8Array[]): Uint8Array => {
    const n = parts.reduce((p, q) => p + q.length, 0) + sep.length * Math.max(parts.length - 1, 0);
    const b = new Uint8Array(n);
    let k = 0;
    parts.forEach((q, i) => {
      if (i > 0) { b.set(sep, k); k += sep.length; }
      b.set(q, k);
      k += q.length;
    });
    return b;
  };
  const make = (row: Uint8Array[], n: number, w: number, pad: number): void => {
    for (let g = 0; g < n; g++) {
      const left = Math.max(0, pad - g), right = Math.max(0, pad - (n - (g + 1)));
      const tokens = w - left - right;
      const start = left > 0 ? 0 : g - pad;
      const parts: Uint8Array[] = [];
      for (let k = 0; k < left; k++) parts.push(lp);
      for (let k = 0; k < tokens; k++) parts.push(row[start + k]!);
      for (let k = 0; k < right; k++) parts.push(rp);
      out.push(join(parts));
    }
  };
  for (let r = 0; r + 1 < splits.length; r++) {
    const row = data.slice(splits[r], splits[r + 1]);
    const before = out.length;
    for (const w of a.ngram_widths) make(row, count(row.length, w), w, padOf(w));
    if (a.preserve_short_sequences && out.length === before && row.length > 0) {
      const pad = Math.max(a.pad_width, 0);
      make(row, 1, row.length + 2 * pad, pad);
    }
    outSplits.push(out.length);
  }
  return [out, outSplits];
}

hostOp<NGramAttrs>('StringNGrams', ([d]) => {
  needString(d!, 'data', 'StringNGrams');
  return [{ dtype: 'string', shape: [null] }, { dtype: 'int64', shape: [null] }];
}, ([d, sp], a) => {
  const splits = Array.from(sp!.data as ArrayLike<number>, Number);
  const data = strs(d!);
  if (splits.length > 0 && (splits[0] !== 0 || splits[splits.length - 1] !== data.length)) throw new InvalidArgumentError(`Invalid split value ${splits[splits.length - 1]}, must be in [0,${data.length}]`);
  const [out, outSplits] = ngramRows(data, splits, a);
  return [strArray(out, [out.length]), int64(outSplits)];
});

/**
 * `tf.strings.ngrams(data, ngramWidth, separator = ' ', padValues = null, paddingWidth = null,
 * preserveShortSequences = false, name?)`: n-grams of adjacent strings along the last axis,
 * joined with `separator`, for each width of `ngramWidth` (an int or list). `padValues` (a string,
 * or [left, right]) pads each sequence by `paddingWidth` on both sides (default width − 1).
 * A dense input of rank ≥ 1 gives a dense result [..., numNgrams] (rank 1: a vector), as TF; a
 * `[values, rowSplits]` pair gives one.
 */
export function ngrams(...args: unknown[]): Tensor | Ragged {
  const o = kwargs(args, ['data', 'ngramWidth', 'separator', 'padValues', 'paddingWidth', 'preserveShortSequences', 'name'], 'ngrams', 2);
  let left = '', right = '';
  const pv = o.padValues;
  if (pv !== undefined && pv !== null) {
    if (Array.isArray(pv)) {
      if (pv.length !== 2 || typeof pv[0] !== 'string' || typeof pv[1] !== 'string') throw new ValueError('pad_values must be a string, tuple of strings, or None.');
      [left, right] = pv as [string, string];
    } else if (typeof pv === 'string') left = right = pv;
    else throw new ValueError('pad_values must be a string, tuple of strings, or None.');
  }
  let padWidth = o.paddingWidth as number | null | undefined;
  if (padWidth !== undefined && padWidth !== null && padWidth < 1) throw new InvalidArgumentError('padding_width must be greater than 0.');
  if (padWidth !== undefined && padWidth !== null && (pv === undefined || pv === null)) throw new InvalidArgumentError('pad_values must be provided if padding_width is set.');
  if (pv === undefined || pv === null) padWidth = 0;
  else if (padWidth === undefined || padWidth === null) padWidth = -1;
  const widths = Array.isArray(o.ngramWidth) ? (o.ngramWidth as number[]) : [o.ngramWidth as number];
  for (const w of widths) if (!Number.isInteger(w) || w < 1) throw new InvalidArgumentError(`All ngram_widths must be greater than 0. Got ${Array.isArray(o.ngramWidth) ? `[${widths.join(', ')}]` : String(o.ngramWidth)}`);
  const attrs: NGramAttrs = {
    separator: (o.separator as string | undefined) ?? ' ', ngram_widths: widths, left_pad: left, right_pad: right,
    pad_width: padWidth, preserve_short_sequences: !!o.preserveShortSequences, Tsplits: 'int64',
  };
  const name = o.name as string | undefined;
  if (isRaggedPair(o.data)) {
    const v = toTensor(o.data[0], 'string');
    const sp = v.graph.asDefault(() => toTensor((o.data as TensorLike[])[1]!, 'int64'));
    const op = makeOp(v.graph, 'StringNGrams', [v, sp], attrs, name, 'StringNGrams');
    return [op.outputs[0]!, op.outputs[1]!];
  }
  const x = toTensor(o.data as TensorLike, 'string');
  const s = x.shape;
  if (s === null) throw new ValueError('Rank of data must be known.');
  if (s.length === 0) throw new ValueError('Data must have rank>0');
  if (s.some((d) => d === null)) throw new ValueError('ngrams: tsflow needs the shape of a dense input known when the graph is built');
  const dims = s as number[];
  const n = dims[dims.length - 1]!, rows = size(dims.slice(0, -1));
  const g = x.graph;
  return g.nameScope(name ?? 'StringNGrams', () => g.asDefault(() => {
    const splits = toTensor(new NDArray(Float64Array.from({ length: rows + 1 }, (_, i) => i * n), [rows + 1], 'int64') as unknown as TensorLike);
    const out = makeOp(g, 'StringNGrams', [reshape(x, [-1]), splits], attrs, undefined, 'StringNGrams').outputs[0]!;
    return reshape(out, [...dims.slice(0, -1), -1]);
  }));
}

// ----- UnsortedSegmentJoin ----------------------------------------------------------------------

hostOp<{ separator: string }>('UnsortedSegmentJoin', ([x, ids, n]) => {
  needString(x!, 'inputs', 'UnsortedSegmentJoin');
  let shape: PartialShape = null;
  if (x!.shape !== null && ids!.shape !== null && n!.op.type === 'Const') {
    const k = Number((n!.op.attrs.value as NDArray).data[0]);
    shape = [k, ...x!.shape.slice(ids!.shape.length)];
  }
  return [{ dtype: 'string', shape }];
}, ([x, ids, n], a) => {
  const xs = x!.shape, is = ids!.shape;
  if (n!.shape.length !== 0) throw new InvalidArgumentError(`Number of segments cannot be empty.`);
  const k = Number(n!.data[0]);
  if (k < 0) throw new InvalidArgumentError('Number of segments cannot be negative.');
  if (is.length > xs.length || is.some((d, i) => d !== xs[i])) throw new InvalidArgumentError(`data.shape = [${xs.join(',')}] does not start with segment_ids.shape = [${is.join(',')}]`);
  const inner = size(xs.slice(is.length));
  const idv = Array.from(ids!.data as ArrayLike<number>, Number);
  const src = strs(x!);
  const sep = new TextEncoder().encode(a.separator);
  const parts: Uint8Array[][] = Array.from({ length: k * inner }, () => []);
  idv.forEach((seg, i) => {
    if (seg >= k) throw new InvalidArgumentError(`segment_ids are not allowed to exceed num_segments or be negative.`);
    if (seg < 0) return;
    for (let j = 0; j < inner; j++) parts[seg * inner + j]!.push(src[i * inner + j]!);
  });
  const out = parts.map((p) => {
    const len = p.reduce((s, q) => s + q.length, 0) + sep.length * Math.max(p.length - 1, 0);
    const b = new Uint8Array(len);
    let o = 0;
    p.forEach((q, i) => {
      if (i > 0) { b.set(sep, o); o += sep.length; }
      b.set(q, o);
      o += q.length;
    });
    return b;
  });
  return [strArray(out, [k, ...xs.slice(is.length)])];
});

/**
 * `tf.strings.unsortedSegmentJoin(inputs, segmentIds, numSegments, separator = '', name?)`: the
 * strings of each segment joined with `separator` in the order they appear; output
 * [numSegments, ...inputs.shape[segmentIds.rank:]], empty strings for empty segments; negative
 * ids are dropped.
 */
export function unsortedSegmentJoin(...args: unknown[]): Tensor {
  const o = kwargs(args, ['inputs', 'segmentIds', 'numSegments', 'separator', 'name'], 'unsorted_segment_join', 3);
  const x = toTensor(o.inputs as TensorLike, 'string');
  const g = x.graph ?? getDefaultGraph();
  const [ids, n] = g.asDefault(() => [toTensor(o.segmentIds as TensorLike, 'int32'), toTensor(o.numSegments as TensorLike, 'int32')]);
  if (!['int32', 'int64'].includes(ids!.dtype)) throw new TypeError(`Value passed to parameter 'segment_ids' has DataType ${ids!.dtype} not in list of allowed values: int32, int64`);
  return makeOp(g, 'UnsortedSegmentJoin', [x, ids!, n!], { separator: (o.separator as string | undefined) ?? '', Tindices: ids!.dtype, Tnumsegments: n!.dtype }, o.name as string | undefined, 'UnsortedSegmentJoin').outputs[0]!;
}
