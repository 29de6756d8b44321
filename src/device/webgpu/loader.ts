/**
 * Finding a WebGPU implementation: `navigator.gpu` in browsers, the optional `webgpu` package
 * (Dawn) in Node, loaded on first use only.
 */
import type { GpuAdapter, GpuLike } from './gpu-types.js';

interface DawnModule {
  create(flags: string[]): GpuLike;
}

/**
 * Every object Dawn's `create()` returned, for the life of the process. Dawn crashes the
 * process when one of them is garbage-collected while a device made from it is still in use,
 * so they are never released (holding them does not keep the process alive).
 */
const dawnInstances = new Map<string, GpuLike>();
let dawnModule: Promise<DawnModule> | null = null;

function navigatorGpu(): GpuLike | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? undefined;
}

async function importDawn(): Promise<DawnModule> {
  // A computed specifier keeps bundlers and TypeScript from resolving the optional package.
  const specifier = 'webgpu';
  try {
    const mod = (await import(/* @vite-ignore */ specifier)) as Partial<DawnModule>;
    if (typeof mod.create !== 'function') throw new Error("it has no 'create' export");
    return mod as DawnModule;
  } catch (e) {
    throw new Error(
      "WebGPU is not available: the optional package 'webgpu' (Dawn for Node) could not be " +
        `loaded (${e instanceof Error ? e.message : String(e)}). Install it with 'npm install webgpu'.`,
      { cause: e },
    );
  }
}

/**
 * The GPU entry point: `navigator.gpu` where it exists (and no Dawn flags were asked for),
 * else a Dawn instance created with `flags` (e.g. `backend=vulkan`, `adapter=<name>`,
 * `enable-dawn-features=...`).
 */
export async function loadGpu(flags: readonly string[] = []): Promise<GpuLike> {
  const nav = navigatorGpu();
  if (nav && flags.length === 0) return nav;
  const key = flags.join('\n');
  const existing = dawnInstances.get(key);
  if (existing) return existing;
  dawnModule ??= importDawn();
  let mod: DawnModule;
  try {
    mod = await dawnModule;
  } catch (e) {
    dawnModule = null;
    throw e;
  }
  const again = dawnInstances.get(key);
  if (again) return again;
  const gpu = mod.create([...flags]);
  dawnInstances.set(key, gpu);
  return gpu;
}

export interface AdapterRequest {
  flags?: readonly string[];
  powerPreference?: 'low-power' | 'high-performance';
  gpu?: GpuLike;
}

/** An adapter, or null when the implementation has none (e.g. no Vulkan driver). */
export async function requestAdapter(req: AdapterRequest = {}): Promise<GpuAdapter | null> {
  const gpu = req.gpu ?? (await loadGpu(req.flags ?? []));
  const opts = req.powerPreference ? { powerPreference: req.powerPreference } : undefined;
  return gpu.requestAdapter(opts);
}
