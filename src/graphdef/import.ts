/** `tf.importGraphDef`: NodeDefs → tsflow ops in the default graph, with TF1's `import/` names. */
import { hostname } from '../platform/system.js';
import { InvalidArgumentError, NotFoundError, OpError, UnimplementedError, ValueError } from '../errors.js';
import { getDefaultGraph } from '../graph/context.js';
import { type Graph, canonicalDevice } from '../graph/graph.js';
import { Operation, Tensor } from '../graph/tensor.js';
import { registeredOpTypes } from '../ops/registry.js';
import { decode } from '../proto/codec.js';
import { type GraphDef, GraphDefT, type NodeDef } from '../proto/framework.js';
import { NodeAttrs } from './attrs.js';
import { OPAQUE_RULES } from './opaque-ops.js';
import '../checkpoint/graph-ops.js';
import './parse-example-rules.js';
import { type ImportRule, RULES, tsflowRule } from './import-rules.js';
import { CONTROL_FLOW_RULES, OUTPUT_ALIASES, UNSUPPORTED_CONTROL_FLOW, isBackEdge, rebuildControlFlow } from './control-flow-import.js';
import { withDefaultAttrs } from './op-defs.js';
import { validateNodeDef } from './import-validate.js';

export interface ImportGraphDefOptions {
  /** GraphDef tensor names (`x:0`, or `x` for `x:0`) → tensors of this graph to use instead. */
  inputMap?: Record<string, Tensor> | Map<string, Tensor>;
  /** GraphDef names to return: `op` for an operation, `op:N` for a tensor. */
  returnElements?: string[];
  /** Name scope of the imported ops (default `import`; '' for none). */
  name?: string;
  /** Drop each node's device. */
  clearDevices?: boolean;
}

function ruleFor(node: NodeDef): ImportRule {
  const r = RULES.get(node.op) ?? CONTROL_FLOW_RULES.get(node.op) ?? OPAQUE_RULES.get(node.op);
  if (r) return r;
  if (UNSUPPORTED_CONTROL_FLOW.has(node.op)) {
    throw new UnimplementedError(
      `Node '${node.name}' has op type ${node.op} (the gradient machinery of TF's while loops, or a control-flow op tsflow does not run), which tsflow does not import`,
      node.name,
    );
  }
  if (registeredOpTypes().includes(node.op)) return tsflowRule(node.op);
  throw new NotFoundError(
    `Op type not registered '${node.op}' in binary running on ${hostname()}. Make sure the Op and Kernel are registered in the binary running in this process.`,
    node.name,
  );
}

/** Parse a NodeDef input: `name`, `name:N` or `^name`. */
export function parseInput(s: string): { node: string; index: number; control: boolean } {
  if (s.startsWith('^')) return { node: s.slice(1), index: -1, control: true };
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? { node: m[1]!, index: Number(m[2]), control: false } : { node: s, index: 0, control: false };
}

/**
 * Nodes in an order where every node follows its inputs, but for the loops' back edges (a
 * Merge's input from a NextIteration); any other cycle is refused.
 */
function topoOrder(nodes: NodeDef[]): NodeDef[] {
  const byName = new Map<string, NodeDef>();
  for (const n of nodes) {
    if (byName.has(n.name)) throw new ValueError(`Node '${n.name}' is not unique`);
    byName.set(n.name, n);
  }
  const state = new Map<string, 1 | 2>();
  const out: NodeDef[] = [];
  for (const root of nodes) {
    if (state.has(root.name)) continue;
    const stack: [NodeDef, number][] = [[root, 0]];
    state.set(root.name, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [n, i] = top;
      if (i < n.input.length) {
        top[1]++;
        const dep = parseInput(n.input[i]!).node;
        const d = byName.get(dep);
        if (!d) throw new ValueError(`Node '${n.name}': Unknown input node '${n.input[i]}'`);
        if (isBackEdge(n, d)) continue;
        const s = state.get(dep);
        if (s === 1) throw new ValueError(`GraphDef has a cycle through node '${dep}' (tsflow imports acyclic graphs only)`);
        if (s === undefined) {
          state.set(dep, 1);
          stack.push([d, 0]);
        }
      } else {
        stack.pop();
        state.set(n.name, 2);
        out.push(n);
      }
    }
  }
  return out;
}

/** A NodeDef's device as tsflow places it ('' when it names no CPU/GPU). */
function nodeDevice(d: string): string {
  if (!d) return '';
  const m = /(?:^|\/)(?:device:)?(cpu|gpu):(\d+)$/i.exec(d);
  return m ? canonicalDevice(`/${m[1]}:${m[2]}`) : '';
}

export function toGraphDef(g: GraphDef | Uint8Array): GraphDef {
  return g instanceof Uint8Array ? decode<GraphDef>(GraphDefT, g) : g;
}

/**
 * `tf.import_graph_def(graph_def, input_map, return_elements, name)`: adds the GraphDef's
 * nodes to the default graph under `name/` and returns the requested elements (null when none
 * were asked for).
 */
export function importGraphDef(graphDef: GraphDef | Uint8Array, opts: ImportGraphDefOptions = {}): (Tensor | Operation)[] | null {
  return importInto(getDefaultGraph(), toGraphDef(graphDef), opts).returned;
}

export function importInto(
  g: Graph,
  gd: GraphDef,
  opts: ImportGraphDefOptions,
): { returned: (Tensor | Operation)[] | null; ops: Map<string, Operation>; prefix: string } {
  const inputMap = new Map<string, Tensor>(opts.inputMap instanceof Map ? opts.inputMap : Object.entries(opts.inputMap ?? {}));
  const mapped = new Map<string, Tensor>();
  for (const [k, t] of inputMap) {
    if (!(t instanceof Tensor)) throw new TypeError(`input_map must map names to Tensors, got ${String(t)} for '${k}'`);
    if (k.startsWith('^')) throw new UnimplementedError(`input_map of control inputs ('${k}') is not supported`);
    const p = parseInput(k);
    mapped.set(`${p.node}:${p.index}`, t);
  }
  const used = new Set<string>();
  gd = { ...gd, node: gd.node.map(withDefaultAttrs) };
  for (const n of gd.node) validateNodeDef(n);
  const order = topoOrder(gd.node);
  const ops = new Map<string, Operation>();
  const byName = new Map(gd.node.map((n) => [n.name, n]));
  /** Loop Merges built before their NextIteration: [merge, input index, NextIteration input]. */
  const backEdges: [Operation, number, { node: string; index: number }][] = [];
  const outputsOf = (op: Operation): readonly Tensor[] => OUTPUT_ALIASES.get(op) ?? op.outputs;
  const name = opts.name ?? 'import';
  const build = (scope: string): void => {
    for (const node of order) {
      const rule = ruleFor(node);
      const inputs: Tensor[] = [];
      const control: Operation[] = [];
      const pending: [number, { node: string; index: number }][] = [];
      for (const s of node.input) {
        const p = parseInput(s);
        if (!p.control && isBackEdge(node, byName.get(p.node))) {
          // The back edge is connected once the loop body exists; until then the Merge reads its Enter.
          pending.push([inputs.length, p]);
          inputs.push(null as unknown as Tensor);
          continue;
        }
        const src = ops.get(p.node)!;
        if (p.control) {
          control.push(src);
          continue;
        }
        const key = `${p.node}:${p.index}`;
        const m = mapped.get(key);
        if (m) {
          used.add(key);
          inputs.push(m);
          continue;
        }
        const t = outputsOf(src)[p.index];
        if (!t) throw new ValueError(`Node '${node.name}': Connecting to invalid output ${p.index} of source node ${p.node} which has ${src.outputs.length} outputs`);
        inputs.push(t);
      }
      if (pending.length) {
        const first = inputs.find((t) => t !== null);
        if (!first) throw new InvalidArgumentError(`Merge node '${node.name}' has only NextIteration inputs: a loop's Merge needs its Enter`, node.name);
        for (const [i] of pending) inputs[i] = first;
      }
      const dev = opts.clearDevices ? '' : nodeDevice(node.device);
      const create = (): Operation => {
        try {
          return rule({ g, node, name: `${scope}${node.name}`, inputs, attrs: new NodeAttrs(node) });
        } catch (e) {
          // A node that does not fit its op (too few inputs, wrong dtypes) is TF's ValueError
          // naming the node, however deep in the op's rule it failed.
          if (e instanceof OpError || e instanceof ValueError) throw e;
          throw new ValueError(`Node '${node.name}' (op ${node.op}, ${inputs.length} input(s)) cannot be imported: ${(e as Error).message}`);
        }
      };
      const withCtl = () => (control.length ? g.controlDependencies(control, create) : create());
      const op = dev ? g.device(dev, withCtl) : withCtl();
      ops.set(node.name, op);
      for (const [i, p] of pending) backEdges.push([op, i, p]);
    }
    for (const [m, i, p] of backEdges) {
      const t = outputsOf(ops.get(p.node)!)[p.index];
      if (!t) throw new ValueError(`Node '${m.name}': Connecting to invalid output ${p.index} of source node ${p.node}`);
      (m.inputs as Tensor[])[i] = t;
    }
    const local = (op: Operation): string => (scope && op.name.startsWith(scope) ? op.name.slice(scope.length) : op.name);
    rebuildControlFlow(g, order.map((n) => ops.get(n.name)!), local);
  };
  const prefix = name === '' ? g.nameScope(null, (s) => (build(s), s)) : g.nameScope(name, (s) => (build(s), s));
  const unused = [...mapped.keys()].filter((k) => !used.has(k));
  if (unused.length) throw new ValueError(`Attempted to map inputs that were not found in graph_def: [${unused.join(', ')}]`);
  let returned: (Tensor | Operation)[] | null = null;
  if (opts.returnElements) {
    returned = opts.returnElements.map((r) => {
      const isTensor = r.includes(':');
      const p = parseInput(r);
      const op = ops.get(p.node);
      const t = isTensor ? (op && outputsOf(op)[p.index]) : op;
      if (!t) throw new ValueError(`Requested return_element '${r}' not found in graph_def.`);
      return t;
    });
  }
  return { returned, ops, prefix };
}
