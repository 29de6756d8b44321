/**
 * The client side of a Session with a `grpc://host:port` target: it asks the target task for
 * the cluster, partitions each distinct run (fetches + feed signature) into per-task stages
 * (partition.ts), registers each stage's GraphDef on its task once, and runs a step as one
 * RunGraph call per stage, carrying the tensors between stages as TensorProto bytes. The
 * session's partitions on a task are released when it closes, or by the task itself when the
 * client's keep-alive stream ends (the client process went away).
 */
import type * as GrpcJs from '@grpc/grpc-js';
import { AbortedError, DeadlineExceededError, InvalidArgumentError, UnavailableError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import type { Variable } from '../ops/variables.js';
import type { Msg } from '../proto/codec.js';
import { tensorFromProto, tensorToProto } from '../graphdef/tensor-proto.js';
import { ClusterSpec } from './cluster-spec.js';
import { WORKER_SERVICE, type WorkerMethod, fromStatus, grpc } from './grpc.js';
import type * as m from './messages.js';
import { type Stage, type TaskName, TaskPlacer, schedule, stagePartition, taskName } from './partition.js';

/** Bytes and calls of the runs so far (`sess.distributedStats`). */
export interface WireStats {
  steps: number;
  calls: number;
  bytesSent: number;
  bytesReceived: number;
  registrations: number;
}

interface TaskLink {
  name: TaskName;
  address: string;
  client: GrpcJs.Client;
  keepAlive: GrpcJs.ClientReadableStream<Msg> | null;
  /** Partition handles on the task, by request key and stage index (a registration in flight: its promise). */
  handles: Map<string, string | Promise<string>>;
}

interface Plan {
  stages: Stage[];
  partitions: ReturnType<typeof stagePartition>[];
}

type GenericClient = GrpcJs.Client & Record<WorkerMethod, (req: Msg, md: GrpcJs.Metadata, opts: GrpcJs.CallOptions, cb: (e: GrpcJs.ServiceError | null, r?: Msg) => void) => GrpcJs.ClientUnaryCall>;

let ClientCtor: (new (address: string, creds: GrpcJs.ChannelCredentials, opts?: object) => GenericClient) | null = null;

function newClient(address: string): GenericClient {
  const g = grpc();
  ClientCtor ??= g.makeGenericClientConstructor(WORKER_SERVICE, 'WorkerService') as unknown as typeof ClientCtor;
  return new ClientCtor!(address, g.credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
    // a dead task is reported at once, not retried until the deadline
    'grpc.enable_retries': 0,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1000,
  });
}

const newHandle = (): string => `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}`;

export class RemoteSession {
  readonly handle = newHandle();
  readonly stats: WireStats = { steps: 0, calls: 0, bytesSent: 0, bytesReceived: 0, registrations: 0 };
  private readonly address: string;
  private cluster: ClusterSpec | null = null;
  private placer: TaskPlacer | null = null;
  private home: { job: string; task: number } | null = null;
  private readonly links = new Map<TaskName, TaskLink>();
  private readonly plans = new Map<string, Plan>();
  private stepId = 0;
  private closed = false;
  /** Calls in flight: cancelled by close() (a step waiting in a queue or accumulator on a task ends). */
  private readonly pending = new Set<GrpcJs.ClientUnaryCall>();

  constructor(
    target: string,
    readonly graph: Graph,
    /** ConfigProto's operationTimeoutInMs: the deadline of every call without a RunOptions timeout (0: none). */
    private readonly timeoutMs = 0,
  ) {
    this.address = target.slice('grpc://'.length);
  }

  /** Ask the target task for the cluster once. */
  private async connect(deadline: number): Promise<TaskPlacer> {
    if (this.placer) return this.placer;
    const client = newClient(this.address);
    let st: m.GetStatusResponse;
    try {
      st = (await this.call(client, 'GetStatus', {}, deadline, `grpc://${this.address}`)) as unknown as m.GetStatusResponse;
    } finally {
      client.close();
    }
    this.cluster = new ClusterSpec({ job: st.cluster?.job ?? [] });
    this.home = { job: st.jobName, task: st.taskIndex };
    this.placer = new TaskPlacer(this.cluster, this.home);
    return this.placer;
  }

  private link(task: TaskName): TaskLink {
    let l = this.links.get(task);
    if (!l) {
      const m = /^\/job:([^/]+)\/replica:0\/task:(\d+)$/.exec(task)!;
      const address = this.cluster!.taskAddress(m[1]!, Number(m[2]));
      l = { name: task, address, client: newClient(address), keepAlive: null, handles: new Map() };
      this.links.set(task, l);
    }
    return l;
  }

  /** Open the keep-alive stream that tells the task when this client is gone. */
  private keepAlive(l: TaskLink): void {
    if (l.keepAlive) return;
    const s = (l.client as unknown as { KeepAlive(req: Msg): GrpcJs.ClientReadableStream<Msg> }).KeepAlive({ sessionHandle: this.handle });
    s.on('error', () => undefined);
    // the task died or restarted: what it held for this session is gone
    s.on('status', () => {
      if (l.keepAlive === s) {
        l.keepAlive = null;
        l.handles.clear();
      }
    });
    l.keepAlive = s;
  }

  private call(client: GrpcJs.Client, method: WorkerMethod, req: Msg, deadline: number, task: string): Promise<Msg> {
    this.stats.calls++;
    return new Promise((resolve, reject) => {
      const opts: GrpcJs.CallOptions = deadline > 0 ? { deadline: new Date(deadline) } : {};
      const c = (client as GenericClient)[method](req, new (grpc().Metadata)(), opts, (e, r) => {
        this.pending.delete(c);
        if (e) reject(fromStatus(e, task));
        else resolve(r!);
      });
      this.pending.add(c);
    });
  }

  private planFor(key: string, elements: readonly (Tensor | Operation)[], feeds: ReadonlyMap<Tensor, NDArray>, placer: TaskPlacer): Plan {
    let p = this.plans.get(key);
    if (!p) {
      const stages = schedule(elements, feeds, placer);
      p = { stages, partitions: stages.map((s) => stagePartition(s, feeds)) };
      this.plans.set(key, p);
    }
    return p;
  }

  private deadline(timeoutInMs: number | undefined): number {
    const ms = timeoutInMs && timeoutInMs > 0 ? timeoutInMs : this.timeoutMs;
    return ms > 0 ? Date.now() + ms : 0;
  }

  /** Run a request; the values of the fetched tensors. */
  async run(key: string, elements: readonly (Tensor | Operation)[], feeds: ReadonlyMap<Tensor, NDArray>, timeoutInMs?: number): Promise<Map<Tensor, NDArray>> {
    const deadline = this.deadline(timeoutInMs);
    const placer = await this.connect(deadline);
    const plan = this.planFor(key, elements, feeds, placer);
    const values = new Map<Tensor, NDArray>(feeds);
    const step = ++this.stepId;
    this.stats.steps++;
    for (let i = 0; i < plan.stages.length; i++) {
      const s = plan.stages[i]!;
      const send = s.inputs.map((t) => tensorToProto(values.get(t)!));
      const recv = await this.runStage(key, i, s, plan.partitions[i]!, send, step, deadline);
      s.outputs.forEach((t, j) => values.set(t, tensorFromProto(recv[j]!, t.name)));
    }
    return values;
  }

  private async runStage(key: string, i: number, s: Stage, part: Plan['partitions'][number], send: m.RunGraphRequest['send'], step: number, deadline: number): Promise<m.RunGraphResponse['recv']> {
    const l = this.link(s.task);
    for (let attempt = 0; ; attempt++) {
      try {
        const hk = `${key}#${i}`;
        let h = l.handles.get(hk);
        if (h === undefined) {
          // concurrent runs of one signature register its partition once
          this.keepAlive(l);
          const req: m.RegisterGraphRequest = { sessionHandle: this.handle, graphDef: part.graphDef, feed: part.feed, fetch: part.fetch, target: part.target, variable: part.variable };
          const reg = this.call(l.client, 'RegisterGraph', req as unknown as Msg, deadline, s.task).then((r) => {
            const got = (r as unknown as m.RegisterGraphResponse).graphHandle;
            if (l.handles.get(hk) === reg) l.handles.set(hk, got);
            this.stats.registrations++;
            return got;
          });
          l.handles.set(hk, reg);
          reg.catch(() => {
            if (l.handles.get(hk) === reg) l.handles.delete(hk);
          });
          h = reg;
        }
        if (typeof h !== 'string') h = await h;
        const req: m.RunGraphRequest = { sessionHandle: this.handle, graphHandle: h, stepId: step, send };
        for (const t of send) this.stats.bytesSent += t.tensorContent.byteLength;
        const r = (await this.call(l.client, 'RunGraph', req as unknown as Msg, deadline, s.task)) as unknown as m.RunGraphResponse;
        for (const t of r.recv) this.stats.bytesReceived += t.tensorContent.byteLength;
        return r.recv;
      } catch (e) {
        if (e instanceof UnavailableError) {
          l.handles.clear();
          throw new UnavailableError(`${e.message}; the step needs ${s.task}`, e.op);
        }
        // the task restarted since the partition was registered: register it again, once
        if (e instanceof AbortedError && /Graph handle is not found/.test(e.message) && attempt === 0) {
          l.handles.clear();
          continue;
        }
        if (e instanceof DeadlineExceededError) throw new DeadlineExceededError(`Timed out waiting for ${s.task}: ${e.message}`, e.op);
        throw e;
      }
    }
  }

  private varTask(v: Variable): TaskName {
    if (!this.placer) throw new InvalidArgumentError('The session has not connected to its cluster yet');
    return this.placer.taskOf(v.op);
  }

  async readVariable(v: Variable): Promise<NDArray> {
    await this.connect(this.deadline(undefined));
    const task = this.varTask(v);
    const l = this.link(task);
    const r = (await this.call(l.client, 'Variables', { sessionHandle: this.handle, name: [v.op.name], value: [] }, this.deadline(undefined), task)) as unknown as m.VariablesResponse;
    return tensorFromProto(r.value[0]!, v.op.name);
  }

  async writeVariables(pairs: readonly [Variable, NDArray][]): Promise<void> {
    await this.connect(this.deadline(undefined));
    const byTask = new Map<TaskName, [Variable, NDArray][]>();
    for (const p of pairs) {
      const t = this.varTask(p[0]);
      byTask.set(t, [...(byTask.get(t) ?? []), p]);
    }
    for (const [task, ps] of byTask) {
      const req: m.VariablesRequest = { sessionHandle: this.handle, name: ps.map(([v]) => v.op.name), value: ps.map(([v, a]) => tensorToProto(a.dtype === v.dtype ? a : new NDArray(Float64Array.from(a.data as ArrayLike<number>), a.shape, v.dtype))) };
      await this.call(this.link(task).client, 'Variables', req as unknown as Msg, this.deadline(undefined), task);
    }
  }

  /** The cluster's devices (one CPU per task), once connected. */
  listDevices(): { name: string; deviceType: string }[] {
    return (this.cluster?.tasks() ?? []).map(([j, i]) => ({ name: `${taskName(j, i)}/device:CPU:0`, deviceType: 'CPU' }));
  }

  /** Release this session's partitions on every task it used. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.pending) c.cancel();
    this.pending.clear();
    await Promise.all(
      [...this.links.values()].map(async (l) => {
        try {
          if (l.handles.size > 0 || l.keepAlive) await this.call(l.client, 'CloseSession', { sessionHandle: this.handle }, Date.now() + 2000, l.name);
        } catch {
          // a task that is gone holds nothing for this session
        }
        l.keepAlive?.cancel();
        l.client.close();
      }),
    );
    this.links.clear();
  }
}
