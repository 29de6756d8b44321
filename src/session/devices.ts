/** Opening the WebGPU device on demand (its runtime is an optional dependency). */
import type { Device } from '../device/device.js';
import type { GpuAdapterInfo } from '../device/webgpu/gpu-types.js';
import { InvalidArgumentError } from '../errors.js';

/**
 * The WebGPU device, or null when there is none and `soft` placement allows the CPU instead.
 * A hardware adapter is preferred where there are several.
 */
export async function createWebGPU(soft: boolean): Promise<Device | null> {
  try {
    const m = await import('../device/webgpu/index.js');
    return await m.createWebGPUDevice({ powerPreference: 'high-performance' });
  } catch (e) {
    if (soft) return null;
    throw new InvalidArgumentError(`The WebGPU device is not available here: ${(e as Error).message}`);
  }
}

/** Whether a GPU device runs on a software adapter (WebGPU's fallback adapter, a CPU-type Vulkan device). */
export function isSoftwareGpu(d: Device): boolean {
  return (d as { adapterInfo?: GpuAdapterInfo | null }).adapterInfo?.isFallbackAdapter === true;
}
