/** The CPU device: kernels run over views of one heap; steps run inline on the calling thread. */
import { type DType, type DataArray, allocArray } from '../../dtype.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Device, Program } from '../device.js';
import type { AnyStep, Plan } from '../plan.js';
import { Heap, byteSize } from './heap.js';
import { cpuKernels, type KernelCtx } from './kernels/index.js';

interface VarSlot {
  dtype: DType;
  size: number;
  offset: number;
}

interface BoundStep {
  step: AnyStep;
  ins: DataArray[];
  outs: DataArray[];
}

export class CpuDevice implements Device {
  readonly kind = 'cpu' as const;
  readonly name = '/device:CPU:0';
  readonly alignment = 64;
  readonly inPlace = true;
  readonly heap = new Heap();
  private readonly vars = new Map<string, VarSlot>();
  readonly threads: number;

  constructor(opts: { threads?: number } = {}) {
    this.threads = opts.threads ?? 1;
  }

  createVariable(key: string, dtype: DType, size: number): void {
    const v = this.vars.get(key);
    if (v && v.dtype === dtype && v.size === size) return;
    if (v) this.heap.release(v.offset, byteSize(v.dtype, v.size));
    this.vars.set(key, { dtype, size, offset: this.heap.alloc(byteSize(dtype, size)) });
  }

  private slot(key: string): VarSlot {
    const v = this.vars.get(key);
    if (!v) throw new InvalidArgumentError(`No variable storage for ${key} on ${this.name}`);
    return v;
  }

  varView(key: string): DataArray {
    const v = this.slot(key);
    return this.heap.view(v.dtype, v.offset, v.size);
  }

  async readVariable(key: string): Promise<DataArray> {
    return this.varView(key).slice();
  }

  async writeVariable(key: string, data: DataArray): Promise<void> {
    this.varView(key).set(data);
  }

  async compile(plan: Plan): Promise<Program> {
    return this.compileSync(plan);
  }

  compileSync(plan: Plan): Program {
    const heap = this.heap;
    const arena = plan.arenaBytes > 0 ? heap.alloc(plan.arenaBytes) : 0;
    const consts: [number, number][] = [];
    const locate = new Map<number, { dtype: DType; offset: number; size: number }>();
    for (const b of plan.buffers) {
      if (b.kind === 'temp') locate.set(b.id, { dtype: b.dtype, offset: arena + b.offset, size: b.size });
      else if (b.kind === 'var') {
        this.createVariable(b.key, b.dtype, b.size);
        const s = this.slot(b.key);
        locate.set(b.id, { dtype: b.dtype, offset: s.offset, size: b.size });
      } else {
        const off = heap.alloc(byteSize(b.dtype, b.size));
        consts.push([off, byteSize(b.dtype, b.size)]);
        heap.view(b.dtype, off, b.size).set(b.data);
        locate.set(b.id, { dtype: b.dtype, offset: off, size: b.size });
      }
    }
    // Views are made once per plan (and again only if the heap grows, which detaches nothing
    // for shared memory but does for non-shared memory).
    let heapBytes = -1;
    let views = new Map<number, DataArray>();
    let bound: BoundStep[] = [];
    const bind = (): void => {
      if (heapBytes === heap.bytes) return;
      heapBytes = heap.bytes;
      views = new Map();
      for (const [id, l] of locate) views.set(id, heap.view(l.dtype, l.offset, l.size));
      bound = plan.steps.map((step) => ({
        step,
        ins: step.inputs.map((i) => views.get(i)!),
        outs: step.outputs.map((i) => views.get(i)!),
      }));
    };
    const ctx: KernelCtx = { dyn: new Uint32Array(0), op: '' };
    let disposed = false;
    const runSync = (feeds: readonly DataArray[], dyn: Uint32Array): DataArray[] => {
      if (disposed) throw new Error('program was disposed');
      bind();
      plan.feeds.forEach((id, i) => views.get(id)!.set(feeds[i]!));
      ctx.dyn = dyn;
      for (const b of bound) {
        ctx.op = b.step.op;
        (cpuKernels[b.step.prim] as (p: unknown, i: DataArray[], o: DataArray[], c: KernelCtx) => void)(b.step.params, b.ins, b.outs, ctx);
      }
      const out = plan.fetches.map((id) => views.get(id)!.slice());
      for (const c of plan.commits) views.get(c.to)!.set(views.get(c.from)!);
      return out;
    };
    return {
      runSync,
      run: async (feeds, dyn) => runSync(feeds, dyn),
      dispose: () => {
        if (disposed) return;
        disposed = true;
        if (plan.arenaBytes > 0) heap.release(arena, plan.arenaBytes);
        for (const [off, bytes] of consts) heap.release(off, bytes);
      },
    };
  }

  async dispose(): Promise<void> {
    this.vars.clear();
  }
}

export function allocLike(dtype: DType, n: number): DataArray {
  return allocArray(dtype, n);
}
