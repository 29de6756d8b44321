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
import { kwargs, tf1Function } from '../args.js';

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

type Name = string;
type Collections = string[] | null;
type Family = string | null;
const str = (v: string | null | undefined): string | undefined => v ?? undefined;
const cols = (v: Collections | undefined): string[] | undefined => v ?? undefined;

/** `tf.summary.scalar(name, tensor, collections=None, family=None)`. */
export const scalar = tf1Function('summary.scalar', ['name', 'tensor', 'collections', 'family'], function scalar(
  name: Name, tensor: TensorLike, collections?: Collections, family?: Family,
): Tensor {
  return summaryOp('ScalarSummary', name, [tensor], { collections: cols(collections), family: str(family) }, {}, 'tags');
}, 2);

/** `tf.summary.histogram(name, values, collections=None, family=None)`: TF1's default buckets. */
export const histogram = tf1Function('summary.histogram', ['name', 'values', 'collections', 'family'], function histogram(
  name: Name, values: TensorLike, collections?: Collections, family?: Family,
): Tensor {
  return summaryOp('HistogramSummary', name, [values], { collections: cols(collections), family: str(family) }, {}, 'tag');
}, 2);

function maxOut(n: number | null | undefined, what: string): number {
  const v = n ?? 3;
  if (!Number.isInteger(v) || v < 0) throw new TypeError(`summary.${what}(): max_outputs must be a non-negative integer, got ${String(n)}`);
  return v;
}

/**
 * `tf.summary.image(name, tensor, max_outputs=3, collections=None, family=None)`: a [batch,
 * height, width, 1|3|4] uint8 or float tensor as PNGs; floats are scaled as TF does (255/max,
 * or centred on 128 when negative values occur).
 */
export const image = tf1Function('summary.image', ['name', 'tensor', 'maxOutputs', 'collections', 'family'], function image(
  name: Name, tensor: TensorLike, maxOutputs?: number | null, collections?: Collections, family?: Family,
): Tensor {
  const badColor = new NDArray(Uint8Array.of(255, 0, 0, 255), [4], 'uint8');
  return summaryOp('ImageSummary', name, [tensor], { collections: cols(collections), family: str(family) }, { maxImages: maxOut(maxOutputs, 'image'), badColor }, 'tag');
}, 2);

/**
 * `tf.summary.audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None)`:
 * [batch, frames(, channels)] floats in [-1, 1] as WAV.
 */
export const audio = tf1Function('summary.audio', ['name', 'tensor', 'sampleRate', 'maxOutputs', 'collections', 'family'], function audio(
  name: Name, tensor: TensorLike, sampleRate: TensorLike, maxOutputs?: number | null, collections?: Collections, family?: Family,
): Tensor {
  return summaryOp('AudioSummaryV2', name, [tensor], { collections: cols(collections), family: str(family) }, { maxOutputs: maxOut(maxOutputs, 'audio') }, 'tag',
    () => [toTensor(sampleRate, 'float32', 'sample_rate')]);
}, 3);

export interface TensorSummaryOptions extends SummaryOptions {
  summaryDescription?: string;
  displayName?: string;
  /** Plugin name for the summary's metadata. */
  pluginName?: string;
}

function tensorSummaryImpl(name: string, tensor: TensorLike, opts: TensorSummaryOptions): Tensor {
  const meta = encode(SummaryMetadataT, {
    pluginData: opts.pluginName ? { pluginName: opts.pluginName } : undefined,
    displayName: opts.displayName ?? '',
    summaryDescription: opts.summaryDescription ?? '',
  });
  return summaryOp('TensorSummaryV2', name, [tensor], opts, {}, 'tag', () => [
    constant(NDArray.fromStrings([meta], []), undefined, undefined, 'serialized_summary_metadata'),
  ]);
}

/**
 * `tf.summary.tensor_summary(name, tensor, summary_description=None, collections=None,
 * summary_metadata=None, family=None, display_name=None)`; `summaryMetadata` is an object with
 * `{pluginData: {pluginName}, displayName, summaryDescription}` (tsflow's `pluginName` option
 * is short for its plugin name).
 */
export function tensorSummary(name: string, tensor: TensorLike, opts?: TensorSummaryOptions): Tensor;
export function tensorSummary(...args: unknown[]): Tensor;
export function tensorSummary(...args: unknown[]): Tensor {
  const o = kwargs(args, ['name', 'tensor', 'summaryDescription', 'collections', 'summaryMetadata', 'family', 'displayName'], 'summary.tensorSummary', 2, ['pluginName']);
  const md = (o.summaryMetadata ?? {}) as { pluginData?: { pluginName?: string }; displayName?: string; summaryDescription?: string };
  return tensorSummaryImpl(o.name as string, o.tensor as TensorLike, {
    collections: cols(o.collections as Collections),
    family: str(o.family as Family),
    summaryDescription: str(o.summaryDescription as string | null) ?? md.summaryDescription,
    displayName: str(o.displayName as string | null) ?? md.displayName,
    pluginName: str(o.pluginName as string | null) ?? md.pluginData?.pluginName,
  });
}

/** `tf.summary.text(name, tensor, collections=None)`: a string tensor for TensorBoard's text plugin. */
export const text = tf1Function('summary.text', ['name', 'tensor', 'collections'], function text(name: Name, tensor: TensorLike, collections?: Collections): Tensor {
  const t = toTensor(tensor);
  if (t.dtype !== 'string') throw new ValueError(`Expected tensor ${t.name} to have dtype string, got ${t.dtype}`);
  return tensorSummaryImpl(name, t, { collections: cols(collections), pluginName: 'text' });
}, 2);

export interface MergeOptions {
  collections?: string[] | null;
  name?: string | null;
}

/** `tf.summary.merge(inputs, collections=None, name=None)`: one Summary of all the inputs' values. */
export const merge = tf1Function('summary.merge', ['inputs', 'collections', 'name'], function merge(
  inputs: readonly TensorLike[], collections?: Collections, name?: string | null,
): Tensor {
  const ts = inputs.map((x) => toTensor(x));
  const g = ts[0]?.graph ?? getDefaultGraph();
  const nm = name ?? undefined;
  const out = g.nameScope(nm ?? 'Merge', () => makeOp(g, 'MergeSummary', ts, {}, nm, 'MergeSummary').outputs[0]!);
  collect(out, cols(collections), []);
  return out;
}, 1);

/** `tf.summary.merge_all(key=SUMMARIES, scope=None, name=None)`: null when the collection is empty. */
export const mergeAll = tf1Function('summary.mergeAll', ['key', 'scope', 'name'], function mergeAll(
  key?: string | null, scope?: string | null, name?: string | null,
): Tensor | null {
  const ops = getDefaultGraph().getCollection<Tensor>(key ?? GraphKeys.SUMMARIES, scope ?? undefined);
  if (ops.length === 0) return null;
  return merge(ops, null, name ?? null);
});
