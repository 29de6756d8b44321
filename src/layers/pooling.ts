/** `tf.layers.MaxPooling2D` / `AveragePooling2D` and their functions (TF1: `strides` is required). */
import type { Tensor } from '../graph/tensor.js';
import { avgPool, maxPool } from '../ops/conv.js';
import { type TensorLike } from '../ops/convert.js';
import { Layer, type LayerOptions } from './base.js';
import { checkRank4 } from './conv.js';
import { bindArgs } from './kwargs.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple, viaNhwc } from './utils.js';

const ARGS = ['poolSize', 'strides', 'padding', 'dataFormat', 'name', 'trainable', 'dtype', '_scope', '_reuse'];

abstract class Pooling2D extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: 'channels_last' | 'channels_first';
  protected abstract readonly op: typeof maxPool;
  protected abstract readonly opName: string;

  constructor(where: string, args: unknown[]) {
    const o = bindArgs(where, ARGS, args, 2);
    super(o as LayerOptions);
    this.poolSize = normalizeTuple(o.poolSize, 2, 'pool_size');
    this.strides = normalizeTuple(o.strides, 2, 'strides');
    this.padding = normalizePadding(o.padding ?? 'valid');
    this.dataFormat = normalizeDataFormat(o.dataFormat);
  }

  protected call(inputs: Tensor): Tensor {
    checkRank4(this.name, inputs);
    return viaNhwc(inputs, this.dataFormat, (x) => this.op(x, this.poolSize, this.strides, this.padding.toUpperCase(), { name: this.opName }));
  }
}

/** `tf.layers.MaxPooling2D(pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export class MaxPooling2D extends Pooling2D {
  protected readonly op = maxPool;
  protected readonly opName = 'MaxPool';
  constructor(...args: unknown[]) {
    super('MaxPooling2D', args);
  }
}

/** `tf.layers.AveragePooling2D(pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export class AveragePooling2D extends Pooling2D {
  protected readonly op = avgPool;
  protected readonly opName = 'AvgPool';
  constructor(...args: unknown[]) {
    super('AveragePooling2D', args);
  }
}

const FUNCTIONAL = ['inputs', 'poolSize', 'strides', 'padding', 'dataFormat', 'name'];

/** `tf.layers.max_pooling2d(inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export function maxPooling2d(...args: unknown[]): Tensor {
  const { inputs, ...rest } = bindArgs('max_pooling2d', FUNCTIONAL, args, 3);
  return new MaxPooling2D(rest).apply(inputs as TensorLike);
}

/** `tf.layers.average_pooling2d(inputs, pool_size, strides, padding='valid', data_format='channels_last', name=None)`. */
export function averagePooling2d(...args: unknown[]): Tensor {
  const { inputs, ...rest } = bindArgs('average_pooling2d', FUNCTIONAL, args, 3);
  return new AveragePooling2D(rest).apply(inputs as TensorLike);
}
