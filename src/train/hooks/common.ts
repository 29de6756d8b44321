/** What the hooks share: the graph's global-step read, graph elements by name, scalars of results. */
import { RuntimeError, ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import { Operation, Tensor } from '../../graph/tensor.js';
import { NDArray } from '../../ndarray.js';
import { Variable } from '../../ops/variables.js';
import { getGlobalStep } from '../global-step.js';

/** The default graph's global step as a tensor (its value before a run's own update), or a RuntimeError naming the hook. */
export function globalStepRead(hook: string): Tensor {
  const step = getGlobalStep(getDefaultGraph());
  if (!step) throw new RuntimeError(`Global step should be created to use ${hook}.`);
  return step.value();
}

/** A number from a fetched scalar. */
export function scalarOf(a: unknown): number {
  if (a instanceof NDArray) return Number(a.data[0]);
  return Number(a);
}

/** TF's `_as_graph_element`: a tensor of the default graph, or a name (`x` meaning `x:0`, which must be the op's only output). */
export function asGraphElement(obj: unknown): Tensor | Operation {
  const g = getDefaultGraph();
  if (typeof obj !== 'string') {
    const el = obj instanceof Variable ? obj.value() : obj;
    if (!(el instanceof Tensor || el instanceof Operation) || el.graph !== g) {
      throw new ValueError(`Passed ${String(obj instanceof Tensor || obj instanceof Operation ? obj.name : obj)} should have graph attribute that is equal to current graph ${String(g)}.`);
    }
    return el;
  }
  if (obj.includes(':')) return g.asGraphElement(obj, true, true);
  const el = g.asGraphElement(`${obj}:0`, true, false);
  let second = false;
  try {
    g.asGraphElement(`${obj}:1`, true, false);
    second = true;
  } catch {
    // a single output: as expected
  }
  if (second) throw new ValueError(`Name ${obj} is ambiguous, as this \`Operation\` has multiple outputs (at least 2).`);
  return el;
}
