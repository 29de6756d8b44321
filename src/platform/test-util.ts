/**
 * `tf.test`'s device queries (TF 1.15 python/platform/test.py). tsflow's GPU is WebGPU, whose
 * adapter is found asynchronously, so isGpuAvailable and gpuDeviceName return promises: true /
 * '/device:GPU:0' where a WebGPU adapter can be had here (Dawn in Node, navigator.gpu in a
 * browser; a software fallback adapter counts, as it runs the GPU kernels), false / '' where
 * not. Nothing here is built with CUDA or ROCm.
 */
import { webgpuAvailable } from '../session/webgpu-probe.js';

/**
 * `is_gpu_available(cuda_only=False, min_cuda_compute_capability=None)`. `cudaOnly` asks for a
 * CUDA GPU, of which tsflow has none (false); a compute capability cannot be asked of WebGPU.
 */
export async function isGpuAvailable(cudaOnly = false, minCudaComputeCapability: readonly [number, number] | null = null): Promise<boolean> {
  if (cudaOnly || minCudaComputeCapability !== null) return false;
  return webgpuAvailable();
}
/** `gpu_device_name()`: the GPU device's name, or '' where there is none. */
export async function gpuDeviceName(): Promise<string> {
  return (await webgpuAvailable()) ? '/device:GPU:0' : '';
}
/** `is_built_with_cuda()`: false. */
export function isBuiltWithCuda(): boolean {
  return false;
}
/** `is_built_with_rocm()`: false. */
export function isBuiltWithRocm(): boolean {
  return false;
}
