/**
 * The WebGPU device's traits and registration. The device module itself (and its optional
 * runtime, Dawn in Node) loads only when a session opens the device.
 */
import type { Device } from '../device.js';
import { type DeviceDecl, dtypesExcept, registerDevice } from '../registry.js';
import type { GpuAdapterInfo } from './gpu-types.js';
import { InvalidArgumentError } from '../../errors.js';
import { BYTES_PER_ELEMENT } from './convert.js';


export const WEBGPU_DEVICE: DeviceDecl = {
  id: 'webgpu',
  deviceType: 'GPU',
  kind: 'GPU',
  label: 'WebGPU',
  // string tensors have no GPU kernels, as in TF
  dtypes: dtypesExcept('string'),
  // WebGPU's default minStorageBufferOffsetAlignment; an adapter may ask for more
  alignment: 256,
  // 4 for every dtype (bool as u32, int64 as i32, see convert.ts); float64 reports 8 but is
  // rejected when a plan compiles
  bytesPerElement: (dtype) => (dtype === 'float64' ? 8 : BYTES_PER_ELEMENT),
  // aliased read-write bindings are invalid in WebGPU
  inPlace: false,
  sync: false,
  fallback: false,
  // WebGPU's fallback adapter or a CPU-type Vulkan device
  isSoftware: (d: Device) => (d as { adapterInfo?: GpuAdapterInfo | null }).adapterInfo?.isFallbackAdapter === true,
  async open({ soft }) {
    try {
      const m = await import('./index.js');
      // a hardware adapter is preferred where there are several
      return await m.createWebGPUDevice({ powerPreference: 'high-performance' });
    } catch (e) {
      if (soft) return null;
      throw new InvalidArgumentError(`The WebGPU device is not available here: ${(e as Error).message}`);
    }
  },
};
registerDevice(WEBGPU_DEVICE);
