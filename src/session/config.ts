/**
 * Session options: tsflow's own (`{graph, device, threads, …}`), TF1's positional
 * `Session(target, graph, config)`, and TF's ConfigProto fields, flat or as `{config}` (a plain
 * object or a `tf.ConfigProto`).
 */
import { z } from 'zod';
import { Graph } from '../graph/graph.js';
import { NotFoundError } from '../errors.js';
import { isOptionsObject, kwargs } from '../args.js';
import { intIn, parseOptions } from '../validate.js';
import { deviceDecl, fullName, registeredDevices } from '../device/registry.js';

const gpuOptionsShape = {
  /** WebGPU buffers are allocated per plan as needed, which is what allow_growth asks for. */
  allowGrowth: z.boolean().optional(),
  perProcessGpuMemoryFraction: z.number().min(0).max(1).optional(),
  visibleDeviceList: z.string().optional(),
  forceGpuCompatible: z.boolean().optional(),
};
const gpuOptionsSchema = z.strictObject(gpuOptionsShape);

/** TF1's OptimizerOptions.GlobalJitLevel: DEFAULT 0, OFF -1, ON_1 1, ON_2 2. */
export const GLOBAL_JIT_LEVELS = { DEFAULT: 0, OFF: -1, ON_1: 1, ON_2: 2 } as const;
const jitLevel = z.union([z.literal(-1), z.literal(0), z.literal(1), z.literal(2), z.enum(['DEFAULT', 'OFF', 'ON_1', 'ON_2'])]);
/** TF1's GraphOptions: only optimizerOptions.globalJitLevel is read (elementwise fusion); optLevel is accepted. */
const graphOptionsSchema = z.strictObject({
  optimizerOptions: z.strictObject({
    globalJitLevel: jitLevel.optional(),
    /** L1 (0, TF's default) or L0 (-1): accepted, no effect (tsflow folds constants either way). */
    optLevel: z.union([z.literal(0), z.literal(-1), z.enum(['L1', 'L0'])]).optional(),
  }).optional(),
});
const configShape = {
  allowSoftPlacement: z.boolean().optional(),
  logDevicePlacement: z.boolean().optional(),
  /** 0 lets tsflow choose (the machine's cores), as in TF. */
  intraOpParallelismThreads: intIn(0, 256).optional(),
  /** Runs of one session execute one at a time, so there is one inter-op thread whatever this says. */
  interOpParallelismThreads: intIn(0, 256).optional(),
  gpuOptions: z.custom<unknown>((x) => x instanceof GPUOptions || isOptionsObject(x), { error: 'expected a tf.GPUOptions or an options object' }).optional(),
  /** `{GPU: 0}` hides the GPU, as in TF. */
  deviceCount: z.record(z.string(), intIn(0)).optional(),
  /** The deadline of each step of a session with a `grpc://` target, in ms (0: none); RunOptions' timeoutInMs overrides it. */
  operationTimeoutInMs: intIn(0).optional(),
  /** `{optimizerOptions: {globalJitLevel}}`: OFF turns elementwise fusion off, ON_1/ON_2 on. */
  graphOptions: graphOptionsSchema.optional(),
};
const configSchema = z.strictObject(configShape);

/** `tf.GPUOptions(...)` with TF's field names in camelCase. */
export class GPUOptions {
  allowGrowth?: boolean;
  perProcessGpuMemoryFraction?: number;
  visibleDeviceList?: string;
  forceGpuCompatible?: boolean;
  constructor(fields: z.input<typeof gpuOptionsSchema> = {}) {
    Object.assign(this, parseOptions(gpuOptionsSchema, fields, 'GPUOptions'));
  }
}

/** `tf.ConfigProto(...)`: the session configuration fields tsflow reads. */
export class ConfigProto {
  allowSoftPlacement?: boolean;
  logDevicePlacement?: boolean;
  intraOpParallelismThreads?: number;
  interOpParallelismThreads?: number;
  gpuOptions?: GPUOptions;
  deviceCount?: Record<string, number>;
  operationTimeoutInMs?: number;
  graphOptions?: GraphOptionsFields;
  constructor(fields: ConfigFields = {}) {
    const f = parseOptions(configSchema, fields, 'ConfigProto');
    Object.assign(this, f);
    if (f.gpuOptions !== undefined) this.gpuOptions = toGpuOptions(f.gpuOptions);
  }
}

function toGpuOptions(x: unknown): GPUOptions {
  return x instanceof GPUOptions ? x : new GPUOptions(x as z.input<typeof gpuOptionsSchema>);
}

export type GraphOptionsFields = z.input<typeof graphOptionsSchema>;
export type ConfigFields = Omit<z.input<typeof configSchema>, 'gpuOptions' | 'graphOptions'> & {
  gpuOptions?: GPUOptions | z.input<typeof gpuOptionsSchema>;
  graphOptions?: GraphOptionsFields;
};

const sessionSchema = z.strictObject({
  target: z.string().optional(),
  graph: z.instanceof(Graph, { message: 'graph must be a tf.Graph' }).nullish(),
  config: z.custom<unknown>((x) => x === null || x instanceof ConfigProto || isOptionsObject(x), { error: 'expected a tf.ConfigProto or an options object' }).optional(),
  /** A registered device's id (checked against the registry when a session is made). */
  device: z.string().optional(),
  threads: intIn(1, 256).optional(),
  /** Worker fan-out threshold (0: every step runs on the workers). */
  parallelThreshold: z.number().min(0).optional(),
  ...configShape,
});

export type SessionOptions = Omit<z.input<typeof sessionSchema>, 'config' | 'gpuOptions'> & {
  config?: ConfigProto | ConfigFields | null;
  gpuOptions?: GPUOptions | z.input<typeof gpuOptionsSchema>;
};

/** What the session and its devices read. */
export interface ResolvedSessionOptions {
  graph?: Graph;
  /** The session's device (a registered id, see device/registry.ts). */
  device?: string;
  threads?: number;
  parallelThreshold?: number;
  allowSoftPlacement: boolean;
  logDevicePlacement: boolean;
  /** false when `deviceCount: {GPU: 0}` hides the GPU. */
  gpuVisible: boolean;
  /** TF's `deviceCount`: a device type counted 0 is hidden. */
  deviceCount: Record<string, number>;
  /** A `grpc://host:port` target: the session runs on that task's cluster. */
  target?: string;
  operationTimeoutInMs?: number;
  /** Elementwise fusion, from graphOptions.optimizerOptions.globalJitLevel (OFF: false, ON_1/ON_2: true); unset for DEFAULT. */
  fusion?: boolean;
}

/** The session schema with `device` one of the devices registered now. */
let withDevices: { ids: string; schema: z.ZodType<z.output<typeof sessionSchema>> } | null = null;
function sessionSchemaNow(): z.ZodType<z.output<typeof sessionSchema>> {
  const ids = registeredDevices().map((d) => d.id);
  if (withDevices?.ids !== ids.join()) {
    const schema = sessionSchema.extend({ device: z.enum(ids as [string, ...string[]]).optional() });
    withDevices = { ids: ids.join(), schema };
    return schema;
  }
  return withDevices.schema;
}

/** `new Session(opts?)` or `new Session(target, graph?, config?)` into one resolved record. */
export function resolveSessionOptions(args: readonly unknown[]): ResolvedSessionOptions {
  const o = parseOptions(sessionSchemaNow(), kwargs(args, ['target', 'graph', 'config'], 'Session', 0, 'any'), 'Session');
  if (o.target !== undefined && o.target !== '' && !/^grpc:\/\/[^/]+:\d+$/.test(o.target)) {
    throw new NotFoundError(
      `No session factory registered for the given session options: {target: "${o.target}" config: } Registered factories are {DIRECT_SESSION, GRPC_SESSION}.`,
    );
  }
  const cfg = o.config == null ? {} : o.config instanceof ConfigProto ? o.config : parseOptions(configSchema, o.config, 'Session config');
  const pick = <K extends keyof ConfigProto>(k: K): ConfigProto[K] | undefined => (o[k as keyof typeof o] ?? cfg[k as keyof typeof cfg]) as ConfigProto[K] | undefined;
  const count = (pick('deviceCount') as Record<string, number> | undefined) ?? {};
  const gpu = pick('gpuOptions');
  if (gpu !== undefined) toGpuOptions(gpu);
  const intra = pick('intraOpParallelismThreads');
  const threads = o.threads ?? (intra ? intra : undefined);
  return {
    ...(o.graph ? { graph: o.graph } : {}),
    ...(o.device ? { device: o.device } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(o.parallelThreshold !== undefined ? { parallelThreshold: o.parallelThreshold } : {}),
    allowSoftPlacement: !!pick('allowSoftPlacement'),
    logDevicePlacement: !!pick('logDevicePlacement'),
    gpuVisible: count.GPU !== 0,
    deviceCount: { ...count },
    ...(o.target ? { target: o.target } : {}),
    ...fusionOf(pick('graphOptions') as GraphOptionsFields | undefined),
    ...(pick('operationTimeoutInMs') ? { operationTimeoutInMs: pick('operationTimeoutInMs') as number } : {}),
  };
}

function fusionOf(g: GraphOptionsFields | undefined): { fusion?: boolean } {
  const level = g?.optimizerOptions?.globalJitLevel;
  const n = typeof level === 'string' ? GLOBAL_JIT_LEVELS[level] : level;
  return n === undefined || n === 0 ? {} : { fusion: n > 0 };
}

/** TF's full name of a registered device (`/job:localhost/replica:0/task:0/device:CPU:0`). */
export function fullDeviceName(id: string): string {
  return fullName(deviceDecl(id));
}
