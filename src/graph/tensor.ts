/** Symbolic graph elements: operations and the tensors they output. */
import type { DType } from '../dtype.js';
import { type PartialShape, pyShape } from '../shape.js';
import type { Graph } from './graph.js';
import { type ShapeLike, TensorShape, asShape } from './tensor-shape.js';
import { ValueError } from '../errors.js';
import { opToNodeDefs } from '../graphdef/export.js';
import type { NodeDef } from '../proto/framework.js';

export type Attrs = Record<string, unknown>;

export class Operation {
  /** Creation index in the graph: a stable topological tie-breaker. */
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly inputs: readonly Tensor[];
  readonly controlInputs: readonly Operation[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Attrs>;
  readonly device: string;
  readonly graph: Graph;

  constructor(
    graph: Graph,
    id: number,
    name: string,
    type: string,
    inputs: Tensor[],
    controlInputs: Operation[],
    outputs: { dtype: DType; shape: PartialShape }[],
    attrs: Attrs,
    device: string,
  ) {
    this.graph = graph;
    this.id = id;
    this.name = name;
    this.type = type;
    this.inputs = inputs;
    this.controlInputs = controlInputs;
    this.attrs = attrs;
    this.device = device;
    this.outputs = outputs.map((o, i) => new Tensor(this, i, o.dtype, o.shape));
  }

  toString(): string {
    return `name: "${this.name}"\nop: "${this.type}"`;
  }

  /** TF1's `op.node_def`: this op's NodeDef as `graph.asGraphDef()` writes it. */
  get nodeDef(): NodeDef {
    return opToNodeDefs(this).at(-1)!;
  }
}

export class Tensor {
  readonly op: Operation;
  readonly index: number;
  readonly dtype: DType;
  /** Static shape; dims may be `null`, and `null` is an unknown rank. */
  readonly shape: PartialShape;

  constructor(op: Operation, index: number, dtype: DType, shape: PartialShape) {
    this.op = op;
    this.index = index;
    this.dtype = dtype;
    this.shape = shape;
  }

  get name(): string {
    return `${this.op.name}:${this.index}`;
  }
  get graph(): Graph {
    return this.op.graph;
  }
  get rank(): number | null {
    return this.shape === null ? null : this.shape.length;
  }
  /** TF1's `tensor.get_shape()` (also `tensor.shape` in TF): the static shape as a `tf.TensorShape`. */
  getShape(): TensorShape {
    return new TensorShape(this.shape);
  }
  /**
   * TF1's `tensor.set_shape(shape)`: refine the static shape with what the program knows (ops
   * built afterwards see it), merged with the inferred one, TF's error when they conflict. As
   * in TF, nothing is checked when the graph runs.
   */
  setShape(shape: ShapeLike): void {
    const mine = new TensorShape(this.shape);
    const theirs = asShape(shape);
    if (mine.dims !== null && theirs.dims !== null) {
      if (mine.dims.length !== theirs.dims.length) {
        throw new ValueError(`Shapes must be equal rank, but are ${mine.dims.length} and ${theirs.dims.length}`);
      }
      mine.dims.forEach((d, i) => {
        const o = theirs.dims![i]!;
        if (!d.isCompatibleWith(o)) {
          throw new ValueError(`Dimension ${i} in both shapes must be equal, but are ${d.value} and ${o.value}. Shapes are ${cShapeOf(mine)} and ${cShapeOf(theirs)}.`);
        }
      });
    }
    (this as { shape: PartialShape }).shape = mine.mergeWith(theirs).toPartialShape();
  }
  /** Python's repr: `<tf.Tensor 'Placeholder:0' shape=(?, 4) dtype=float32>`. */
  toString(): string {
    return `Tensor("${this.name}", shape=${pyShape(this.shape)}, dtype=${this.dtype})`;
  }
}

/** TF's C++ shape text: `[2,?]`. */
function cShapeOf(s: TensorShape): string {
  return s.dims === null ? '?' : `[${s.dims.map((d) => (d.value === null ? '?' : d.value)).join(',')}]`;
}
