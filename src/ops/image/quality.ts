/**
 * `tf.image.psnr`, `ssim` and `ssimMultiscale` (TF 1.15's image_ops_impl.py), composed from
 * tsflow's ops as TF composes them, so each is differentiable in both images. As in TF, images
 * (and max_val) go through convert_image_dtype to float32 first; SSIM filters with an
 * `filterSize`² Gaussian (softmax of −d²/2σ², TF's _fspecial_gauss) over VALID windows and uses
 * compensation 1 (MATLAB's MS-SSIM); MS-SSIM halves the image with a 2×2 average pool between
 * scales, SYMMETRIC-padding an odd height or width at the end first.
 */
import { kwargs } from '../../args.js';
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { pyShape } from '../../shape.js';
import { concat, reshape, shape as shapeOf, slice, stack, tile } from '../array.js';
import { avgPool } from '../conv.js';
import { depthwiseConv2d } from '../conv-transpose.js';
import { type TensorLike, toTensor } from '../convert.js';
import { identity } from '../core.js';
import { add, cast, divide, log, multiply, pow, reduceMean, reduceProd, square, squaredDifference, subtract } from '../math.js';
import { relu } from '../nn.js';
import { pad } from '../pad.js';
import { convertImageDtype } from './index.js';

type Opt = Record<string, unknown>;

/** TF's _MSSSIM_WEIGHTS. */
const MSSSIM_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

/** _verify_compatible_image_shapes (static part): rank ≥ 3, last three dims compatible, heads broadcastable. */
function verifyCompatible(a: Tensor, b: Tensor): void {
  for (const x of [a, b]) if (x.shape !== null && x.shape.length < 3) throw new ValueError(`Shape ${pyShape(x.shape)} must have rank at least 3`);
  if (a.shape === null || b.shape === null) return;
  const t1 = a.shape.slice(-3);
  const t2 = b.shape.slice(-3);
  if (t1.some((d, i) => d !== null && t2[i] !== null && d !== t2[i])) throw new ValueError(`Shapes ${pyShape(t1)} and ${pyShape(t2)} are incompatible`);
  const h1 = a.shape.slice(0, -3).reverse();
  const h2 = b.shape.slice(0, -3).reverse();
  for (let i = 0; i < Math.min(h1.length, h2.length); i++) {
    const [d1, d2] = [h1[i]!, h2[i]!];
    if (!(d1 === 1 || d2 === 1 || d1 === null || d2 === null || d1 === d2)) throw new ValueError(`Two images are not compatible: ${pyShape(a.shape)} and ${pyShape(b.shape)}`);
  }
}

/** The [h, w, c] of an image, which tsflow needs when the graph is built. */
function tailOf(x: Tensor, fn: string): [number, number, number] {
  const t = x.shape?.slice(-3);
  if (!t || t.some((d) => d === null)) throw new ValueError(`${fn}: tsflow needs the images' height, width and channels known when the graph is built, got shape ${pyShape(x.shape)}`);
  return t as [number, number, number];
}

/** The leading (batch) dims of x: static when known, else a run-time int32 vector. */
function headsOf(x: Tensor): number[] | Tensor {
  const s = x.shape!;
  const heads = s.slice(0, -3);
  if (heads.every((d) => d !== null)) return heads as number[];
  return slice(shapeOf(x), [0], [s.length - 3]);
}
const withTail = (heads: number[] | Tensor, tail: number[]): number[] | Tensor =>
  Array.isArray(heads) ? [...heads, ...tail] : concat([heads, toTensor(Int32Array.from(tail) as unknown as TensorLike, 'int32')], 0);

/** _fspecial_gauss as a [size, size, c, 1] depthwise filter (the [size, size, 1, 1] kernel tiled over c). */
function gaussKernel(size: number, sigma: number, c: number): Tensor {
  const g: number[] = [];
  const half = (size - 1) / 2;
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) g.push((-0.5 * ((i - half) ** 2 + (j - half) ** 2)) / (sigma * sigma));
  const m = Math.max(...g);
  const e = g.map((v) => Math.exp(v - m));
  const z = e.reduce((p, v) => p + v, 0);
  const k = toTensor(new NDArray(Float32Array.from(e, (v) => v / z), [size, size, 1, 1], 'float32') as unknown as TensorLike);
  return tile(k, [1, 1, c, 1]);
}

interface SsimParams { maxVal: Tensor; filterSize: number; filterSigma: number; k1: number; k2: number }

/** _ssim_per_channel: per-channel SSIM and contrast-structure, shape [..., c]. */
function ssimPerChannel(img1: Tensor, img2: Tensor, p: SsimParams, fn: string): [Tensor, Tensor] {
  const [h, w, c] = tailOf(img1, fn);
  tailOf(img2, fn);
  if (h < p.filterSize || w < p.filterSize) {
    throw new ValueError(`${fn}: the images' height and width (${h}, ${w}) must be at least filter_size (${p.filterSize})`);
  }
  const kernel = gaussKernel(p.filterSize, p.filterSigma, c);
  const [ho, wo] = [h - p.filterSize + 1, w - p.filterSize + 1];
  const reducer = (x: Tensor): Tensor => {
    const heads = headsOf(x);
    const flat = reshape(x, [-1, h, w, c]);
    const y = depthwiseConv2d(flat, kernel, [1, 1, 1, 1], 'VALID');
    return reshape(y, withTail(heads, [ho, wo, c]));
  };
  const c1 = square(multiply(p.maxVal, p.k1));
  const c2 = square(multiply(p.maxVal, p.k2));
  const mean0 = reducer(img1);
  const mean1 = reducer(img2);
  const num0 = multiply(multiply(mean0, mean1), 2);
  const den0 = add(square(mean0), square(mean1));
  const luminance = divide(add(num0, c1), add(den0, c1));
  const num1 = multiply(reducer(multiply(img1, img2)), 2);
  const den1 = reducer(add(square(img1), square(img2)));
  const cs = divide(add(subtract(num1, num0), c2), add(subtract(den1, den0), c2));
  return [reduceMean(multiply(luminance, cs), [-3, -2]), reduceMean(cs, [-3, -2])];
}

/** Both images and max_val as float32, the way TF's functions start. */
function prepare(o: Opt, fn: string): [Tensor, Tensor, Tensor] {
  const a0 = toTensor(o.img1 as TensorLike);
  const b0 = toTensor(o.img2 as TensorLike);
  verifyCompatible(a0, b0);
  if (o.maxVal === undefined || o.maxVal === null) throw new TypeError(`${fn}() missing required argument 'max_val'`);
  const maxVal = convertImageDtype(cast(toTensor(o.maxVal as TensorLike), a0.dtype), 'float32');
  return [convertImageDtype(a0, 'float32'), convertImageDtype(b0, 'float32'), maxVal];
}

function ssimParams(o: Opt, maxVal: Tensor): SsimParams {
  const filterSize = (o.filterSize as number | undefined) ?? 11;
  if (!Number.isInteger(filterSize) || filterSize < 1) throw new ValueError(`filter_size must be a positive integer, got ${String(o.filterSize)}`);
  return { maxVal, filterSize, filterSigma: (o.filterSigma as number | undefined) ?? 1.5, k1: (o.k1 as number | undefined) ?? 0.01, k2: (o.k2 as number | undefined) ?? 0.03 };
}

/**
 * `tf.image.psnr(a, b, max_val, name?)`: 20·log10(max_val) − 10·log10(MSE) over the last three
 * dims, float32.
 */
export function psnr(...args: unknown[]): Tensor {
  const o = kwargs(args, ['a', 'b', 'maxVal', 'name'], 'image.psnr', 3);
  const g = toTensor(o.a as TensorLike).graph;
  return g.nameScope((o.name as string | undefined) ?? 'PSNR', () => {
    const [a, b, maxVal] = prepare({ img1: o.a, img2: o.b, maxVal: o.maxVal }, 'psnr');
    const mse = reduceMean(squaredDifference(a, b), [-3, -2, -1]);
    const ln10 = Math.log(10);
    return subtract(divide(multiply(log(maxVal), 20), ln10), multiply(log(mse), Math.fround(10 / ln10)), 'psnr');
  });
}

/**
 * `tf.image.ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03)`: the
 * mean SSIM over the image and its channels, shape of the broadcast batch dims.
 */
export function ssim(...args: unknown[]): Tensor {
  const o = kwargs(args, ['img1', 'img2', 'maxVal', 'filterSize', 'filterSigma', 'k1', 'k2'], 'image.ssim', 3);
  const g = toTensor(o.img1 as TensorLike).graph;
  return g.nameScope('SSIM', () => {
    const [a, b, maxVal] = prepare(o, 'ssim');
    const [perChannel] = ssimPerChannel(identity(a), b, ssimParams(o, maxVal), 'ssim');
    return reduceMean(perChannel, [-1]);
  });
}

/**
 * `tf.image.ssimMultiscale(img1, img2, max_val, power_factors=_MSSSIM_WEIGHTS, filter_size=11,
 * filter_sigma=1.5, k1=0.01, k2=0.03)`: Π relu(cs_k)^w_k over the first scales times
 * relu(ssim)^w at the last one, averaged over channels.
 */
export function ssimMultiscale(...args: unknown[]): Tensor {
  const o = kwargs(args, ['img1', 'img2', 'maxVal', 'powerFactors', 'filterSize', 'filterSigma', 'k1', 'k2'], 'image.ssimMultiscale', 3);
  const g = toTensor(o.img1 as TensorLike).graph;
  return g.nameScope('MS-SSIM', () => {
    const [a, b, maxVal] = prepare(o, 'ssimMultiscale');
    const weights = (o.powerFactors as number[] | undefined) ?? MSSSIM_WEIGHTS;
    if (!Array.isArray(weights) || weights.length === 0) throw new ValueError('ssimMultiscale: power_factors must be a non-empty list of numbers');
    const p = ssimParams(o, maxVal);
    let imgs = [a, b];
    const heads = imgs.map(headsOf);
    const mcs: Tensor[] = [];
    let ssimLast: Tensor | null = null;
    for (let k = 0; k < weights.length; k++) {
      g.nameScope(`Scale${k}`, () => {
        if (k > 0) {
          imgs = imgs.map((x, i) => {
            const [h, w, c] = tailOf(x, 'ssimMultiscale');
            let flat = reshape(x, [-1, h, w, c]);
            if (h % 2 !== 0 || w % 2 !== 0) flat = pad(flat, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]], 'SYMMETRIC');
            const down = avgPool(flat, [1, 2, 2, 1], [1, 2, 2, 1], 'VALID');
            return reshape(down, withTail(heads[i]!, [Math.floor((h + 1) / 2), Math.floor((w + 1) / 2), c]));
          });
        }
        const [s, cs] = ssimPerChannel(imgs[0]!, imgs[1]!, p, 'ssimMultiscale');
        ssimLast = s;
        mcs.push(relu(cs));
      });
    }
    mcs.pop();
    const all = stack([...mcs, relu(ssimLast!)], -1);
    const pf = toTensor(Float32Array.from(weights) as unknown as TensorLike, 'float32');
    return reduceMean(reduceProd(pow(all, pf), [-1]), [-1]);
  });
}
