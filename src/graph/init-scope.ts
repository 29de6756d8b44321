/**
 * TF's `ops.init_scope()` in graph mode: build `fn` outside any control-flow region and without
 * control dependencies, as TF1 does for the variables (and their initializers) that a layer, a
 * cell or a moving average makes while a loop body or cond branch is being built.
 */
import type { Graph } from './graph.js';

export function initScope<T>(g: Graph, fn: () => T): T {
  const old = g.controlFlowContext;
  g.controlFlowContext = null;
  try {
    return g.controlDependencies(null, fn);
  } finally {
    g.controlFlowContext = old;
  }
}
