/** `tf.graph_util`: extract_sub_graph and convert_variables_to_constants (freezing). */
import { ValueError } from '../errors.js';
import type { GraphDef, NodeDef } from '../proto/framework.js';
import type { Session } from '../session/session.js';
import type { NDArray } from '../ndarray.js';
import { A } from './export.js';
import { parseInput } from './import.js';

function checkGraphDef(gd: unknown): asserts gd is GraphDef {
  if (gd === null || typeof gd !== 'object' || !Array.isArray((gd as GraphDef).node)) {
    throw new TypeError('graph_def must be a graph_pb2.GraphDef proto.');
  }
}

/** `extract_sub_graph(graph_def, dest_nodes)`: the nodes `destNodes` need, in GraphDef order. */
export function extractSubGraph(graphDef: GraphDef, destNodes: string[]): GraphDef {
  checkGraphDef(graphDef);
  if (!Array.isArray(destNodes)) throw new TypeError('dest_nodes must be a list.');
  const byName = new Map(graphDef.node.map((n) => [n.name, n]));
  for (const d of destNodes) {
    if (!byName.has(d)) throw new ValueError(`${d} is not in graph`);
  }
  const keep = new Set<string>();
  const stack = [...destNodes];
  while (stack.length) {
    const n = stack.pop()!;
    if (keep.has(n)) continue;
    keep.add(n);
    for (const i of byName.get(n)?.input ?? []) stack.push(parseInput(i).node);
  }
  return { ...graphDef, node: graphDef.node.filter((n) => keep.has(n.name)) };
}

const VARIABLE_OPS = new Set(['Variable', 'VariableV2']);

export interface ConvertVariablesOptions {
  /** Convert only these variables (op names). */
  variableNamesWhitelist?: string[];
  /** Leave these variables as they are. */
  variableNamesBlacklist?: string[];
}

/**
 * `convert_variables_to_constants(sess, input_graph_def, output_node_names)`: the subgraph
 * the outputs need, with every variable replaced by a Const of its value in `sess`.
 */
export async function convertVariablesToConstants(
  sess: Session,
  inputGraphDef: GraphDef,
  outputNodeNames: string[],
  opts: ConvertVariablesOptions = {},
): Promise<GraphDef> {
  const sub = extractSubGraph(inputGraphDef, outputNodeNames);
  const convert = (n: NodeDef): boolean =>
    VARIABLE_OPS.has(n.op) &&
    (opts.variableNamesWhitelist === undefined || opts.variableNamesWhitelist.includes(n.name)) &&
    !(opts.variableNamesBlacklist ?? []).includes(n.name);
  const vars = sub.node.filter(convert);
  const values = vars.length
    ? ((await sess.run(vars.map((n) => sess.graph.getTensorByName(`${n.name}:0`)))) as NDArray[])
    : [];
  const valueOf = new Map(vars.map((n, i) => [n.name, values[i]!]));
  const node = sub.node.map((n): NodeDef => {
    const v = valueOf.get(n.name);
    if (!v) return n;
    return { name: n.name, op: 'Const', input: [], device: n.device, attr: { dtype: A.type(v.dtype), value: A.tensor(v) } };
  });
  return { ...sub, node };
}
