/**
 * tf.image.extractGlimpse: TF 1.15's ExtractGlimpse op (attention_ops.cc over Eigen's
 * ExtractGlimpses, eigen_attention.h): per image a `[h, w]` window around an offset, the part
 * outside the image filled with noise (uniform between the image's min and max, gaussian with
 * each channel's mean and deviation clipped to its range, or zeros). Runs on the host; the noise
 * is unseeded, as Eigen's generators are in TF. No gradient (TF registers none).
 */
import { kwargs } from '../../args.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { registerHostOp } from '../../session/host-stage.js';
import { cShape } from '../../shape.js';
import { shapeFnError } from '../array.js';
import { type TensorLike, toTensor } from '../convert.js';
import { defineOp, makeOp, registerGradient } from '../registry.js';
import { shapeValue } from '../shape-value.js';

const f32 = Math.fround;

interface GlimpseAttrs { centered: boolean; normalized: boolean; uniform_noise: boolean; noise: string; [k: string]: unknown }

/** TF's noise choice from the two attrs (the kernel's constructor checks, at run time). */
function noiseMode(a: GlimpseAttrs, op: string | null): 'uniform' | 'gaussian' | 'zero' {
  if (a.uniform_noise && a.noise !== '' && a.noise !== 'uniform') throw new InvalidArgumentError('The uniform_noise and noise could not be specified at the same time', op);
  if (a.noise === '') return a.uniform_noise ? 'uniform' : 'gaussian';
  if (a.noise !== 'uniform' && a.noise !== 'gaussian' && a.noise !== 'zero') throw new InvalidArgumentError(`The noise could only be uniform, gaussian, or zero, got${a.noise}`, op);
  return a.noise;
}

defineOp<GlimpseAttrs>({
  type: 'ExtractGlimpse',
  infer: (ins, a, name) => {
    const [input, size, offsets] = ins;
    const shapes = ins.map((t) => t.shape);
    if (input!.dtype !== 'float32') throw new TypeError(`Input 'input' of 'ExtractGlimpse' Op has type ${input!.dtype} that does not match expected type of float32.`);
    if (size!.dtype !== 'int32') throw new TypeError(`Input 'size' of 'ExtractGlimpse' Op has type ${size!.dtype} that does not match expected type of int32.`);
    if (offsets!.dtype !== 'float32') throw new TypeError(`Input 'offsets' of 'ExtractGlimpse' Op has type ${offsets!.dtype} that does not match expected type of float32.`);
    const s = input!.shape;
    const os = offsets!.shape;
    if (s !== null && s.length !== 4) throw shapeFnError(`Shape must be rank 4 but is rank ${s.length}`, name, 'ExtractGlimpse', shapes);
    if (os !== null && os.length !== 2) throw shapeFnError(`Shape must be rank 2 but is rank ${os.length}`, name, 'ExtractGlimpse', shapes);
    const b0 = s?.[0] ?? null;
    const b1 = os?.[0] ?? null;
    if (b0 !== null && b1 !== null && b0 !== b1) throw shapeFnError(`Dimensions must be equal, but are ${b0} and ${b1}`, name, 'ExtractGlimpse', shapes);
    if (os !== null && os[1] !== null && os[1] !== 2) throw shapeFnError(`Dimension must be 2 but is ${os[1]}`, name, 'ExtractGlimpse', shapes);
    if (a.uniform_noise && a.noise !== '' && a.noise !== 'uniform') throw shapeFnError('The uniform_noise and noise should not be specified at the same time', name, 'ExtractGlimpse', shapes);
    const ss = size!.shape;
    if (ss !== null && (ss.length !== 1 || (ss[0] !== null && ss[0] !== 2))) {
      throw shapeFnError(ss.length !== 1 ? `Shape must be rank 1 but is rank ${ss.length}` : `Dimension must be 2 but is ${ss[0]}`, name, 'ExtractGlimpse', shapes);
    }
    const hw = shapeValue(size!);
    return [{ dtype: 'float32', shape: [b0 ?? b1, hw?.[0] ?? null, hw?.[1] ?? null, s?.[3] ?? null] }];
  },
  lower: () => {
    throw new Error('ExtractGlimpse runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('ExtractGlimpse', null);

function gaussian(): number {
  const u1 = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * Math.random());
}

function glimpseHost(op: Operation, [input, size, offsets]: NDArray[]): NDArray[] {
  const a = op.attrs as GlimpseAttrs;
  const noise = noiseMode(a, op.name);
  const is = input!.shape;
  if (is.length !== 4) throw new InvalidArgumentError(`input must be 4-dimensional (batch_size, height, width, depth)${cShape(is)}`, op.name);
  const [batch, H, W, C] = is as [number, number, number, number];
  if (size!.shape.length !== 1 || size!.shape[0] !== 2) throw new InvalidArgumentError(`input must be a vector of size 2 (height, width)${cShape(size!.shape)}`, op.name);
  const gh = Number(size!.data[0]);
  const gw = Number(size!.data[1]);
  if (gh < 0 || gw < 0) throw new InvalidArgumentError(`glimpse size must be non-negative, got [${gh}, ${gw}]`, op.name);
  const os = offsets!.shape;
  if (os.length !== 2) throw new InvalidArgumentError(`input must be a matrix${cShape(os)}`, op.name);
  if (os[0] !== batch) throw new InvalidArgumentError(`first dimension should be batch${cShape(os)}`, op.name);
  if (os[1] !== 2) throw new InvalidArgumentError(`second dimension should be of size 2 (y,x)${cShape(os)}`, op.name);
  const out = new Float32Array(batch * gh * gw * C);
  const result = [new NDArray(out, [batch, gh, gw, C], 'float32')];
  if (out.length === 0) return result;
  if (H === 0 || W === 0) throw new InvalidArgumentError(`input must have a non-empty height and width to take glimpses from, got ${cShape(is)}`, op.name);
  const src = input!.data as Float32Array;
  const od = offsets!.data as Float32Array;
  const per = gh * gw * C;
  for (let i = 0; i < batch; i++) {
    let y = od[i * 2]!;
    let x = od[i * 2 + 1]!;
    if (a.normalized) {
      x = f32(x * W);
      y = f32(y * H);
    }
    if (a.centered) {
      x = f32(f32(x / 2) + f32(W / 2));
      y = f32(f32(y / 2) + f32(H / 2));
    }
    x = f32(x - f32(gw / 2));
    y = f32(y - f32(gh / 2));
    const ox = Math.trunc(x);
    const oy = Math.trunc(y);
    // the glimpse's columns [bx, bx + ew) take the image's [sx, sx + ew); likewise rows
    let sx = ox, bx = 0, ew = gw, sy = oy, by = 0, eh = gh, partial = false;
    if (ox < 0) {
      sx = 0; ew = Math.max(0, gw + ox); bx = gw - ew; partial = true;
    } else if (ox + gw >= W) {
      ew = Math.max(0, W - ox); partial = true;
    }
    if (oy < 0) {
      sy = 0; eh = Math.max(0, gh + oy); by = gh - eh; partial = true;
    } else if (oy + gh >= H) {
      eh = Math.max(0, H - oy); partial = true;
    }
    ew = Math.min(W, ew);
    eh = Math.min(H, eh);
    const img = src.subarray(i * H * W * C, (i + 1) * H * W * C);
    const dst = out.subarray(i * per, (i + 1) * per);
    if (partial && noise === 'uniform') {
      let lo = Infinity, hi = -Infinity;
      for (const v of img) { if (v < lo) lo = v; if (v > hi) hi = v; }
      const range = f32(hi - lo);
      for (let k = 0; k < per; k++) dst[k] = lo + f32(Math.random() * range);
    } else if (partial && noise === 'gaussian') {
      for (let c = 0; c < C; c++) {
        let sum = 0, lo = Infinity, hi = -Infinity;
        for (let p = c; p < img.length; p += C) { const v = img[p]!; sum += v; if (v < lo) lo = v; if (v > hi) hi = v; }
        const mean = f32(sum / (H * W));
        let sq = 0;
        for (let p = c; p < img.length; p += C) sq += (img[p]! - mean) ** 2;
        const sigma = f32(Math.sqrt(sq / (H * W)));
        for (let k = c; k < per; k += C) dst[k] = Math.max(lo, Math.min(hi, f32(mean + f32(gaussian() * sigma))));
      }
    }
    // zero noise: the buffer is zeros already
    if (ew === 0 || eh === 0) continue;
    for (let r = 0; r < eh; r++) {
      const from = ((sy + r) * W + sx) * C;
      dst.set(img.subarray(from, from + ew * C), ((by + r) * gw + bx) * C);
    }
  }
  return result;
}

registerHostOp('ExtractGlimpse', function* (op, ins) {
  return glimpseHost(op, ins);
});

/**
 * `tf.image.extractGlimpse(input, size, offsets, centered = true, normalized = true,
 * uniformNoise = true, name?)`, and the op's `noise` attr ('uniform', 'gaussian', 'zero'; '' to
 * let uniformNoise choose) by keyword: float32 `[batch, size[0], size[1], depth]` windows of
 * `input` `[batch, h, w, depth]` centred at `offsets` `[batch, 2]` (y, x) — relative to the image
 * centre in [−1, 1] when centered, else to the top-left corner in [0, 1] when normalized, else
 * in pixels. As in TF 1.15, `noise` defaults to 'uniform', which wins over uniformNoise = false
 * (pass noise: '' for uniformNoise's choice of gaussian).
 */
export function extractGlimpse(...args: unknown[]): Tensor {
  const o = kwargs(args, ['input', 'size', 'offsets', 'centered', 'normalized', 'uniformNoise', 'name', 'noise'], 'extract_glimpse', 3);
  const x = toTensor(o.input as TensorLike, 'float32');
  const g = x.graph;
  return g.asDefault(() => {
    const size = toTensor(o.size as TensorLike, 'int32');
    const offsets = toTensor(o.offsets as TensorLike, 'float32');
    const noise = (o.noise as string | undefined) ?? 'uniform';
    if (typeof noise !== 'string') throw new TypeError(`Expected string for argument 'noise' not ${String(noise)}.`);
    const attrs: GlimpseAttrs = { centered: (o.centered ?? true) as boolean, normalized: (o.normalized ?? true) as boolean, uniform_noise: (o.uniformNoise ?? true) as boolean, noise };
    return makeOp(g, 'ExtractGlimpse', [x, size, offsets], attrs, o.name as string | undefined, 'ExtractGlimpse').outputs[0]!;
  });
}
