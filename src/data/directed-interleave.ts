/**
 * `tf.data.experimental.sampleFromDatasets(datasets, weights?, seed?)` and
 * `chooseFromDatasets(datasets, choiceDataset)`: TF's DirectedInterleave, each element taken
 * from the input a selector names: an index drawn at random with `weights` (uniform without
 * them), or the next int64 of `choiceDataset`. A selected input that has ended is passed over
 * (the next selection is made); the result ends with its selector or once every input has
 * ended. Random selections are reproducible with a seed (op or graph), not TF's numbers (its
 * generator is another one).
 */
import { InvalidArgumentError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import { Dataset, type Element, type ElementSpec, type IterContext, type Stage } from './dataset.js';
import { leafCount, sameStructure } from './nest.js';
import { mix32, seededRandom } from './random.js';

type Selector = (ctx: IterContext) => { next(): Generator<Promise<unknown>, number | null, unknown> };

const mostSpecific = (x: PartialShape, y: PartialShape): PartialShape => (x === null || y === null || x.length !== y.length ? null : x.map((d, k) => (d === y[k] ? d : null)));

class DirectedInterleaveDataset extends Dataset {
  readonly spec: ElementSpec;
  constructor(private readonly inputs: Dataset[], private readonly selector: Selector, private readonly extra: Dataset | null, private readonly weights: Tensor | null) {
    super();
    const first = inputs[0]!.spec;
    for (const d of inputs) {
      if (!sameStructure(first.structure, d.spec.structure) || leafCount(d.spec.structure) !== first.dtypes.length || d.spec.dtypes.some((t, i) => t !== first.dtypes[i])) {
        throw new TypeError('All datasets must have the same type and compatible structure.');
      }
    }
    this.spec = { ...first, shapes: first.shapes.map((s, i) => inputs.reduce<PartialShape>((m, d) => mostSpecific(m, d.spec.shapes[i]!), s)) };
  }
  override captures(): Tensor[] {
    return [...this.inputs.flatMap((d) => d.captures()), ...(this.extra ? this.extra.captures() : []), ...(this.weights ? [this.weights] : [])];
  }
  open(ctx: IterContext): Stage {
    const ups: (Stage | null)[] = this.inputs.map((d) => d.open(ctx));
    let live = ups.length;
    const sel = this.selector(ctx);
    return {
      *next() {
        while (live > 0) {
          const i = yield* sel.next();
          if (i === null) return null;
          if (i < 0 || i >= ups.length) throw new InvalidArgumentError(`Selector index out of range: ${i} >= ${ups.length}`);
          const up = ups[i];
          if (!up) continue;
          const el: Element | null = yield* up.next();
          if (el !== null) return el;
          ups[i] = null;
          live--;
        }
        return null;
      },
    };
  }
}

function checkDatasets(datasets: unknown): Dataset[] {
  if (!Array.isArray(datasets) || datasets.length === 0 || !datasets.every((d) => d instanceof Dataset)) {
    throw new TypeError('`datasets` must be a non-empty list of `tf.data.Dataset` objects.');
  }
  return datasets as Dataset[];
}

/** `sampleFromDatasets(datasets, weights?, seed?)`: elements of `datasets` drawn at random in the proportions of `weights`. */
export function sampleFromDatasets(datasets: Dataset[], weights?: number[] | NDArray | Tensor | null, seed?: number | null): Dataset {
  const ds = checkDatasets(datasets);
  let fixed: number[] | null = null;
  let tensor: Tensor | null = null;
  if (weights === undefined || weights === null) fixed = ds.map(() => 1);
  else if (weights instanceof Tensor) {
    if (weights.shape !== null && (weights.shape.length !== 1 || (weights.shape[0] !== null && weights.shape[0] !== ds.length))) throw new TypeError(`\`weights\` must be a vector of length \`len(datasets)\` (${ds.length}).`);
    tensor = weights;
  } else {
    fixed = weights instanceof NDArray ? Array.from(weights.data as ArrayLike<number>) : [...weights];
    if (fixed.length !== ds.length) throw new TypeError(`\`weights\` must be a vector of length \`len(datasets)\` (${ds.length}).`);
  }
  const s = getDefaultGraph().getSeed(seed ?? undefined);
  const base = s ? mix32((mix32(s[0] >>> 0) ^ (s[1] >>> 0)) >>> 0) : null;
  const selector: Selector = (ctx) => {
    const w = fixed ?? Array.from(ctx.captured.get(tensor!)!.data as ArrayLike<number>);
    if (w.some((x) => !(x >= 0)) || !w.some((x) => x > 0)) throw new InvalidArgumentError(`weights must be non-negative and not all zero, got [${w.join(', ')}]`);
    const total = w.reduce((a, b) => a + b, 0);
    const rand = seededRandom(base ?? (Math.random() * 2 ** 32) >>> 0);
    return {
      *next() {
        let r = rand() * total;
        for (let i = 0; i < w.length; i++) {
          r -= w[i]!;
          if (r < 0 && w[i]! > 0) return i;
        }
        return w.length - 1 - [...w].reverse().findIndex((x) => x > 0);
      },
    };
  };
  return new DirectedInterleaveDataset(ds, selector, null, tensor);
}

/** `chooseFromDatasets(datasets, choiceDataset)`: element k from `datasets[c_k]`, `c_k` the k-th int64 of `choiceDataset`. */
export function chooseFromDatasets(datasets: Dataset[], choiceDataset: Dataset): Dataset {
  const ds = checkDatasets(datasets);
  const c = choiceDataset instanceof Dataset ? choiceDataset.spec : null;
  if (!c || c.structure !== null || c.dtypes[0] !== 'int64' || (c.shapes[0] !== null && c.shapes[0]!.length !== 0)) {
    throw new TypeError('`choice_dataset` must be a dataset of scalar `tf.int64` tensors.');
  }
  const selector: Selector = (ctx) => {
    const up = choiceDataset.open(ctx);
    return {
      *next() {
        const el = yield* up.next();
        return el === null ? null : Number(el[0]!.data[0]);
      },
    };
  };
  return new DirectedInterleaveDataset(ds, selector, choiceDataset, null);
}
