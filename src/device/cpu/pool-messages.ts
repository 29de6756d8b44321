/** What the calling thread sends its workers: start-up data, plan step tables, errors back. */
import type { PrimName } from '../prims.js';

export interface WorkerInit {
  memory: WebAssembly.Memory;
  /** The control block's SharedArrayBuffer. */
  ctrl: SharedArrayBuffer;
  /** 1-based thread index (0 is the calling thread): picks the scratch region. */
  index: number;
  /** Whether to use the wasm kernels, and with relaxed SIMD — as the calling thread does. */
  wasm: boolean;
  relaxed: boolean;
  /** How long an idle worker spins before Atomics.wait, inside a run and between runs. */
  activeSpinMs: number;
  idleSpinMs: number;
}

/** A step a worker may get chunks of: views as [dtype, byte offset, length] in the heap. */
export interface WorkerStep {
  prim: PrimName;
  params: unknown;
  inputs: [string, number, number][];
  outputs: [string, number, number][];
  op: string;
  units: number;
  align: number;
  chunks: number;
  /** Byte offset of the plan's shared region for this step's chunks (KernelCtx.shared), or 0. */
  shared: number;
  /** The kernel's `pre` phase rather than the kernel itself. */
  pre: boolean;
}

export type PlanMessage =
  | { t: 'plan'; id: number; steps: (WorkerStep | null)[] }
  | { t: 'drop'; id: number };

/** Sent by a worker as it exits unasked (the pool then reads EXITED / EXIT_CODE). */
export interface WorkerExit {
  t: 'exit';
  code: number;
  /** The uncaught exception's message, if one ended it. */
  why: string;
}

export interface WorkerError {
  t: 'error';
  name: string;
  message: string;
  op: unknown;
  code: unknown;
}
