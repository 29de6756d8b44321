/**
 * TF 1.15's stateless random ops (stateless_random_ops.py): `tf.random.statelessUniform`,
 * `statelessNormal`, `statelessTruncatedNormal`, `statelessMultinomial` and
 * `statelessCategorical`. The numbers depend only on the shape and the `seed` tensor (shape [2],
 * int32 or int64): the same seed gives the same numbers in every run and every session.
 *
 * They follow TF's CPU kernels bit for bit where the arithmetic allows: the seed is scrambled
 * into a Philox4x32-10 key and counter as TF's GenerateKey does, output group g reads the block
 * at counter + g (uniform, normal) or counter + 256·g resp. 128·g (truncated normal, float32
 * resp. float64, through TF's one-word-at-a-time sampler), and the words become numbers by TF's
 * mantissa-bit uniform, its Box–Muller (sin first, cos second), its `|z| < 2` rejection and its
 * `bits % range` integers. float32 values are computed with float32 rounding after each step;
 * where the platform's logf/sinf/cosf round differently from JS's Math the last bit may differ.
 * The multinomial draws all rows from one stream, as TF does when one thread runs the kernel
 * (TF shards large batches over its thread pool, and its samples then depend on the sharding).
 * They run on the host; not differentiable (TF registers no gradients for them).
 */
import { kwargs } from '../args.js';
import { type DType, parseDType } from '../dtype.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import type { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { registerHostOp } from '../session/host-stage.js';
import { cShape } from '../shape.js';
import { philox } from '../device/philox.js';
import { shapeFnError } from './array.js';
import { type TensorLike, toTensor } from './convert.js';
import { add, multiply, subtract } from './math.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { shapeTensor, shapeValue } from './shape-value.js';

// ----- TF's Philox stream ---------------------------------------------------------------------

/** A Philox4x32-10 generator state: a 128-bit counter and a 64-bit key (TF's random::PhiloxRandom). */
export class PhiloxStream {
  readonly counter: Uint32Array;
  readonly key: Uint32Array;
  private readonly out = new Uint32Array(4);
  constructor(counter: ArrayLike<number>, key: ArrayLike<number>) {
    this.counter = Uint32Array.from(counter);
    this.key = Uint32Array.from(key);
  }
  clone(): PhiloxStream {
    return new PhiloxStream(this.counter, this.key);
  }
  /** The block at the counter, then the counter + 1 (TF's operator()). */
  next(): Uint32Array {
    const c = this.counter;
    philox(c[0]!, c[1]!, c[2]!, c[3]!, this.key[0]!, this.key[1]!, this.out);
    this.skip(1);
    return Uint32Array.from(this.out);
  }
  /** Advance the 128-bit counter by `n` blocks (TF's Skip, n < 2^53). */
  skip(n: number): void {
    const c = this.counter;
    let carry = n;
    for (let i = 0; i < 4 && carry > 0; i++) {
      const s = c[i]! + (carry % 2 ** 32);
      c[i] = s >>> 0;
      carry = Math.floor(carry / 2 ** 32) + (s >= 2 ** 32 ? 1 : 0);
    }
  }
}

/** TF's SingleSampleAdapter: the words of successive blocks, one at a time. */
class SingleSamples {
  private buf: Uint32Array = new Uint32Array(4);
  private used = 4;
  constructor(private readonly gen: PhiloxStream) {}
  next(): number {
    if (this.used === 4) {
      this.buf = this.gen.next();
      this.used = 0;
    }
    return this.buf[this.used++]!;
  }
}

/** The two 64-bit seeds as uint64 halves [lo0, hi0, lo1, hi1] (an int32 seed is sign-extended, as C++ converts it). */
function seedWords(seed: NDArray): number[] {
  const out: number[] = [];
  for (let i = 0; i < 2; i++) {
    const v = BigInt.asUintN(64, BigInt(Math.trunc(Number(seed.data[i]))));
    out.push(Number(v & 0xffffffffn), Number(v >> 32n));
  }
  return out;
}

/** TF's GenerateKey: the seed scrambled into the generator's key and counter. */
export function statelessStream(seed: NDArray): PhiloxStream {
  const mix = new PhiloxStream(seedWords(seed), [0x3ec8f720, 0x02461e29]).next();
  return new PhiloxStream([0, 0, mix[2]!, mix[3]!], [mix[0]!, mix[1]!]);
}

const f32 = Math.fround;
const TWO_23 = 2 ** -23;
const TWO_52 = 2 ** -52;
/** TF's Uint32ToFloat: the low 23 bits as the mantissa of a float in [1, 2), minus 1. */
const uint32ToFloat = (x: number): number => (x & 0x7fffff) * TWO_23;
/** TF's Uint64ToDouble: 20 bits of x0 above the 32 of x1 as the mantissa of a double in [1, 2), minus 1. */
const uint64ToDouble = (x0: number, x1: number): number => ((x0 & 0xfffff) * 2 ** 32 + (x1 >>> 0)) * TWO_52;

const EPS_F = f32(1e-7);
/** TF's BoxMullerFloat in float32 steps: [sin(v)·r, cos(v)·r]. */
function boxMullerFloat(x0: number, x1: number): [number, number] {
  let u1 = uint32ToFloat(x0);
  if (u1 < EPS_F) u1 = EPS_F;
  const v1 = f32(2 * Math.PI * uint32ToFloat(x1));
  const u2 = f32(Math.sqrt(f32(-2 * f32(Math.log(u1)))));
  return [f32(f32(Math.sin(v1)) * u2), f32(f32(Math.cos(v1)) * u2)];
}

/** TF's BoxMullerDouble. */
function boxMullerDouble(x0: number, x1: number, x2: number, x3: number): [number, number] {
  let u1 = uint64ToDouble(x0, x1);
  if (u1 < 1e-34) u1 = 1e-34;
  const v1 = 2 * Math.PI * uint64ToDouble(x2, x3);
  const u2 = Math.sqrt(-2 * Math.log(u1));
  return [Math.sin(v1) * u2, Math.cos(v1) * u2];
}

type Dist = 'uniform' | 'normal' | 'truncated';

/** Fill `n` values of `dist` from the stream as TF's FillPhiloxRandom lays the groups out. */
export function statelessFill(dist: Dist, dtype: 'float32' | 'float64', n: number, base: PhiloxStream): Float32Array | Float64Array {
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const dbl = dtype === 'float64';
  if (dist === 'truncated') {
    const group = dbl ? 2 : 4;
    for (let g = 0, off = 0; off < n; g++, off += group) {
      const gen = base.clone();
      gen.skip(g * (group * 256) / 4);
      const s = new SingleSamples(gen);
      let k = 0;
      while (k < group) {
        const z = dbl ? boxMullerDouble(s.next(), s.next(), s.next(), s.next()) : boxMullerFloat(s.next(), s.next());
        for (const v of z) {
          if (Math.abs(v) < 2 && k < group) {
            if (off + k < n) out[off + k] = v;
            k++;
          }
        }
      }
    }
    return out;
  }
  const gen = base.clone();
  const group = dbl ? 2 : 4;
  for (let off = 0; off < n; off += group) {
    const w = gen.next();
    const vals: number[] = [];
    if (dist === 'uniform') {
      if (dbl) vals.push(uint64ToDouble(w[0]!, w[1]!), uint64ToDouble(w[2]!, w[3]!));
      else for (let i = 0; i < 4; i++) vals.push(uint32ToFloat(w[i]!));
    } else if (dbl) {
      vals.push(...boxMullerDouble(w[0]!, w[1]!, w[2]!, w[3]!));
    } else {
      vals.push(...boxMullerFloat(w[0]!, w[1]!), ...boxMullerFloat(w[2]!, w[3]!));
    }
    for (let i = 0; i < group && off + i < n; i++) out[off + i] = vals[i]!;
  }
  return out;
}

/** TF's UniformDistribution for int32 (`lo + bits % range`, 4 a block) and int64 (64 bits from two words, 2 a block). */
export function statelessFillInt(dtype: 'int32' | 'int64', n: number, lo: number, hi: number, base: PhiloxStream): Int32Array | Float64Array {
  const gen = base.clone();
  if (dtype === 'int32') {
    const out = new Int32Array(n);
    const range = ((hi >>> 0) - (lo >>> 0)) >>> 0;
    for (let off = 0; off < n; off += 4) {
      const w = gen.next();
      for (let i = 0; i < 4 && off + i < n; i++) out[off + i] = (lo + (w[i]! % range)) | 0;
    }
    return out;
  }
  const out = new Float64Array(n);
  const range = BigInt.asUintN(64, BigInt(hi) - BigInt(lo));
  for (let off = 0; off < n; off += 2) {
    const w = gen.next();
    for (let i = 0; i < 2 && off + i < n; i++) {
      const bits = BigInt(w[2 * i]!) | (BigInt(w[2 * i + 1]!) << 32n);
      out[off + i] = Number(BigInt.asIntN(64, BigInt(lo) + (bits % range)));
    }
  }
  return out;
}

// ----- ops ------------------------------------------------------------------------------------

const FLOATS = ['float32', 'float64'];

function checkSeed(seed: Tensor, op: string, name: string, ins: readonly Tensor[]): void {
  if (seed.dtype !== 'int32' && seed.dtype !== 'int64') {
    throw new TypeError(`Value passed to parameter 'seed' has DataType ${seed.dtype} not in list of allowed values: int32, int64`);
  }
  const s = seed.shape;
  if (s !== null && s.length !== 1) throw shapeFnError(`Shape must be rank 1 but is rank ${s.length}`, name, op, ins.map((t) => t.shape));
  if (s !== null && s[0] !== null && s[0] !== 2) throw shapeFnError(`Dimension must be 2 but is ${s[0]}`, name, op, ins.map((t) => t.shape));
}

function runtimeSeed(seed: NDArray, opName: string): void {
  if (seed.shape.length !== 1 || seed.shape[0] !== 2) throw new InvalidArgumentError(`seed must have shape [2], not ${cShape([...seed.shape])}`, opName);
}

function runtimeShape(shape: NDArray, opName: string): number[] {
  if (shape.shape.length !== 1) throw new InvalidArgumentError(`shape must be a vector of {int32,int64}, got shape ${cShape([...shape.shape])}`, opName);
  const dims = Array.from(shape.data as ArrayLike<number>, Number);
  for (const d of dims) if (d < 0) throw new InvalidArgumentError(`Dimension ${d} must be >= 0`, opName);
  return dims;
}

for (const [type, dist] of [['StatelessRandomUniform', 'uniform'], ['StatelessRandomNormal', 'normal'], ['StatelessTruncatedNormal', 'truncated']] as const) {
  defineOp<{ dtype: DType }>({
    type,
    infer: (ins, a, name) => {
      const [shape, seed] = ins;
      checkSeed(seed!, type, name, ins);
      return [{ dtype: a.dtype, shape: shapeValue(shape!) }];
    },
    lower: () => {
      throw new InvalidArgumentError(`${type} runs in the host stage; it cannot be lowered`);
    },
  });
  registerGradient(type, null);
  registerHostOp(type, function* (op, [shape, seed]) {
    const dims = runtimeShape(shape!, op.name);
    runtimeSeed(seed!, op.name);
    const dtype = (op.attrs as { dtype: 'float32' | 'float64' }).dtype;
    const n = dims.reduce((x, y) => x * y, 1);
    return [new NDArray(n === 0 ? (dtype === 'float32' ? new Float32Array(0) : new Float64Array(0)) : statelessFill(dist, dtype, n, statelessStream(seed!)), dims, dtype)];
  });
}

defineOp<{ dtype: DType }>({
  type: 'StatelessRandomUniformInt',
  infer: (ins, a, name) => {
    const [shape, seed, lo, hi] = ins;
    checkSeed(seed!, 'StatelessRandomUniformInt', name, ins);
    for (const [t, p] of [[lo!, 'minval'], [hi!, 'maxval']] as const) {
      if (t.dtype !== a.dtype) throw new TypeError(`Input '${p}' of 'StatelessRandomUniformInt' Op has type ${t.dtype} that does not match type ${a.dtype} of argument 'minval'.`);
      if (t.shape !== null && t.shape.length !== 0) throw shapeFnError(`Shape must be rank 0 but is rank ${t.shape.length}`, name, 'StatelessRandomUniformInt', ins.map((x) => x.shape));
    }
    return [{ dtype: a.dtype, shape: shapeValue(shape!) }];
  },
  lower: () => {
    throw new InvalidArgumentError('StatelessRandomUniformInt runs in the host stage; it cannot be lowered');
  },
});
registerGradient('StatelessRandomUniformInt', null);
registerHostOp('StatelessRandomUniformInt', function* (op, [shape, seed, minval, maxval]) {
  const dims = runtimeShape(shape!, op.name);
  runtimeSeed(seed!, op.name);
  const dtype = (op.attrs as { dtype: 'int32' | 'int64' }).dtype;
  const n = dims.reduce((x, y) => x * y, 1);
  if (n === 0) return [new NDArray(dtype === 'int32' ? new Int32Array(0) : new Float64Array(0), dims, dtype)];
  for (const [v, p] of [[minval!, 'minval'], [maxval!, 'maxval']] as const) {
    if (v.shape.length !== 0) throw new InvalidArgumentError(`${p} must be 0-D, got shape ${cShape([...v.shape])}`, op.name);
  }
  const lo = Number(minval!.data[0]);
  const hi = Number(maxval!.data[0]);
  if (!(lo < hi)) throw new InvalidArgumentError(`Need minval < maxval, got ${lo} >= ${hi}`, op.name);
  return [new NDArray(statelessFillInt(dtype, n, lo, hi, statelessStream(seed!)), dims, dtype)];
});

const LOGIT_TYPES = ['float32', 'float64', 'int32', 'uint8', 'int16', 'int8', 'int64', 'uint16', 'float16'];

defineOp<{ outputDtype: DType }>({
  type: 'StatelessMultinomial',
  infer: (ins, a, name) => {
    const [logits, num, seed] = ins;
    if (!LOGIT_TYPES.includes(logits!.dtype)) {
      throw new TypeError(`Value passed to parameter 'logits' has DataType ${logits!.dtype} not in list of allowed values: float32, float64, int32, uint8, int16, int8, int64, bfloat16, uint16, float16, uint32, uint64`);
    }
    const shapes = ins.map((t) => t.shape);
    const ls = logits!.shape;
    if (ls !== null && ls.length !== 2) throw shapeFnError(`Shape must be rank 2 but is rank ${ls.length}`, name, 'StatelessMultinomial', shapes);
    if (num!.shape !== null && num!.shape.length !== 0) throw shapeFnError(`Shape must be rank 0 but is rank ${num!.shape.length}`, name, 'StatelessMultinomial', shapes);
    checkSeed(seed!, 'StatelessMultinomial', name, ins);
    const n = num!.op.type === 'Const' ? Number((num!.op.attrs.value as NDArray).data[0]) : null;
    return [{ dtype: a.outputDtype, shape: [ls?.[0] ?? null, n] }];
  },
  lower: () => {
    throw new InvalidArgumentError('StatelessMultinomial runs in the host stage; it cannot be lowered');
  },
});
registerGradient('StatelessMultinomial', null);
registerHostOp('StatelessMultinomial', function* (op, [logits, num, seed]) {
  runtimeSeed(seed!, op.name);
  if (logits!.shape.length !== 2) throw new InvalidArgumentError(`logits should be a matrix, got shape ${cShape([...logits!.shape])}`, op.name);
  if (num!.shape.length !== 0) throw new InvalidArgumentError(`num_samples should be a scalar, got shape ${cShape([...num!.shape])}`, op.name);
  const s = Number(num!.data[0]);
  if (s < 0) throw new InvalidArgumentError(`num_samples should be nonnegative, got ${s}`, op.name);
  const [rows, c] = logits!.shape as [number, number];
  if (c <= 0) throw new InvalidArgumentError(`num_classes should be positive, got ${c}`, op.name);
  const dtype = (op.attrs as { outputDtype: 'int32' | 'int64' }).outputDtype;
  const out = dtype === 'int32' ? new Int32Array(rows * s) : new Float64Array(rows * s);
  if (rows * s > 0) {
    const single = new SingleSamples(statelessStream(seed!));
    const cdf = new Float64Array(c);
    const x = Array.from(logits!.data as ArrayLike<number>, Number);
    for (let b = 0; b < rows; b++) {
      let max = -Number.MAX_VALUE;
      for (let j = 0; j < c; j++) if (Number.isFinite(x[b * c + j]!)) max = Math.max(max, x[b * c + j]!);
      let total = 0;
      for (let j = 0; j < c; j++) {
        const v = x[b * c + j]!;
        if (Number.isFinite(v)) total += Math.exp(v - max);
        cdf[j] = total;
      }
      for (let j = 0; j < s; j++) {
        const u = uint64ToDouble(single.next(), single.next());
        const find = u * total;
        // std::upper_bound: the first entry greater than `find`
        let lo = 0;
        let hi = c;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cdf[mid]! > find) hi = mid;
          else lo = mid + 1;
        }
        out[b * s + j] = lo;
      }
    }
  }
  return [new NDArray(out, [rows, s], dtype)];
});

// ----- the Python-level functions --------------------------------------------------------------

function seedTensor(seed: unknown): Tensor {
  if (seed === undefined || seed === null) throw new TypeError("missing required argument 'seed'");
  // a list of numbers is int32, as Python's ints convert
  return toTensor(seed as TensorLike, Array.isArray(seed) ? 'int32' : undefined, 'seed');
}

const UNIFORM_DTYPES = ['float16', 'float32', 'float64', 'int32', 'int64'];

/**
 * `tf.random.statelessUniform(shape, seed, minval = 0, maxval = null, dtype = float32, name?)`
 * (tf.random.stateless_uniform): floats in [minval, maxval) (`maxval` 1 by default), or for an
 * int dtype integers in [minval, maxval) (`maxval` required).
 */
export function statelessUniform(...args: unknown[]): Tensor {
  const o = kwargs(args, ['shape', 'seed', 'minval', 'maxval', 'dtype', 'name'], 'stateless_random_uniform', 2);
  const dtype = parseDType(o.dtype ?? 'float32');
  if (!UNIFORM_DTYPES.includes(dtype)) throw new ValueError(`Invalid dtype tf.${dtype}`);
  if (dtype === 'float16') throw new ValueError('stateless_random_uniform: tf.float16 is not supported here; use tf.float32 or tf.float64');
  const isInt = dtype === 'int32' || dtype === 'int64';
  let maxval = o.maxval;
  if (maxval === undefined || maxval === null) {
    if (isInt) throw new ValueError(`Must specify maxval for integer dtype tf.${dtype}`);
    maxval = 1;
  }
  const g = getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? 'stateless_random_uniform', (scope) => {
    const shape = shapeTensor(o.shape as TensorLike);
    const lo = toTensor((o.minval ?? 0) as TensorLike, dtype, 'min');
    const hi = toTensor(maxval as TensorLike, dtype, 'max');
    const seed = seedTensor(o.seed);
    if (isInt) {
      return makeOp(g, 'StatelessRandomUniformInt', [shape, seed, lo, hi], { dtype }, scope, 'StatelessRandomUniformInt').outputs[0]!;
    }
    const rnd = makeOp(g, 'StatelessRandomUniform', [shape, seed], { dtype }, undefined, 'StatelessRandomUniform').outputs[0]!;
    return add(multiply(rnd, subtract(hi, lo)), lo, scope);
  });
}

function normalLike(type: string, dflt: string, args: unknown[]): Tensor {
  const o = kwargs(args, ['shape', 'seed', 'mean', 'stddev', 'dtype', 'name'], dflt, 2);
  const dtype = parseDType(o.dtype ?? 'float32');
  if (!FLOATS.includes(dtype)) throw new TypeError(`Value for attr 'dtype' of ${dtype} is not in the list of allowed values: half, bfloat16, float, double`);
  const g = getDefaultGraph();
  return g.nameScope((o.name as string | undefined) ?? dflt, (scope) => {
    const shape = shapeTensor(o.shape as TensorLike);
    const mean = toTensor((o.mean ?? 0) as TensorLike, dtype, 'mean');
    const stddev = toTensor((o.stddev ?? 1) as TensorLike, dtype, 'stddev');
    const rnd = makeOp(g, type, [shape, seedTensor(o.seed)], { dtype }, undefined, type).outputs[0]!;
    return add(multiply(rnd, stddev), mean, scope);
  });
}

/** `tf.random.statelessNormal(shape, seed, mean = 0, stddev = 1, dtype = float32, name?)` (tf.random.stateless_normal). */
export function statelessNormal(...args: unknown[]): Tensor {
  return normalLike('StatelessRandomNormal', 'stateless_random_normal', args);
}

/**
 * `tf.random.statelessTruncatedNormal(shape, seed, mean = 0, stddev = 1, dtype = float32,
 * name?)` (tf.random.stateless_truncated_normal): normals redrawn until |z| < 2, then scaled.
 */
export function statelessTruncatedNormal(...args: unknown[]): Tensor {
  return normalLike('StatelessTruncatedNormal', 'stateless_truncated_normal', args);
}

function multinomialImpl(logits: unknown, numSamples: unknown, seed: unknown, dtype: unknown, scope: string): Tensor {
  const out = dtype === undefined || dtype === null ? 'int64' : parseDType(dtype);
  if (out !== 'int32' && out !== 'int64') throw new TypeError(`Value for attr 'output_dtype' of ${out} is not in the list of allowed values: int32, int64`);
  const l = toTensor(logits as TensorLike, undefined, 'logits');
  const n = toTensor(numSamples as TensorLike, 'int32', 'num_samples');
  return getDefaultGraph().nameScope(scope, () =>
    makeOp(l.graph, 'StatelessMultinomial', [l, n, seedTensor(seed)], { outputDtype: out }, undefined, 'StatelessMultinomial').outputs[0]!);
}

/**
 * `tf.random.statelessMultinomial(logits, numSamples, seed, outputDtype = int64, name?)`
 * (tf.random.stateless_multinomial): [batch, numSamples] class indices drawn from softmax(logits) per row.
 */
export function statelessMultinomial(...args: unknown[]): Tensor {
  const o = kwargs(args, ['logits', 'numSamples', 'seed', 'outputDtype', 'name'], 'stateless_multinomial', 3);
  return multinomialImpl(o.logits, o.numSamples, o.seed, o.outputDtype, (o.name as string | undefined) ?? 'stateless_multinomial');
}

/** `tf.random.statelessCategorical(logits, numSamples, seed, dtype = int64, name?)` (tf.random.stateless_categorical). */
export function statelessCategorical(...args: unknown[]): Tensor {
  const o = kwargs(args, ['logits', 'numSamples', 'seed', 'dtype', 'name'], 'stateless_categorical', 3);
  return multinomialImpl(o.logits, o.numSamples, o.seed, o.dtype, (o.name as string | undefined) ?? 'stateless_categorical');
}
