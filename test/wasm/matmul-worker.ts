/** Worker side of the threads test: instantiates the kernels on the shared memory it is given. */
import { parentPort, workerData } from 'node:worker_threads';
import { createWasmKernels } from '../../src/device/cpu/wasm/index.js';
import { enableRelaxedSimd } from '../../src/device/cpu/wasm/relaxed-flag.js';

const { memory, relaxed } = workerData as { memory: WebAssembly.Memory; relaxed: boolean };
if (relaxed) enableRelaxedSimd();
const K = createWasmKernels(memory, { relaxed })!;
parentPort!.on('message', (args: Parameters<typeof K.matmul>) => {
  K.matmul(...args);
  parentPort!.postMessage({ done: true, relaxed: K.relaxed });
});
