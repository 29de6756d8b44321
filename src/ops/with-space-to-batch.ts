/**
 * TF1's space-to-batch helpers for dilated ops: tf.requiredSpaceToBatchPaddings (the paddings
 * making each padded spatial dim a multiple of its block, and the crops undoing the extra) and
 * tf.nn.withSpaceToBatch (run `op` VALID on the space-to-batch input, then batch-to-space back).
 */
import { ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { tf1Function } from '../args.js';
import { foldConst } from '../graphdef/import-rules.js';
import { gather, shape as shapeOf, stack } from './array.js';
import { constant } from './core.js';
import { type TensorLike, toTensor } from './convert.js';
import { add, mod, subtract } from './math.js';
import { batchToSpaceNd, spaceToBatchNd } from './space-batch.js';

type Ints = readonly number[] | readonly (readonly number[])[] | Tensor;

/** The value of `v` as numbers when it is known while the graph is built. */
function known(v: Ints | TensorLike | null | undefined): number[] | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Tensor) {
    const c = foldConst(v);
    return c ? Array.from(c.data, Number) : null;
  }
  if (Array.isArray(v)) return (v as unknown[]).flat(2).map(Number);
  if (typeof v === 'number') return [v];
  return null;
}

function requiredImpl(inputShape: Ints, blockShape: Ints, basePaddings?: Ints | null, name?: string): [Tensor, Tensor] {
  const bs = blockShape instanceof Tensor ? blockShape : null;
  if (bs && (bs.shape === null || bs.shape.some((d) => d === null))) throw new ValueError(`Shape ${bs.shape === null ? '<unknown>' : `(${bs.shape.map((d) => d ?? '?').join(', ')})`} is not fully defined`);
  if (bs && bs.shape!.length !== 1) throw new ValueError(`Shape (${bs.shape!.join(', ')}) must have rank 1`);
  const kb = known(blockShape);
  const n = bs ? bs.shape![0]! : kb!.length;
  return toTensor(0).graph.nameScope(name ?? 'required_space_to_batch_paddings', () => {
    if (n === 0) return [constant([], 'int32', [0, 2]), constant([], 'int32', [0, 2])] as [Tensor, Tensor];
    const ki = known(inputShape);
    const kp = basePaddings === undefined || basePaddings === null ? new Array<number>(2 * n).fill(0) : known(basePaddings);
    if (ki && ki.length !== n) throw new ValueError(`Shapes (${ki.length},) and (${n},) are incompatible`);
    if (kp && kp.length !== 2 * n) throw new ValueError(`Shapes (${kp.length / 2}, 2) and (${n}, 2) are incompatible`);
    if (kb && ki && kp) {
      if (kb.some((b) => b < 1)) throw new ValueError(`block_shape must be positive, got ${JSON.stringify(kb)}`);
      const extra = kb.map((b, i) => (b - ((ki[i]! + kp[2 * i]! + kp[2 * i + 1]!) % b)) % b);
      const paddings = kb.map((_, i) => [kp[2 * i]!, kp[2 * i + 1]! + extra[i]!]);
      const crops = extra.map((e) => [0, e]);
      return [constant(paddings, 'int32', undefined, 'paddings'), constant(crops, 'int32', undefined, 'crops')] as [Tensor, Tensor];
    }
    // some value known only at run time: the same arithmetic as tensors
    const block = toTensor(blockShape as TensorLike, 'int32');
    const input = toTensor(inputShape as TensorLike, 'int32');
    const base = basePaddings === undefined || basePaddings === null ? constant(new Array<number>(2 * n).fill(0), 'int32', [n, 2]) : toTensor(basePaddings as TensorLike, 'int32');
    const start = gather(base, 0, { axis: 1 });
    const origEnd = gather(base, 1, { axis: 1 });
    const full = add(add(input, start), origEnd);
    const extra = mod(subtract(block, mod(full, block)), block);
    const end = add(origEnd, extra);
    return [stack([start, end], 1, 'paddings'), stack([subtract(extra, extra), extra], 1, 'crops')] as [Tensor, Tensor];
  });
}
/**
 * `tf.requiredSpaceToBatchPaddings(inputShape, blockShape, basePaddings?, name?)` → `[paddings,
 * crops]`, both int32 [n, 2]: paddings = base + the extra end padding making `inputShape + base`
 * a multiple of `blockShape`; crops = [0, extra]. Constants when every input is known.
 */
export const requiredSpaceToBatchPaddings = tf1Function(
  'requiredSpaceToBatchPaddings', ['inputShape', 'blockShape', 'basePaddings', 'name'], requiredImpl, 2);

/** TF's `_with_space_to_batch_adjust`: values at spatial dims (1-based, batch excluded), `fill` between. */
function adjust(orig: number[][], fill: number[], spatialDims: number[]): number[][] {
  const out: number[][] = [];
  for (let d = 1; d <= spatialDims[spatialDims.length - 1]!; d++) {
    const i = spatialDims.indexOf(d);
    out.push(i >= 0 ? orig[i]! : fill);
  }
  return out;
}

type SpaceOp = (input: Tensor, numSpatialDims: number, padding: 'VALID' | 'SAME') => Tensor;
/**
 * `tf.nn.withSpaceToBatch(input, dilationRate, padding, op, filterShape?, spatialDims?,
 * dataFormat?)`: `op(input, numSpatialDims, padding)` when every rate is 1; otherwise `op` runs
 * VALID on spaceToBatchNd(input) padded for the dilated filter (SAME) and to a multiple of the
 * rate, and its result goes back through batchToSpaceNd. `dilationRate` (and `filterShape`) must
 * be known when the graph is built.
 */
export const withSpaceToBatch = tf1Function(
  'nn.withSpaceToBatch', ['input', 'dilationRate', 'padding', 'op', 'filterShape', 'spatialDims', 'dataFormat'],
  (input: TensorLike, dilationRate: readonly number[] | Tensor, padding: string, op: SpaceOp, filterShape?: readonly number[] | Tensor | null, spatialDims?: readonly number[] | null, dataFormat?: string | null): Tensor => {
    const x = toTensor(input);
    if (typeof op !== 'function') throw new TypeError('nn.withSpaceToBatch(): op must be a function (input, num_spatial_dims, padding) => Tensor');
    if (dilationRate instanceof Tensor && dilationRate.shape !== null && dilationRate.shape.length !== 1) throw new ValueError('rate must be rank 1');
    const rate = known(dilationRate);
    if (rate === null) throw new ValueError('nn.withSpaceToBatch: dilation_rate must be known when the graph is built in tsflow');
    const n = rate.length;
    const startDim = dataFormat !== undefined && dataFormat !== null && dataFormat.startsWith('NC') ? 2 : 1;
    const dims = spatialDims ? [...spatialDims] : Array.from({ length: n }, (_, i) => i + startDim);
    if (dims.some((d, i) => d < 1 || (i > 0 && d <= dims[i - 1]!))) throw new ValueError('spatial_dims must be a montonically increasing sequence of positive integers');
    if (dims.length !== n) throw new ValueError(`spatial_dims must have ${n} entries (one per dilation rate), got ${dims.length}`);
    const rank = x.shape?.length ?? null;
    const last = dims[dims.length - 1]!;
    if (rank !== null && rank < last + 1) throw new ValueError(`input tensor must have rank ${last + 1} at least`);
    if (rate.some((r) => r < 1)) throw new ValueError(`dilation_rate must be positive`);
    if (rate.every((r) => r === 1)) return op(x, n, padding as 'VALID' | 'SAME');
    let base: number[][];
    if (padding === 'SAME') {
      if (filterShape === undefined || filterShape === null) throw new ValueError('filter_shape must be specified for SAME padding');
      const fs = known(filterShape);
      if (fs === null) throw new ValueError('nn.withSpaceToBatch: filter_shape must be known when the graph is built in tsflow');
      base = fs.map((k, i) => {
        const extra = k + (k - 1) * (rate[i]! - 1) - 1;
        return [Math.floor(extra / 2), extra - Math.floor(extra / 2)];
      });
    } else if (padding === 'VALID') {
      base = rate.map(() => [0, 0]);
    } else {
      throw new ValueError(`Invalid padding method '${padding}'`);
    }
    const sp = dims.map((d) => x.shape?.[d] ?? null);
    const spatialShape: Ints = sp.every((d) => d !== null) ? (sp as number[]) : gather(shapeOf(x), dims);
    const [paddings, crops] = requiredSpaceToBatchPaddings(spatialShape, rate, base);
    const contiguous = dims.every((d, i) => d === i + 1);
    let block: number[] | Tensor = rate;
    let pads: Tensor = paddings;
    let cr: Tensor = crops;
    if (!contiguous) {
      const kp = known(paddings);
      const kc = known(crops);
      if (kp === null || kc === null) throw new ValueError('nn.withSpaceToBatch: spatial dims other than 1..n need the input\'s spatial shape known when the graph is built in tsflow');
      const pairs = (v: number[]) => v.reduce<number[][]>((a, _, i) => (i % 2 ? a : [...a, [v[i]!, v[i + 1]!]]), []);
      block = adjust(rate.map((r) => [r]), [1], dims).map((v) => v[0]!);
      pads = constant(adjust(pairs(kp), [0, 0], dims), 'int32');
      cr = constant(adjust(pairs(kc), [0, 0], dims), 'int32');
    }
    const y = op(spaceToBatchNd(x, block, pads), n, 'VALID');
    return batchToSpaceNd(y, block, cr);
  }, 4);
