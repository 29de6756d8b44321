/**
 * A compiled plan on the WebGPU device. Everything that does not depend on a run's data is made
 * once here: the arena, constants, the uniform blocks of every dispatch (one buffer), the
 * pipelines (cached per device by family/dtype/rank) and the bind groups. A run writes the
 * feeds and the dyn slots, records one command encoder (all dispatches in one compute pass,
 * then the fetch copies, then the commits), submits once and maps one staging buffer.
 *
 * Kernels that can fail (checkNumerics, checkLabels, gather, scatterAdd) set flags in an error
 * buffer that is cleared at the start of every run and read back with the fetches. When a plan
 * has such kernels, the commits run as a GPU kernel that copies nothing if any flag is set, so
 * a failed run changes no variable without a second round trip.
 */
import { type DType, type DataArray, allocArray } from '../../dtype.js';
import { InternalError, InvalidArgumentError, OpError, ResourceExhaustedError, UnimplementedError } from '../../errors.js';
import type { Program, StepTrace } from '../device.js';
import type { AnyStep, Plan, PlanBuffer } from '../plan.js';
import type { PrimName } from '../prims.js';
import { BYTES_PER_ELEMENT, checkDType, fromGpu, toGpu } from './convert.js';
import {
  BufferUsage,
  MapMode,
  type GpuBindGroup,
  type GpuBindGroupLayout,
  type GpuBuffer,
  type GpuBufferBinding,
  type GpuCommandEncoder,
  type GpuComputePipeline,
  type GpuError,
} from './gpu-types.js';
import { COMMIT_KEY, ROW_COMMIT_KEY, commitBody, rowCommitBody } from './kernels/commit.js';
import { KERNELS } from './kernels/index.js';
import type { BindingSource, BindingSpec, Dispatch, KernelBuilder, KernelOutput } from './kernels/types.js';
import { WORKGROUP, elemOf, groupsFor } from './kernels/wgsl.js';
import { layoutTemps } from './layout.js';
import { Uniforms } from './uniforms.js';
import type { WebGPUDevice } from './device.js';

/** Bytes between error records (the storage-buffer offset alignment). */
const SLOT_BYTES = 256;
const UNIFORM_ALIGN = 256;
/** Stride of the disjoint dummy ranges bound for empty inputs. */
export const EMPTY_SLOT = 256;
export const MAX_BINDINGS = 16;

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

interface Bound {
  op: string;
  /** Step index, or −1 for a commit. */
  step: number;
  key: string;
  pipeline: GpuComputePipeline;
  layout: GpuBindGroupLayout;
  groups: [number, number, number];
  uniformOffset: number;
  uniformBytes: number;
  sources: BindingSource[];
  bindGroup: GpuBindGroup | null;
}

interface CheckSlot {
  step: number;
  op: string;
  message: NonNullable<KernelOutput['check']>['message'];
  witnessOffset: number;
  witnessWords: number;
}

interface FetchSlot {
  buf: number;
  offset: number;
  n: number;
  dtype: DType;
}

/**
 * Every storage binding is declared read_write: WebGPU tracks usage per whole buffer within a
 * dispatch, so an arena bound once read-only (an input) and once writable (the output) is
 * rejected even though the ranges are disjoint, while several writable bindings are allowed.
 * The memory plan guarantees the ranges of one step never overlap (`inPlace` is false).
 */
function wgslHeader(u: Uniforms, specs: readonly { name: string; type: string }[]): string {
  const lines = [u.struct('Params'), '@group(0) @binding(0) var<uniform> P: Params;'];
  specs.forEach((s, k) => {
    lines.push(`@group(0) @binding(${k + 1}) var<storage, read_write> ${s.name}: array<${s.type}>;`);
  });
  return lines.join('\n');
}

function gridGroups(d: Dispatch): [number, number, number] {
  if ('groups' in d.grid) return d.grid.groups;
  const wg = d.grid.workgroupSize ?? WORKGROUP;
  return groupsFor(Math.ceil(d.grid.threads / wg));
}

export class WebGPUProgram implements Program {
  private readonly dev: WebGPUDevice;
  private readonly plan: Plan;
  private readonly bufs = new Map<number, PlanBuffer>();
  private offsets = new Map<number, number>();
  private arena!: GpuBuffer;
  private uniformBuf: GpuBuffer | null = null;
  private errBuf: GpuBuffer | null = null;
  private witBuf: GpuBuffer | null = null;
  private dynBuf!: GpuBuffer;
  private staging: GpuBuffer | null = null;
  private readonly consts = new Map<number, GpuBuffer>();
  private readonly owned: GpuBuffer[] = [];
  private dispatches: Bound[] = [];
  private commitDispatches: Bound[] = [];
  private commitCopies: { from: number; to: number; bytes: number }[] = [];
  private checks: CheckSlot[] = [];
  private fetchSlots: FetchSlot[] = [];
  private errStagingOffset = 0;
  /** Variable buffers the bind groups were made with. */
  private boundVars = new Map<string, GpuBuffer>();
  private disposed = false;
  /** Whether the planner's temp offsets were replaced (see layout.ts). */
  relaid = false;

  /** Compute dispatches one run records (the plan's steps, then the conditional commits). */
  get dispatchCount(): number {
    return this.dispatches.length + this.commitDispatches.length;
  }

  private constructor(dev: WebGPUDevice, plan: Plan) {
    this.dev = dev;
    this.plan = plan;
    for (const b of plan.buffers) this.bufs.set(b.id, b);
  }

  static async create(dev: WebGPUDevice, plan: Plan): Promise<WebGPUProgram> {
    const p = new WebGPUProgram(dev, plan);
    try {
      await p.build();
    } catch (e) {
      p.destroyNow();
      throw e;
    }
    return p;
  }

  private buf(id: number): PlanBuffer {
    const b = this.bufs.get(id);
    if (!b) throw new InternalError(`plan refers to buffer ${id}, which it does not list`);
    return b;
  }

  private checkDTypes(): void {
    for (const s of this.plan.steps) {
      for (const id of [...s.inputs, ...s.outputs]) {
        try {
          checkDType(this.buf(id).dtype, `op '${s.op}'`);
        } catch (e) {
          throw new UnimplementedError((e as Error).message, s.op);
        }
      }
    }
    for (const b of this.plan.buffers) {
      try {
        checkDType(b.dtype, `buffer ${b.id}${b.kind === 'var' ? ` (variable '${b.key}')` : ''}`);
      } catch (e) {
        throw new UnimplementedError((e as Error).message);
      }
    }
  }

  private async build(): Promise<void> {
    const { plan, dev } = this;
    const gpu = dev.gpu;
    this.checkDTypes();
    const layout = layoutTemps(plan, () => BYTES_PER_ELEMENT, dev.alignment);
    this.offsets = layout.offsets;
    this.relaid = layout.relaid;

    // Kernels.
    const ctx = { dtype: (id: number): DType => this.buf(id).dtype };
    const outputs: KernelOutput[] = plan.steps.map((step) => {
      try {
        return (KERNELS[step.prim] as KernelBuilder<PrimName>)(step as AnyStep, ctx);
      } catch (e) {
        if (e instanceof OpError) throw e;
        throw new UnimplementedError(`${(e as Error).message} (op '${step.op}', WebGPU device)`, step.op);
      }
    });

    // Error records and witnesses, in step order.
    let witnessBytes = 0;
    outputs.forEach((out, t) => {
      if (!out.check) return;
      const words = Math.max(
        0,
        ...out.dispatches.flatMap((d) => d.bindings.map((b) => ('special' in b.source && b.source.special === 'witness' ? b.source.words : 0))),
      );
      this.checks.push({ step: t, op: plan.steps[t]!.op, message: out.check.message, witnessOffset: witnessBytes, witnessWords: words });
      witnessBytes += alignUp(Math.max(words, 1) * 4, SLOT_BYTES);
    });

    // GPU buffers that do not depend on kernels.
    const limits = gpu.limits;
    if (layout.bytes > (limits.maxBufferSize ?? Infinity)) {
      throw new ResourceExhaustedError(`WebGPU arena of ${layout.bytes} bytes exceeds maxBufferSize ${limits.maxBufferSize}`);
    }
    const S = BufferUsage;
    const pending: Promise<void>[] = [];
    // Allocation failures are reported through an error scope, not thrown. The scope is popped
    // even when this block throws, so the device's scope stack stays balanced.
    gpu.pushErrorScope('out-of-memory');
    let oomScope: Promise<GpuError | null> | null = null;
    try {
      this.arena = this.own(Math.max(4, alignUp(layout.bytes, 4)), S.STORAGE | S.COPY_SRC | S.COPY_DST, 'arena');
      this.dynBuf = this.own(Math.max(4, plan.dynSlots * 4), S.STORAGE | S.COPY_DST, 'dyn');
      if (this.checks.length > 0) {
        this.errBuf = this.own(this.checks.length * SLOT_BYTES, S.STORAGE | S.COPY_SRC | S.COPY_DST, 'errors');
        this.witBuf = this.own(witnessBytes, S.STORAGE | S.COPY_SRC, 'witness');
      }
      for (const b of plan.buffers) {
        if (b.kind === 'const') this.consts.set(b.id, this.uploadConst(b));
        else if (b.kind === 'var') {
          dev.createVariable(b.key, b.dtype, b.size);
          const v = dev.variable(b.key)!;
          if (v.dtype !== b.dtype || v.size !== b.size) {
            throw new InvalidArgumentError(`variable '${b.key}' is ${v.dtype}[${v.size}] on the device, the plan expects ${b.dtype}[${b.size}]`);
          }
        }
      }

      // Dispatches: pipelines (cached, compiled concurrently) and uniform blocks.
      const blocks: { u: Uniforms; offset: number }[] = [];
      let uniformBytes = 0;
      const addDispatch = (d: Dispatch, step: number, op: string, target: Bound[]): void => {
        const groups = gridGroups(d);
        if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
        if (d.bindings.some((b) => b.write && 'buf' in b.source && this.buf(b.source.buf).size === 0)) return;
        // An input bound twice (e.g. x·x) is bound once: two writable bindings of one range are
        // invalid. The second name is rewritten to the first in the kernel body.
        const kept: BindingSpec[] = [];
        const renames: [string, string][] = [];
        for (const b of d.bindings) {
          const id = 'buf' in b.source ? b.source.buf : -1;
          const same = id >= 0 ? kept.find((k) => 'buf' in k.source && k.source.buf === id) : undefined;
          if (!same) {
            kept.push(b);
            continue;
          }
          if (b.write || same.write) {
            throw new InternalError(`op '${op}' reads and writes buffer ${id} in one step (in-place steps are not supported on WebGPU)`, step >= 0 ? op : null);
          }
          if (this.wgslType(b) !== this.wgslType(same)) {
            throw new UnimplementedError(`op '${op}' reads buffer ${id} as two element types (WebGPU device)`, step >= 0 ? op : null);
          }
          renames.push([b.name, same.name]);
        }
        const specs = kept.map((b) => ({ name: b.name, type: this.wgslType(b) }));
        const aliasSig = renames.map(([a, b]) => `${a}=${b}`).join(',');
        const key = `${d.key}|${d.uniforms.signature()}|${specs.map((s) => `${s.name}:${s.type}`).join(',')}|${aliasSig}`;
        const body = (): string => renames.reduce((code, [from, to]) => code.replace(new RegExp(`\\b${from}\\b`, 'g'), to), d.body());
        const offset = uniformBytes;
        uniformBytes += alignUp(d.uniforms.byteLength, UNIFORM_ALIGN);
        blocks.push({ u: d.uniforms, offset });
        const bound: Bound = {
          op,
          step,
          key,
          pipeline: null as unknown as GpuComputePipeline,
          layout: null as unknown as GpuBindGroupLayout,
          groups,
          uniformOffset: offset,
          uniformBytes: d.uniforms.byteLength,
          sources: kept.map((b) => b.source),
          bindGroup: null,
        };
        target.push(bound);
        pending.push(
          dev
            .pipeline(key, () => `${wgslHeader(d.uniforms, specs)}\n${body()}`, specs.length, op)
            .then((p) => {
              bound.pipeline = p.pipeline;
              bound.layout = p.layout;
            }),
        );
      };
      outputs.forEach((out, t) => out.dispatches.forEach((d) => addDispatch(d, t, plan.steps[t]!.op, this.dispatches)));

      // Commits.
      for (const c of plan.commits) {
        const to = this.buf(c.to);
        const from = this.buf(c.from);
        if (to.kind !== 'var') throw new InternalError(`commit target buffer ${c.to} is not a variable`);
        if (from.size !== to.size) {
          throw new InternalError(`commit of buffer ${c.from} (${from.size} elements) into variable '${to.key}' (${to.size})`);
        }
        if (to.size === 0 || c.from === c.to) continue;
        if (this.checks.length === 0) {
          this.commitCopies.push({ from: c.from, to: c.to, bytes: to.size * 4 });
        } else {
          const u = new Uniforms().u32('n', to.size).u32('slots', this.checks.length).u32('slotWords', SLOT_BYTES / 4);
          const bindings: BindingSpec[] = [
            { name: 'errs', source: { special: 'errAll' }, write: false, elem: 'u32' },
            { name: 'src', source: { buf: c.from }, write: false, elem: 'u32' },
            { name: 'dst', source: { buf: c.to }, write: true, elem: 'u32' },
          ];
          addDispatch({ key: COMMIT_KEY, uniforms: u, bindings, body: commitBody, grid: { threads: to.size } }, -1, `assign to '${to.key}'`, this.commitDispatches);
        }
      }
      // Row commits (sparse updates): a kernel writing the rows into the variable in place.
      for (const c of plan.rowCommits ?? []) {
        const to = this.buf(c.to);
        if (to.kind !== 'var') throw new InternalError(`row commit target buffer ${c.to} is not a variable`);
        const n = c.rows * c.rowSize;
        if (n === 0) continue;
        const checked = this.checks.length > 0;
        const u = new Uniforms().u32('n', n).u32('rowSize', c.rowSize).u32('slots', this.checks.length).u32('slotWords', SLOT_BYTES / 4);
        const bindings: BindingSpec[] = [
          ...(checked ? [{ name: 'errs', source: { special: 'errAll' }, write: false, elem: 'u32' } as BindingSpec] : []),
          { name: 'src', source: { buf: c.values }, write: false, elem: 'u32' },
          { name: 'idx', source: { buf: c.indices }, write: false, elem: 'i32' },
          { name: 'dst', source: { buf: c.to }, write: true, elem: 'u32' },
        ];
        const key = checked ? ROW_COMMIT_KEY : `${ROW_COMMIT_KEY}/unchecked`;
        addDispatch({ key, uniforms: u, bindings, body: () => rowCommitBody(checked), grid: { threads: n } }, -1, `scatter into '${to.key}'`, this.commitDispatches);
      }

      // Staging: the fetches, then the error records.
      let st = 0;
      for (const id of plan.fetches) {
        const b = this.buf(id);
        this.fetchSlots.push({ buf: id, offset: st, n: b.size, dtype: b.dtype });
        st += b.size * 4;
      }
      this.errStagingOffset = st;
      st += this.checks.length * SLOT_BYTES;
        if (st > 0) this.staging = this.own(st, S.MAP_READ | S.COPY_DST, 'staging');

      if (uniformBytes > 0) {
        const ub = this.dev.createBuffer({ size: uniformBytes, usage: S.UNIFORM, mappedAtCreation: true, label: 'uniforms' });
        const bytes = ub.getMappedRange();
        for (const { u, offset } of blocks) u.write(bytes, offset);
        ub.unmap();
        this.uniformBuf = ub;
        this.owned.push(ub);
      }
    } catch (e) {
      for (const p of pending) p.catch(() => undefined);
      throw e;
    } finally {
      oomScope = gpu.popErrorScope();
    }
    const oom = await oomScope;
    if (oom) throw new ResourceExhaustedError(`WebGPU could not allocate the plan's buffers: ${oom.message}`);
    await Promise.all(pending);
    await this.makeBindGroups();
  }

  private wgslType(b: BindingSpec): string {
    const src = b.source;
    if ('special' in src) {
      if (src.special === 'err') return 'atomic<u32>';
      return b.elem ?? (src.special === 'witness' ? 'i32' : 'u32');
    }
    return b.elem ?? elemOf(this.buf(src.buf).dtype);
  }

  private own(size: number, usage: number, label: string): GpuBuffer {
    const b = this.dev.createBuffer({ size, usage, label });
    this.owned.push(b);
    return b;
  }

  private uploadConst(b: Extract<PlanBuffer, { kind: 'const' }>): GpuBuffer {
    if (b.data.length < b.size) throw new InternalError(`constant buffer ${b.id} holds ${b.data.length} of ${b.size} elements`);
    const words = toGpu(b.size === b.data.length ? b.data : b.data.subarray(0, b.size), b.dtype, `constant read by op '${this.plan.steps.find((st) => st.inputs.includes(b.id))?.op ?? '?'}'`);
    const buf = this.dev.createBuffer({
      size: Math.max(4, words.byteLength),
      usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC,
      mappedAtCreation: true,
      label: `const ${b.id}`,
    });
    new Uint8Array(buf.getMappedRange()).set(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
    buf.unmap();
    this.owned.push(buf);
    return buf;
  }

  /** The buffer range holding plan buffer `id` (current variable storage for vars). */
  private range(id: number): GpuBufferBinding {
    const b = this.buf(id);
    const size = b.size * 4;
    if (b.kind === 'temp') return { buffer: this.arena, offset: this.offsets.get(id) ?? 0, size };
    if (b.kind === 'const') return { buffer: this.consts.get(id)!, offset: 0, size };
    const v = this.dev.variable(b.key);
    if (!v) throw new InvalidArgumentError(`No variable storage for ${b.key} on ${this.dev.name}`);
    return { buffer: v.buffer, offset: 0, size };
  }

  /** `empty` numbers the dispatch's empty bindings, which get disjoint ranges of a dummy. */
  private resolve(src: BindingSource, bound: Bound, empty: number): GpuBufferBinding {
    if ('buf' in src) {
      const r = this.range(src.buf);
      if (r.size === 0) return { buffer: this.dev.emptyBuffer(), offset: empty * EMPTY_SLOT, size: 16 };
      const max = this.dev.gpu.limits.maxStorageBufferBindingSize ?? Infinity;
      if (r.size! > max) {
        throw new ResourceExhaustedError(
          `buffer of ${r.size} bytes exceeds the WebGPU binding limit of ${max} bytes (op '${bound.op}')`,
          bound.step >= 0 ? bound.op : null,
        );
      }
      return r;
    }
    switch (src.special) {
      case 'err':
        return { buffer: this.errBuf!, offset: this.checks.findIndex((c) => c.step === bound.step) * SLOT_BYTES, size: 16 };
      case 'errAll':
        return { buffer: this.errBuf!, offset: 0, size: this.checks.length * SLOT_BYTES };
      case 'witness': {
        const c = this.checks.find((x) => x.step === bound.step)!;
        return { buffer: this.witBuf!, offset: c.witnessOffset, size: Math.max(1, c.witnessWords) * 4 };
      }
      case 'dyn':
        return { buffer: this.dynBuf, offset: 0, size: Math.max(4, this.plan.dynSlots * 4) };
    }
  }

  private async makeBindGroups(): Promise<void> {
    const gpu = this.dev.gpu;
    const checks: Promise<{ e: GpuError | null; b: Bound }>[] = [];
    for (const b of [...this.dispatches, ...this.commitDispatches]) {
      const entries = [
        { binding: 0, resource: { buffer: this.uniformBuf!, offset: b.uniformOffset, size: b.uniformBytes } },
        ...b.sources.map((s, k) => ({
          binding: k + 1,
          resource: this.resolve(s, b, b.sources.slice(0, k).filter((x) => 'buf' in x && this.buf(x.buf).size === 0).length),
        })),
      ];
      gpu.pushErrorScope('validation');
      try {
        b.bindGroup = gpu.createBindGroup({ layout: b.layout, entries, label: b.op });
      } finally {
        checks.push(gpu.popErrorScope().then((e) => ({ e, b })));
      }
    }
    this.boundVars = new Map();
    for (const pb of this.plan.buffers) {
      if (pb.kind === 'var') this.boundVars.set(pb.key, this.dev.variable(pb.key)!.buffer);
    }
    for (const { e, b } of await Promise.all(checks)) {
      if (e) throw new InternalError(`WebGPU rejected the bindings of op '${b.op}' (${b.key}): ${e.message}`, b.step >= 0 ? b.op : null);
    }
  }

  /** Rebuilds the bind groups when a variable's storage was replaced since they were made. */
  private async refreshVariables(): Promise<void> {
    for (const [key, buffer] of this.boundVars) {
      const v = this.dev.variable(key);
      if (!v) throw new InvalidArgumentError(`No variable storage for ${key} on ${this.dev.name}`);
      if (v.buffer !== buffer) {
        const want = this.plan.buffers.find((x) => x.kind === 'var' && x.key === key)!;
        if (v.dtype !== want.dtype || v.size !== want.size) {
          throw new InvalidArgumentError(
            `variable '${key}' is now ${v.dtype}[${v.size}] on the device, this plan was compiled for ${want.dtype}[${want.size}]`,
          );
        }
        await this.makeBindGroups();
        return;
      }
    }
  }

  run(feeds: readonly DataArray[], dyn: Uint32Array, trace?: StepTrace): Promise<DataArray[]> {
    return this.dev.serialize(() => this.runNow(feeds, dyn, trace));
  }

  /**
   * A traced run (RunOptions FULL_TRACE) submits each step's dispatches on their own and waits
   * for the queue: a span is the step's time on the device plus one submission, so traced
   * steps run slower than untraced ones (as TF's GPU tracer, it measures, it does not overlap).
   */
  private async traceDispatches(trace: StepTrace): Promise<void> {
    const gpu = this.dev.gpu;
    const list = this.dispatches;
    for (let i = 0; i < list.length; ) {
      let j = i + 1;
      while (j < list.length && list[j]!.step === list[i]!.step) j++;
      const enc = gpu.createCommandEncoder({ label: `traced ${list[i]!.op}` });
      this.encodeDispatches(enc, list.slice(i, j));
      const t0 = nowMicros();
      gpu.queue.submit([enc.finish()]);
      await gpu.queue.onSubmittedWorkDone();
      trace(this.plan.steps[list[i]!.step]!, t0, nowMicros());
      i = j;
    }
  }

  private async runNow(feeds: readonly DataArray[], dyn: Uint32Array, trace?: StepTrace): Promise<DataArray[]> {
    if (this.disposed) throw new InternalError('run of a disposed WebGPU program');
    this.dev.assertUsable();
    const { plan } = this;
    const gpu = this.dev.gpu;
    if (feeds.length !== plan.feeds.length) {
      throw new InvalidArgumentError(`the plan takes ${plan.feeds.length} feeds, got ${feeds.length}`);
    }
    if (dyn.length < plan.dynSlots) {
      throw new InvalidArgumentError(`the plan takes ${plan.dynSlots} dyn slots, got ${dyn.length}`);
    }
    await this.refreshVariables();

    plan.feeds.forEach((id, k) => {
      const b = this.buf(id);
      const data = feeds[k]!;
      if (data.length !== b.size) {
        throw new InvalidArgumentError(`feed ${k} has ${data.length} elements, buffer ${id} holds ${b.size}`);
      }
      if (b.size === 0) return;
      const words = toGpu(data, b.dtype, `feed ${k}`);
      gpu.queue.writeBuffer(this.arena, this.offsets.get(id) ?? 0, words);
    });
    if (plan.dynSlots > 0) gpu.queue.writeBuffer(this.dynBuf, 0, dyn.subarray(0, plan.dynSlots));

    gpu.pushErrorScope('validation');
    let scope: Promise<GpuError | null>;
    try {
      if (trace) {
        if (this.errBuf) {
          const clear = gpu.createCommandEncoder({ label: 'clear error flags' });
          clear.clearBuffer(this.errBuf);
          gpu.queue.submit([clear.finish()]);
        }
        await this.traceDispatches(trace);
      }
      const enc = gpu.createCommandEncoder({ label: 'run' });
      if (!trace) {
        if (this.errBuf) enc.clearBuffer(this.errBuf);
        this.encodeDispatches(enc, this.dispatches);
      }
      for (const f of this.fetchSlots) {
        if (f.n === 0) continue;
        const r = this.range(f.buf);
        enc.copyBufferToBuffer(r.buffer, r.offset ?? 0, this.staging!, f.offset, f.n * 4);
      }
      if (this.errBuf) enc.copyBufferToBuffer(this.errBuf, 0, this.staging!, this.errStagingOffset, this.checks.length * SLOT_BYTES);
      this.encodeDispatches(enc, this.commitDispatches);
      for (const c of this.commitCopies) {
        const from = this.range(c.from);
        const to = this.range(c.to);
        enc.copyBufferToBuffer(from.buffer, from.offset ?? 0, to.buffer, 0, c.bytes);
      }
      gpu.queue.submit([enc.finish()]);
    } finally {
      scope = gpu.popErrorScope();
    }
    const mapped = this.staging ? this.staging.mapAsync(MapMode.READ) : gpu.queue.onSubmittedWorkDone();
    const err = await scope;
    if (err) {
      await mapped.catch(() => undefined);
      if (this.staging) this.unmapQuietly(this.staging);
      throw new InternalError(`WebGPU rejected a run: ${err.message}`);
    }
    await mapped;
    // No staging buffer: every fetch (if any) is empty.
    if (!this.staging) return this.fetchSlots.map((f) => allocArray(f.dtype, 0));

    const bytes = this.staging.getMappedRange();
    let results: DataArray[];
    let failed: { slot: CheckSlot; flags: number; pos: number } | null = null;
    try {
      results = this.fetchSlots.map((f) => (f.n === 0 ? allocArray(f.dtype, 0) : fromGpu(bytes, f.offset, f.n, f.dtype)));
      if (this.checks.length > 0) {
        const words = new Uint32Array(bytes, this.errStagingOffset, (this.checks.length * SLOT_BYTES) / 4);
        for (let s = 0; s < this.checks.length; s++) {
          const flags = words[(s * SLOT_BYTES) / 4]!;
          if (flags !== 0) {
            const raw = words[(s * SLOT_BYTES) / 4 + 1]!;
            failed = { slot: this.checks[s]!, flags, pos: raw === 0 ? -1 : 0xffffffff - raw };
            break;
          }
        }
      }
    } finally {
      this.staging.unmap();
    }
    if (failed) {
      const wit = failed.slot.witnessWords > 0 ? await this.readWitness(failed.slot) : null;
      throw new InvalidArgumentError(failed.slot.message({ flags: failed.flags, pos: failed.pos }, wit), failed.slot.op);
    }
    return results;
  }

  private encodeDispatches(enc: GpuCommandEncoder, list: readonly Bound[]): void {
    if (list.length === 0) return;
    const pass = enc.beginComputePass();
    let current: GpuComputePipeline | null = null;
    for (const d of list) {
      if (d.pipeline !== current) {
        pass.setPipeline(d.pipeline);
        current = d.pipeline;
      }
      pass.setBindGroup(0, d.bindGroup!);
      pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
    }
    pass.end();
  }

  private async readWitness(slot: CheckSlot): Promise<Int32Array> {
    const gpu = this.dev.gpu;
    const bytes = slot.witnessWords * 4;
    const tmp = this.dev.createBuffer({ size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'witness read' });
    try {
      const enc = gpu.createCommandEncoder();
      enc.copyBufferToBuffer(this.witBuf!, slot.witnessOffset, tmp, 0, bytes);
      gpu.queue.submit([enc.finish()]);
      await tmp.mapAsync(MapMode.READ);
      return new Int32Array(tmp.getMappedRange().slice(0));
    } finally {
      this.dev.destroyBuffer(tmp);
    }
  }

  private unmapQuietly(b: GpuBuffer): void {
    try {
      b.unmap();
    } catch {
      // not mapped
    }
  }

  /** Frees the program's buffers once the runs already queued have finished. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dev.forget(this);
    void this.dev.serialize(async () => this.destroyNow());
  }

  /** @internal Frees the buffers now (the device's own dispose, or a failed compile). */
  destroyNow(): void {
    this.disposed = true;
    for (const b of this.owned) this.dev.destroyBuffer(b);
    this.owned.length = 0;
  }
}

const nowMicros = (): number => (performance.timeOrigin + performance.now()) * 1000;
