/**
 * `dataset.unbatch()` (and `tf.data.experimental.unbatch()`): each element split along its
 * first dimension into that many elements, in order. Every component must have that
 * dimension, of one size per element.
 */
import { InvalidArgumentError, ValueError } from '../errors.js';
import { pyShape } from '../shape.js';
import { Dataset, type Element, type ElementSpec, type IterContext, type Stage, UnaryDataset, row } from './dataset.js';
import { refuseSparse } from './nest.js';

class UnbatchDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset) {
    super(input);
    refuseSparse(input.spec.structure, 'unbatch');
    input.spec.shapes.forEach((s) => {
      if (s !== null && s.length === 0) throw new ValueError(`Cannot unbatch an input with scalar components (shape ${pyShape(s)}).`);
    });
    this.spec = { ...input.spec, shapes: input.spec.shapes.map((s) => (s === null ? null : s.slice(1))) };
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    let cur: Element | null = null;
    let i = 0;
    let n = 0;
    return {
      *next() {
        while (cur === null || i >= n) {
          const el = yield* up.next();
          if (el === null) return null;
          for (const [c, a] of el.entries()) {
            if (a.shape.length === 0) throw new InvalidArgumentError(`Input element must have a non-scalar value in each component (component ${c} is a scalar).`);
            if (a.shape[0] !== el[0]!.shape[0]) throw new InvalidArgumentError(`Input element must have the same batch size in each component. Component 0 had size ${el[0]!.shape[0]} but component ${c} had size ${a.shape[0]}.`);
          }
          cur = el;
          i = 0;
          n = el[0]!.shape[0]!;
        }
        const k = i++;
        return cur.map((a) => row(a, k));
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
