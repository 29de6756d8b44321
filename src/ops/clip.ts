/** Norms and clipping, as TF1 composes them: `tf.norm`, `globalNorm`, `clipByNorm`, `clipByGlobalNorm`. */
import { UnimplementedError, ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { onesLike, squeeze, stack } from './array.js';
import { constant, identity } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { IndexedSlices } from './indexed-slices.js';
import {
  abs, divide, maximum, minimum, multiply, pow, reduceMax, reduceSum, sqrt, subtract, add, greater, where,
} from './math.js';
import { getDefaultGraph } from '../graph/context.js';
import { kwargs, tf1Function } from '../args.js';
import { cast, rsqrt } from './math.js';
import { size } from './array.js';
import { l2Loss } from './nn.js';

export type NormOrd = 'euclidean' | 'fro' | number;

export interface NormOptions {
  ord?: NormOrd;
  axis?: number | [number, number] | null;
  keepdims?: boolean;
  name?: string;
}

/**
 * `tf.norm(tensor, ord = 'euclidean', axis = null, keepdims = false)`: vector norms (`ord` 1, 2,
 * `Infinity` or any p > 0) over one axis or all elements, matrix norms (`'fro'`, 1, `Infinity`)
 * over a pair of axes.
 */
export function norm(tensor: TensorLike, ord?: NormOrd | NormOptions, axis?: number | [number, number] | null, keepdims?: boolean, name?: string): Tensor {
  let o: NormOptions = { ord: ord as NormOrd | undefined, axis, keepdims, name };
  if (ord !== null && typeof ord === 'object') o = ord;
  const ordV = o.ord ?? 'euclidean';
  const ax = o.axis ?? null;
  const isMatrix = Array.isArray(ax) && ax.length === 2;
  if (isMatrix) {
    if (!Number.isInteger(ax[0]) || !Number.isInteger(ax[1]) || ax[0] === ax[1]) {
      throw new ValueError(`'axis' must be None, an integer, or a tuple of 2 unique integers, got (${ax.join(', ')})`);
    }
    if (!['euclidean', 'fro', 1, 2, Infinity].includes(ordV)) {
      throw new ValueError(`'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got ${String(ordV)}`);
    }
    if (ordV === 2) throw new UnimplementedError('the matrix 2-norm (ord 2 over two axes) needs an SVD, which tsflow does not have');
  } else {
    if (!(ax === null || Number.isInteger(ax))) {
      throw new ValueError(`'axis' must be None, an integer, or a tuple of 2 unique integers, got ${Array.isArray(ax) ? `(${ax.join(', ')})` : String(ax)}`);
    }
    if (ordV === 'fro' || (typeof ordV === 'number' && !(ordV > 0)) || (typeof ordV === 'string' && ordV !== 'euclidean')) {
      throw new ValueError(`'ord' must be a supported vector norm, got ${String(ordV)}`);
    }
  }
  const axes: number[] | null = ax === null ? null : isMatrix ? [...(ax as number[])] : [ax as number];
  const t = toTensor(tensor);
  return t.graph.nameScope(o.name ?? 'norm', () => {
    let result: Tensor;
    if (ordV === 'fro' || ordV === 'euclidean' || ordV === 2) {
      result = sqrt(reduceSum(multiply(t, t), axes, true));
    } else {
      result = abs(t);
      if (ordV === 1) {
        result = reduceSum(result, axes === null ? null : axes[0], true);
        if (isMatrix) result = reduceMax(result, axes![1], true);
      } else if (ordV === Infinity) {
        if (isMatrix) result = reduceSum(result, axes![1], true);
        result = reduceMax(result, axes === null ? null : axes[0], true);
      } else {
        result = pow(reduceSum(pow(result, ordV), axes, true), 1 / ordV);
      }
    }
    return o.keepdims ? result : squeeze(result, axes);
  });
}

function valuesOf(t: Tensor | IndexedSlices | TensorLike): Tensor {
  return t instanceof IndexedSlices ? t.values : toTensor(t as TensorLike);
}

/**
 * `tf.clipByNorm(t, clipNorm, axes?)`: `t * clipNorm / max(l2norm(t, axes), clipNorm)`, with
 * TF's NaN-free gradient at t = 0. IndexedSlices are clipped row-wise on their values.
 */
export function clipByNorm<T extends TensorLike | IndexedSlices>(t: T, clipNorm: TensorLike, axes?: number | number[] | null, name?: string | null): T extends IndexedSlices ? IndexedSlices : Tensor;
export function clipByNorm<T extends TensorLike | IndexedSlices>(t: T, clipNorm: TensorLike, opts: ClipByNormOptions): T extends IndexedSlices ? IndexedSlices : Tensor;
export function clipByNorm<T extends TensorLike | IndexedSlices>(t: T, opts: ClipByNormOptions & { clipNorm: TensorLike }): T extends IndexedSlices ? IndexedSlices : Tensor;
export function clipByNorm<T extends TensorLike | IndexedSlices>(opts: ClipByNormOptions & { t: T; clipNorm: TensorLike }): T extends IndexedSlices ? IndexedSlices : Tensor;
export function clipByNorm(...args: unknown[]): Tensor | IndexedSlices {
  const o = kwargs(args, ['t', 'clipNorm', 'axes', 'name'], 'clipByNorm', 2);
  const t = o.t as TensorLike | IndexedSlices;
  const clipNorm = o.clipNorm as TensorLike;
  const axes = (o.axes ?? null) as number | number[] | null;
  const name = (o.name ?? undefined) as string | undefined;
  const v = valuesOf(t);
  return v.graph.nameScope(name ?? 'clip_by_norm', (scope) => {
    const cn = toTensor(clipNorm, v.dtype);
    const l2sum = reduceSum(multiply(v, v), axes, true);
    const pred = greater(l2sum, 0);
    const l2sumSafe = where(pred, l2sum, onesLike(l2sum));
    const l2norm = where(pred, sqrt(l2sumSafe), l2sum);
    const intermediate = multiply(v, cn);
    if (v.shape !== null && intermediate.shape !== null && v.shape.length !== intermediate.shape.length) {
      throw new ValueError(`Shapes ${String(v.shape)} and ${String(intermediate.shape)} are incompatible`);
    }
    const clipped = identity(divide(intermediate, maximum(l2norm, cn)), scope);
    return t instanceof IndexedSlices ? new IndexedSlices(clipped, t.indices, t.denseShape) : clipped;
  });
}

export interface ClipByNormOptions {
  axes?: number | number[] | null;
  name?: string | null;
}

/**
 * `tf.clipByAverageNorm(t, clipNorm, name=None)`: `t * clipNorm / max(l2norm(t) / size(t),
 * clipNorm)`, computed as TF1 does with `rsqrt` of the sum of squares.
 */
export const clipByAverageNorm = tf1Function('clipByAverageNorm', ['t', 'clipNorm', 'name'], function clipByAverageNorm(
  t: TensorLike, clipNorm: TensorLike, name?: string | null,
): Tensor {
  const v = toTensor(t);
  return v.graph.nameScope(name ?? 'clip_by_average_norm', (scope) => {
    const cn = toTensor(clipNorm, v.dtype);
    const nElement = cast(size(v), v.dtype);
    const l2normInv = rsqrt(reduceSum(multiply(v, v), null));
    return identity(multiply(multiply(v, cn), minimum(multiply(l2normInv, nElement), divide(constant(1, v.dtype), cn))), scope);
  });
}, 2);

type MaybeGrad = Tensor | IndexedSlices | TensorLike | null | undefined;

function checkList(tList: unknown): asserts tList is readonly MaybeGrad[] {
  if (!Array.isArray(tList)) throw new TypeError('t_list should be a sequence');
}

/** `tf.globalNorm(tList)`: `sqrt(Σ ‖t‖²)` over the non-null entries (IndexedSlices by their values). */
export const globalNorm = tf1Function('globalNorm', ['tList', 'name'], function globalNorm(tList: readonly MaybeGrad[], name?: string | null): Tensor {
  checkList(tList);
  const present = tList.filter((t) => t !== null && t !== undefined);
  const g = present.length ? valuesOf(present[0]!).graph : getDefaultGraph();
  return g.nameScope(name ?? 'global_norm', () => {
    const values = present.map((t) => valuesOf(t!));
    if (values.length === 0) throw new ValueError('global_norm needs at least one tensor that is not null');
    const halfSquared = reduceSum(stack(values.map((v) => l2Loss(v))));
    return sqrt(multiply(halfSquared, constant(2, halfSquared.dtype)), 'global_norm');
  });
}, 1);

export interface ClipByGlobalNormOptions {
  useNorm?: TensorLike | null;
  name?: string | null;
}

/**
 * `tf.clipByGlobalNorm(tList, clipNorm, {useNorm, name})` → `[clipped, globalNorm]`: every entry
 * scaled by `clipNorm / max(globalNorm, clipNorm)`; `null` entries stay `null`, IndexedSlices stay
 * IndexedSlices. A non-finite norm makes every clipped value NaN, as in TF1.
 */
export function clipByGlobalNorm(
  tList: readonly MaybeGrad[], clipNorm: TensorLike, useNorm?: TensorLike | null, name?: string | null,
): [(Tensor | IndexedSlices | null)[], Tensor];
export function clipByGlobalNorm(tList: readonly MaybeGrad[], clipNorm: TensorLike, opts: ClipByGlobalNormOptions): [(Tensor | IndexedSlices | null)[], Tensor];
export function clipByGlobalNorm(tList: readonly MaybeGrad[], opts: ClipByGlobalNormOptions & { clipNorm: TensorLike }): [(Tensor | IndexedSlices | null)[], Tensor];
export function clipByGlobalNorm(opts: ClipByGlobalNormOptions & { tList: readonly MaybeGrad[]; clipNorm: TensorLike }): [(Tensor | IndexedSlices | null)[], Tensor];
export function clipByGlobalNorm(...args: unknown[]): [(Tensor | IndexedSlices | null)[], Tensor] {
  const a = kwargs(args, ['tList', 'clipNorm', 'useNorm', 'name'], 'clipByGlobalNorm', 2);
  const tList = a.tList as readonly MaybeGrad[];
  const clipNorm = a.clipNorm as TensorLike;
  checkList(tList);
  const opts: ClipByGlobalNormOptions = { useNorm: a.useNorm as TensorLike | null | undefined, name: (a.name ?? undefined) as string | undefined };
  const norm = opts.useNorm === undefined || opts.useNorm === null ? globalNorm(tList, opts.name ?? undefined) : toTensor(opts.useNorm);
  return [
    norm.graph.nameScope(opts.name ?? 'clip_by_global_norm', (scope) => {
      const base = scope.slice(0, -1).split('/').pop()!;
      const cn = toTensor(clipNorm, norm.dtype);
      const scaleForFinite = multiply(cn, minimum(divide(1, norm), divide(constant(1, norm.dtype), cn)));
      // Finite norms leave this unchanged; inf or NaN makes the scale NaN.
      const scale = add(scaleForFinite, subtract(norm, norm));
      return tList.map((t, i) => {
        if (t === null || t === undefined) return null;
        const v = valuesOf(t);
        const clipped = identity(multiply(v, scale), `${base}_${i}`);
        return t instanceof IndexedSlices ? new IndexedSlices(clipped, t.indices, t.denseShape) : clipped;
      });
    }),
    norm,
  ];
}
