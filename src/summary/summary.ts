/**
 * `tf.summary.{scalar, histogram, image, audio, text, tensorSummary, merge, mergeAll}`: graph ops
 * whose output is a serialized `Summary` proto (a string scalar). Names and tags follow TF1's
 * `summary_scope`: the name cleaned of characters outside `[-/\w.]`, a name scope for the op,
 * and the scope (with any family prefix) as the tag.
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, GraphKeys } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { makeOp } from '../ops/registry.js';
import { constant } from '../ops/core.js';
import { encode } from '../proto/codec.js';
import { SummaryMetadataT } from '../proto/summary.js';
import './summary-ops.js';

export interface SummaryOptions {
  /** Collections to add the op to (default [GraphKeys.SUMMARIES]). */
  collections?: string[];
  /** A prefix for the tag and name scope (TensorBoard's tab). */
  family?: string;
}

const INVALID_TAG_CHARACTERS = /[^-/\w.]/g;

/** TF's `clean_tag`: characters outside `[-/\w.]` become `_`, leading slashes go. */
export function cleanTag(name: string): string {
  return name.replace(INVALID_TAG_CHARACTERS, '_').replace(/^\/+/, '');
}

function summaryScope<T>(g: Graph, name: string, family: string | undefined, fn: (tag: string, scope: string) => T): T {
  const n = cleanTag(name);
  const fam = family === undefined ? undefined : cleanTag(family);
  const base = fam === undefined ? n : `${fam}/${n}`;
  return g.nameScope(base, (scope) => {
    const s = scope.replace(/\/$/, '');
    return fn(fam === undefined ? s : `${fam}/${s}`, scope);
  });
}

function collect(t: Tensor, collections: string[] | undefined, dflt: string[]): void {
  for (const c of collections ?? dflt) t.graph.addToCollection(c, t);
}

function stringConst(value: string, name: string): Tensor {
  return constant(NDArray.fromStrings([value], []), undefined, undefined, name);
}

function summaryOp(
  type: string, name: string, values: TensorLike[], opts: SummaryOptions, attrs: Record<string, unknown>,
  tagInput: 'tags' | 'tag', extra: (scope: string) => Tensor[] = () => [],
): Tensor {
  const ts = values.map((v) => toTensor(v));
  const g = ts[0]?.graph ?? getDefaultGraph();
  const out = summaryScope(g, name, opts.family, (tag, scope) => {
    const tagT = stringConst(tag, tagInput);
    return makeOp(g, type, [tagT, ...ts, ...extra(scope)], attrs, scope, type).outputs[0]!;
  });
  collect(out, opts.collections, [GraphKeys.SUMMARIES]);
  return out;
}

/** `tf.summary.scalar(name, tensor, collections?, family?)`. */
export function scalar(name: string, tensor: TensorLike, opts: SummaryOptions = {}): Tensor {
  return summaryOp('ScalarSummary', name, [tensor], opts, {}, 'tags');
}

/** `tf.summary.histogram(name, values, collections?, family?)`: TF1's default buckets. */
export function histogram(name: string, values: TensorLike, opts: SummaryOptions = {}): Tensor {
  return summaryOp('HistogramSummary', name, [values], opts, {}, 'tag');
}

function splitOpts(n: number | SummaryOptions | undefined, opts: SummaryOptions): [number, SummaryOptions] {
  return typeof n === 'object' ? [3, n] : [n ?? 3, opts];
}

/**
 * `tf.summary.image(name, tensor, max_outputs=3, …)`: a [batch, height, width, 1|3|4] uint8
 * or float tensor as PNGs; floats are scaled as TF does (255/max, or centred on 128 when
 * negative values occur).
 */
export function image(name: string, tensor: TensorLike, maxOutputs?: number | SummaryOptions, opts: SummaryOptions = {}): Tensor {
  const [n, o] = splitOpts(maxOutputs, opts);
  const badColor = new NDArray(Uint8Array.of(255, 0, 0, 255), [4], 'uint8');
  return summaryOp('ImageSummary', name, [tensor], o, { maxImages: n, badColor }, 'tag');
}

/** `tf.summary.audio(name, tensor, sample_rate, max_outputs=3, …)`: [batch, frames(, channels)] floats in [-1, 1] as WAV. */
export function audio(name: string, tensor: TensorLike, sampleRate: TensorLike, maxOutputs?: number | SummaryOptions, opts: SummaryOptions = {}): Tensor {
  const [n, o] = splitOpts(maxOutputs, opts);
  return summaryOp('AudioSummaryV2', name, [tensor], o, { maxOutputs: n }, 'tag', () => [toTensor(sampleRate, 'float32', 'sample_rate')]);
}

export interface TensorSummaryOptions extends SummaryOptions {
  summaryDescription?: string;
  displayName?: string;
  /** Plugin name for the summary's metadata. */
  pluginName?: string;
}

/** `tf.summary.tensor_summary(name, tensor, summary_description, collections, …)`. */
export function tensorSummary(name: string, tensor: TensorLike, opts: TensorSummaryOptions = {}): Tensor {
  const meta = encode(SummaryMetadataT, {
    pluginData: opts.pluginName ? { pluginName: opts.pluginName } : undefined,
    displayName: opts.displayName ?? '',
    summaryDescription: opts.summaryDescription ?? '',
  });
  return summaryOp('TensorSummaryV2', name, [tensor], opts, {}, 'tag', () => [
    constant(NDArray.fromStrings([meta], []), undefined, undefined, 'serialized_summary_metadata'),
  ]);
}

/** `tf.summary.text(name, tensor, collections?)`: a string tensor for TensorBoard's text plugin. */
export function text(name: string, tensor: TensorLike, opts: Omit<SummaryOptions, 'family'> = {}): Tensor {
  const t = toTensor(tensor);
  if (t.dtype !== 'string') throw new ValueError(`Expected tensor ${t.name} to have dtype string, got ${t.dtype}`);
  return tensorSummary(name, t, { ...opts, pluginName: 'text' });
}

export interface MergeOptions {
  collections?: string[];
  name?: string;
}

/** `tf.summary.merge(inputs, collections?, name?)`: one Summary of all the inputs' values. */
export function merge(inputs: readonly TensorLike[], opts: MergeOptions = {}): Tensor {
  const ts = inputs.map((x) => toTensor(x));
  const g = ts[0]?.graph ?? getDefaultGraph();
  const out = g.nameScope(opts.name ?? 'Merge', () =>
    makeOp(g, 'MergeSummary', ts, {}, opts.name, 'MergeSummary').outputs[0]!,
  );
  collect(out, opts.collections, []);
  return out;
}

/** `tf.summary.merge_all(key=SUMMARIES, scope=None, name=None)`: null when the collection is empty. */
export function mergeAll(key: string = GraphKeys.SUMMARIES, scope?: string, name?: string): Tensor | null {
  const ops = getDefaultGraph().getCollection<Tensor>(key, scope);
  if (ops.length === 0) return null;
  return merge(ops, name === undefined ? {} : { name });
}
