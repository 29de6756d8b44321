/** The CPU device's traits and registration: every dtype, host element sizes, the fallback device. */
import { BYTES, DTYPES } from '../../dtype.js';
import { type DeviceDecl, registerDevice } from '../registry.js';
import { CpuDevice } from './index.js';

export const CPU_DEVICE: DeviceDecl = {
  id: 'cpu',
  deviceType: 'CPU',
  kind: 'CPU',
  label: 'CPU',
  dtypes: new Set(DTYPES),
  // as CpuDevice.alignment: a cache line, and whole SIMD vectors
  alignment: 64,
  bytesPerElement: (dtype) => BYTES[dtype],
  inPlace: true,
  sync: true,
  fallback: true,
  open: (opts) => new CpuDevice(opts),
};
registerDevice(CPU_DEVICE);
