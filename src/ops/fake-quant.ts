/**
 * TF's fake quantization (quantization-aware training): FakeQuantWithMinMaxArgs, ...Vars and
 * ...VarsPerChannel, with their gradient ops. Each "nudges" [min, max] so that zero is exactly
 * representable, then rounds to one of 2^num_bits levels (TF's fake_quant_ops_functor.h):
 *   scale = (max − min) / (qmax − qmin), zero = clamp(round(qmin − min / scale), qmin, qmax),
 *   nudged [min, max] = ([qmin, qmax] − zero) · scale,
 *   out = floor((clamp(x, nmin, nmax) − nmin) / scale + 0.5) · scale + nmin
 * with qmin = narrow_range ? 1 : 0, qmax = 2^num_bits − 1, all in float32. The gradient passes
 * dy where nmin ≤ x ≤ nmax; the Vars ops also return the gradients of min (Σ dy where x < nmin)
 * and max (Σ dy where x > nmax). The Vars ops lower to elementwise primitives, so they run on
 * every device.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { A, registerExporter } from '../graphdef/export.js';
import { RULES, make } from '../graphdef/import-rules.js';
import { cShape } from '../shape.js';
import { type TensorLike, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';

type QuantAttrs = {
  numBits: number;
  narrowRange: boolean;
  /** Args ops only */
  min?: number;
  max?: number;
};

const f32 = Math.fround;

function checkBits(numBits: number, name: string): void {
  if (!Number.isInteger(numBits) || numBits < 2 || numBits > 16) {
    throw new InvalidArgumentError(`num_bits must be between 2 and 16, inclusive`, name);
  }
}
const levels = (a: QuantAttrs): [number, number] => [a.narrowRange ? 1 : 0, 2 ** a.numBits - 1];

/** The nudged range of constant [min, max], computed as TF does in float32. */
export function nudge(min: number, max: number, qmin: number, qmax: number): { scale: number; nmin: number; nmax: number } {
  const scale = f32(f32(f32(max) - f32(min)) / f32(qmax - qmin));
  const zpm = f32(qmin - f32(f32(min) / scale));
  const zero = zpm < qmin ? qmin : zpm > qmax ? qmax : Math.sign(zpm) * Math.round(Math.abs(zpm));
  return { scale, nmin: f32(f32(qmin - zero) * scale), nmax: f32(f32(qmax - zero) * scale) };
}

/** Nudged range from min/max values (scalars or per-channel vectors) in the plan. */
function nudgeVals(b: Lower, min: Val, max: Val, a: QuantAttrs): { scale: Val; nmin: Val; nmax: Val } {
  const [qmin, qmax] = levels(a);
  const c = (v: number): Val => b.scalar(v, 'float32');
  const scale = b.binary('div', b.binary('sub', max, min), c(qmax - qmin));
  const zpm = b.binary('sub', c(qmin), b.binary('div', min, scale));
  // round half away from zero (std::round) where it matters: zpm in [qmin, qmax], so ≥ 0
  const fl = b.unary('floor', zpm);
  const rounded = b.binary('add', fl, b.select(b.binary('greaterEqual', b.binary('sub', zpm, fl), c(0.5)), c(1), c(0)));
  const zero = b.select(b.binary('less', zpm, c(qmin)), b.broadcastTo(c(qmin), zpm.shape), b.select(b.binary('greater', zpm, c(qmax)), b.broadcastTo(c(qmax), zpm.shape), rounded));
  return { scale, nmin: b.binary('mul', b.binary('sub', c(qmin), zero), scale), nmax: b.binary('mul', b.binary('sub', c(qmax), zero), scale) };
}

function quantize(b: Lower, x: Val, scale: Val, nmin: Val, nmax: Val): Val {
  const clamped = b.binary('maximum', b.binary('minimum', x, nmax), nmin);
  const steps = b.unary('floor', b.binary('add', b.binary('mul', b.binary('sub', clamped, nmin), b.unary('reciprocal', scale)), b.scalar(0.5, 'float32')));
  return b.binary('add', b.binary('mul', steps, scale), nmin);
}

/** dy · (nmin ≤ x ≤ nmax), a product as TF's (a negative dy outside gives −0). */
function passThrough(b: Lower, dy: Val, x: Val, nmin: Val, nmax: Val): Val {
  const inside = b.binary('logicalAnd', b.binary('greaterEqual', x, nmin), b.binary('lessEqual', x, nmax));
  return b.binary('mul', dy, b.cast(inside, 'float32'));
}

function checkFloat(type: string, t: Tensor, what: string): void {
  if (t.dtype !== 'float32') throw new TypeError(`Value passed to parameter '${what}' has DataType ${t.dtype} not in list of allowed values: float32 (${type})`);
}

/** per channel: min and max are vectors of the inputs' last dimension; else scalars. */
function checkRange(type: string, name: string, x: Tensor, min: Tensor, max: Tensor, perChannel: boolean): void {
  for (const [t, w] of [[min, 'min'], [max, 'max']] as const) {
    checkFloat(type, t, w);
    const r = t.shape?.length;
    if (r === undefined) continue;
    if (perChannel ? r !== 1 : r !== 0) throw new ValueError(`Shape must be rank ${perChannel ? 1 : 0} but is rank ${r} for '${name}' (op: '${type}') with input shapes: ${cShape(x.shape)}, ${cShape(min.shape)}, ${cShape(max.shape)}.`);
  }
  if (perChannel) {
    const d = x.shape?.[x.shape.length - 1];
    for (const t of [min, max]) {
      const k = t.shape?.[0];
      if (d !== undefined && d !== null && k !== undefined && k !== null && d !== k) {
        throw new ValueError(`Dimensions must be equal, but are ${d} and ${k} for '${name}' (op: '${type}') with input shapes: ${cShape(x.shape)}, ${cShape(min.shape)}, ${cShape(max.shape)}.`);
      }
    }
    if (x.shape !== null && x.shape !== undefined && (x.shape.length < 1 || x.shape.length > 4)) {
      throw new ValueError(`Shape must be at least rank 1 and at most rank 4 for '${name}' (op: '${type}')`);
    }
  }
}

// ----- Args: constant range ------------------------------------------------------------------

/** The Args ops' attrs: TF's kernel checks. */
function checkArgsAttrs(a: QuantAttrs, name: string): void {
  checkBits(a.numBits, name);
  if (!(a.min! < a.max!)) throw new InvalidArgumentError(`min has to be smaller than max, was: ${a.min} >= ${a.max}`, name);
}

/** The Args ops' nudged range, known when the plan is built. */
function argsRange(b: Lower, a: QuantAttrs): { scale: Val; nmin: Val; nmax: Val } {
  const [qmin, qmax] = levels(a);
  const n = nudge(a.min!, a.max!, qmin, qmax);
  return { scale: b.scalar(n.scale, 'float32'), nmin: b.scalar(n.nmin, 'float32'), nmax: b.scalar(n.nmax, 'float32') };
}

defineOp<QuantAttrs>({
  type: 'FakeQuantWithMinMaxArgs',
  infer: ([x], a, name) => {
    checkFloat('FakeQuantWithMinMaxArgs', x!, 'inputs');
    checkArgsAttrs(a, name);
    return [{ dtype: 'float32', shape: x!.shape }];
  },
  lower: (b, [x], a) => {
    const n = argsRange(b, a);
    return [quantize(b, x!, n.scale, n.nmin, n.nmax)];
  },
});

defineOp<QuantAttrs>({
  type: 'FakeQuantWithMinMaxArgsGradient',
  infer: ([dy, x], a, name) => {
    checkFloat('FakeQuantWithMinMaxArgsGradient', dy!, 'gradients');
    checkFloat('FakeQuantWithMinMaxArgsGradient', x!, 'inputs');
    checkArgsAttrs(a, name);
    return [{ dtype: 'float32', shape: x!.shape }];
  },
  lower: (b, [dy, x], a) => {
    const n = argsRange(b, a);
    return [passThrough(b, dy!, x!, n.nmin, n.nmax)];
  },
});

registerGradient('FakeQuantWithMinMaxArgs', (op, [dy]) => [
  dy ? makeOp(op.graph, 'FakeQuantWithMinMaxArgsGradient', [dy, op.inputs[0]!], { ...op.attrs }, undefined, 'FakeQuantWithMinMaxArgsGradient').outputs[0]! : null,
]);
registerGradient('FakeQuantWithMinMaxArgsGradient', null);

// ----- Vars and VarsPerChannel: min and max are tensors -----------------------------------------

for (const perChannel of [false, true]) {
  const type = perChannel ? 'FakeQuantWithMinMaxVarsPerChannel' : 'FakeQuantWithMinMaxVars';
  const gradType = `${type}Gradient`;
  defineOp<QuantAttrs>({
    type,
    infer: ([x, min, max], a, name) => {
      checkFloat(type, x!, 'inputs');
      checkRange(type, name, x!, min!, max!, perChannel);
      checkBits(a.numBits, name);
      return [{ dtype: 'float32', shape: x!.shape }];
    },
    lower: (b, [x, min, max], a) => {
      const n = nudgeVals(b, min!, max!, a);
      const q = quantize(b, x!, n.scale, n.nmin, n.nmax);
      // TF: min = max = 0 gives zeros (not the NaNs the formula would)
      const zeroRange = b.binary('logicalAnd', b.binary('equal', min!, b.scalar(0, 'float32')), b.binary('equal', max!, b.scalar(0, 'float32')));
      return [b.select(zeroRange, b.broadcastTo(b.scalar(0, 'float32'), q.shape), q)];
    },
  });
  defineOp<QuantAttrs>({
    type: gradType,
    infer: ([dy, x, min, max], a, name) => {
      checkFloat(gradType, dy!, 'gradients');
      checkRange(gradType, name, x!, min!, max!, perChannel);
      checkBits(a.numBits, name);
      return [
        { dtype: 'float32', shape: x!.shape },
        { dtype: 'float32', shape: min!.shape },
        { dtype: 'float32', shape: max!.shape },
      ];
    },
    lower: (b, [dy, x, min, max], a) => {
      const n = nudgeVals(b, min!, max!, a);
      const zero = b.broadcastTo(b.scalar(0, 'float32'), dy!.shape);
      // sums over every axis but the channel (last) one
      const axes = [...Array(x!.shape.length - (perChannel ? 1 : 0)).keys()];
      const sum = (v: Val): Val => (axes.length > 0 ? b.reduce('sum', v, axes, false) : v);
      return [
        passThrough(b, dy!, x!, n.nmin, n.nmax),
        sum(b.select(b.binary('less', x!, n.nmin), dy!, zero)),
        sum(b.select(b.binary('greater', x!, n.nmax), dy!, zero)),
      ];
    },
  });
  registerGradient(type, (op, [dy]) => {
    if (!dy) return [null, null, null];
    const g = makeOp(op.graph, gradType, [dy, ...op.inputs], { ...op.attrs }, undefined, gradType).outputs;
    return [g[0]!, g[1]!, g[2]!];
  });
  registerGradient(gradType, null);
}

// ----- GraphDef ------------------------------------------------------------------------------

registerExporter(['FakeQuantWithMinMaxArgs', 'FakeQuantWithMinMaxArgsGradient'], (c) => ({
  min: A.f(c.attrs.min as number), max: A.f(c.attrs.max as number), num_bits: A.i(c.attrs.numBits as number), narrow_range: A.b(!!c.attrs.narrowRange),
}));
registerExporter(
  ['FakeQuantWithMinMaxVars', 'FakeQuantWithMinMaxVarsGradient', 'FakeQuantWithMinMaxVarsPerChannel', 'FakeQuantWithMinMaxVarsPerChannelGradient'],
  (c) => ({ num_bits: A.i(c.attrs.numBits as number), narrow_range: A.b(!!c.attrs.narrowRange) }),
);
for (const t of ['FakeQuantWithMinMaxArgs', 'FakeQuantWithMinMaxArgsGradient']) {
  RULES.set(t, (c) => make(c, t, c.inputs, { min: c.attrs.float('min', -6), max: c.attrs.float('max', 6), numBits: c.attrs.int('num_bits', 8), narrowRange: c.attrs.bool('narrow_range', false) }));
}
for (const t of ['FakeQuantWithMinMaxVars', 'FakeQuantWithMinMaxVarsGradient', 'FakeQuantWithMinMaxVarsPerChannel', 'FakeQuantWithMinMaxVarsPerChannelGradient']) {
  RULES.set(t, (c) => make(c, t, c.inputs, { numBits: c.attrs.int('num_bits', 8), narrowRange: c.attrs.bool('narrow_range', false) }));
}

// ----- the Python functions ------------------------------------------------------------------

const f = (v: TensorLike): Tensor => toTensor(v, 'float32');
const bits = (o: Record<string, unknown>): QuantAttrs => ({ numBits: Number(o.numBits ?? 8), narrowRange: Boolean(o.narrowRange ?? false) });
const nameOf = (o: Record<string, unknown>, d: string): string => (o.name as string | null | undefined) ?? d;

/** `tf.quantization.fake_quant_with_min_max_args(inputs, min=-6, max=6, num_bits=8, narrow_range=False, name=None)`. */
export function fakeQuantWithMinMaxArgs(...args: unknown[]): Tensor {
  const o = kwargs(args, ['inputs', 'min', 'max', 'numBits', 'narrowRange', 'name'], 'fake_quant_with_min_max_args', 1);
  const x = f(o.inputs as TensorLike);
  return makeOp(x.graph, 'FakeQuantWithMinMaxArgs', [x], { min: Number(o.min ?? -6), max: Number(o.max ?? 6), ...bits(o) }, nameOf(o, 'FakeQuantWithMinMaxArgs'), 'FakeQuantWithMinMaxArgs').outputs[0]!;
}

/** `tf.quantization.fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6, max=6, num_bits=8, narrow_range=False, name=None)`. */
export function fakeQuantWithMinMaxArgsGradient(...args: unknown[]): Tensor {
  const o = kwargs(args, ['gradients', 'inputs', 'min', 'max', 'numBits', 'narrowRange', 'name'], 'fake_quant_with_min_max_args_gradient', 2);
  const dy = f(o.gradients as TensorLike);
  const x = f(o.inputs as TensorLike);
  return makeOp(x.graph, 'FakeQuantWithMinMaxArgsGradient', [dy, x], { min: Number(o.min ?? -6), max: Number(o.max ?? 6), ...bits(o) }, nameOf(o, 'FakeQuantWithMinMaxArgsGradient'), 'FakeQuantWithMinMaxArgsGradient').outputs[0]!;
}

function varsOp(type: string, where: string, args: unknown[]): Tensor {
  const o = kwargs(args, ['inputs', 'min', 'max', 'numBits', 'narrowRange', 'name'], where, 3);
  const x = f(o.inputs as TensorLike);
  return makeOp(x.graph, type, [x, f(o.min as TensorLike), f(o.max as TensorLike)], bits(o), nameOf(o, type), type).outputs[0]!;
}
function varsGradOp(type: string, where: string, args: unknown[]): [Tensor, Tensor, Tensor] {
  const o = kwargs(args, ['gradients', 'inputs', 'min', 'max', 'numBits', 'narrowRange', 'name'], where, 4);
  const x = f(o.inputs as TensorLike);
  const out = makeOp(x.graph, type, [f(o.gradients as TensorLike), x, f(o.min as TensorLike), f(o.max as TensorLike)], bits(o), nameOf(o, type), type).outputs;
  return [out[0]!, out[1]!, out[2]!];
}

/** `tf.quantization.fake_quant_with_min_max_vars(inputs, min, max, num_bits=8, narrow_range=False, name=None)`. */
export const fakeQuantWithMinMaxVars = (...args: unknown[]): Tensor => varsOp('FakeQuantWithMinMaxVars', 'fake_quant_with_min_max_vars', args);
/** `tf.quantization.fake_quant_with_min_max_vars_per_channel(inputs, min, max, num_bits=8, narrow_range=False, name=None)`. */
export const fakeQuantWithMinMaxVarsPerChannel = (...args: unknown[]): Tensor => varsOp('FakeQuantWithMinMaxVarsPerChannel', 'fake_quant_with_min_max_vars_per_channel', args);
/** `..._vars_gradient(gradients, inputs, min, max, num_bits=8, narrow_range=False, name=None)`: [backprops wrt inputs, wrt min, wrt max]. */
export const fakeQuantWithMinMaxVarsGradient = (...args: unknown[]): [Tensor, Tensor, Tensor] => varsGradOp('FakeQuantWithMinMaxVarsGradient', 'fake_quant_with_min_max_vars_gradient', args);
/** `..._vars_per_channel_gradient(gradients, inputs, min, max, num_bits=8, narrow_range=False, name=None)`. */
export const fakeQuantWithMinMaxVarsPerChannelGradient = (...args: unknown[]): [Tensor, Tensor, Tensor] =>
  varsGradOp('FakeQuantWithMinMaxVarsPerChannelGradient', 'fake_quant_with_min_max_vars_per_channel_gradient', args);
