/**
 * `tf.contrib.layers.dropout`, `embed_sequence`, `one_hot_encoding`, `repeat` and `stack` (TF1
 * contrib/layers/python/layers/layers.py, encoders.py).
 */
import { ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { concat, gather, oneHot, reshape, shape as shapeOf } from '../ops/array.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { embeddingLookup } from '../ops/embedding.js';
import { cast, subtract } from '../ops/math.js';
import { unique } from '../ops/set-ops.js';
import { GraphKeys } from '../graph/graph.js';
import type { Variable } from '../ops/variables.js';
import { getVariable } from '../scope/get-variable.js';
import { type Regularizer, type VariableScope, variableScope } from '../scope/variable-scope.js';
import { collect } from './contrib.js';
import { Dropout } from './core.js';
import { bindArgs } from './kwargs.js';

const graphOf = (x: unknown) => (x instanceof Tensor ? x.graph : getDefaultGraph());

/**
 * `tf.contrib.layers.dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True,
 * outputs_collections=None, scope=None, seed=None)`: a Dropout layer of rate 1 - keep_prob in a
 * `Dropout` variable scope, dropping only while is_training (a bool or a bool tensor).
 */
export const DROPOUT_NAMES = ['inputs', 'keepProb', 'noiseShape', 'isTraining', 'outputsCollections', 'scope', 'seed'];
export function dropout(...args: unknown[]): Tensor {
  const a = bindArgs('dropout', DROPOUT_NAMES, args, 1);
  return graphOf(a.inputs).asDefault(() =>
    variableScope((a.scope as string | undefined) ?? null, { defaultName: 'Dropout', values: [a.inputs] }, (sc: VariableScope) => {
      const x = toTensor(a.inputs as TensorLike);
      const keep = (a.keepProb ?? 0.5) as number | Tensor;
      const rate = typeof keep === 'number' ? 1 - keep : subtract(1, toTensor(keep));
      const layer = new Dropout({ rate, noiseShape: a.noiseShape ?? null, seed: a.seed ?? null, name: sc.name, _scope: sc });
      return collect(a.outputsCollections, layer.apply(x, { training: a.isTraining ?? true }));
    }),
  );
}

/**
 * `tf.contrib.layers.embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False,
 * initializer=None, regularizer=None, trainable=True, scope=None, reuse=None)`: the model variable
 * `EmbedSequence/embeddings` [vocab_size, embed_dim] looked up at `ids` (unique: each distinct id
 * once, as embedding_lookup_unique).
 */
export function embedSequence(...args: unknown[]): Tensor {
  const a = bindArgs('embed_sequence', ['ids', 'vocabSize', 'embedDim', 'unique', 'initializer', 'regularizer', 'trainable', 'scope', 'reuse'], args, 1);
  if (!a.vocabSize || !a.embedDim) throw new ValueError('Must specify vocab size and embedding dimension');
  return graphOf(a.ids).asDefault(() =>
    variableScope((a.scope as string | undefined) ?? null, { defaultName: 'EmbedSequence', values: [a.ids], reuse: (a.reuse ?? null) as boolean | null }, () => {
      const embeddings = getVariable('embeddings', {
        shape: [a.vocabSize as number, a.embedDim as number],
        ...(a.initializer !== undefined && a.initializer !== null ? { initializer: a.initializer } : {}),
        regularizer: (a.regularizer as Regularizer | undefined) ?? null,
        trainable: (a.trainable as boolean | undefined) ?? true,
      });
      const models = embeddings.graph.getCollectionRef<Variable>(GraphKeys.MODEL_VARIABLES);
      if (!models.includes(embeddings)) models.push(embeddings);
      const ids = toTensor(a.ids as TensorLike, Array.isArray(a.ids) ? 'int32' : undefined);
      if (!a.unique) return embeddingLookup(embeddings, ids);
      return embeddings.graph.nameScope('embedding_lookup_unique', () => {
        const [u, idx] = unique(reshape(ids, [-1]));
        const rows = gather(embeddingLookup(embeddings, u), idx);
        const dim = a.embedDim as number;
        const known = ids.shape !== null && ids.shape.every((d) => d !== null);
        return reshape(rows, known ? [...(ids.shape as number[]), dim] : concat([shapeOf(ids), toTensor([dim], 'int32')], 0));
      });
    }),
  );
}

/**
 * `tf.contrib.layers.one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0,
 * outputs_collections=None, scope=None)`: int32 labels go through int64 as TF's; float32 output.
 */
export const ONE_HOT_NAMES = ['labels', 'numClasses', 'onValue', 'offValue', 'outputsCollections', 'scope'];
export function oneHotEncoding(...args: unknown[]): Tensor {
  const a = bindArgs('one_hot_encoding', ONE_HOT_NAMES, args, 2);
  const g = graphOf(a.labels);
  return g.asDefault(() =>
    g.nameScope((a.scope as string | undefined) ?? 'OneHotEncoding', () => {
      let labels = toTensor(a.labels as TensorLike, Array.isArray(a.labels) ? 'int32' : undefined);
      if (labels.dtype === 'int32') labels = cast(labels, 'int64', 'ToInt64');
      const y = oneHot(labels, a.numClasses as number, { onValue: (a.onValue as number | undefined) ?? 1.0, offValue: (a.offValue as number | undefined) ?? 0.0 });
      return collect(a.outputsCollections, y);
    }),
  );
}

type LayerFn = ((...args: unknown[]) => Tensor) & { __name__?: string };
/** Python's `layer.__name__` for a tsflow function: its TF name (`convolution2d`, `fully_connected`). */
function pyName(layer: LayerFn, fallback: string): string {
  if (layer.__name__) return layer.__name__;
  if (!layer.name || layer.name === 'anonymous') return fallback;
  return layer.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Split TF's `**kwargs` (a trailing options object) into `scope` and the rest. */
function splitScope(rest: unknown[]): { positional: unknown[]; kw: Record<string, unknown>; scope: string | null } {
  const last = rest[rest.length - 1];
  if (last !== null && typeof last === 'object' && Object.getPrototypeOf(last) === Object.prototype) {
    const { scope, ...kw } = last as Record<string, unknown>;
    return { positional: rest.slice(0, -1), kw, scope: (scope as string | null | undefined) ?? null };
  }
  return { positional: rest, kw: {}, scope: null };
}

/**
 * `tf.contrib.layers.repeat(inputs, repetitions, layer, *args, **kwargs)`: `layer` applied
 * `repetitions` times in a `Repeat` variable scope (or `scope`), each call in scope
 * `<scope or layer name>_<i>` (`repeat(x, 3, conv2d, 64, [3, 3], {scope: 'conv1'})` makes
 * `conv1/conv1_1/weights` …).
 */
export function repeat(inputs: TensorLike, repetitions: number, layer: LayerFn, ...rest: unknown[]): Tensor {
  const { positional, kw, scope } = splitScope(rest);
  if (!Number.isInteger(repetitions) || repetitions < 0) throw new ValueError(`repetitions must be a non-negative integer, got ${String(repetitions)}`);
  return graphOf(inputs).asDefault(() =>
    variableScope(scope, { defaultName: 'Repeat', values: [inputs] }, () => {
      let outputs = toTensor(inputs);
      const base = scope ?? pyName(layer, 'repeat');
      for (let i = 0; i < repetitions; i++) outputs = layer(outputs, ...positional, { ...kw, scope: `${base}_${i + 1}` });
      return outputs;
    }),
  );
}

/**
 * `tf.contrib.layers.stack(inputs, layer, stack_args, **kwargs)`: `layer` applied once per entry of
 * `stack_args` (its positional arguments after the input), in a `Stack` variable scope, each
 * call in scope `<scope or layer name>_<i>` (`stack(x, fullyConnected, [32, 64, 128], {scope: 'fc'})`).
 */
export function stack(inputs: TensorLike, layer: LayerFn, stackArgs: unknown[], ...rest: unknown[]): Tensor {
  if (!Array.isArray(stackArgs)) throw new ValueError('stack_args need to be a list or tuple');
  const { kw, scope } = splitScope(rest);
  return graphOf(inputs).asDefault(() =>
    variableScope(scope, { defaultName: 'Stack', values: [inputs] }, () => {
      let outputs = toTensor(inputs);
      const base = scope ?? pyName(layer, 'stack');
      stackArgs.forEach((args, i) => {
        const layerArgs = Array.isArray(args) ? args : [args];
        outputs = layer(outputs, ...layerArgs, { ...kw, scope: `${base}_${i + 1}` });
      });
      return outputs;
    }),
  );
}
