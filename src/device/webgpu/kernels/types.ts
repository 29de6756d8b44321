/**
 * What a kernel family produces for one plan step: one or more dispatches, each naming its
 * pipeline key, its uniform values, its bindings and its WGSL body. The program turns these
 * into cached pipelines, one uniform block per dispatch and one bind group per dispatch, all at
 * compile time.
 */
import type { DType } from '../../../dtype.js';
import type { Step } from '../../plan.js';
import type { PrimName } from '../../prims.js';
import type { Uniforms } from '../uniforms.js';

/** WGSL element types of storage arrays. bool is stored as u32 (0 or 1). */
export type Elem = 'f32' | 'i32' | 'u32';
/**
 * A binding read four elements at a time (`array<vec4<...>>`). Only for buffers whose size is a
 * multiple of 4 elements (so at least 16 bytes when not empty): plan buffers start 256-byte
 * aligned, so element 4·i of the buffer is vec4 element i.
 */
export type VecElem = `vec4<${Elem}>`;

export type BindingSource =
  /** A plan buffer (temp, var or const). */
  | { buf: number }
  /**
   * This step's error record: `array<atomic<u32>>`, word 0 = flag bits (0 = no error), word 1 =
   * `0xffffffff - first bad position` (use `atomicMax`), cleared before every run.
   */
  | { special: 'err' }
  /** Scratch the kernel fills with the values its error message needs (`words` i32). */
  | { special: 'witness'; words: number }
  /** The run's dynamic u32 slots (`dyn` of `Program.run`). */
  | { special: 'dyn' }
  /** Every step's error record (for the device's conditional commit kernel). */
  | { special: 'errAll' };

export interface BindingSpec {
  /** WGSL variable name. */
  name: string;
  source: BindingSource;
  /**
   * Whether the kernel writes it (a dispatch that would write an empty buffer is skipped). In
   * WGSL every storage binding is read_write; see the header in program.ts.
   */
  write: boolean;
  /** Element type; by default that of the plan buffer's dtype (u32 for specials). */
  elem?: Elem | VecElem;
}

export type Grid =
  /** One invocation per index `i` in [0, threads), workgroups of `workgroupSize` (default 64). */
  | { threads: number; workgroupSize?: number }
  /** Explicit workgroup counts (each ≤ 65535). */
  | { groups: [number, number, number] };

export interface Dispatch {
  /**
   * Pipeline cache key: family, function, dtypes, rank and other code-shaping choices, never
   * sizes. The program appends the uniform and binding signatures.
   */
  key: string;
  uniforms: Uniforms;
  bindings: BindingSpec[];
  /** WGSL after the generated header (the `Params` struct as `P`, then the bindings). */
  body: () => string;
  grid: Grid;
}

export interface ErrorRecord {
  flags: number;
  /** First bad position, or -1. */
  pos: number;
}

export interface KernelOutput {
  dispatches: Dispatch[];
  /** Present for kernels that can fail: turns the step's error record into a message. */
  check?: { message(rec: ErrorRecord, witness: Int32Array | null): string };
}

export interface KernelCtx {
  dtype(bufferId: number): DType;
}

export type KernelBuilder<K extends PrimName> = (step: Step<K>, ctx: KernelCtx) => KernelOutput;

/** A builder for every primitive family: a missing family is a compile error. */
export type KernelTable = { [K in PrimName]: KernelBuilder<K> };
