/**
 * The part of the WebGPU API this device uses, typed locally: the `webgpu` package is an
 * optional dependency and TypeScript's DOM library has no WebGPU types, so the device must
 * typecheck without either.
 */

export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;
export const ShaderStage = { COMPUTE: 0x0004 } as const;

export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
    forceFallbackAdapter?: boolean;
  }): Promise<GpuAdapter | null>;
}

export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A software implementation (WebGPU's fallback adapter, e.g. Mesa llvmpipe or SwiftShader). */
  readonly isFallbackAdapter?: boolean;
}

export interface GpuAdapter {
  readonly limits: Readonly<Record<string, number>>;
  readonly features: ReadonlySet<string>;
  readonly info?: GpuAdapterInfo;
  /** Where older implementations report it (newer ones: `info.isFallbackAdapter`). */
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: {
    label?: string;
    requiredLimits?: Record<string, number>;
    requiredFeatures?: string[];
  }): Promise<GpuDevice>;
}

export interface GpuError {
  readonly message: string;
}

export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuBindGroupLayout {
  readonly label?: string;
}
export interface GpuPipelineLayout {
  readonly label?: string;
}
export interface GpuBindGroup {
  readonly label?: string;
}
export interface GpuComputePipeline {
  readonly label?: string;
}
export interface GpuCommandBuffer {
  readonly label?: string;
}

export interface GpuCompilationMessage {
  readonly message: string;
  readonly type: 'error' | 'warning' | 'info';
  readonly lineNum: number;
  readonly linePos: number;
}

export interface GpuShaderModule {
  getCompilationInfo(): Promise<{ readonly messages: readonly GpuCompilationMessage[] }>;
}

export interface GpuBufferBinding {
  buffer: GpuBuffer;
  offset?: number;
  size?: number;
}

export interface GpuBindGroupLayoutEntry {
  binding: number;
  visibility: number;
  buffer: { type: 'uniform' | 'storage' | 'read-only-storage' };
}

export interface GpuComputePassEncoder {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: GpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandEncoder {
  beginComputePass(descriptor?: { label?: string }): GpuComputePassEncoder;
  copyBufferToBuffer(
    source: GpuBuffer,
    sourceOffset: number,
    destination: GpuBuffer,
    destinationOffset: number,
    size: number,
  ): void;
  clearBuffer(buffer: GpuBuffer, offset?: number, size?: number): void;
  finish(): GpuCommandBuffer;
}

export interface GpuQueue {
  submit(buffers: GpuCommandBuffer[]): void;
  writeBuffer(
    buffer: GpuBuffer,
    bufferOffset: number,
    data: ArrayBufferView | ArrayBuffer,
    dataOffset?: number,
    size?: number,
  ): void;
  onSubmittedWorkDone(): Promise<void>;
}

export interface GpuDevice {
  readonly limits: Readonly<Record<string, number>>;
  readonly queue: GpuQueue;
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
  createBuffer(descriptor: {
    size: number;
    usage: number;
    mappedAtCreation?: boolean;
    label?: string;
  }): GpuBuffer;
  createShaderModule(descriptor: { code: string; label?: string }): GpuShaderModule;
  createBindGroupLayout(descriptor: {
    entries: GpuBindGroupLayoutEntry[];
    label?: string;
  }): GpuBindGroupLayout;
  createPipelineLayout(descriptor: {
    bindGroupLayouts: GpuBindGroupLayout[];
    label?: string;
  }): GpuPipelineLayout;
  createComputePipelineAsync(descriptor: {
    layout: GpuPipelineLayout;
    compute: { module: GpuShaderModule; entryPoint: string };
    label?: string;
  }): Promise<GpuComputePipeline>;
  createBindGroup(descriptor: {
    layout: GpuBindGroupLayout;
    entries: { binding: number; resource: GpuBufferBinding }[];
    label?: string;
  }): GpuBindGroup;
  createCommandEncoder(descriptor?: { label?: string }): GpuCommandEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GpuError | null>;
  destroy(): void;
}
