/**
 * How a distributed run is cut up: each op of the pruned graph is placed on a task of the
 * cluster (its `/job:…/task:…` device, an op that reads or updates a variable with the variable,
 * ops naming no job on the task the session's target points at), then the ops are scheduled in
 * stages: runs of ops on one task, in a dependency order that stays on a task as long as it has
 * ops ready. Each stage becomes a GraphDef partition for its task, with a Placeholder for every
 * tensor it receives (fed by the user or produced by an earlier stage on another task).
 * A tf.cond or tf.whileLoop (with its gradient loop) runs whole on one task, in one stage: its
 * values never cross tasks mid-iteration or as dead branches.
 */
import { InvalidArgumentError, UnimplementedError } from '../errors.js';
import { parseDeviceSpec, deviceSpecString } from '../graph/device-spec.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { A, opToNodeDefs } from '../graphdef/export.js';
import type { GraphDef, NodeDef } from '../proto/framework.js';
import { CondContext, type Context, WhileContext, condMerges, condSwitches, contextOf } from '../ops/control-flow/context.js';
import { prune } from '../session/compile.js';
import type { ClusterSpec } from './cluster-spec.js';

/** `/job:ps/replica:0/task:0`. */
export type TaskName = string;

export interface Stage {
  task: TaskName;
  ops: Operation[];
  /**
   * The task's variables the stage's ops use (each stage names them; the task holds one of each),
   * and the queue and accumulator ops whose handles they take (each stage has its own copy of
   * the op; the task maps it onto its one resource of that shared_name).
   */
  vars: Operation[];
  /** Tensors fed to the stage, in its partition's feed order. */
  inputs: Tensor[];
  /** Tensors the stage sends back (fetched, or needed by later stages), in fetch order. */
  outputs: Tensor[];
}

export interface Partition {
  graphDef: GraphDef;
  feed: string[];
  fetch: string[];
  target: string[];
  variable: string[];
}

export function taskName(job: string, task: number): TaskName {
  return `/job:${job}/replica:0/task:${task}`;
}

/** Ops whose output is a resource handle (a queue, an accumulator) that its users must run beside. */
export const RESOURCE_OPS = new Set(['FIFOQueueV2', 'RandomShuffleQueueV2', 'PaddingFIFOQueueV2', 'ConditionalAccumulator', 'SparseConditionalAccumulator']);

/**
 * The variable or resource op an op goes with: reads (`w/read`), assigns, updates and checks of
 * a variable; every op taking a queue's or an accumulator's handle (TF colocates resource users
 * with the resource).
 */
function variableOf(op: Operation): Operation | null {
  const first = op.inputs[0];
  if (first && RESOURCE_OPS.has(first.op.type)) return first.op;
  if (op.type === 'VariableV2' || !first || first.op.type !== 'VariableV2') return null;
  const t = op.type;
  if (t === 'Identity' || t === 'IsVariableInitialized' || t.startsWith('Assign') || t.startsWith('Apply') || t.startsWith('ResourceApply') || t.startsWith('Scatter')) return first.op;
  return null;
}

/** Places ops on tasks; `home` is the task of the session's target. */
export class TaskPlacer {
  private readonly cache = new Map<Operation, TaskName>();
  constructor(
    private readonly cluster: ClusterSpec,
    private readonly home: { job: string; task: number },
  ) {}

  /** Every device of the cluster, as placement errors list them. */
  private devices(): string[] {
    return this.cluster.tasks().map(([j, i]) => `${taskName(j, i)}/device:CPU:0`);
  }

  taskOf(op: Operation): TaskName {
    let t = this.cache.get(op);
    if (t === undefined) {
      const v = variableOf(op);
      // an op updating several variables (slots) goes with the first; the slots are colocated with it
      t = v ? this.taskOf(v) : this.resolve(op);
      this.cache.set(op, t);
    }
    return t;
  }

  /** Places `op` on `task` (an op of a control-flow region runs on the region's task). */
  pin(op: Operation, task: TaskName): void {
    this.cache.set(op, task);
  }

  private resolve(op: Operation): TaskName {
    if (op.device === '') return taskName(this.home.job, this.home.task);
    const f = parseDeviceSpec(op.device);
    const job = f.job === null || f.job === 'localhost' ? this.home.job : f.job;
    const task = f.task ?? (f.job === null || f.job === 'localhost' || job === this.home.job ? this.home.task : 0);
    const known = this.cluster.jobs.includes(job) && this.cluster.taskIndices(job).includes(task) && (f.replica ?? 0) === 0;
    if (!known) {
      throw new InvalidArgumentError(
        `Cannot assign a device for operation '${op.name}': Operation was explicitly assigned to ${deviceSpecString(f)} but available devices are [ ${this.devices().join(', ')} ]. Make sure the device specification refers to a valid device.`,
        op.name,
      );
    }
    return taskName(job, task);
  }
}

/** A context's outermost context: a loop, or a cond (both branches: its predicate). */
function outermost(c: Context): object {
  while (c.outer) c = c.outer;
  return c instanceof CondContext ? c.pred : c;
}

/** The outermost control-flow region an op belongs to (a cond's Switch and Merge included), or null. */
function regionKey(op: Operation): object | null {
  const c = contextOf(op);
  if (c) return outermost(c);
  return condMerges.get(op) ?? condSwitches.get(op)?.pred ?? null;
}

/**
 * The ops that must run in one stage on one task, each op's group: a region's ops (a loop's
 * back edges stay inside one run), with every op on a path that leaves a group and comes back
 * into it (a nested cond and its gradient form such paths).
 * They are the strongly connected components of the dataflow graph with each region's ops tied
 * together. A group runs on the task of its first op that is not a variable's (reads of other
 * tasks' variables inside it receive their value). TensorArrays and gradient loops, which would
 * have to stay with their loops too, are refused before this (checkPartitionable).
 */
function regions(ops: readonly Operation[], feeds: ReadonlyMap<Tensor, unknown>, placer: TaskPlacer): Map<Operation, Operation[]> {
  const byKey = new Map<object, Operation[]>();
  for (const op of ops) {
    const k = regionKey(op);
    if (k === null) continue;
    let r = byKey.get(k);
    if (!r) byKey.set(k, (r = []));
    r.push(op);
  }
  const groupOf = new Map<Operation, Operation[]>();
  if (byKey.size === 0) return groupOf;
  const inRun = new Set(ops);
  const succ = new Map<Operation, Operation[]>(ops.map((o) => [o, []]));
  const edge = (a: Operation, b: Operation) => succ.get(a)!.push(b);
  for (const op of ops) {
    for (const t of op.inputs) {
      if (feeds.has(t) || !inRun.has(t.op)) continue;
      edge(t.op, op);
    }
    for (const c of op.controlInputs) if (inRun.has(c)) edge(c, op);
  }
  for (const members of byKey.values()) {
    for (const m of members.slice(1)) {
      edge(members[0]!, m);
      edge(m, members[0]!);
    }
  }
  for (const members of stronglyConnected(ops, succ)) {
    if (members.length < 2) continue;
    members.sort((a, b) => a.id - b.id);
    const lead = members.find((op) => variableOf(op) === null) ?? members[0]!;
    const task = placer.taskOf(lead);
    for (const op of members) {
      const v = variableOf(op);
      if (v !== null && op.type !== 'Identity' && placer.taskOf(v) !== task) {
        throw new InvalidArgumentError(
          `Cannot place '${op.name}' with '${v.name}' on ${placer.taskOf(v)}: it runs inside a tf.cond or tf.whileLoop (or between a loop and its gradient) placed on ${task}. Place that computation on the task of the state it updates.`,
          op.name,
        );
      }
      placer.pin(op, task);
      groupOf.set(op, members);
    }
  }
  return groupOf;
}

/** Tarjan's strongly connected components of `nodes` under `succ`, iteratively. */
function stronglyConnected<T>(nodes: readonly T[], succ: ReadonlyMap<T, readonly T[]>): T[][] {
  const index = new Map<T, number>();
  const low = new Map<T, number>();
  const onStack = new Set<T>();
  const stack: T[] = [];
  const out: T[][] = [];
  let next = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: [T, number][] = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, i] = top;
      const ws = succ.get(v)!;
      if (i < ws.length) {
        top[1]++;
        const w = ws[i]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1]![0];
        low.set(u, Math.min(low.get(u)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const comp: T[] = [];
        let w: T;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        out.push(comp);
      }
    }
  }
  return out;
}

/**
 * What a partition cannot carry yet: TensorArrays (tsflow's carry their values in the flow, which
 * a GraphDef does not express) and gradient loops (they read their forward loop's iterations).
 */
function checkPartitionable(ops: readonly Operation[]): void {
  for (const op of ops) {
    const w = contextOf(op);
    const gradLoop = w instanceof WhileContext && w.forward !== null;
    if (op.type.startsWith('TensorArray') || gradLoop) {
      throw new UnimplementedError(
        `${op.type} '${op.name}' cannot run on a cluster task yet: ${gradLoop ? "a while loop's gradient" : 'a TensorArray'} (tf.nn.dynamicRnn uses both) does not travel in a partition's GraphDef. Run it in a local session, or place only its variables on the cluster.`,
        op.name,
      );
    }
  }
}

/** The stages of a run of `elements` with `feeds`. */
export function schedule(elements: readonly (Tensor | Operation)[], feeds: ReadonlyMap<Tensor, unknown>, placer: TaskPlacer): Stage[] {
  const all = [...prune(elements, feeds)].sort((a, b) => a.id - b.id);
  checkPartitionable(all);
  const groupOf = regions(all, feeds, placer);
  // A variable is scheduled only where another task reads it (its value is sent there); its own
  // task's ops use it in whichever stage they run.
  const remoteRead = new Set<Operation>();
  for (const op of all) {
    for (const t of op.inputs) {
      if (t.op.type === 'VariableV2' && !feeds.has(t) && placer.taskOf(t.op) !== placer.taskOf(op)) remoteRead.add(t.op);
    }
  }
  const fetchedVar = (op: Operation) => elements.some((e) => e === op || (e instanceof Tensor && e.op === op));
  // a resource op (its handle) is not scheduled either: it goes into every stage that uses it
  const ops = all.filter((op) => (op.type !== 'VariableV2' || remoteRead.has(op) || fetchedVar(op)) && (!RESOURCE_OPS.has(op.type) || fetchedVar(op)));
  const inRun = new Set(ops);
  const deps = new Map<Operation, Operation[]>();
  const users = new Map<Operation, Operation[]>();
  for (const op of ops) {
    const d = new Set<Operation>();
    for (const t of op.inputs) if (!feeds.has(t) && inRun.has(t.op)) d.add(t.op);
    for (const c of op.controlInputs) if (inRun.has(c)) d.add(c);
    // a region's ops wait only on what enters the region (its loops' back edges stay inside)
    const group = groupOf.get(op);
    if (group) for (const m of group) d.delete(m);
    deps.set(op, [...d]);
    for (const x of d) {
      let u = users.get(x);
      if (!u) users.set(x, (u = []));
      u.push(op);
    }
  }
  const waiting = new Map<Operation, number>(ops.map((o) => [o, deps.get(o)!.length]));
  // a region becomes ready, all its ops at once, when everything entering it is done
  const groupWaiting = new Map<Operation[], number>();
  for (const op of ops) {
    const group = groupOf.get(op);
    if (group) groupWaiting.set(group, (groupWaiting.get(group) ?? 0) + deps.get(op)!.length);
  }
  const ready = new Map<TaskName, Operation[]>();
  let current: TaskName | null = null;
  // A NoOp only groups control edges, so where it runs changes nothing: it runs in the stage that
  // makes it ready (the train op's final NoOp then costs no extra call to the worker).
  const floating = (op: Operation) => op.type === 'NoOp' && op.outputs.length === 0 && !groupOf.has(op);
  const push = (op: Operation) => {
    const t = current !== null && floating(op) ? current : placer.taskOf(op);
    let r = ready.get(t);
    if (!r) ready.set(t, (r = []));
    r.push(op);
  };
  const pushGroup = (group: Operation[]) => {
    for (const m of group) if (inRun.has(m)) push(m);
  };
  for (const op of ops) if (!groupOf.has(op) && waiting.get(op) === 0) push(op);
  for (const [group, n] of groupWaiting) if (n === 0) pushGroup(group);
  const stages: Stage[] = [];
  const stageOf = new Map<Operation, Stage>();
  let done = 0;
  while (done < ops.length) {
    // the task whose ready op came first in creation order
    let task: TaskName | null = null;
    let first = Infinity;
    for (const [t, r] of ready) for (const op of r) if (op.id < first) [first, task] = [op.id, t];
    const stage: Stage = { task: task!, ops: [], vars: [], inputs: [], outputs: [] };
    current = task;
    const queue = ready.get(task!)!;
    while (queue.length > 0) {
      queue.sort((a, b) => a.id - b.id);
      const op = queue.shift()!;
      stage.ops.push(op);
      stageOf.set(op, stage);
      done++;
      for (const u of users.get(op) ?? []) {
        const group = groupOf.get(u);
        if (group) {
          const n = groupWaiting.get(group)! - 1;
          groupWaiting.set(group, n);
          if (n === 0) pushGroup(group);
          continue;
        }
        const n = waiting.get(u)! - 1;
        waiting.set(u, n);
        if (n === 0) push(u);
      }
    }
    ready.delete(task!);
    stages.push(stage);
  }
  const fetched = new Set(elements.filter((e): e is Tensor => e instanceof Tensor));
  const outs = new Map<Stage, Set<Tensor>>(stages.map((s) => [s, new Set()]));
  for (const s of stages) {
    const ins = new Set<Tensor>();
    const vars = new Set<Operation>();
    for (const op of s.ops) {
      for (const t of op.inputs) {
        if (feeds.has(t)) ins.add(t);
        else if (RESOURCE_OPS.has(t.op.type) && !stageOf.has(t.op)) vars.add(t.op);
        else if (t.op.type === 'VariableV2' && placer.taskOf(t.op) === s.task) {
          if (stageOf.get(t.op) !== s) vars.add(t.op);
        }
        else if (stageOf.get(t.op) !== s) {
          ins.add(t);
          outs.get(stageOf.get(t.op)!)!.add(t);
        }
      }
    }
    s.inputs = [...ins];
    s.vars = [...vars].sort((a, b) => a.id - b.id);
  }
  for (const t of fetched) if (!feeds.has(t)) outs.get(stageOf.get(t.op)!)?.add(t);
  for (const s of stages) s.outputs = [...outs.get(s)!];
  return stages;
}

/** A NodeDef input: `name`, `name:N` or `^name`. */
function parseInput(s: string): { node: string; index: number; control: boolean } {
  if (s.startsWith('^')) return { node: s.slice(1), index: -1, control: true };
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? { node: m[1]!, index: Number(m[2]), control: false } : { node: s, index: 0, control: false };
}

const recvName = (t: Tensor): string => `_recv/${t.op.name}/${t.index}`;
const tensorName = (t: Tensor): string => `${t.op.name}:${t.index}`;

/** A stage as the GraphDef partition its task imports. */
export function stagePartition(s: Stage, feeds: ReadonlyMap<Tensor, unknown>): Partition {
  const inStage = new Set([...s.vars, ...s.ops]);
  const received = new Map<string, Tensor>(s.inputs.map((t) => [tensorName(t), t]));
  const taken = new Set(s.ops[0]!.graph.operations.map((o) => o.name));
  const nodes: NodeDef[] = s.inputs.map((t) => ({
    name: recvName(t),
    op: 'Placeholder',
    input: [],
    device: '',
    attr: { dtype: A.type(t.dtype), shape: A.shape(t.shape) },
  }));
  const byName = new Map<string, Operation>();
  for (const op of [...s.vars, ...s.ops]) {
    byName.set(op.name, op);
    for (const t of op.inputs) byName.set(t.op.name, t.op);
    for (const c of op.controlInputs) byName.set(c.name, c);
  }
  const sinks = new Set(s.ops);
  for (const op of s.ops) {
    for (const t of op.inputs) if (inStage.has(t.op) && !feeds.has(t)) sinks.delete(t.op);
    for (const c of op.controlInputs) sinks.delete(c);
  }
  for (const op of [...s.vars, ...s.ops]) {
    for (const node of opToNodeDefs(op, taken)) {
      node.input = node.input.flatMap((inp) => {
        const p = parseInput(inp);
        const src = byName.get(p.node);
        if (p.control) return src && !inStage.has(src) ? [] : [inp];
        if (!src) return [inp]; // a Const node written for a folded input
        const key = `${p.node}:${p.index}`;
        return received.has(key) ? [recvName(received.get(key)!)] : [inp];
      });
      nodes.push(node);
    }
  }
  return {
    graphDef: { node: nodes, versions: { producer: 27, minConsumer: 0, badConsumers: [] } } as GraphDef,
    feed: s.inputs.map(recvName),
    fetch: s.outputs.map(tensorName),
    target: [...sinks].filter((op) => !s.outputs.some((t) => t.op === op)).map((op) => op.name),
    variable: [...s.vars, ...s.ops].filter((op) => op.type === 'VariableV2').map((op) => op.name),
  };
}
