/**
 * `dataset.unbatch()` (and `tf.data.experimental.unbatch()`): each element split along its
 * first dimension into that many elements, in order. Every component must have that
 * dimension, of one size per element.
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import { pyShape } from '../shape.js';
import { Dataset, type ElementSpec, type IterContext, type Stage, UnaryDataset, row } from './dataset.js';
import { sparseStarts } from './nest.js';
import { elementSlices, slicedSparseShapes } from './sparse-components.js';

class UnbatchDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset) {
    super(input);
    const sparse = sparseStarts(input.spec.structure);
    input.spec.shapes.forEach((s, c) => {
      if (s !== null && s.length === 0 && ![...sparse].some((k) => c >= k && c < k + 3)) throw new ValueError(`Cannot unbatch an input with scalar components (shape ${pyShape(s)}).`);
    });
    const shapes = input.spec.shapes.map((s) => (s === null ? null : s.slice(1)));
    // a SparseTensor component is split along its dense shape's first dimension
    for (const c of sparse) shapes.splice(c, 3, ...slicedSparseShapes(input.spec.shapes[c]!));
    this.spec = { ...input.spec, shapes };
    this.sparse = sparse;
  }
  private readonly sparse: ReadonlySet<number>;
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const sparse = this.sparse;
    let cur: ReturnType<typeof elementSlices> | null = null;
    let i = 0;
    let n = 0;
    return {
      *next() {
        while (cur === null || i >= n) {
          const el = yield* up.next();
          if (el === null) return null;
          const sl = elementSlices(el, sparse, row);
          const n0 = sl.sizes[0]![1];
          for (const [c, d] of sl.sizes) {
            if (d !== n0) throw new InvalidArgumentError(`Input element must have the same batch size in each component. Component 0 had size ${n0} but component ${c} had size ${d}.`);
          }
          cur = sl;
          i = 0;
          n = n0;
        }
        const k = i++;
        return cur.at(k);
      },
    };
  }
}

export function unbatchDataset(input: Dataset): Dataset {
  return new UnbatchDataset(input);
}

declare module './dataset.js' {
  interface Dataset {
    /** Split each element along its first dimension (the inverse of `batch`). */
    unbatch(): Dataset;
  }
}
Dataset.prototype.unbatch = function (this: Dataset) {
  return new UnbatchDataset(this);
};
