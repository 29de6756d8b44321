/**
 * `tf.graph_util.remove_training_nodes`, `must_run_on_cpu` and
 * `tensor_shape_from_node_def_name` (TF 1.15's graph_util_impl.py).
 */
import { DataTypeEnum } from '../checkpoint/proto.js';
import type { Graph } from '../graph/graph.js';
import { Operation } from '../graph/tensor.js';
import { TensorShape } from '../graph/tensor-shape.js';
import type { GraphDef, NodeDef } from '../proto/framework.js';

const stripControl = (s: string): string => s.replace(/^\^/, '');

/**
 * `remove_training_nodes(input_graph, protected_nodes=None)`: a GraphDef for inference without
 * CheckNumerics nodes and with Identity nodes spliced out (their consumers read the Identity's
 * input), except Identities that have control inputs, are control inputs of another node, or
 * are named in `protectedNodes`.
 */
export function removeTrainingNodes(inputGraph: GraphDef, protectedNodes: readonly string[] | null = null): GraphDef {
  const keep = new Set(protectedNodes ?? []);
  const splice = (nodes: NodeDef[], removed: Map<string, string>): NodeDef[] =>
    nodes.filter((n) => !removed.has(n.name)).map((n) => ({
      ...n,
      input: n.input.map((full) => {
        let f = full;
        const control = f.startsWith('^');
        // follow chains of removed nodes to the first kept input (a control edge stays one)
        for (let name = stripControl(f); removed.has(name); name = stripControl(f)) f = removed.get(name)!;
        return control && !f.startsWith('^') ? `^${stripControl(f).replace(/:\d+$/, '')}` : f;
      }),
    }));
  const checks = new Map<string, string>();
  for (const n of inputGraph.node) if (n.op === 'CheckNumerics' && !keep.has(n.name) && n.input.length > 0) checks.set(n.name, n.input[0]!);
  const afterRemoval = splice(inputGraph.node, checks);

  const controlInputNames = new Set<string>();
  const withControlInput = new Set<string>();
  for (const n of afterRemoval) {
    for (const i of n.input) {
      if (i.startsWith('^')) {
        controlInputNames.add(stripControl(i));
        withControlInput.add(n.name);
      }
    }
  }
  const identities = new Map<string, string>();
  for (const n of afterRemoval) {
    if (n.op !== 'Identity' || keep.has(n.name) || withControlInput.has(n.name) || controlInputNames.has(n.name) || n.input.length === 0) continue;
    identities.set(n.name, n.input[0]!);
  }
  const { node: _node, ...rest } = inputGraph;
  return { ...rest, node: splice(afterRemoval, identities) };
}

const VARIABLE_OPS = new Set(['Assign', 'AssignAdd', 'AssignSub', 'Queue', 'ScatterAdd', 'ScatterSub', 'ScatterUpdate', 'TruncatedNormal', 'Variable', 'VariableV2']);

/**
 * `must_run_on_cpu(node, pin_variables_on_cpu=False)`: whether TF's rule pins the node (an
 * Operation or a NodeDef) to the CPU: string and int32 Consts, int32 DynamicStitch and Cast from
 * int32, and variable ops when `pinVariablesOnCpu`.
 */
export function mustRunOnCpu(node: Operation | NodeDef, pinVariablesOnCpu = false): boolean {
  const isOp = node instanceof Operation;
  const type = isOp ? node.type : node.op;
  const attrType = (name: string): string | null => {
    // an Operation's dtypes are its tensors' (SrcT is Cast's input's, dtype and T the output's)
    if (isOp) return (name === 'SrcT' ? node.inputs[0]?.dtype : node.outputs[0]?.dtype) ?? null;
    const t = node.attr?.[name]?.type;
    return t === DataTypeEnum.DT_STRING ? 'string' : t === DataTypeEnum.DT_INT32 ? 'int32' : t === undefined ? null : 'other';
  };
  if (pinVariablesOnCpu && VARIABLE_OPS.has(type)) return true;
  if (type === 'Const') {
    const d = attrType('dtype');
    return d === 'string' || d === 'int32';
  }
  if (type === 'DynamicStitch' || type === 'ParallelDynamicStitch') return attrType('T') === 'int32';
  if (type === 'Cast') return attrType('SrcT') === 'int32';
  return false;
}

/** `tensor_shape_from_node_def_name(graph, input_name)`: the static shape of a node's output (`name` means `name:0`). */
export function tensorShapeFromNodeDefName(graph: Graph, inputName: string): TensorShape {
  const name = inputName.includes(':') ? inputName : `${inputName}:0`;
  return new TensorShape(graph.getTensorByName(name).shape);
}
