/** Ask for a WebGPU adapter without making a device. */
export async function webgpuAvailable(): Promise<boolean> {
  try {
    const m = await import('../device/webgpu/index.js');
    return await m.webgpuAvailable();
  } catch {
    return false;
  }
}
