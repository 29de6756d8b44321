/**
 * TF 1.15's keras/layers/dense_attention.py: Attention (Luong-style dot-product scores, times a
 * learned scalar `scale` with use_scale) and AdditiveAttention (Bahdanau-style
 * Σ scale·tanh(q + k)), called on [query, value] or [query, value, key] with an optional
 * `mask` [query_mask, value_mask]; `causal` hides the later value steps from each query step.
 * Scores of hidden steps get −1e9 before the softmax; the result is softmax(scores)·value,
 * zeroed at masked query steps.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import * as ops from '../ops/index.js';
import type { Variable } from '../ops/variables.js';
import { floatx } from './backend.js';
import { Layer } from './layers-base.js';

type Shape = (number | null)[] | null;

abstract class BaseDenseAttention extends Layer {
  readonly causal: boolean;
  constructor(cls: string, names: string[], args: unknown[]) {
    const o = (args.length === 1 && args[0] !== null && typeof args[0] === 'object' && !Array.isArray(args[0]) ? { ...(args[0] as Record<string, unknown>) } : Object.fromEntries(names.map((n, i) => [n, args[i]]))) as Record<string, unknown>;
    const own: Record<string, unknown> = {};
    for (const n of names) {
      own[n] = o[n];
      delete o[n];
    }
    super(o);
    this.kerasClass = cls;
    this.causal = (own.causal as boolean | undefined) ?? false;
    this.own = own;
  }
  protected readonly own: Record<string, unknown>;
  protected override readonly passesTraining: boolean = false;

  protected abstract scores(q: Tensor, k: Tensor): Tensor;

  protected override call(inputs: Tensor | Tensor[], kw: Record<string, unknown> = {}): Tensor {
    if (!Array.isArray(inputs)) throw new ValueError(`${this.kerasClass} layer must be called on a list of inputs, namely [query, value] or [query, value, key].`);
    if (inputs.length < 2 || inputs.length > 3) throw new ValueError(`${this.kerasClass} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Given length: ${inputs.length}`);
    const [q, v] = inputs as [Tensor, Tensor];
    const k = inputs[2] ?? v;
    let qMask: Tensor | null = null;
    let vMask: Tensor | null = null;
    if (kw.mask !== undefined && kw.mask !== null) {
      const m = kw.mask as (Tensor | null)[];
      if (!Array.isArray(m)) throw new ValueError(`${this.kerasClass} layer mask must be a list, namely [query_mask, value_mask].`);
      if (m.length !== 2) throw new ValueError(`${this.kerasClass} layer mask must be a list of length 2, namely [query_mask, value_mask]. Given length: ${m.length}`);
      [qMask, vMask] = [m[0] ?? null, m[1] ?? null];
    }
    let s = this.scores(q, k);
    // hidden: true where a value step must not be attended (masked value step, or a later step when causal)
    let keep: Tensor | null = vMask ? ops.expandDims(ops.cast(vMask, 'bool'), -2) : null;
    if (this.causal) {
      const ss = ops.shape(s);
      const tq = ops.gather(ss, -2 + (s.shape!.length));
      const tv = ops.gather(ss, -1 + (s.shape!.length));
      const row = ops.expandDims(ops.range(0, tq), -1);
      const col = ops.expandDims(ops.range(0, tv), 0);
      const tri = ops.greaterEqual(row, col);
      keep = keep ? ops.logicalAnd(keep, tri) : tri;
    }
    if (keep) s = ops.subtract(s, ops.multiply(1e9, ops.cast(ops.logicalNot(keep), s.dtype)));
    const w = ops.nn.softmax(s);
    let r = ops.matmul(w, v);
    if (qMask) r = ops.multiply(r, ops.cast(ops.expandDims(qMask, -1), r.dtype));
    return r;
  }
}

/** `keras.layers.Attention(use_scale=False, causal=False)`: scores q·kᵀ (times `scale` with use_scale). */
export class Attention extends BaseDenseAttention {
  readonly useScale: boolean;
  scale: Variable | null = null;
  constructor(...args: unknown[]) {
    super('Attention', ['useScale', 'causal'], args);
    this.useScale = (this.own.useScale as boolean | undefined) ?? false;
  }
  protected override build(_shapes: Shape[]): void {
    if (this.useScale) this.scale = this.addWeight({ name: 'scale', shape: [], initializer: 'ones', dtype: this._dtype ?? floatx() });
  }
  protected scores(q: Tensor, k: Tensor): Tensor {
    const s = ops.matmul(q, k, { transposeB: true });
    return this.scale ? ops.multiply(this.scale, s) : s;
  }
}

/** `keras.layers.AdditiveAttention(use_scale=True, causal=False)`: scores Σ scale·tanh(q + k) over the features (`scale` [dim], glorot-uniform). */
export class AdditiveAttention extends BaseDenseAttention {
  readonly useScale: boolean;
  scale: Variable | null = null;
  constructor(...args: unknown[]) {
    super('AdditiveAttention', ['useScale', 'causal'], args);
    this.useScale = (this.own.useScale as boolean | undefined) ?? true;
  }
  protected override build(shapes: Shape[]): void {
    const dim = shapes[1]?.[shapes[1].length - 1];
    if (this.useScale) {
      if (dim === null || dim === undefined) throw new ValueError('AdditiveAttention: the last dimension of value must be known');
      this.scale = this.addWeight({ name: 'scale', shape: [dim], initializer: 'glorot_uniform', dtype: this._dtype ?? floatx() });
    }
  }
  protected scores(q: Tensor, k: Tensor): Tensor {
    const t = ops.tanh(ops.add(ops.expandDims(q, -2), ops.expandDims(k, -3)));
    return ops.reduceSum(this.scale ? ops.multiply(this.scale, t) : t, -1);
  }
}
