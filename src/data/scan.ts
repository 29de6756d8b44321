/**
 * `tf.data.experimental.scan(initialState, scanFunc)`: TF's ScanDataset, `scanFunc(state,
 * element)` returning `[newState, output]`; the outputs are the elements and the state goes on
 * to the next element (a fresh iterator starts again from `initialState`). As TF, the state's
 * dtypes must stay those of `initialState`; where a shape changes the function is traced again
 * with the shapes both have in common. Also `Counter(start = 0, step = 1, dtype = int64)`,
 * `enumerateDataset(start = 0)` and `getSingleElement(dataset)`.
 */
import { kwargs } from '../args.js';
import { type DType, arrayCtor, parseDType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { type TensorLike, toTensor } from '../ops/convert.js';
import { defineOp, makeOp, registerGradient } from '../ops/registry.js';
import { registerHostOp } from '../session/host-stage.js';
import type { PartialShape } from '../shape.js';
import { Dataset, type ElementSpec, type IterContext, type Stage, TracedFunction, UnaryDataset, disown, markOwned, ownedOrCopy } from './dataset.js';
import { type Structure, flatten, leafCount, pack, sameStructure } from './nest.js';

const typesText = (s: Structure, dtypes: readonly string[]): string => JSON.stringify(pack(s, dtypes.map((d) => `tf.${d}`)));
const common = (x: PartialShape, y: PartialShape): PartialShape => (x === null || y === null || x.length !== y.length ? null : x.map((d, k) => (d === y[k] ? d : null)));
const sameShape = (x: PartialShape, y: PartialShape): boolean => (x === null || y === null ? x === y : x.length === y.length && x.every((d, k) => d === y[k]));
const isStateLeaf = (x: unknown): boolean => !Array.isArray(x) && (typeof x !== 'object' || x === null || Object.getPrototypeOf(x) !== Object.prototype);

class ScanDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  private readonly fn: TracedFunction;
  private readonly init: Tensor[];
  constructor(input: Dataset, initialState: unknown, scanFunc: (state: any, element: any) => unknown) {
    super(input);
    if (typeof scanFunc !== 'function') throw new TypeError('`scan_func` must be callable');
    const f = flatten<unknown>(initialState, isStateLeaf);
    this.init = f.leaves.map((x) => toTensor(x as TensorLike));
    const dtypes = this.init.map((t) => t.dtype);
    let shapes: PartialShape[] = this.init.map((t) => t.shape);
    const el = input.spec;
    const k = dtypes.length;
    let fn: TracedFunction;
    for (;;) {
      fn = new TracedFunction(scanFunc, { structure: [f.structure, el.structure], dtypes: [...dtypes, ...el.dtypes], shapes: [...shapes, ...el.shapes] }, 'scan');
      const s = fn.structure;
      if (!Array.isArray(s) || s.length !== 2) throw new TypeError('The scan function must return a pair comprising the new state and the output value.');
      const got = fn.outputs.slice(0, leafCount(s[0]!));
      if (!sameStructure(s[0]!, f.structure) || got.some((t, i) => t.dtype !== dtypes[i])) {
        throw new TypeError(`The element types for the new state must match the initial state. Expected ${typesText(f.structure, dtypes)}; got ${typesText(s[0]!, got.map((t) => t.dtype))}.`);
      }
      const relaxed = shapes.map((sh, i) => common(sh, got[i]!.shape));
      if (relaxed.every((sh, i) => sameShape(sh, shapes[i]!))) break;
      shapes = relaxed;
    }
    this.fn = fn;
    this.functions.push(fn);
    const out = fn.outputs.slice(k);
    this.spec = { structure: (fn.structure as Structure[])[1]!, dtypes: out.map((t) => t.dtype), shapes: out.map((t) => t.shape) };
  }
  override captures(): Tensor[] {
    return [...super.captures(), ...this.init];
  }
  override cardinality(values: ReadonlyMap<Tensor, NDArray>): number {
    return this.input.cardinality(values);
  }
  open(ctx: IterContext): Stage {
    const up = this.input.open(ctx);
    const fn = this.fn;
    const k = this.init.length;
    let state = this.init.map((t) => ctx.captured.get(t)!);
    return {
      *next() {
        const el = yield* up.next();
        if (el === null) return null;
        const got = yield* fn.call(ctx, [...state, ...el]);
        state = got.slice(0, k);
        disown(state); // kept for the next element, so never handed out as the run's own
        return got.slice(k);
      },
    };
  }
}

/** `scan(initialState, scanFunc)`: for `dataset.apply`. */
export function scan(initialState: unknown, scanFunc: (state: any, element: any) => unknown): (dataset: Dataset) => Dataset {
  return (dataset) => new ScanDataset(dataset, initialState, scanFunc);
}

class CounterDataset extends Dataset {
  readonly spec: ElementSpec;
  constructor(private readonly start: number, private readonly step: number, private readonly dtype: DType) {
    super();
    this.spec = { structure: null, dtypes: [dtype], shapes: [[]] };
  }
  override cardinality(): number {
    return -1;
  }
  open(): Stage {
    let v = this.start;
    const { step, dtype } = this;
    const Ctor = arrayCtor(dtype);
    return {
      *next() {
        const data = new Ctor(1);
        (data as unknown as number[])[0] = v;
        const out = markOwned(new NDArray(data as never, [], dtype));
        v += step;
        return [out];
      },
    };
  }
}

/**
 * `Counter(start = 0, step = 1, dtype = tf.int64)`: `start`, `start + step`, ... without end
 * (TF builds it as a scan over a repeated element; this gives the same elements).
 */
export function Counter(...args: unknown[]): Dataset {
  const a = kwargs(args, ['start', 'step', 'dtype'], 'Counter');
  const dtype = parseDType((a.dtype as never) ?? 'int64');
  const num = (v: unknown, d: number, what: string): number => {
    const x = v === undefined || v === null ? d : v;
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new TypeError(`Counter(): \`${what}\` must be a number, got ${String(x)}`);
    return x;
  };
  return new CounterDataset(num(a.start, 0, 'start'), num(a.step, 1, 'step'), dtype);
}

/** `enumerateDataset(start = 0)`: `[index, element]` pairs, the index an int64 from `start` (TF zips with a range). */
export function enumerateDataset(start = 0): (dataset: Dataset) => Dataset {
  return (dataset) => Dataset.zip([Dataset.range(start, Number.MAX_SAFE_INTEGER), dataset]);
}

interface SingleAttrs {
  dataset: Dataset;
  [k: string]: unknown;
}

defineOp<SingleAttrs>({
  type: 'DatasetToSingleElement',
  infer: (_ins, a) => a.dataset.spec.dtypes.map((d, i) => ({ dtype: d, shape: a.dataset.spec.shapes[i]! })),
  lower: () => {
    throw new Error('DatasetToSingleElement runs on the host before the plan; it cannot be lowered');
  },
  stateful: true,
});
registerGradient('DatasetToSingleElement', null);

registerHostOp('DatasetToSingleElement', function* (op, ins, hc) {
  const { dataset } = op.attrs as SingleAttrs;
  const ctx: IterContext = { runner: hc.runner, sync: hc.sync, captured: new Map(dataset.captures().map((t, i) => [t, ins[i]!] as const)), life: { stopped: false } };
  const stage = dataset.open(ctx);
  const el = yield* stage.next();
  if (el === null) throw new InvalidArgumentError('Dataset was empty.', op.name);
  if ((yield* stage.next()) !== null) throw new InvalidArgumentError('Dataset had more than one element.', op.name);
  return el.map(ownedOrCopy);
});

/** `getSingleElement(dataset)`: tensors of the dataset's one element (InvalidArgumentError when it has none or more). */
export function getSingleElement(dataset: Dataset): any {
  if (!(dataset instanceof Dataset)) throw new TypeError('`dataset` must be a `tf.data.Dataset` object.');
  const op = makeOp(getDefaultGraph(), 'DatasetToSingleElement', dataset.captures(), { dataset }, undefined, 'DatasetToSingleElement');
  return pack(dataset.spec.structure, op.outputs as Tensor[]);
}
