/**
 * `tf.train.Server`: one task of a cluster, serving the worker service over gRPC on the task's
 * address from the ClusterSpec (bound to that address only). Its graph, session and variables
 * live in worker-state.ts; this file is the RPC surface and TF1's constructor.
 */
import type * as GrpcJs from '@grpc/grpc-js';
import { kwargs } from '../args.js';
import { NotFoundError, ValueError } from '../errors.js';
import type { Msg } from '../proto/codec.js';
import { ConfigProto, type ConfigFields } from '../session/config.js';
import type { SessionOptions } from '../session/session.js';
import { ClusterSpec, type ClusterDef, type ClusterInput } from './cluster-spec.js';
import { WORKER_SERVICE, grpc, toStatus } from './grpc.js';
import type * as m from './messages.js';
import { WorkerState } from './worker-state.js';

export interface ServerOptions {
  jobName?: string | null;
  taskIndex?: number | null;
  protocol?: string | null;
  /** TF's ConfigProto for the task's session (or tsflow's session options: `{device, threads}`). */
  config?: ConfigProto | ConfigFields | SessionOptions | null;
  start?: boolean;
}

type Unary = (call: GrpcJs.ServerUnaryCall<Msg, Msg>, cb: GrpcJs.sendUnaryData<Msg>) => void;

function unary<Req, Res>(fn: (req: Req) => Res | Promise<Res>): Unary {
  return (call, cb) => {
    Promise.resolve()
      .then(() => fn(call.request as Req))
      .then((r) => cb(null, r as Msg), (e: unknown) => cb(toStatus(e)));
  };
}

export class Server {
  private cluster: ClusterSpec;
  readonly jobName: string;
  readonly taskIndex: number;
  /** The address the task listens on (`host:port`; port 0 is resolved by start()). */
  private address: string;
  private server: GrpcJs.Server | null = null;
  private readonly state: WorkerState;
  private starting: Promise<void> | null = null;
  private stopped: (() => void) | null = null;
  private readonly done: Promise<void>;
  private readonly incarnation = Math.random().toString(16).slice(2) + Date.now().toString(16);
  private readonly streams = new Set<GrpcJs.ServerWritableStream<Msg, Msg>>();

  /** `tf.train.Server(server_or_cluster_def, job_name, task_index, protocol, config, start)`. */
  constructor(
    ...args: [cluster: ClusterSpec | ClusterInput | ClusterDef, opts?: ServerOptions] | [cluster: ClusterSpec | ClusterInput | ClusterDef, jobName?: string | null, taskIndex?: number | null, protocol?: string | null, config?: ServerOptions['config'], start?: boolean]
  ) {
    const o = kwargs(args, ['serverOrClusterDef', 'jobName', 'taskIndex', 'protocol', 'config', 'start'], 'Server', 1) as unknown as ServerOptions & { serverOrClusterDef: ClusterSpec | ClusterInput };
    this.cluster = new ClusterSpec(o.serverOrClusterDef);
    const spec = this.cluster;
    if (o.jobName == null) {
      if (spec.jobs.length !== 1) throw new ValueError('Must specify an explicit `job_name`.');
      this.jobName = spec.jobs[0]!;
    } else this.jobName = o.jobName;
    if (o.taskIndex == null) {
      const idx = spec.taskIndices(this.jobName);
      if (idx.length !== 1) throw new ValueError('Must specify an explicit `task_index`.');
      this.taskIndex = idx[0]!;
    } else this.taskIndex = o.taskIndex;
    this.address = spec.taskAddress(this.jobName, this.taskIndex);
    const protocol = o.protocol ?? 'grpc';
    if (protocol !== 'grpc') throw new NotFoundError(`No server factory registered for the given ServerDef: protocol: "${protocol}"`);
    this.state = new WorkerState(this.taskName, sessionOptionsOf(o.config));
    this.done = new Promise((r) => (this.stopped = r));
    if (o.start ?? true) void this.start().catch(() => undefined);
  }

  /** `tf.train.Server.create_local_server(config, start)`: a one-task cluster on a free localhost port. */
  static async createLocalServer(config?: ServerOptions['config'], start = true): Promise<Server> {
    const s = new Server({ local: ['localhost:0'] }, { config: config ?? null, start: false });
    if (start) await s.start();
    return s;
  }

  /** The cluster (with this task's port once bound, where it was 0). */
  get clusterSpec(): ClusterSpec {
    return this.cluster;
  }

  /** `/job:ps/replica:0/task:0`. */
  get taskName(): string {
    return `/job:${this.jobName}/replica:0/task:${this.taskIndex}`;
  }

  /** `grpc://host:port`, the target a Session connects to. */
  get target(): string {
    return `grpc://${this.address}`;
  }

  get serverDef(): { cluster: ClusterDef; jobName: string; taskIndex: number; protocol: string } {
    return { cluster: this.cluster.asClusterDef(), jobName: this.jobName, taskIndex: this.taskIndex, protocol: 'grpc' };
  }

  /** What the task holds now: partitions registered, client sessions, variables. */
  get counts(): { partitions: number; sessions: number; variables: number } {
    return this.state.counts;
  }

  /** Start serving (bind the task's address); resolves once listening. Starting twice is a no-op. */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    const g = grpc();
    const server = new g.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
    server.addService(WORKER_SERVICE, this.handlers());
    this.server = server;
    this.starting = new Promise<void>((resolve, reject) => {
      server.bindAsync(this.address, g.ServerCredentials.createInsecure(), (err, port) => {
        if (err) return reject(new Error(`Could not start gRPC server on ${this.address} (${this.taskName}): ${err.message}`));
        const host = this.address.slice(0, this.address.lastIndexOf(':'));
        if (this.address !== `${host}:${port}`) {
          this.address = `${host}:${port}`;
          const d = this.cluster.asClusterDef();
          d.job.find((j) => j.name === this.jobName)!.tasks[this.taskIndex] = this.address;
          this.cluster = new ClusterSpec(d);
        }
        resolve();
      });
    });
    return this.starting;
  }

  /** Resolves when the server stops (TF's join() blocks until then). */
  join(): Promise<void> {
    return this.done;
  }

  /** Stop serving: pending calls are cancelled, the task's state is dropped. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) {
      for (const st of this.streams) st.end();
      await new Promise<void>((r) => s.tryShutdown(() => r()));
      s.forceShutdown();
    }
    await this.state.close();
    this.stopped?.();
  }

  private handlers(): GrpcJs.UntypedServiceImplementation {
    const st = this.state;
    return {
      GetStatus: unary<Msg, m.GetStatusResponse>(() => ({
        cluster: this.cluster.asClusterDef(),
        jobName: this.jobName,
        taskIndex: this.taskIndex,
        incarnation: this.incarnation,
        ...st.counts,
      })),
      RegisterGraph: unary<m.RegisterGraphRequest, m.RegisterGraphResponse>((req) => ({ graphHandle: st.register(req) })),
      RunGraph: (call: GrpcJs.ServerUnaryCall<Msg, Msg>, cb: GrpcJs.sendUnaryData<Msg>) => {
        const req = call.request as unknown as m.RunGraphRequest;
        // the call's deadline bounds the task's waits; a cancelled call cancels them
        const d = call.getDeadline();
        const at = d instanceof Date ? d.getTime() : Number(d);
        const timeoutInMs = Number.isFinite(at) && at > 0 ? Math.max(1, at - Date.now()) : undefined;
        const tag = {};
        call.on('cancelled', () => st.cancel(tag));
        st.run(req.sessionHandle, req.graphHandle, req.send, { ...(timeoutInMs !== undefined ? { timeoutInMs } : {}), tag }).then(
          (recv) => cb(null, { recv } as unknown as Msg),
          (e: unknown) => cb(toStatus(e)),
        );
      },
      Variables: unary<m.VariablesRequest, m.VariablesResponse>(async (req) => {
        if (req.value.length > 0) {
          await st.writeVariables(req.name, req.value);
          return { value: [] };
        }
        return { value: await st.readVariables(req.name) };
      }),
      CloseSession: unary<m.SessionRequest, Msg>((req) => (st.release(req.sessionHandle), {})),
      KeepAlive: (call: GrpcJs.ServerWritableStream<Msg, Msg>) => {
        const handle = (call.request as unknown as m.SessionRequest).sessionHandle;
        this.streams.add(call);
        const gone = () => {
          this.streams.delete(call);
          st.release(handle);
        };
        call.on('cancelled', gone);
        call.on('close', gone);
        call.on('error', gone);
        // the header tells the client the stream is open
        call.sendMetadata(new (grpc().Metadata)());
      },
    };
  }
}

function sessionOptionsOf(config: ServerOptions['config']): SessionOptions {
  if (config == null) return {};
  if (config instanceof ConfigProto) return { config };
  return { ...(config as SessionOptions) };
}
