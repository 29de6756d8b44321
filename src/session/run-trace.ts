/**
 * `tf.RunOptions` / `tf.RunMetadata` (tensorflow/core/protobuf/config.proto) and the step stats
 * a traced run fills (tensorflow/core/framework/step_stats.proto): one NodeExecStats per graph
 * op whose kernels ran, with its device, start, duration and output bytes.
 */
import { BYTES, type DType } from '../dtype.js';
import type { AnyStep, Plan } from '../device/plan.js';
import type { StepTrace } from '../device/device.js';
import { dtypeToEnum, shapeToProto } from '../graphdef/tensor-proto.js';
import { encode } from '../proto/codec.js';
import { RunMetadataT } from '../proto/summary.js';
import type { Graph } from '../graph/graph.js';

export interface RunOptionsInit {
  traceLevel?: number;
  timeoutInMs?: number;
  interOpThreadPool?: number;
  outputPartitionGraphs?: boolean;
  reportTensorAllocationsUponOom?: boolean;
}

/** `tf.RunOptions(trace_level=…)`. */
export class RunOptions {
  static readonly NO_TRACE = 0;
  static readonly SOFTWARE_TRACE = 1;
  static readonly HARDWARE_TRACE = 2;
  static readonly FULL_TRACE = 3;
  traceLevel: number;
  timeoutInMs: number;
  interOpThreadPool: number;
  outputPartitionGraphs: boolean;
  reportTensorAllocationsUponOom: boolean;

  constructor(init: RunOptionsInit = {}) {
    const level = init.traceLevel ?? 0;
    if (![0, 1, 2, 3].includes(level)) throw new TypeError(`RunOptions: traceLevel must be one of NO_TRACE, SOFTWARE_TRACE, HARDWARE_TRACE, FULL_TRACE, got ${String(level)}`);
    this.traceLevel = level;
    this.timeoutInMs = init.timeoutInMs ?? 0;
    this.interOpThreadPool = init.interOpThreadPool ?? 0;
    this.outputPartitionGraphs = init.outputPartitionGraphs ?? false;
    this.reportTensorAllocationsUponOom = init.reportTensorAllocationsUponOom ?? false;
  }
}

export interface AllocationDescription {
  requestedBytes: number;
  allocatedBytes: number;
}
export interface NodeOutput {
  slot: number;
  tensorDescription: { dtype: DType; shape: number[]; allocationDescription: AllocationDescription };
}
export interface NodeExecStats {
  nodeName: string;
  /** Start of the op's first kernel, µs since the epoch. */
  allStartMicros: number;
  opStartRelMicros: number;
  opEndRelMicros: number;
  allEndRelMicros: number;
  output: NodeOutput[];
  /** TF's `name = Op(inputs)` label. */
  timelineLabel: string;
  scheduledMicros: number;
  threadId: number;
}
export interface DeviceStepStats {
  device: string;
  nodeStats: NodeExecStats[];
}
export interface StepStats {
  devStats: DeviceStepStats[];
}

/** `tf.RunMetadata()`: filled by a traced `sess.run(fetches, feeds, options, runMetadata)`. */
export class RunMetadata {
  stepStats: StepStats = { devStats: [] };
  partitionGraphs: unknown[] = [];

  /** `SerializeToString()`: the RunMetadata proto (what `FileWriter.addRunMetadata` writes). */
  serialize(): Uint8Array {
    const devStats = this.stepStats.devStats.map((d) => ({
      device: d.device,
      nodeStats: d.nodeStats.map((n) => ({
        ...n,
        allStartMicros: Math.round(n.allStartMicros),
        opStartRelMicros: Math.round(n.opStartRelMicros),
        opEndRelMicros: Math.round(n.opEndRelMicros),
        allEndRelMicros: Math.round(n.allEndRelMicros),
        scheduledMicros: Math.round(n.scheduledMicros),
        output: n.output.map((o) => ({
          slot: o.slot,
          tensorDescription: {
            dtype: dtypeToEnum(o.tensorDescription.dtype),
            shape: shapeToProto(o.tensorDescription.shape),
            allocationDescription: o.tensorDescription.allocationDescription,
          },
        })),
      })),
    }));
    return encode(RunMetadataT, { stepStats: { devStats }, partitionGraphs: this.partitionGraphs });
  }
}

/** Whether `opts` asks for step stats. */
export function wantsTrace(opts: unknown): boolean {
  return typeof opts === 'object' && opts !== null && Number((opts as { traceLevel?: number }).traceLevel ?? 0) > 0;
}

/**
 * Collects a run's step spans and turns them into NodeExecStats, one per graph op (its steps
 * merged: first start to last end; its outputs are the buffers its last step wrote).
 */
/** The graph ops a step ran for: those fused into it, or its own. */
function fusedOps(step: AnyStep): string[] {
  if (step.prim === 'map') return step.params.ops ?? [step.op];
  if (step.prim === 'matmul' || step.prim === 'conv2d') return step.params.epilogue?.ops ?? [step.op];
  return [step.op];
}

export class TraceCollector {
  private readonly spans: { step: AnyStep; start: number; end: number }[] = [];
  readonly record: StepTrace = (step, start, end) => void this.spans.push({ step, start, end });

  nodeStats(plan: Plan, graph: Graph | null): NodeExecStats[] {
    const bufs = new Map(plan.buffers.map((b) => [b.id, b]));
    const ops = new Map((graph?.operations ?? []).map((o) => [o.name, o]));
    const byOp = new Map<string, { start: number; end: number; last: AnyStep }>();
    for (const s of this.spans) {
      // a fused step ran for every op fused into it
      for (const name of fusedOps(s.step)) {
        const e = byOp.get(name);
        if (!e) byOp.set(name, { start: s.start, end: s.end, last: s.step });
        else {
          e.start = Math.min(e.start, s.start);
          e.end = Math.max(e.end, s.end);
          e.last = s.step;
        }
      }
    }
    return [...byOp].map(([name, e]) => {
      const start = Math.floor(e.start);
      const dur = Math.max(0, Math.round(e.end - e.start));
      const op = ops.get(name) ?? null;
      const inputs = op ? op.inputs.map((t) => t.name).join(', ') : '';
      return {
        nodeName: name,
        allStartMicros: start,
        opStartRelMicros: 0,
        opEndRelMicros: dur,
        allEndRelMicros: dur,
        output: e.last.outputs.map((id, slot) => {
          const b = bufs.get(id)!;
          const bytes = b.size * BYTES[b.dtype];
          return { slot, tensorDescription: { dtype: b.dtype, shape: [b.size], allocationDescription: { requestedBytes: bytes, allocatedBytes: bytes } } };
        }),
        timelineLabel: `${name} = ${op?.type ?? 'Op'}(${inputs})`,
        scheduledMicros: start,
        threadId: 0,
      };
    });
  }
}
