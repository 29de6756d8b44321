/**
 * TF's summary ops (logging_ops): each outputs a serialized `Summary` as a string scalar,
 * computed on the host (CPU). Run-time errors carry TF's texts.
 */
import { type DType, allocArray } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { fromHalf } from '../float16.js';
import type { HostFn } from '../device/prims.js';
import type { Lower, Val } from '../ops/lower.js';
import { defineOp, registerGradient } from '../ops/registry.js';
import { cShape } from '../shape.js';
import { decode, encode } from '../proto/codec.js';
import { type Summary, SummaryMetadataT, SummaryT, type SummaryValue } from '../proto/summary.js';
import { NDArray } from '../ndarray.js';
import { tensorToProto } from '../graphdef/tensor-proto.js';
import { histogramProto } from './histogram.js';
import { encodePng } from '../io/codecs/png.js';
import { encodeWav } from '../io/codecs/wav.js';

type HostIn = Parameters<HostFn>[0][number];
const dec = new TextDecoder();

function numbers(x: HostIn): number[] {
  // a plain loop: Array.from with a map function walks a typed array through its iterator, which
  // dominated a step that writes histograms of large weights
  const d = x.data as ArrayLike<number>;
  const out = new Array<number>(d.length);
  if (x.dtype === 'float16') for (let i = 0; i < d.length; i++) out[i] = fromHalf(d[i]!);
  else for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
  return out;
}
function strings(x: HostIn): string[] {
  return Array.from(x.data as ArrayLike<Uint8Array>, (b) => dec.decode(b));
}

/** Lower a summary op: `run` builds the Summary from the inputs' host values. */
function lowerSummary(b: Lower, ins: Val[], run: (xs: HostIn[], op: string) => Summary | Uint8Array): Val[] {
  const op = b.opName;
  return b.prim(
    'host',
    {
      run: (xs) => {
        const s = run(xs, op);
        return [[s instanceof Uint8Array ? s : encode(SummaryT, s as never)]];
      },
      inShapes: ins.map((v) => [...v.shape]),
      inDTypes: ins.map((v) => v.dtype),
    },
    ins,
    [{ dtype: 'string', shape: [] }],
  );
}

function checkTag(type: string, tag: { dtype: DType; shape: unknown }, name: string, scalar: boolean): void {
  if (tag.dtype !== 'string') throw new TypeError(`Input '${scalar ? 'tag' : 'tags'}' of '${type}' Op has type ${tag.dtype} that does not match expected type of string.`);
  void name;
}

function singleTag(tags: string[]): string {
  return tags.length === 1 ? ` (tag '${tags[0]}')` : '';
}

// ----- ScalarSummary ------------------------------------------------------------------------
defineOp({
  type: 'ScalarSummary',
  infer: ([tags], _a, name) => (checkTag('ScalarSummary', tags!, name, false), [{ dtype: 'string', shape: [] }]),
  lower: (b, ins) =>
    lowerSummary(b, ins, ([tags, values], op) => {
      const t = strings(tags!);
      const v = numbers(values!);
      const same = tags!.shape.length === values!.shape.length && tags!.shape.every((d, i) => d === values!.shape[i]);
      if (!same) {
        throw new InvalidArgumentError(`tags and values not the same shape: ${cShape(tags!.shape)} != ${cShape(values!.shape)}${singleTag(t)}`, op);
      }
      return { value: t.map((tag, i) => ({ tag, simpleValue: Math.fround(v[i]!) })) };
    }),
});

// ----- HistogramSummary ---------------------------------------------------------------------
defineOp({
  type: 'HistogramSummary',
  infer: ([tag], _a, name) => (checkTag('HistogramSummary', tag!, name, true), [{ dtype: 'string', shape: [] }]),
  lower: (b, ins) =>
    lowerSummary(b, ins, ([tag, values], op) => {
      const t = strings(tag!)[0] ?? '';
      const v = numbers(values!);
      for (const x of v) {
        if (Number.isNaN(x)) throw new InvalidArgumentError(`Nan in summary histogram for: ${t}`, op);
        if (!Number.isFinite(x)) throw new InvalidArgumentError(`Infinity in summary histogram for: ${t}`, op);
      }
      return { value: [{ tag: t, histo: histogramProto(v) }] };
    }),
});

// ----- ImageSummary ---------------------------------------------------------------------------
/** TF's NormalizeFloatImage: scale by 255/max when nonnegative, else center on 128 by 127/max|v|. */
function toUint8Image(v: number[], hw: number, depth: number, bad: number[]): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  const finite = (i: number) => {
    for (let j = 0; j < depth; j++) if (!Number.isFinite(v[i * depth + j]!)) return false;
    return true;
  };
  for (let i = 0; i < hw; i++) {
    if (!finite(i)) continue;
    for (let j = 0; j < depth; j++) {
      const x = Math.fround(v[i * depth + j]!);
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  }
  let scale: number;
  let offset: number;
  if (lo < 0) {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    scale = m < 1e-6 ? 0 : Math.fround(127 / m);
    offset = 128;
  } else {
    scale = hi < 1e-6 ? 0 : Math.fround(255 / hi);
    offset = 0;
  }
  const out = new Uint8Array(hw * depth);
  for (let i = 0; i < hw; i++) {
    const ok = finite(i);
    for (let j = 0; j < depth; j++) {
      out[i * depth + j] = ok ? Math.trunc(Math.fround(Math.fround(v[i * depth + j]! * scale) + offset)) : bad[j]!;
    }
  }
  return out;
}

defineOp<{ maxImages: number; badColor: NDArray }>({
  type: 'ImageSummary',
  infer: ([tag, t], a, name) => {
    checkTag('ImageSummary', tag!, name, true);
    if (t!.shape !== null && t!.shape.length !== 4) {
      throw new ValueError(`Shape must be rank 4 but is rank ${t!.shape.length} for '${name}' (op: 'ImageSummary') with input shapes: ${cShape(tag!.shape)}, ${cShape(t!.shape)}.`);
    }
    if (!['uint8', 'float32', 'float16', 'float64'].includes(t!.dtype)) {
      throw new TypeError(`Value passed to parameter 'tensor' has DataType ${t!.dtype} not in list of allowed values: uint8, float32, float16, float64`);
    }
    if (a.maxImages < 1) throw new ValueError(`Value for attr 'max_images' of ${a.maxImages} must be at least minimum 1`);
    return [{ dtype: 'string', shape: [] }];
  },
  lower: (b, ins, a) =>
    lowerSummary(b, ins, ([tag, t], op) => {
      const base = strings(tag!)[0] ?? '';
      const [n, h, w, depth] = t!.shape as [number, number, number, number];
      if (t!.shape.length !== 4 || ![1, 3, 4].includes(depth)) {
        throw new InvalidArgumentError(`Tensor must be 4-D with last dim 1, 3, or 4, not ${cShape(t!.shape)}`, op);
      }
      const bad = Array.from(a.badColor.data as ArrayLike<number>);
      if (bad.length < depth) throw new InvalidArgumentError(`bad_color must have at least ${depth} elements`, op);
      const v = numbers(t!);
      const count = Math.min(n, a.maxImages);
      const hw = h * w;
      const value: SummaryValue[] = [];
      for (let i = 0; i < count; i++) {
        const px = v.slice(i * hw * depth, (i + 1) * hw * depth);
        const pixels = t!.dtype === 'uint8' ? Uint8Array.from(px) : toUint8Image(px, hw, depth, bad);
        const tagI = a.maxImages === 1 ? `${base}/image` : `${base}/image/${i}`;
        value.push({ tag: tagI, image: { height: h, width: w, colorspace: depth, encodedImageString: encodePng(pixels, h, w, depth) } });
      }
      return { value };
    }),
});

// ----- AudioSummaryV2 -------------------------------------------------------------------------
defineOp<{ maxOutputs: number }>({
  type: 'AudioSummaryV2',
  infer: ([tag, t], a, name) => {
    checkTag('AudioSummaryV2', tag!, name, true);
    if (t!.dtype !== 'float32') throw new TypeError(`Input 'tensor' of 'AudioSummaryV2' Op has type ${t!.dtype} that does not match expected type of float32.`);
    if (a.maxOutputs < 1) throw new ValueError(`Value for attr 'max_outputs' of ${a.maxOutputs} must be at least minimum 1`);
    return [{ dtype: 'string', shape: [] }];
  },
  lower: (b, ins, a) =>
    lowerSummary(b, ins, ([tag, t, rate], op) => {
      const base = strings(tag!)[0] ?? '';
      const s = t!.shape;
      if (s.length !== 2 && s.length !== 3) throw new InvalidArgumentError(`Tensor must be 3-D or 2-D, got: ${cShape(s)}`, op);
      const sampleRate = numbers(rate!)[0]!;
      if (sampleRate <= 0) throw new InvalidArgumentError('sample_rate must be > 0', op);
      const [n, frames] = s as [number, number];
      const channels = s.length === 3 ? s[2]! : 1;
      const v = numbers(t!);
      const value: SummaryValue[] = [];
      for (let i = 0; i < Math.min(n, a.maxOutputs); i++) {
        const samples = v.slice(i * frames * channels, (i + 1) * frames * channels);
        value.push({
          tag: a.maxOutputs === 1 ? `${base}/audio` : `${base}/audio/${i}`,
          audio: { sampleRate: Math.fround(sampleRate), numChannels: channels, lengthFrames: frames, encodedAudioString: encodeWav(samples, Math.round(sampleRate), channels), contentType: 'audio/wav' },
        });
      }
      return { value };
    }),
});

// ----- TensorSummaryV2 ------------------------------------------------------------------------
defineOp({
  type: 'TensorSummaryV2',
  infer: ([tag], _a, name) => (checkTag('TensorSummaryV2', tag!, name, true), [{ dtype: 'string', shape: [] }]),
  lower: (b, ins) =>
    lowerSummary(b, ins, ([tag, t, meta]) => {
      // The views are the device's buffers: copy them out.
      const data = allocArray(t!.dtype, t!.shape.reduce((x, y) => x * y, 1)) as unknown as unknown[];
      for (let i = 0; i < data.length; i++) data[i] = (t!.data as ArrayLike<unknown>)[i];
      const arr = new NDArray(data as never, t!.shape, t!.dtype);
      const metaBytes = (meta!.data as ArrayLike<Uint8Array>)[0]!;
      return { value: [{ tag: strings(tag!)[0] ?? '', metadata: decode(SummaryMetadataT, metaBytes), tensor: tensorToProto(arr) }] };
    }),
});

// ----- MergeSummary ---------------------------------------------------------------------------
defineOp({
  type: 'MergeSummary',
  infer: (ins, _a, name) => {
    for (const t of ins) {
      if (t.dtype !== 'string') throw new TypeError(`Tensors in list passed to 'inputs' of 'MergeSummary' Op have types [${ins.map((x) => x.dtype).join(', ')}] that don't all match.`);
    }
    if (ins.length === 0) throw new ValueError(`List argument 'inputs' to 'MergeSummary' Op with length 0 shorter than minimum length 1 (op '${name}').`);
    return [{ dtype: 'string', shape: [] }];
  },
  lower: (b, ins) =>
    lowerSummary(b, ins, (xs, op) => {
      const seen = new Set<string>();
      const value: SummaryValue[] = [];
      for (const x of xs) {
        for (const bytes of Array.from(x.data as ArrayLike<Uint8Array>)) {
          let s: Summary;
          try {
            s = decode<Summary>(SummaryT, bytes);
          } catch {
            throw new InvalidArgumentError('Could not parse one of the summary inputs', op);
          }
          for (const v of s.value) {
            if (v.tag !== '' && seen.has(v.tag)) throw new InvalidArgumentError(`Duplicate tag ${v.tag} found in summary inputs`, op);
            seen.add(v.tag);
            value.push(v);
          }
        }
      }
      return { value };
    }),
});

for (const t of ['ScalarSummary', 'HistogramSummary', 'ImageSummary', 'AudioSummaryV2', 'TensorSummaryV2', 'MergeSummary']) registerGradient(t, null);
