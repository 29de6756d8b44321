/**
 * TF 1.15's keras/layers/noise.py and the core layers that act only while training or only add
 * a loss: GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D (whole channels
 * dropped), ActivityRegularization and Masking. Each noise layer is the identity outside the
 * learning phase (K.in_train_phase). Masking computes TF's output (the steps whose features all
 * equal mask_value zeroed); the layers here propagate no Keras masks, so later layers see only
 * those zeros.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { normalizeDataFormat } from '../layers/utils.js';
import * as ops from '../ops/index.js';
import * as K from './backend-ops.js';
import { prepare } from './layer-utils.js';
import { SimpleLayer } from './layers-core.js';
import { L1L2 } from './regularizers.js';

const seedOpt = (s: unknown): number | null => (typeof s === 'number' ? s : null);

abstract class NoiseLayer extends SimpleLayer {
  protected override readonly callArgNames: readonly string[] = ['training'];
  protected abstract noisy(x: Tensor): Tensor;
  protected active(): boolean {
    return true;
  }
  protected call(x: Tensor, kw: Record<string, unknown>): Tensor {
    if (!this.active()) return x;
    return K.inTrainPhase(() => this.noisy(x), x, kw.training as never);
  }
}

/** `keras.layers.GaussianNoise(stddev)`: x + N(0, stddev²) while training. */
export class GaussianNoise extends NoiseLayer {
  readonly kerasClass = 'GaussianNoise';
  readonly stddev: number;
  constructor(...args: unknown[]) {
    const p = prepare('GaussianNoise', ['stddev'], args, 1);
    super(p);
    this.stddev = p.o.stddev as number;
  }
  protected noisy(x: Tensor): Tensor {
    return ops.add(x, K.randomNormal(ops.shape(x), 0, this.stddev, x.dtype));
  }
}

/** `keras.layers.GaussianDropout(rate)`: x · N(1, rate/(1−rate)) while training (0 < rate < 1). */
export class GaussianDropout extends NoiseLayer {
  readonly kerasClass = 'GaussianDropout';
  readonly rate: number;
  constructor(...args: unknown[]) {
    const p = prepare('GaussianDropout', ['rate'], args, 1);
    super(p);
    this.rate = p.o.rate as number;
  }
  protected override active(): boolean {
    return this.rate > 0 && this.rate < 1;
  }
  protected noisy(x: Tensor): Tensor {
    return ops.multiply(x, K.randomNormal(ops.shape(x), 1, Math.sqrt(this.rate / (1 - this.rate)), x.dtype));
  }
}

/** SELU's constants, as noise.py spells them. */
const ALPHA = 1.6732632423543772848170429916717;
const SCALE = 1.0507009873554804934193349852946;

/**
 * `keras.layers.AlphaDropout(rate, noise_shape=None, seed=None)`: dropped units set to SELU's
 * negative saturation −alpha·scale, then an affine map a·x + b that keeps mean and variance.
 */
export class AlphaDropout extends NoiseLayer {
  readonly kerasClass = 'AlphaDropout';
  readonly rate: number;
  readonly noiseShape: number[] | null;
  readonly seed: number | null;
  constructor(...args: unknown[]) {
    const p = prepare('AlphaDropout', ['rate', 'noiseShape', 'seed'], args, 1);
    super(p);
    this.rate = p.o.rate as number;
    this.noiseShape = (p.o.noiseShape as number[] | null | undefined) ?? null;
    this.seed = seedOpt(p.o.seed);
  }
  protected override active(): boolean {
    return this.rate > 0 && this.rate < 1;
  }
  protected noisy(x: Tensor): Tensor {
    const rate = this.rate;
    const alphaP = -ALPHA * SCALE;
    const kept = ops.cast(ops.greaterEqual(K.randomUniform(this.noiseShape ?? ops.shape(x), 0, 1, x.dtype, this.seed), rate), x.dtype);
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    const y = ops.add(ops.multiply(x, kept), ops.multiply(alphaP, ops.subtract(1, kept)));
    return ops.add(ops.multiply(a, y), b);
  }
}

/** SpatialDropout1D/2D/3D: tf.nn.dropout's rule (kept units scaled by 1/(1−rate)) with one draw per sample and channel. */
function spatialDropout(rank: 1 | 2 | 3): new (...args: unknown[]) => NoiseLayer & { rate: number; dataFormat: string } {
  const cls = `SpatialDropout${rank}D`;
  return class extends NoiseLayer {
    readonly kerasClass = cls;
    readonly rate: number;
    readonly dataFormat: string;
    readonly seed: number | null;
    constructor(...args: unknown[]) {
      const p = prepare(cls, rank === 1 ? ['rate'] : ['rate', 'dataFormat'], args, 1);
      super(p);
      this.rate = p.o.rate as number;
      this.seed = seedOpt(p.o.seed);
      const f = p.o.dataFormat;
      if (rank > 1 && f !== undefined && f !== null && f !== 'channels_last' && f !== 'channels_first') {
        throw new ValueError('data_format must be in {"channels_last", "channels_first"}');
      }
      this.dataFormat = rank === 1 ? 'channels_last' : normalizeDataFormat(f);
    }
    protected override active(): boolean {
      return this.rate > 0 && this.rate < 1;
    }
    protected noisy(x: Tensor): Tensor {
      if (x.shape !== null && x.shape.length !== rank + 2) {
        throw new ValueError(`Input 0 of layer ${this.name} is incompatible with the layer: expected ndim=${rank + 2}, found ndim=${x.shape.length}.`);
      }
      const s = ops.shape(x);
      const at = (i: number): Tensor => ops.gather(s, i);
      const ones = Array.from({ length: rank }, () => 1);
      const ns = this.dataFormat === 'channels_first' ? ops.stack([at(0), at(1), ...ones]) : ops.stack([at(0), ...ones, at(rank + 1)]);
      const keep = 1 - this.rate;
      const binary = ops.floor(ops.add(keep, K.randomUniform(ns, 0, 1, x.dtype, this.seed)));
      return ops.multiply(ops.divide(x, keep), binary);
    }
  };
}
/** `keras.layers.SpatialDropout1D(rate)`: noise shape [batch, 1, channels]. */
export const SpatialDropout1D = spatialDropout(1);
/** `keras.layers.SpatialDropout2D(rate, data_format=None)`. */
export const SpatialDropout2D = spatialDropout(2);
/** `keras.layers.SpatialDropout3D(rate, data_format=None)`. */
export const SpatialDropout3D = spatialDropout(3);

/** `keras.layers.ActivityRegularization(l1=0., l2=0.)`: the identity, adding l1·Σ|x| + l2·Σx² (over the batch size) to the losses. */
export class ActivityRegularization extends SimpleLayer {
  readonly kerasClass = 'ActivityRegularization';
  readonly l1: number;
  readonly l2: number;
  constructor(...args: unknown[]) {
    const p = prepare('ActivityRegularization', ['l1', 'l2'], args);
    const l1 = (p.o.l1 as number | undefined) ?? 0;
    const l2 = (p.o.l2 as number | undefined) ?? 0;
    p.o.activityRegularizer = new L1L2({ l1, l2 });
    super(p);
    this.l1 = l1;
    this.l2 = l2;
  }
  protected call(x: Tensor): Tensor {
    return x;
  }
}

/** `keras.layers.Masking(mask_value=0.)`: x · any(x ≠ mask_value, axis=−1, keepdims). */
export class Masking extends SimpleLayer {
  readonly kerasClass = 'Masking';
  readonly maskValue: number;
  constructor(...args: unknown[]) {
    const p = prepare('Masking', ['maskValue'], args);
    super(p);
    this.maskValue = (p.o.maskValue as number | undefined) ?? 0;
  }
  /** Keras's compute_mask: the steps that hold a value other than mask_value. */
  computeMask(x: Tensor): Tensor {
    return ops.reduceAny(ops.notEqual(x, this.maskValue), -1);
  }
  protected call(x: Tensor): Tensor {
    const keep = ops.reduceAny(ops.notEqual(x, this.maskValue), -1, true);
    return ops.multiply(x, ops.cast(keep, x.dtype));
  }
}
