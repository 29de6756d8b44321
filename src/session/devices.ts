/** Opening the WebGPU device on demand (its runtime is an optional dependency). */
import type { Device } from '../device/device.js';
import { InvalidArgumentError } from '../errors.js';

/** The WebGPU device, or null when there is none and `soft` placement allows the CPU instead. */
export async function createWebGPU(soft: boolean): Promise<Device | null> {
  try {
    const m = await import('../device/webgpu/index.js');
    return await m.createWebGPUDevice();
  } catch (e) {
    if (soft) return null;
    throw new InvalidArgumentError(`The WebGPU device is not available here: ${(e as Error).message}`);
  }
}
