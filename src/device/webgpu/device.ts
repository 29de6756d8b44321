/** The WebGPU device: variables as persistent GPU buffers, plans compiled to WebGPU programs. */
import type { FusionRules } from '../fusion.js';
import { webgpuFusionRules } from './fusion.js';
import { type DType, type DataArray, allocArray } from '../../dtype.js';
import { InternalError, InvalidArgumentError } from '../../errors.js';
import type { Device, Program } from '../device.js';
import type { Plan } from '../plan.js';
import { WEBGPU_DEVICE } from './register.js';
import { BYTES_PER_ELEMENT, checkDType, fromGpu, toGpu } from './convert.js';
import {
  BufferUsage,
  MapMode,
  ShaderStage,
  type GpuAdapterInfo,
  type GpuBindGroupLayout,
  type GpuBuffer,
  type GpuComputePipeline,
  type GpuDevice,
  type GpuError,
  type GpuPipelineLayout,
  type GpuShaderModule,
} from './gpu-types.js';
import { EMPTY_SLOT, MAX_BINDINGS, WebGPUProgram } from './program.js';

export interface VariableStorage {
  buffer: GpuBuffer;
  dtype: DType;
  size: number;
}

export interface PipelineEntry {
  pipeline: GpuComputePipeline;
  layout: GpuBindGroupLayout;
}

function numbered(code: string): string {
  return code
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(4)}  ${l}`)
    .join('\n');
}

export class WebGPUDevice implements Device {
  readonly kind = WEBGPU_DEVICE.id;
  readonly name = '/device:GPU:0';
  /** Storage-buffer offsets of temps (WebGPU's default minStorageBufferOffsetAlignment). */
  readonly alignment: number;
  /** Aliased read-write bindings are invalid in WebGPU, so outputs never overwrite inputs. */
  readonly inPlace = WEBGPU_DEVICE.inPlace;
  readonly gpu: GpuDevice;
  /** Its elementwise kernels as expressions, for the fusion pass (fusion.ts). */
  readonly fusion: FusionRules;
  /** The adapter the device runs on (vendor, architecture, description), where known. */
  readonly adapterInfo: GpuAdapterInfo | null;
  /** Pipelines made so far (for tests and stats). */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** Live GPU buffers made through this device (created minus destroyed), and their bytes. */
  stats(): { buffers: number; bytes: number } {
    let bytes = 0;
    for (const n of this.live.values()) bytes += n;
    return { buffers: this.live.size, bytes };
  }

  /** Live buffers and their sizes; every buffer is made by `createBuffer` and freed by `destroyBuffer`. */
  private readonly live = new Map<GpuBuffer, number>();

  private readonly vars = new Map<string, VariableStorage>();
  private readonly pipelines = new Map<string, Promise<PipelineEntry>>();
  private readonly programs = new Set<WebGPUProgram>();
  private chain: Promise<unknown> = Promise.resolve();
  private lost: string | null = null;
  private disposed = false;
  private zero: GpuBuffer | null = null;

  constructor(gpu: GpuDevice, adapterInfo: GpuAdapterInfo | null) {
    this.gpu = gpu;
    this.adapterInfo = adapterInfo;
    this.alignment = Math.max(WEBGPU_DEVICE.alignment, gpu.limits.minStorageBufferOffsetAlignment ?? 256);
    this.fusion = webgpuFusionRules(Math.min(gpu.limits.maxStorageBuffersPerShaderStage ?? 8, 16));
    void gpu.lost.then((info) => {
      if (!this.disposed) this.lost = `${info.reason}: ${info.message}`;
    });
  }

  /** Bytes per element in GPU memory, for the memory planner (see register.ts). */
  bytesPerElement(dtype: DType): number {
    return WEBGPU_DEVICE.bytesPerElement(dtype);
  }

  assertUsable(): void {
    if (this.disposed) throw new InternalError('the WebGPU device has been disposed');
    if (this.lost) throw new InternalError(`the WebGPU device was lost (${this.lost})`);
  }

  /** Runs `fn` after every earlier queued operation (runs, variable reads and writes). */
  serialize<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  variable(key: string): VariableStorage | undefined {
    return this.vars.get(key);
  }

  /** @internal Creates a buffer and counts it as live. */
  createBuffer(desc: Parameters<GpuDevice['createBuffer']>[0]): GpuBuffer {
    const b = this.gpu.createBuffer(desc);
    this.live.set(b, desc.size);
    return b;
  }

  /** @internal Destroys a buffer made by `createBuffer`. */
  destroyBuffer(b: GpuBuffer): void {
    this.live.delete(b);
    b.destroy();
  }

  /** A zeroed buffer whose disjoint 256-byte ranges are bound in place of empty inputs. */
  emptyBuffer(): GpuBuffer {
    this.zero ??= this.createBuffer({ size: EMPTY_SLOT * MAX_BINDINGS, usage: BufferUsage.STORAGE, label: 'empty' });
    return this.zero;
  }

  createVariable(key: string, dtype: DType, size: number): void {
    this.assertUsable();
    checkDType(dtype, `variable '${key}'`);
    const v = this.vars.get(key);
    if (v && v.dtype === dtype && v.size === size) return;
    // New buffers are zero-filled. Work already submitted keeps the old one alive until it ends.
    if (v) this.destroyBuffer(v.buffer);
    const buffer = this.createBuffer({
      size: Math.max(4, size * BYTES_PER_ELEMENT),
      usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
      label: `variable ${key}`,
    });
    this.vars.set(key, { buffer, dtype, size });
  }

  private storage(key: string): VariableStorage {
    const v = this.vars.get(key);
    if (!v) throw new InvalidArgumentError(`No variable storage for ${key} on ${this.name}`);
    return v;
  }

  readVariable(key: string): Promise<DataArray> {
    return this.serialize(async () => {
      this.assertUsable();
      const v = this.storage(key);
      if (v.size === 0) return allocArray(v.dtype, 0);
      const bytes = v.size * BYTES_PER_ELEMENT;
      const tmp = this.createBuffer({ size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: `read ${key}` });
      try {
        const enc = this.gpu.createCommandEncoder();
        enc.copyBufferToBuffer(v.buffer, 0, tmp, 0, bytes);
        this.gpu.queue.submit([enc.finish()]);
        await tmp.mapAsync(MapMode.READ);
        return fromGpu(tmp.getMappedRange(), 0, v.size, v.dtype);
      } finally {
        this.destroyBuffer(tmp);
      }
    });
  }

  writeVariable(key: string, data: DataArray): Promise<void> {
    return this.serialize(async () => {
      this.assertUsable();
      const v = this.storage(key);
      if (data.length !== v.size) {
        throw new InvalidArgumentError(`variable ${key} holds ${v.size} elements, got ${data.length}`);
      }
      if (v.size > 0) this.gpu.queue.writeBuffer(v.buffer, 0, toGpu(data, v.dtype, `variable '${key}'`));
    });
  }

  async compile(plan: Plan): Promise<Program> {
    this.assertUsable();
    const p = await WebGPUProgram.create(this, plan);
    this.programs.add(p);
    return p;
  }

  /** @internal */
  forget(p: WebGPUProgram): void {
    this.programs.delete(p);
  }

  /**
   * The pipeline for `key`, made once per device. `code` is only called the first time; shader
   * and pipeline errors become exceptions naming the kernel and the op that asked for it.
   */
  pipeline(
    key: string,
    code: () => string,
    bindings: number,
    op: string,
  ): Promise<PipelineEntry> {
    let entry = this.pipelines.get(key);
    if (!entry) {
      entry = this.makePipeline(key, code(), bindings, op);
      this.pipelines.set(key, entry);
      entry.catch(() => this.pipelines.delete(key));
    }
    return entry;
  }

  private async makePipeline(
    key: string,
    code: string,
    bindings: number,
    op: string,
  ): Promise<PipelineEntry> {
    const gpu = this.gpu;
    const entries = [
      { binding: 0, visibility: ShaderStage.COMPUTE, buffer: { type: 'uniform' as const } },
      // All storage bindings are writable (see wgslHeader in program.ts).
      ...Array.from({ length: bindings }, (_, k) => ({
        binding: k + 1,
        visibility: ShaderStage.COMPUTE,
        buffer: { type: 'storage' as const },
      })),
    ];
    gpu.pushErrorScope('validation');
    let scope: Promise<GpuError | null>;
    let layout: GpuBindGroupLayout;
    let module: GpuShaderModule;
    let pipelineLayout: GpuPipelineLayout;
    try {
      layout = gpu.createBindGroupLayout({ label: key, entries });
      module = gpu.createShaderModule({ code, label: key });
      pipelineLayout = gpu.createPipelineLayout({ bindGroupLayouts: [layout], label: key });
    } finally {
      scope = gpu.popErrorScope();
    }
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    const scoped = await scope;
    if (errors.length > 0 || scoped) {
      const text = errors.length > 0 ? errors.map((m) => `${m.lineNum}:${m.linePos}: ${m.message}`).join('\n') : scoped!.message;
      throw new InternalError(`WebGPU kernel ${key} (for op '${op}') failed to compile:\n${text}\n${numbered(code)}`, op);
    }
    try {
      const pipeline = await gpu.createComputePipelineAsync({
        layout: pipelineLayout,
        compute: { module, entryPoint: 'main' },
        label: key,
      });
      return { pipeline, layout };
    } catch (e) {
      throw new InternalError(`WebGPU pipeline ${key} (for op '${op}') failed: ${(e as Error).message}`, op);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.serialize(async () => {
      this.disposed = true;
      for (const p of [...this.programs]) p.destroyNow();
      this.programs.clear();
      for (const v of this.vars.values()) this.destroyBuffer(v.buffer);
      this.vars.clear();
      if (this.zero) this.destroyBuffer(this.zero);
      this.zero = null;
      this.gpu.destroy();
    });
  }
}
