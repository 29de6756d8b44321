/**
 * `tf.IndexedSlices` (a sparse gradient: rows `values` at `indices` of a dense tensor shaped
 * `denseShape`) and the segment sums that turn one back into a dense tensor:
 * `tf.unsortedSegmentSum`, and the conversion TF1 applies wherever a dense tensor is needed.
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { type Dim, type PartialShape, isFullyDefined, sizeOf } from '../shape.js';
import { shapeFnError } from './array.js';
import { type TensorConvertible, type TensorLike, isHostValue, toTensor } from './convert.js';
import type { Lower, Val } from './lower.js';
import { defineOp, makeOp, registerGradient } from './registry.js';
import { NDArray } from '../ndarray.js';

/** TF1's `_LARGE_SPARSE_NUM_ELEMENTS`: converting more elements than this warns. */
const LARGE_SPARSE_NUM_ELEMENTS = 100_000_000;

/** What `denseShape` is known to hold at build time (a `tf.shape(x)` or a constant). */
function staticDenseShape(t: Tensor | null): PartialShape {
  if (t === null) return null;
  if (t.op.type === 'Shape') return t.op.inputs[0]!.shape;
  if (t.op.type === 'Const') return Array.from((t.op.attrs.value as NDArray).data);
  return t.shape === null || t.shape[0] === null ? null : new Array<Dim>(t.shape[0]).fill(null);
}

/**
 * A sparse representation of a dense tensor: `values[i]` is row `indices[i]` of it (rows that
 * repeat are summed). Gradients of `tf.gather` / `tf.nn.embeddingLookup` w.r.t. their params are
 * IndexedSlices; optimizers apply them with their sparse update rules. Wherever a dense tensor is
 * needed (an op input, a fetch) it converts to one, as TF1 does.
 */
export class IndexedSlices implements TensorConvertible {
  private dense: Tensor | null = null;

  constructor(
    readonly values: Tensor,
    readonly indices: Tensor,
    readonly denseShape: Tensor | null = null,
  ) {}

  get dtype(): Tensor['dtype'] {
    return this.values.dtype;
  }
  get name(): string {
    return this.values.name;
  }
  get op(): Operation {
    return this.values.op;
  }
  get graph(): Graph {
    return this.values.graph;
  }
  /** The static shape of the dense tensor this represents. */
  get shape(): PartialShape {
    const s = staticDenseShape(this.denseShape);
    if (s !== null) return s;
    const v = this.values.shape;
    return v === null ? null : [null, ...v.slice(1)];
  }

  /** The dense tensor (made once): TF1's `_IndexedSlicesToTensor`, with its memory warnings. */
  toTensor(): Tensor {
    if (this.dense) return this.dense;
    if (this.denseShape === null) throw new ValueError(`Tensor conversion requested for IndexedSlices without dense_shape: ${this}`);
    const s = staticDenseShape(this.denseShape);
    if (!isFullyDefined(s)) {
      console.warn('Converting sparse IndexedSlices to a dense Tensor of unknown shape. This may consume a large amount of memory.');
    } else if (sizeOf(s) >= LARGE_SPARSE_NUM_ELEMENTS) {
      console.warn(`Converting sparse IndexedSlices to a dense Tensor with ${sizeOf(s)} elements. This may consume a large amount of memory.`);
    }
    this.dense = makeOp(this.graph, 'IndexedSlicesToDense', [this.values, this.indices, this.denseShape], {}, undefined, 'UnsortedSegmentSum').outputs[0]!;
    return this.dense;
  }

  toString(): string {
    return `IndexedSlices(indices=${this.indices}, values=${this.values}${this.denseShape ? `, dense_shape=${this.denseShape}` : ''})`;
  }
}

/** A gradient or other value that may be sparse: its dense form. */
export function densify(x: Tensor | IndexedSlices): Tensor {
  return x instanceof IndexedSlices ? x.toTensor() : x;
}

// ----- segment sums ----------------------------------------------------------------------------

function checkIds(ids: Tensor, type: string): void {
  if (ids.dtype !== 'int32' && ids.dtype !== 'int64') {
    throw new TypeError(`Value passed to parameter 'segment_ids' has DataType ${ids.dtype} not in list of allowed values: int32, int64`);
  }
  void type;
}

/**
 * Segment ids as int32 [n], checked on the device: an id ≥ `numSegments` fails the run with
 * TF's `segment_ids[3] = 5 is out of range [0, 5)` (negative ids pass, to be dropped).
 */
export function checkSegmentIds(b: Lower, ids: Val, numSegments: number): Val {
  const n = sizeOf(ids.shape);
  const idx = b.reshape(b.cast(ids, 'int32'), [n]);
  if (n === 0) return idx;
  return b.prim('checkIndices', { n, limit: numSegments, allowNegative: true, name: 'segment_ids', shape: [...ids.shape] }, [idx], [{ dtype: 'int32', shape: [n] }])[0]!;
}

/** Sum rows of `data` ([...ids.shape, ...inner]) into `n` segments; negative ids are dropped. */
function segmentSum(b: Lower, data: Val, ids: Val, n: number): Val {
  const r = ids.shape.length;
  const inner = data.shape.slice(r);
  for (let i = 0; i < r; i++) {
    if (data.shape[i] !== ids.shape[i]) {
      throw new InvalidArgumentError(`data.shape = [${data.shape.join(',')}] does not start with segment_ids.shape = [${ids.shape.join(',')}]`, b.opName);
    }
  }
  const nIdx = sizeOf(ids.shape);
  const flat = b.reshape(data, [nIdx, ...inner]);
  const idx = checkSegmentIds(b, ids, n);
  // Negative ids go to one extra segment that is sliced off.
  const neg = b.binary('less', idx, b.scalar(0, 'int32'));
  const routed = b.select(neg, b.scalar(n, 'int32'), idx);
  const summed = b.scatterAdd(flat, routed, 0, n + 1);
  return b.slice(summed, summed.shape.map(() => 0), [n, ...inner]);
}

defineOp<{ numSegments: number | null }>({
  type: 'UnsortedSegmentSum',
  infer: (ins, a, name) => {
    const [data, ids] = ins as [Tensor, Tensor];
    checkIds(ids, 'UnsortedSegmentSum');
    const d = data.shape;
    const s = ids.shape;
    const shapes: PartialShape[] = [d, s, []];
    if (d !== null && s !== null) {
      if (s.length > d.length) {
        throw shapeFnError(`Shape must be at least rank ${s.length} but is rank ${d.length}`, name, 'UnsortedSegmentSum', shapes);
      }
      for (let i = 0; i < s.length; i++) {
        if (s[i] !== null && d[i] !== null && s[i] !== d[i]) {
          throw shapeFnError(`Dimension ${i} in both shapes must be equal, but are ${d[i]} and ${s[i]}. Shapes are [${d.slice(0, s.length).map((x) => x ?? '?').join(',')}] and [${s.map((x) => x ?? '?').join(',')}].`, name, 'UnsortedSegmentSum', shapes);
        }
      }
    }
    const n = a.numSegments;
    if (d === null || s === null) return [{ dtype: data.dtype, shape: null }];
    return [{ dtype: data.dtype, shape: [n, ...d.slice(s.length)] }];
  },
  lower: (b, [data, ids, num], a) => {
    let n = a.numSegments;
    if (n === null) {
      const v = b.requireValue(num!, () => new InvalidArgumentError('UnsortedSegmentSum needs num_segments known when the plan is built (a constant or derived from tensor shapes)', b.opName));
      n = v.data[0]!;
    }
    return [segmentSum(b, data!, ids!, n)];
  },
});

/** `params` rows at `ids`, zeros where an id is negative (TF's `_GatherDropNegatives`). */
defineOp({
  type: 'GatherDropNegatives',
  infer: ([p, ids]) => [{ dtype: p!.dtype, shape: p!.shape === null || ids!.shape === null ? null : [...ids!.shape, ...p!.shape.slice(1)] }],
  lower: (b, [p, ids]) => {
    const n = p!.shape[0]!;
    const idx = b.cast(ids!, 'int32');
    const padded = b.concat([p!, b.fill([1, ...p!.shape.slice(1)], 0, p!.dtype)], 0);
    const routed = b.select(b.binary('less', idx, b.scalar(0, 'int32')), b.scalar(n, 'int32'), idx);
    return [b.gather(padded, routed, 0)];
  },
});
registerGradient('GatherDropNegatives', null);

registerGradient('UnsortedSegmentSum', (op, [dy]) => {
  if (!dy) return op.inputs.map(() => null);
  const g = makeOp(dy.graph, 'GatherDropNegatives', [dy, op.inputs[1]!], {}, undefined, 'GatherDropNegatives').outputs[0]!;
  return [g, ...op.inputs.slice(1).map(() => null)];
});

/** IndexedSlices → dense: values summed into zeros shaped by the value of `denseShape`. */
defineOp({
  type: 'IndexedSlicesToDense',
  infer: ([values, indices, shape]) => {
    checkIds(indices!, 'IndexedSlicesToDense');
    const s = staticDenseShape(shape!);
    const v = values!.shape;
    return [{ dtype: values!.dtype, shape: s ?? (v === null ? null : [null, ...v.slice(1)]) }];
  },
  lower: (b, [values, indices, shape]) => {
    const v = b.requireValue(shape!, () => new InvalidArgumentError('IndexedSlices dense_shape must be known when the plan is built (a constant or tf.shape of a tensor)', b.opName));
    const dense = Array.from(v.data);
    return [b.reshape(segmentSum(b, values!, indices!, dense[0]!), dense)];
  },
});
registerGradient('IndexedSlicesToDense', (op, [dy]) => [
  dy ? makeOp(dy.graph, 'GatherDropNegatives', [dy, op.inputs[1]!], {}, undefined, 'GatherDropNegatives').outputs[0]! : null,
  null,
  null,
]);

/**
 * `tf.unsortedSegmentSum(data, segmentIds, numSegments)`: `out[j] = Σ data[i]` over the `i` with
 * `segmentIds[i] == j`; ids may be any leading dims of `data`, negative ids are dropped.
 * `numSegments` is a number or a scalar tensor known when the plan is built.
 */
export function unsortedSegmentSum(data: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor, name?: string): Tensor {
  const d = toTensor(data);
  const ids = toTensor(segmentIds, isHostValue(segmentIds) && !(segmentIds instanceof NDArray) ? 'int32' : undefined);
  if (typeof numSegments === 'number') {
    if (!Number.isInteger(numSegments) || numSegments < 0) throw new ValueError(`num_segments must be a non-negative integer, got ${numSegments}`);
    return makeOp(d.graph, 'UnsortedSegmentSum', [d, ids], { numSegments }, name, 'UnsortedSegmentSum').outputs[0]!;
  }
  const n = toTensor(numSegments);
  return makeOp(d.graph, 'UnsortedSegmentSum', [d, ids, n], { numSegments: null }, name, 'UnsortedSegmentSum').outputs[0]!;
}
