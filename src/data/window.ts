/**
 * `dataset.window(size, shift = size, stride = 1, dropRemainder = false)`: a dataset of windows,
 * each component a dataset of `size` input elements (every `stride`-th, starting `shift`
 * elements after the previous window's start), as TF's WindowDataset; without `dropRemainder`
 * the last windows may be shorter. Functions of the windows (`flatMap(w => w.batch(n))`) and an
 * iterator's getNext get the component datasets; a window's elements may differ in shape
 * (`w.paddedBatch(n, [null])`) inside flatMap / interleave. Also
 * `tf.data.experimental.slidingWindowBatch`, TF's full windows batched.
 */
import { kwargs } from '../args.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import { Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { StringArray, arrayCtor } from '../dtype.js';
import { Dataset, type Element, type ElementSpec, type IterContext, type Stage, UnaryDataset, disown, raggedWindows, row, stack } from './dataset.js';
import { refuseSparse } from './nest.js';
import type { HostGen } from '../session/host-stage.js';

function count(v: unknown, what: string): number {
  if (v instanceof Tensor) throw new TypeError(`window(): ${what} must be a number (a tensor ${v.name} was given)`);
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`window(): ${what} must be an integer, got ${String(v)}`);
  return v;
}

const sameShape = (a: NDArray, b: NDArray): boolean => a.shape.length === b.shape.length && a.shape.every((d, k) => d === b.shape[k]);

/**
 * A window component's elements: stacked when they share a shape; else (windows only) an empty
 * array of shape `[n, ...]` (a 0 where the elements differ) standing for their list.
 */
function windowComponent(items: NDArray[], c: number, ragged: boolean): NDArray {
  const f = items[0]!;
  if (items.every((x) => sameShape(x, f)) || !ragged) return stack(items, c);
  const rank = items.every((x) => x.shape.length === f.shape.length) ? f.shape.length : 0;
  const shape = [items.length, ...Array.from({ length: rank }, (_, k) => (items.every((x) => x.shape[k] === f.shape[k]) ? f.shape[k]! : 0))];
  const stand = new NDArray(f.dtype === 'string' ? (new StringArray(0) as never) : (new (arrayCtor(f.dtype))(0) as never), shape, f.dtype);
  raggedWindows.set(stand, items);
  return stand;
}

/** One component of a window as a dataset of its elements. */
class WindowComponentDataset extends Dataset {
  readonly spec: ElementSpec;
  constructor(private readonly stacked: Tensor) {
    super();
    const s = stacked.shape;
    this.spec = { structure: null, dtypes: [stacked.dtype], shapes: [s === null ? null : s.slice(1)] };
  }
  override captures(): Tensor[] {
    return [this.stacked];
  }
  open(ctx: IterContext): Stage {
    const v = ctx.captured.get(this.stacked)!;
    const items = raggedWindows.get(v);
    const n = items ? items.length : v.shape[0]!;
    let i = 0;
    return {
      *next() {
        if (i >= n) return null;
        const k = i++;
        return [items ? items[k]! : row(v, k)];
      },
    };
  }
}
const componentDataset = (t: Tensor): Dataset => new WindowComponentDataset(t);

/** TF's window iterator: the windows' elements, each component stacked (see windowComponent). */
function windowStage(up: Stage, size: number, shift: number, stride: number, drop: boolean, ragged: boolean): Stage {
  const target = (size - 1) * stride + 1;
  const buf: Element[] = [];
  let ended = false;
  return {
    *next(): HostGen<Element | null> {
      if (ended && (buf.length === 0 || (drop && buf.length < target))) return null;
      while (!ended && buf.length < target) {
        const el = yield* up.next();
        if (el === null) ended = true;
        else {
          disown(el); // kept across overlapping windows
          buf.push(el);
        }
      }
      if (buf.length === 0 || (drop && buf.length < target)) return null;
      const n = 1 + Math.floor((buf.length - 1) / stride);
      const picked = Array.from({ length: n }, (_, i) => buf[i * stride]!);
      const out = picked[0]!.map((_, c) => windowComponent(picked.map((e) => e[c]!), c, ragged));
      // move to the next window's start, skipping input past this buffer when shift is larger
      if (shift >= buf.length) {
        for (let i = buf.length; !ended && i < shift; i++) if ((yield* up.next()) === null) ended = true;
        buf.length = 0;
      } else buf.splice(0, shift);
      return out;
    },
  };
}

class WindowDataset extends UnaryDataset {
  readonly spec: ElementSpec;
  constructor(input: Dataset, private readonly size: number, private readonly shift: number, private readonly stride: number, private readonly drop: boolean, windows: boolean) {
    super(input);
    if (input.spec.windows) throw new ValueError('window(): the elements are windows (datasets) already; window their elements inside flatMap');
    refuseSparse(input.spec.structure, 'window');
    if (size <= 0) throw new InvalidArgumentError('Window size must be greater than zero.');
    if (shift <= 0) throw new InvalidArgumentError('Window shift must be greater than zero.');
    if (stride <= 0) throw new InvalidArgumentError(windows ? 'Window stride must be greater than zero.' : 'window_stride must be greater than zero.');
    const lead = drop ? size : null;
    this.spec = { structure: input.spec.structure, dtypes: input.spec.dtypes, shapes: input.spec.shapes.map((s) => (s === null ? null : [lead, ...s])), ...(windows ? { windows: componentDataset } : {}) };
  }
  open(ctx: IterContext): Stage {
    return windowStage(this.input.open(ctx), this.size, this.shift, this.stride, this.drop, !!this.spec.windows);
  }
}

declare module './dataset.js' {
  interface Dataset {
    /**
     * `window(size, shift = size, stride = 1, dropRemainder = false)` (or those by keyword): a
     * dataset of windows, each component a dataset of up to `size` elements.
     */
    window(size: number, shift?: number | null | { shift?: number | null; stride?: number; dropRemainder?: boolean }, stride?: number, dropRemainder?: boolean): Dataset;
  }
}
Dataset.prototype.window = function (this: Dataset, ...args: unknown[]) {
  const o = kwargs(args, ['size', 'shift', 'stride', 'dropRemainder'], 'window', 1);
  const size = count(o.size, 'size');
  const shift = o.shift === undefined || o.shift === null ? size : count(o.shift, 'shift');
  const stride = o.stride === undefined || o.stride === null ? 1 : count(o.stride, 'stride');
  return new WindowDataset(this, size, shift, stride, !!o.dropRemainder, true);
};

/**
 * `tf.data.experimental.slidingWindowBatch(windowSize, stride?, windowShift = 1, windowStride = 1)`
 * (`stride` the deprecated name of `windowShift`): the full windows, each batched into one
 * element `[windowSize, ...]`.
 */
export function slidingWindowBatch(...args: unknown[]): (dataset: Dataset) => Dataset {
  const o = kwargs(args, ['windowSize', 'stride', 'windowShift', 'windowStride'], 'sliding_window_batch', 1);
  const none = (v: unknown): boolean => v === undefined || v === null;
  if (!none(o.stride) && !none(o.windowShift)) throw new ValueError('Cannot specify both `stride` and `window_shift`');
  const size = count(o.windowSize, 'window_size');
  const shift = !none(o.windowShift) ? count(o.windowShift, 'window_shift') : !none(o.stride) ? count(o.stride, 'stride') : 1;
  const stride = none(o.windowStride) ? 1 : count(o.windowStride, 'window_stride');
  return (dataset) => new WindowDataset(dataset, size, shift, stride, true, false);
}
