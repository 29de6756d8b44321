/** `host` steps: a JS computation over whole tensors, run on the calling thread. */
import type { CpuKernel } from './types.js';

export const host: CpuKernel<'host'> = (p, ins, outs) => {
  const results = p.run(ins.map((data, i) => ({ data: data as ArrayLike<number>, shape: p.inShapes[i]!, dtype: p.inDTypes[i]! })));
  results.forEach((r, i) => {
    const o = outs[i] as unknown as unknown[];
    for (let j = 0; j < r.length; j++) o[j] = r[j];
  });
};
