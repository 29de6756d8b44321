/**
 * Partitioned variables (TF1's `tf.get_variable(..., partitioner=...)`): one variable cut along
 * one axis into `<name>/part_0`, `<name>/part_1`, …, each an ordinary Variable carrying a
 * SaveSliceInfo, so that a Saver writes them as slices of one checkpoint tensor `<name>` (which
 * another graph may restore with a different partitioning, or none). Used whole, a
 * PartitionedVariable is the concatenation of its parts; `tf.nn.embeddingLookup` looks rows up
 * in the parts directly.
 */
import type { DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import type { Graph } from '../graph/graph.js';
import { TensorShape } from '../graph/tensor-shape.js';
import { concat } from '../ops/array.js';
import type { TensorLike } from '../ops/convert.js';
import { identity } from '../ops/core.js';
import { split } from '../ops/split.js';
import type { Variable } from '../ops/variables.js';
import { type PartialShape, pyShape } from '../shape.js';

/**
 * TF1's `Variable.SaveSliceInfo`: where a partition lies in the full variable it is part of.
 * The checkpoint holds the full variable under `fullName`, this part as the slice `spec`.
 */
export class SaveSliceInfo {
  constructor(
    readonly fullName: string,
    readonly fullShape: readonly number[],
    readonly varOffset: readonly number[],
    readonly varShape: readonly number[],
  ) {}

  /** `"10 4 0,5:0,4"`: the full shape, then `offset,length` per dimension (SaveV2's shape_and_slices). */
  get spec(): string {
    return `${this.fullShape.join(' ')} ${this.varOffset.map((o, i) => `${o},${this.varShape[i]}`).join(':')}`;
  }

  /** The slice as the checkpoint stores it: `{start, length}` per dimension. */
  get extents(): { start: number; length: number }[] {
    return this.varOffset.map((start, i) => ({ start, length: this.varShape[i]! }));
  }
}

/** TF1's `_iter_slices`: the offset and shape of each of `numSlices` parts along `sliceDim`, the first ones one longer. */
export function iterSlices(fullShape: readonly number[], numSlices: number, sliceDim: number): { offset: number[]; shape: number[] }[] {
  const excess = fullShape[sliceDim]! % numSlices;
  const minLen = Math.floor(fullShape[sliceDim]! / numSlices);
  const offset = fullShape.map(() => 0);
  const out: { offset: number[]; shape: number[] }[] = [];
  for (let i = 0; i < numSlices; i++) {
    const shape = [...fullShape];
    shape[sliceDim] = minLen + (i < excess ? 1 : 0);
    out.push({ offset: [...offset], shape });
    offset[sliceDim]! += shape[sliceDim]!;
  }
  return out;
}

/** TF1's `_get_slice_dim_and_num_slices`: the one axis with more than one partition (axis 0, 1 slice when none). */
export function sliceDimAndNumSlices(partitions: readonly number[]): [number, number] {
  const d = partitions.findIndex((p) => p > 1);
  return d < 0 ? [0, 1] : [d, partitions[d]!];
}

/** `list(partitions)` as TF prints it: `[1, 3]`. */
const pyList = (xs: readonly number[]): string => `[${xs.join(', ')}]`;

/** TF1's `_call_partitioner`: the partitioner's answer for a new variable, checked with TF's texts. */
export function callPartitioner(partitioner: (shape: number[], dtype: DType) => number[], shape: PartialShape, dtype: DType): number[] {
  if (shape === null || shape.some((d) => d === null)) {
    throw new ValueError(`Shape of a new partitioned variable must be fully defined, but instead was ${pyShape(shape)}.`);
  }
  if (shape.length < 1) throw new ValueError(`A partitioned Variable must have rank at least 1, shape: ${pyShape(shape)}`);
  const slicing: unknown = partitioner([...(shape as number[])], dtype);
  if (!Array.isArray(slicing)) throw new ValueError(`Partitioner must return a sequence, but saw: ${String(slicing)}`);
  if (slicing.length !== shape.length) {
    throw new ValueError(`Partitioner returned a partition list that does not match the Variable's rank: ${pyList(slicing)} vs. ${pyShape(shape)}`);
  }
  if (slicing.some((p) => typeof p !== 'number' || !Number.isInteger(p))) {
    throw new ValueError(`Partitioner must return integers, but saw: ${pyList(slicing)}`);
  }
  if (slicing.some((p) => p < 1)) throw new ValueError(`Partitioner returned zero partitions for some axes: ${pyList(slicing)}`);
  if (slicing.filter((p) => p > 1).length > 1) {
    throw new ValueError(`Can only slice a variable along one dimension: shape: ${pyShape(shape)}, partitioning: ${pyList(slicing)}`);
  }
  return slicing as number[];
}

/**
 * TF1's `PartitionedVariable`: iterate it for its parts; anywhere a tensor is accepted it is the
 * concatenation of the parts (`asTensor()`), and `assign` splits a value over the parts.
 */
export class PartitionedVariable implements Iterable<Variable> {
  constructor(
    /** The full variable's name (no `:0`), the parts' checkpoint key. */
    readonly name: string,
    readonly shape: readonly number[],
    readonly dtype: DType,
    private readonly variableList: readonly Variable[],
    private readonly partitions: readonly number[],
  ) {
    if (variableList.length === 0) throw new ValueError('variable_list must be a non-empty list of Variables');
    if (variableList.length !== partitions.reduce((a, b) => a * b, 1)) {
      throw new ValueError(`variable_list length ${variableList.length} does not match partitions ${pyList(partitions)}`);
    }
  }

  [Symbol.iterator](): Iterator<Variable> {
    return this.variableList[Symbol.iterator]();
  }

  /** The number of partitions (TF's `len()`). */
  get length(): number {
    const axes = this.partitionAxes();
    if (axes.length > 1) throw new ValueError(`Cannot get a length for ${axes.length} > 1 partition axes`);
    return this.partitions[axes[0]!]!;
  }

  getShape(): TensorShape {
    return new TensorShape([...this.shape]);
  }
  get graph(): Graph {
    return this.variableList[0]!.graph;
  }
  /** The parts, in order (TF's `_get_variable_list`). */
  getVariableList(): Variable[] {
    return [...this.variableList];
  }
  /** Partitions per axis (TF's `_get_partitions`). */
  getPartitions(): number[] {
    return [...this.partitions];
  }

  private partitionAxes(): number[] {
    if (this.partitions.every((p) => p === 1)) return [0];
    return this.partitions.flatMap((p, i) => (p > 1 ? [i] : []));
  }

  /**
   * The full value: the parts concatenated along the partition axis under `<name>/ConcatPartitions/`,
   * then an Identity named `<name>` (the single part itself when there is one), outside any
   * control dependencies.
   */
  asTensor(): Tensor {
    return this.graph.controlDependencies(null, () => this.concat());
  }
  toTensor(): Tensor {
    return this.asTensor();
  }

  private concat(): Tensor {
    const g = this.graph;
    if (this.variableList.length === 1) return g.nameScope(null, () => identity(this.variableList[0]!.value(), this.name));
    const axes = this.partitionAxes();
    if (axes.length > 1) throw new ValueError(`Cannot concatenate along more than one dimension: ${pyList(axes)}.  Multi-axis partition concat is not supported`);
    const joined = g.nameScope(`${this.name}/ConcatPartitions/`, () => concat(this.variableList.map((v) => v.value()), axes[0]!));
    return g.nameScope(null, () => identity(joined, this.name));
  }

  private applyAssign(value: unknown, fn: (v: Variable, x: unknown) => Tensor | Operation): (Tensor | Operation)[] {
    const axes = this.partitionAxes();
    if (axes.length > 1) {
      throw new ValueError(`Cannot do assign action along more than one dimension: ${pyList(axes)}.  Multi-axis partition assign action is not supported `);
    }
    let values: unknown[];
    if (Array.isArray(value)) {
      if (value.length !== this.variableList.length) throw new ValueError(`Expected ${this.variableList.length} values to assign, got ${value.length}`);
      values = value;
    } else if (value instanceof PartitionedVariable) {
      values = [...value];
    } else {
      const ax = axes[0]!;
      values = split(value as TensorLike, this.variableList.map((v) => v.shape[ax]!), ax);
    }
    return this.variableList.map((v, i) => fn(v, values[i]));
  }

  /** `assign(value, useLocking?, name?, readValue = true)`: one assign per part (of the matching piece of `value`). */
  assign(value: unknown, ...rest: unknown[]): (Tensor | Operation)[] {
    return this.applyAssign(value, (v, x) => (v.assign as (...a: unknown[]) => Tensor | Operation)(x, ...rest));
  }
  assignAdd(value: unknown, ...rest: unknown[]): (Tensor | Operation)[] {
    return this.applyAssign(value, (v, x) => (v.assignAdd as (...a: unknown[]) => Tensor | Operation)(x, ...rest));
  }
  assignSub(value: unknown, ...rest: unknown[]): (Tensor | Operation)[] {
    return this.applyAssign(value, (v, x) => (v.assignSub as (...a: unknown[]) => Tensor | Operation)(x, ...rest));
  }

  toString(): string {
    return `<tf.PartitionedVariable '${this.name}' shape=${pyShape([...this.shape])} dtype=${this.dtype} partitions=${pyList(this.partitions)}>`;
  }
}
