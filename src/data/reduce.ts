/**
 * `dataset.reduce(initialState, reduceFunc)`: TF's ReduceDataset op, whose outputs are the
 * state after `reduceFunc(state, element)` has been applied to every element, in order. It
 * runs on the host within the run that evaluates it (the whole pipeline, from its start, each
 * time), with `reduceFunc` traced once into its own graph as map's functions are. As TF, the
 * state's dtypes must stay those of `initialState`; where a shape changes, the function is
 * traced again with the shapes both have in common.
 */
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { registerHostOp } from '../session/host-stage.js';
import type { PartialShape } from '../shape.js';
import { Dataset, type ElementSpec, type IterContext, TracedFunction, ownedOrCopy } from './dataset.js';
import { type Structure, flatten, pack, sameStructure } from './nest.js';

interface ReduceAttrs {
  dataset: Dataset;
  fn: TracedFunction;
  state: ElementSpec;
  captures: number;
  [k: string]: unknown;
}

defineOp<ReduceAttrs>({
  type: 'ReduceDataset',
  infer: (_ins, a) => a.state.dtypes.map((d, i) => ({ dtype: d, shape: a.state.shapes[i]! })),
  lower: () => {
    throw new Error('ReduceDataset runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('ReduceDataset', null);

registerHostOp('ReduceDataset', function* (op, ins, hc) {
  const a = op.attrs as ReduceAttrs;
  const caps = [...a.dataset.captures(), ...a.fn.captured];
  const ctx: IterContext = { runner: hc.runner, sync: hc.sync, captured: new Map(caps.map((t, i) => [t, ins[i]!] as const)), life: { stopped: false } };
  const stage = a.dataset.open(ctx);
  let state = ins.slice(a.captures);
  for (;;) {
    const el = yield* stage.next();
    if (el === null) break;
    state = yield* a.fn.call(ctx, [...state, ...el]);
  }
  return state.map(ownedOrCopy);
});

const typesText = (s: Structure, dtypes: readonly string[]): string => JSON.stringify(pack(s, dtypes.map((d) => `tf.${d}`)));
const common = (x: PartialShape, y: PartialShape): PartialShape => (x === null || y === null || x.length !== y.length ? null : x.map((d, k) => (d === y[k] ? d : null)));
const sameShape = (x: PartialShape, y: PartialShape): boolean => (x === null || y === null ? x === y : x.length === y.length && x.every((d, k) => d === y[k]));

declare module './dataset.js' {
  interface Dataset {
    /** `reduce(initialState, reduceFunc)`: tensors of the state after `reduceFunc(state, element)` has seen every element. */
    reduce(initialState: unknown, reduceFunc: (state: any, element: any) => unknown): any;
  }
}

Dataset.prototype.reduce = function (this: Dataset, initialState: unknown, reduceFunc: (state: any, element: any) => unknown) {
  if (typeof reduceFunc !== 'function') throw new TypeError('`reduce_func` must be callable');
  const f = flatten<unknown>(initialState, (x) => !Array.isArray(x) && (typeof x !== 'object' || x === null || Object.getPrototypeOf(x) !== Object.prototype));
  const init = f.leaves.map((x) => toTensor(x as TensorLike));
  const dtypes = init.map((t) => t.dtype);
  let shapes: PartialShape[] = init.map((t) => t.shape);
  const el = this.spec;
  const spec: ElementSpec = { structure: [f.structure, el.structure], dtypes: [...dtypes, ...el.dtypes], shapes: [...shapes, ...el.shapes] };
  let fn: TracedFunction;
  for (;;) {
    fn = new TracedFunction(reduceFunc, spec, 'reduce', [...shapes, ...el.shapes]);
    if (!sameStructure(fn.structure, f.structure) || fn.outputs.some((t, i) => t.dtype !== dtypes[i])) {
      throw new TypeError(`The element types for the new state must match the initial state. Expected ${typesText(f.structure, dtypes)}; got ${typesText(fn.structure, fn.outputs.map((t) => t.dtype))}.`);
    }
    const relaxed = shapes.map((s, i) => common(s, fn.outputs[i]!.shape));
    if (relaxed.every((s, i) => sameShape(s, shapes[i]!))) break;
    shapes = relaxed;
  }
  // the pipeline's captured tensors, then those reduceFunc captures, then the initial state
  const caps = [...this.captures(), ...fn.captured];
  const attrs: ReduceAttrs = { dataset: this, fn, state: { structure: f.structure, dtypes, shapes }, captures: caps.length };
  const op = makeOp(getDefaultGraph(), 'ReduceDataset', [...caps, ...init], attrs, undefined, 'ReduceDataset');
  return pack(f.structure, op.outputs as Tensor[]);
};
