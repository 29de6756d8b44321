/**
 * The WebGPU device. In browsers it uses `navigator.gpu`; in Node it loads the optional
 * `webgpu` package (Dawn) the first time a device is asked for, so CPU-only users never load it.
 * Without a GPU, Dawn runs on Mesa's software Vulkan driver (see scripts/install-vulkan.sh).
 */
import { z } from 'zod';
import { WebGPUDevice } from './device.js';
import type { GpuAdapter, GpuLike } from './gpu-types.js';
import { requestAdapter } from './loader.js';

export { WebGPUDevice } from './device.js';
export type { GpuAdapterInfo } from './gpu-types.js';

const OptionsSchema = z
  .object({
    /** Dawn options for `create()` in Node, e.g. `['backend=vulkan']` or `['adapter=<name>']`. */
    flags: z.array(z.string()).optional(),
    powerPreference: z.enum(['low-power', 'high-performance']).optional(),
    /** A WebGPU entry point to use instead of `navigator.gpu` / Dawn. */
    gpu: z.custom<GpuLike>((v) => typeof v === 'object' && v !== null && typeof (v as GpuLike).requestAdapter === 'function', {
      message: 'expected an object with requestAdapter() (a GPU)',
    }).optional(),
  })
  .strict();

export type WebGPUDeviceOptions = z.infer<typeof OptionsSchema>;

/** Limits worth raising above WebGPU's defaults (the adapter's values are requested). */
const WANTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;

function parseOptions(opts: unknown): WebGPUDeviceOptions {
  const r = OptionsSchema.safeParse(opts ?? {});
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new TypeError(`Invalid WebGPU device options: ${issues}`);
  }
  return r.data;
}

async function adapterFor(o: WebGPUDeviceOptions): Promise<GpuAdapter | null> {
  return requestAdapter({
    ...(o.flags ? { flags: o.flags } : {}),
    ...(o.powerPreference ? { powerPreference: o.powerPreference } : {}),
    ...(o.gpu ? { gpu: o.gpu } : {}),
  });
}

/**
 * A WebGPU device. Rejects when WebGPU cannot be loaded or no adapter is found (in Node without
 * a GPU: install Mesa's lavapipe, see scripts/install-vulkan.sh).
 */
export async function createWebGPUDevice(opts?: WebGPUDeviceOptions): Promise<WebGPUDevice> {
  const o = parseOptions(opts);
  const adapter = await adapterFor(o);
  if (!adapter) {
    throw new Error(
      'No WebGPU adapter found. Without a GPU, Node needs a Vulkan driver such as Mesa lavapipe ' +
        '(Debian 12: mesa-vulkan-drivers from bookworm-backports; see scripts/install-vulkan.sh).',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const v = adapter.limits[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  const gpu = await adapter.requestDevice({ label: 'tsflow', requiredLimits });
  const info = adapter.info
    ? {
        vendor: adapter.info.vendor,
        architecture: adapter.info.architecture,
        device: adapter.info.device,
        description: adapter.info.description,
        isFallbackAdapter: isSoftwareAdapter(adapter),
      }
    : null;
  return new WebGPUDevice(gpu, info);
}

/** CPU Vulkan implementations, which some runtimes do not flag as fallback adapters. */
const SOFTWARE_NAMES = /\b(llvmpipe|lavapipe|swiftshader|softpipe)\b/i;

/** Whether an adapter runs on the CPU: WebGPU's fallback adapter, or a CPU-type Vulkan device. */
export function isSoftwareAdapter(a: GpuAdapter): boolean {
  if (a.info?.isFallbackAdapter === true || a.isFallbackAdapter === true) return true;
  const i = a.info;
  return !!i && (i.architecture === 'software' || SOFTWARE_NAMES.test(`${i.device} ${i.description}`));
}

let available: Promise<boolean> | null = null;

/** Whether a WebGPU adapter can be had here (the answer is cached). */
export function webgpuAvailable(): Promise<boolean> {
  available ??= adapterFor({}).then(
    (a) => a !== null,
    () => false,
  );
  return available;
}
