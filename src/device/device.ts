/** The device interface: compile plans, run them, hold variables. */
import type { DType, DataArray } from '../dtype.js';
import type { FusionRules } from './fusion.js';
import type { AnyStep, Plan } from './plan.js';

/** Receives each executed plan step's wall-clock span (µs since the epoch) when a run is traced. */
export type StepTrace = (step: AnyStep, startMicros: number, endMicros: number) => void;

export interface Program {
  /**
   * Run the plan: feeds in plan order, `dyn` per-run slots; resolves to the fetched values.
   * With `trace`, the device reports every step it executes (devices that cannot time steps
   * one by one ignore it).
   */
  run(feeds: readonly DataArray[], dyn: Uint32Array, trace?: StepTrace): Promise<DataArray[]>;
  /** Synchronous run, where the device can (the CPU device). */
  runSync?(feeds: readonly DataArray[], dyn: Uint32Array, trace?: StepTrace): DataArray[];
  dispose(): void;
}

export interface Device {
  /** The id it is registered under (registry.ts), e.g. `'cpu'`. */
  readonly kind: string;
  /** TF-style local name, e.g. `/device:CPU:0`. */
  readonly name: string;
  /** Byte alignment the memory planner must give temp offsets. */
  readonly alignment: number;
  /** Whether an elementwise step may write over an input that dies at that step. */
  readonly inPlace: boolean;
  /** Threads its kernels run on (CPU device: 1 where workers cannot run). */
  readonly threads?: number;
  /** Why the device runs on one thread whatever was asked, or null (CPU device). */
  readonly singleThreadReason?: string | null;
  /** Its elementwise steps as expressions, for the plan's fusion pass (none: never fused). */
  readonly fusion?: FusionRules;
  /** Bytes per element in device memory (default: the dtype's size on the host). */
  bytesPerElement?(dtype: DType): number;
  /** Create (zeroed) storage for a variable; a no-op if it exists with this dtype and size. */
  createVariable(key: string, dtype: DType, size: number): void;
  readVariable(key: string): Promise<DataArray>;
  writeVariable(key: string, data: DataArray): Promise<void>;
  compile(plan: Plan): Promise<Program>;
  /** Synchronous compile, where the device can. */
  compileSync?(plan: Plan): Program;
  dispose(): Promise<void>;
}
