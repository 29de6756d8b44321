/**
 * Explicit device placement against the devices a session has (CPU:0, and GPU:0 with a WebGPU
 * adapter): a device that does not exist is TF1's InvalidArgumentError, or with soft placement
 * goes to a hardware GPU or the CPU — never onto a software adapter the session did not ask for.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { type Placer, placeOp } from '../src/session/placement.js';
import { isSoftwareAdapter } from '../src/device/webgpu/index.js';
import type { GpuAdapter, GpuAdapterInfo } from '../src/device/webgpu/gpu-types.js';
import { thrown } from './support/errors.js';

const CPU0 = '/job:localhost/replica:0/task:0/device:CPU:0';
const GPU0 = '/job:localhost/replica:0/task:0/device:GPU:0';

function opOn(device: string): tf.Operation {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const a = tf.placeholder(tf.float32, [], 'a');
    return tf.device(device, () => tf.add(a, 2, 'sum')).op;
  });
}

describe('placeOp', () => {
  const hw: Placer = { defaultKind: 'cpu', gpu: true, allowSoftPlacement: false, softGpu: true };
  const sw: Placer = { ...hw, softGpu: false };
  const none: Placer = { defaultKind: 'cpu', gpu: false, allowSoftPlacement: false };
  const soft = (p: Placer): Placer => ({ ...p, allowSoftPlacement: true });

  it('/gpu:1 without soft placement: "Cannot assign a device", listing the devices there are', () => {
    for (const p of [hw, sw]) {
      const e = thrown(() => placeOp(opOn('/gpu:1'), p));
      expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect(e.message).toBe(
        `Cannot assign a device for operation 'sum': Operation was explicitly assigned to /device:GPU:1 but available devices are [ ${CPU0}, ${GPU0} ]. Make sure the device specification refers to a valid device.`,
      );
      expect((e as tf.errors.OpError).op).toBe('sum');
    }
    expect(thrown(() => placeOp(opOn('/gpu:0'), none)).message).toBe(
      `Cannot assign a device for operation 'sum': Operation was explicitly assigned to /device:GPU:0 but available devices are [ ${CPU0} ]. Make sure the device specification refers to a valid device.`,
    );
    expect(thrown(() => placeOp(opOn('/cpu:1'), hw)).message).toMatch(/^Cannot assign a device for operation 'sum': Operation was explicitly assigned to \/device:CPU:1 but/);
  });

  it('asked for by name, GPU:0 is used whatever its adapter', () => {
    expect(placeOp(opOn('/gpu:0'), hw)).toBe('webgpu');
    expect(placeOp(opOn('/gpu:0'), sw)).toBe('webgpu');
    expect(placeOp(opOn('/cpu:0'), hw)).toBe('cpu');
  });

  it('soft placement: onto a hardware GPU, never onto a software adapter (the CPU instead)', () => {
    expect(placeOp(opOn('/gpu:1'), soft(hw))).toBe('webgpu');
    expect(placeOp(opOn('/gpu:0'), soft(hw))).toBe('webgpu');
    expect(placeOp(opOn('/gpu:1'), soft(sw))).toBe('cpu');
    expect(placeOp(opOn('/gpu:0'), soft(sw))).toBe('cpu');
    expect(placeOp(opOn('/gpu:1'), soft(none))).toBe('cpu');
    expect(placeOp(opOn('/cpu:1'), soft(hw))).toBe('cpu');
  });
});

describe('isSoftwareAdapter', () => {
  const adapter = (info: Partial<GpuAdapterInfo> | undefined, extra: Partial<GpuAdapter> = {}): GpuAdapter =>
    ({
      limits: {},
      features: new Set(),
      info: info && { vendor: '', architecture: '', device: '', description: '', ...info },
      requestDevice: () => Promise.reject(new Error('unused')),
      ...extra,
    }) as GpuAdapter;

  it('flags fallback adapters and CPU-type Vulkan devices, not hardware GPUs', () => {
    expect(isSoftwareAdapter(adapter({ isFallbackAdapter: true }))).toBe(true);
    expect(isSoftwareAdapter(adapter(undefined, { isFallbackAdapter: true }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'mesa', device: 'llvmpipe-llvm-15-0-6-256-bits', description: 'llvmpipe: Mesa 25.0.7' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'google', description: 'SwiftShader Device (Subzero)' }))).toBe(true);
    expect(isSoftwareAdapter(adapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }))).toBe(false);
    expect(isSoftwareAdapter(adapter(undefined))).toBe(false);
  });
});

describe('sessions', () => {
  it('tf.device("/gpu:1") fails the run without soft placement, and runs on the CPU or a hardware GPU with it', async () => {
    const g = new tf.Graph();
    const c = g.asDefault(() => {
      const one = tf.constant(1);
      return tf.device('/gpu:1', () => tf.add(one, one, 'sum'));
    });
    const hard = new tf.Session({ graph: g, threads: 1 });
    const err = await hard.run(c).then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(tf.errors.InvalidArgumentError);
    expect(err!.message).toMatch(/^Cannot assign a device for operation 'sum': Operation was explicitly assigned to \/device:GPU:1 but available devices are \[ /);
    await hard.close();
    const soft = new tf.Session({ graph: g, threads: 1, allowSoftPlacement: true });
    expect((await soft.run(c)).toArray()).toBe(2);
    // where a GPU was opened: a software adapter ran nothing, a hardware one ran the op
    const gpu = (soft as unknown as { runners: Map<string, { device: { adapterInfo?: GpuAdapterInfo | null; stats(): { buffers: number } } }> }).runners.get('webgpu');
    if (gpu?.device.adapterInfo?.isFallbackAdapter) expect(gpu.device.stats().buffers).toBe(0);
    else if (gpu) expect(gpu.device.stats().buffers).toBeGreaterThan(0);
    await soft.close();
  });
});
