/** `host` steps produce strings, which the placer keeps on the CPU: never built here. */
import type { KernelBuilder } from './types.js';

export const host: KernelBuilder<'host'> = (step) => {
  throw new Error(`host step of ${step.op} has no WebGPU kernel: ops with string outputs run on the CPU`);
};
