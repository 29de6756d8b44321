/** `tf.layers.Dropout` / `dropout` and `tf.layers.Flatten` / `flatten`. */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { reshape, transpose } from '../ops/array.js';
import { type TensorLike } from '../ops/convert.js';
import { identity } from '../ops/core.js';
import { dropout as nnDropout } from '../ops/nn.js';
import { Layer, type LayerOptions } from './base.js';
import { bindArgs } from './kwargs.js';
import { smartCond } from './smart-cond.js';
import { normalizeDataFormat } from './utils.js';

/**
 * `tf.layers.Dropout(rate=0.5, noise_shape=None, seed=None, name=None)`; `apply(x, {training})`
 * drops (scaling the kept units by 1/(1-rate)) only when `training` is true — a bool or a bool
 * tensor; TF1's default is false.
 */
export class Dropout extends Layer {
  readonly rate: number | Tensor;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  protected override readonly callArgNames = ['training'];

  constructor(...args: unknown[]) {
    const o = bindArgs('Dropout', ['rate', 'noiseShape', 'seed', 'name', 'trainable', 'dtype', '_scope', '_reuse'], args);
    super(o as LayerOptions);
    this.rate = (o.rate as number | Tensor | undefined) ?? 0.5;
    this.noiseShape = (o.noiseShape as (number | null)[] | undefined) ?? null;
    this.seed = (o.seed as number | undefined) ?? null;
  }

  protected call(inputs: Tensor, kw: Record<string, unknown>): Tensor {
    return smartCond(
      kw.training ?? false,
      () => nnDropout(inputs, null, { rate: this.rate, ...this.noise(inputs), ...(this.seed !== null ? { seed: this.seed } : {}) }),
      () => identity(inputs),
    );
  }

  /** Keras's `_get_noise_shape`: null entries take the input's dims. */
  private noise(x: Tensor): { noiseShape?: number[] } {
    if (this.noiseShape === null) return {};
    const s = this.noiseShape.map((d, i) => {
      const v = d ?? x.shape?.[i] ?? null;
      if (v === null) throw new ValueError(`noise_shape[${i}] is None and the input's dim ${i} is not known statically`);
      return v;
    });
    return { noiseShape: s };
  }
}

/** `tf.layers.dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None)`. */
export function dropout(...args: unknown[]): Tensor {
  const { inputs, training, ...rest } = bindArgs('dropout', ['inputs', 'rate', 'noiseShape', 'seed', 'training', 'name'], args, 1);
  return new Dropout(rest).apply(inputs as TensorLike, { training: training ?? false });
}

/** `tf.layers.Flatten(data_format='channels_last')`: [N, …] → [N, prod(…)]. */
export class Flatten extends Layer {
  readonly dataFormat: 'channels_last' | 'channels_first';

  constructor(...args: unknown[]) {
    const o = bindArgs('Flatten', ['dataFormat', 'name', 'trainable', 'dtype', '_scope', '_reuse'], args);
    super(o as LayerOptions);
    this.dataFormat = normalizeDataFormat(o.dataFormat);
  }

  protected call(inputs: Tensor): Tensor {
    let x = inputs;
    const s = x.shape;
    if (s === null) throw new ValueError(`${this.name}: the input's rank must be known`);
    if (s.length < 1) throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected min_ndim=1, found ndim=0. Full shape received: []`);
    if (this.dataFormat === 'channels_first' && s.length > 1) x = transpose(x, [0, ...Array.from({ length: s.length - 2 }, (_, i) => i + 2), 1]);
    const rest = s.slice(1);
    if (s[0] !== null) return reshape(x, [s[0]!, -1], 'Reshape');
    if (rest.some((d) => d === null)) throw new ValueError(`${this.name}: with an unknown batch dim, the other dims must be known, got shape (${s.map((d) => d ?? '?').join(', ')})`);
    return reshape(x, [-1, rest.reduce<number>((a, d) => a * d!, 1)], 'Reshape');
  }
}

/** `tf.layers.flatten(inputs, name=None, data_format='channels_last')`. */
export function flatten(...args: unknown[]): Tensor {
  const { inputs, ...rest } = bindArgs('flatten', ['inputs', 'name', 'dataFormat'], args, 1);
  return new Flatten(rest).apply(inputs as TensorLike);
}
