/** Making devices for a session, and listing them. */
import type { Device } from '../device/device.js';
import { CpuDevice } from '../device/cpu/index.js';
import { InvalidArgumentError } from '../errors.js';

export interface DeviceOptions {
  device?: 'cpu' | 'webgpu';
  threads?: number;
  allowSoftPlacement?: boolean;
  parallelThreshold?: number;
}

export async function createDevice(opts: DeviceOptions): Promise<Device> {
  if ((opts.device ?? 'cpu') === 'cpu') return new CpuDevice(opts);
  const webgpu = await import('../device/webgpu/index.js').catch((e: unknown) => {
    if (opts.allowSoftPlacement) return null;
    throw new InvalidArgumentError(`The WebGPU device could not be loaded: ${(e as Error).message}`);
  });
  const dev = webgpu ? await webgpu.createWebGPUDevice().catch((e: unknown) => {
    if (opts.allowSoftPlacement) return null;
    throw e;
  }) : null;
  if (dev) return dev;
  // Soft placement: no adapter, run on the CPU.
  return new CpuDevice(opts);
}

export function describeDevices(d: Device | null): { name: string; deviceType: 'CPU' | 'GPU' }[] {
  const out: { name: string; deviceType: 'CPU' | 'GPU' }[] = [{ name: '/device:CPU:0', deviceType: 'CPU' }];
  if (d && d.kind === 'webgpu') out.push({ name: d.name, deviceType: 'GPU' });
  return out;
}
