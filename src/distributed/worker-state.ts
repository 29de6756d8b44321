/**
 * What one task's server holds: one graph and one session into which every client's partitions
 * are imported, so that a variable placed on the task is one variable whatever the client (TF1's
 * resource semantics: between-graph replication shares the parameter servers' values), and the
 * partitions registered by each client session, released when that client closes or goes away.
 */
import { AbortedError, InvalidArgumentError, NotFoundError, OpError } from '../errors.js';
import { Graph } from '../graph/graph.js';
import type { Operation, Tensor } from '../graph/tensor.js';
import type { NDArray } from '../ndarray.js';
import { Variable } from '../ops/variables.js';
import type { NodeDef } from '../proto/framework.js';
import type { TensorProto } from '../proto/framework.js';
import { importInto } from '../graphdef/import.js';
import { A } from '../graphdef/export.js';
import { tensorFromProto, tensorToProto } from '../graphdef/tensor-proto.js';
import { NodeAttrs } from '../graphdef/attrs.js';
import { cShape, shapesEqual } from '../shape.js';
import { Session, type SessionOptions } from '../session/session.js';
import type { RegisterGraphRequest } from './messages.js';
import { RESOURCE_OPS } from './partition.js';

interface Partition {
  session: string;
  prefix: string;
  feeds: Tensor[];
  fetches: Tensor[];
  targets: Operation[];
}

export class WorkerState {
  readonly graph = new Graph();
  private session: Session | null = null;
  private readonly variables = new Map<string, Operation>();
  private readonly partitions = new Map<string, Partition>();
  private readonly bySession = new Map<string, Set<string>>();
  /** The tags of each client session's runs in progress (cancelled when the client goes away). */
  private readonly running = new Map<string, Set<object>>();
  /** Names of the resources (queues, accumulators) without a shared_name, per client session and node. */
  private readonly unshared = new Map<string, Map<string, string>>();
  private unsharedCount = 0;
  private next = 0;

  constructor(
    /** Where errors say they came from: `/job:ps/replica:0/task:0`. */
    readonly taskName: string,
    private readonly sessionOptions: SessionOptions = {},
  ) {}

  private sess(): Session {
    if (!this.session) {
      this.session = new Session({ ...this.sessionOptions, graph: this.graph });
      // a queue or accumulator wait on this task may be ended by another client's run
      this.session.runLock.sharedByClients = true;
    }
    return this.session;
  }

  /** Partitions and client sessions held (for tests and status). */
  get counts(): { partitions: number; sessions: number; variables: number } {
    return { partitions: this.partitions.size, sessions: this.bySession.size, variables: this.variables.size };
  }

  /** The task's variable `node` describes, made on first use; a later one must agree on dtype and shape. */
  private variable(node: NodeDef): Operation {
    const have = this.variables.get(node.name);
    const attrs = new NodeAttrs(node);
    const dtype = attrs.type('dtype');
    const shape = attrs.shape('shape', true) as number[];
    if (have) {
      const t = have.outputs[0]!;
      if (t.dtype !== dtype || !shapesEqual(t.shape as number[], shape)) {
        throw new InvalidArgumentError(
          `Variable ${node.name} on ${this.taskName} has dtype ${t.dtype} and shape ${cShape(t.shape as number[])}; a client declared it with dtype ${dtype} and shape ${cShape(shape)}`,
          node.name,
        );
      }
      return have;
    }
    const op = this.graph.asDefault(() => importInto(this.graph, { node: [{ ...node, input: [], device: '' }] } as never, { name: '' }).ops.get(node.name)!);
    this.variables.set(node.name, op);
    return op;
  }

  register(req: RegisterGraphRequest): string {
    const gd = req.graphDef ?? { node: [] };
    const shared = new Set(req.variable);
    const inputMap = new Map<string, Tensor>();
    const consumed = new Set<string>();
    for (const n of gd.node) for (const s of n.input) if (!s.startsWith('^')) consumed.add(s.includes(':') ? s : `${s}:0`);
    const vars = new Map<string, Operation>();
    const nodes = gd.node.map((n) => {
      if (RESOURCE_OPS.has(n.op)) return this.resourceNode(req.sessionHandle, n);
      if (!shared.has(n.name)) return n;
      const v = this.variable(n);
      vars.set(n.name, v);
      if (consumed.has(`${n.name}:0`)) inputMap.set(`${n.name}:0`, v.outputs[0]!);
      // the node stays as a placeholder only to be mapped onto the task's variable
      return { name: n.name, op: 'Placeholder', input: [], device: '', attr: { dtype: n.attr.dtype!, shape: n.attr.shape! } } as NodeDef;
    });
    const handle = `${this.next++}`;
    const { ops, prefix } = this.graph.asDefault(() => importInto(this.graph, { ...gd, node: nodes }, { name: `partition_${handle}`, inputMap }));
    const op = (name: string): Operation => {
      const o = ops.get(name);
      if (!o) throw new InvalidArgumentError(`Partition of ${this.taskName} has no node '${name}'`);
      return o;
    };
    const tensor = (name: string): Tensor => {
      const [node, idx] = name.includes(':') ? [name.slice(0, name.lastIndexOf(':')), Number(name.slice(name.lastIndexOf(':') + 1))] : [name, 0];
      const v = vars.get(node);
      if (v) return v.outputs[0]!;
      const t = op(node).outputs[idx];
      if (!t) throw new InvalidArgumentError(`Partition of ${this.taskName}: node '${node}' has no output ${idx}`);
      return t;
    };
    const p: Partition = {
      session: req.sessionHandle,
      prefix,
      feeds: req.feed.map((n) => op(n).outputs[0]!),
      fetches: req.fetch.map(tensor),
      targets: req.target.map((n) => vars.get(n) ?? op(n)),
    };
    this.partitions.set(handle, p);
    let s = this.bySession.get(req.sessionHandle);
    if (!s) this.bySession.set(req.sessionHandle, (s = new Set()));
    s.add(handle);
    return handle;
  }

  /**
   * A queue or accumulator node of a client's partition. With a shared_name it is the task's
   * resource of that name (shared by every client, as TF's ps resources); without one it is the
   * client session's own, one per node name whichever partition names it (TF's `_<id>_<node>`).
   */
  private resourceNode(sessionHandle: string, n: NodeDef): NodeDef {
    const dec = new TextDecoder();
    const sharedName = n.attr.shared_name?.s ? dec.decode(n.attr.shared_name.s) : '';
    if (sharedName !== '') return n;
    let mine = this.unshared.get(sessionHandle);
    if (!mine) this.unshared.set(sessionHandle, (mine = new Map()));
    let name = mine.get(n.name);
    if (name === undefined) mine.set(n.name, (name = `_${this.unsharedCount++}_${n.name}`));
    return { ...n, attr: { ...n.attr, shared_name: A.s(name) } };
  }

  /** Cancel the run of a RunGraph call (its client cancelled it): a wait in a queue or accumulator fails, taking nothing. */
  cancel(tag: object): void {
    this.session?.runLock.cancelTagged(tag);
  }

  async run(sessionHandle: string, graphHandle: string, send: TensorProto[], opts: { timeoutInMs?: number; tag?: object } = {}): Promise<TensorProto[]> {
    const p = this.partitions.get(graphHandle);
    if (!p || p.session !== sessionHandle) {
      throw new AbortedError(`Graph handle is not found: ${graphHandle}. Possibly, this worker just restarted.`);
    }
    if (send.length !== p.feeds.length) throw new InvalidArgumentError(`RunGraph sent ${send.length} tensors; the partition takes ${p.feeds.length}`);
    const feeds = new Map<Tensor, NDArray>(p.feeds.map((t, i) => [t, tensorFromProto(send[i]!, t.name)]));
    let out: (NDArray | null)[];
    const tag = opts.tag ?? {};
    let mine = this.running.get(sessionHandle);
    if (!mine) this.running.set(sessionHandle, (mine = new Set()));
    mine.add(tag);
    try {
      out = (await this.sess().runTagged([...p.fetches, ...p.targets], feeds, opts.timeoutInMs, tag)) as (NDArray | null)[];
    } catch (e) {
      throw unprefixed(e, p.prefix);
    } finally {
      mine.delete(tag);
      if (mine.size === 0 && this.running.get(sessionHandle) === mine) this.running.delete(sessionHandle);
    }
    return out.slice(0, p.fetches.length).map((a) => tensorToProto(a!));
  }

  private varOf(name: string): Variable {
    const op = this.variables.get(name);
    if (!op) throw new NotFoundError(`Variable ${name} is not on ${this.taskName}`, name);
    return Variable.fromGraph(op.outputs[0]!, op.outputs[0]!, op, op.outputs[0]!, false);
  }

  async readVariables(names: string[]): Promise<TensorProto[]> {
    const out: TensorProto[] = [];
    for (const n of names) out.push(tensorToProto(await this.sess().readVariable(this.varOf(n))));
    return out;
  }

  /** Assign variables by name; one the task does not hold yet (a restarted ps being restored) is made from its value. */
  async writeVariables(names: string[], values: TensorProto[]): Promise<void> {
    const pairs = names.map((n, i) => {
      const a = tensorFromProto(values[i]!, n);
      if (!this.variables.has(n)) this.variable({ name: n, op: 'VariableV2', input: [], device: '', attr: { dtype: A.type(a.dtype), shape: A.shape(a.shape) } });
      return [this.varOf(n), a] as [Variable, NDArray];
    });
    await this.sess().writeVariables(pairs);
  }

  /** Drop a client session's partitions (its variables stay: they belong to the task). */
  release(sessionHandle: string): void {
    for (const h of this.bySession.get(sessionHandle) ?? []) this.partitions.delete(h);
    this.bySession.delete(sessionHandle);
    this.unshared.delete(sessionHandle);
    // its steps still waiting on this task end (TF aborts a gone master's steps)
    for (const tag of this.running.get(sessionHandle) ?? []) this.cancel(tag);
  }

  async close(): Promise<void> {
    this.partitions.clear();
    this.bySession.clear();
    await this.session?.close();
    this.session = null;
  }
}

/** An error from an imported partition, with the partition's name scope taken out of its text and op. */
function unprefixed(e: unknown, prefix: string): unknown {
  if (!(e instanceof Error) || prefix === '') return e;
  const strip = (s: string) => s.split(prefix).join('');
  if (e instanceof OpError) {
    const C = e.constructor as new (m: string, op: string | null, code?: number) => OpError;
    return new C(strip(e.message), e.op ? strip(e.op) : null, e.code);
  }
  e.message = strip(e.message);
  return e;
}
