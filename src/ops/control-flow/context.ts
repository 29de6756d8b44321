/**
 * Control-flow contexts, as TF1's CondContext and WhileContext: the region of the graph a
 * `tf.cond` branch or a `tf.whileLoop` body was built in. While a context is entered, every new
 * op is recorded as its own and each input from outside enters through a Switch (cond) or a
 * constant Enter (loop), created in the enclosing context; an op with no inputs gets a control
 * input on the context's pivot so it runs only when the region does.
 */
import type { ControlFlowHook, Graph } from '../../graph/graph.js';
import type { Operation, Tensor } from '../../graph/tensor.js';

export type Context = CondContext | WhileContext;

const opContexts = new WeakMap<Operation, Context>();

/** The innermost context an op was built in, or null for the top level. */
export function contextOf(op: Operation): Context | null {
  return opContexts.get(op) ?? null;
}

export function setContext(op: Operation, ctx: Context | null): void {
  if (ctx) opContexts.set(op, ctx);
}

/** The innermost while context enclosing `op` (through cond contexts), or null. */
export function whileContextOf(op: Operation): WhileContext | null {
  let c = contextOf(op);
  while (c && !(c instanceof WhileContext)) c = c.outer;
  return c;
}

/** Whether `inner` is `outer` or nested inside it. */
export function isWithin(inner: Context | null, outer: Context): boolean {
  for (let c = inner; c; c = c.outer) if (c === outer) return true;
  return false;
}

abstract class BaseContext implements ControlFlowHook {
  readonly outer: Context | null;
  /** Outside value → its entered value in this context. */
  protected readonly external = new Map<Tensor, Tensor>();
  /** The tensor no-input ops depend on (switch_t/switch_f, the loop's first Identity). */
  pivot: Tensor | null = null;

  constructor(readonly graph: Graph) {
    this.outer = graph.controlFlowContext as Context | null;
  }

  /** Build inside this context. */
  enter<T>(fn: () => T): T {
    const old = this.graph.controlFlowContext;
    this.graph.controlFlowContext = this;
    try {
      return fn();
    } finally {
      this.graph.controlFlowContext = old;
    }
  }

  /** Build in the enclosing context (as TF1 does for Switch/Enter of captured values). */
  protected inOuter<T>(fn: () => T): T {
    const old = this.graph.controlFlowContext;
    this.graph.controlFlowContext = this.outer;
    try {
      return this.graph.controlDependencies(null, fn);
    } finally {
      this.graph.controlFlowContext = old;
    }
  }

  captureInputs(inputs: readonly Tensor[]): Tensor[] {
    return inputs.map((t) => this.capture(t));
  }

  /** `t` as seen inside this context. */
  capture(t: Tensor): Tensor {
    if (isWithin(contextOf(t.op), this as unknown as Context)) return t;
    // A variable's reference stays itself: reads and assigns in a region see its current value.
    if (t.op.type === 'VariableV2') return t;
    const known = this.external.get(t);
    if (known) return known;
    const outerVal = this.outer ? this.outer.capture(t) : t;
    const v = this.makeEntry(outerVal);
    this.external.set(t, v);
    this.external.set(v, v);
    return v;
  }

  protected abstract makeEntry(t: Tensor): Tensor;

  opAdded(op: Operation): void {
    opContexts.set(op, this as unknown as Context);
    if (op.inputs.length === 0 && this.pivot && op !== this.pivot.op) {
      const ci = op.controlInputs as Operation[];
      if (!ci.includes(this.pivot.op)) ci.push(this.pivot.op);
    }
  }
}

/** The predicate and branch of each Switch a cond branch takes a value through. */
export const condSwitches = new WeakMap<Operation, { pred: Tensor; branch: 0 | 1 }>();
/** The predicate of each cond's Merge. */
export const condMerges = new WeakMap<Operation, Tensor>();

/** One branch of a `tf.cond`: values enter through `Switch(x, pred)[branch]`. */
export class CondContext extends BaseContext {
  constructor(
    graph: Graph,
    readonly pred: Tensor,
    readonly branch: 0 | 1,
    private readonly makeSwitch: (x: Tensor, pred: Tensor) => [Tensor, Tensor],
  ) {
    super(graph);
  }

  protected makeEntry(t: Tensor): Tensor {
    const v = this.inOuter(() => this.makeSwitch(t, this.pred)[this.branch]);
    condSwitches.set(v.op, { pred: this.pred, branch: this.branch });
    return v;
  }
}

/** A `tf.whileLoop`: values from outside enter as loop constants (`Enter`, is_constant). */
export class WhileContext extends BaseContext {
  /** The Enter of each loop variable, then the Merge, Switch, Identity, NextIteration and Exit. */
  enters: Operation[] = [];
  merges: Operation[] = [];
  switches: Operation[] = [];
  identities: Tensor[] = [];
  nextIterations: Operation[] = [];
  exits: Operation[] = [];
  /** Captured loop constants (Enter ops with is_constant). */
  readonly invariants: Operation[] = [];
  /** The LoopCond op (its input is the loop condition). */
  loopCond: Operation | null = null;
  /** For a gradient loop: the loop it differentiates (iterated newest first, no condition). */
  forward: WhileContext | null = null;
  /** Whether a gradient loop reads this loop's per-iteration record. */
  recordForGradient = false;
  /** Outputs of random ops in the body, kept per iteration so the gradient replays the same draws. */
  replayed: Tensor[] = [];
  /** Body values a gradient loop reads, kept per iteration (beside the loop values) so it need not recompute them. */
  saved: Tensor[] = [];
  /**
   * For a gradient loop: the forward body's values its body reads, fed each iteration from
   * the forward record (the forward body is then not recomputed), or null where the gradient
   * recomputes the forward iteration from its loop values (nested loops or conds).
   */
  fromForward: Tensor[] | null = null;
  /** Loop values (by index) a gradient loop reads as they were at the start of each iteration. */
  savedIds: number[] = [];
  /** Body values a gradient reads only for their shape (a TensorArray's flow): never copied. */
  readonly shapeOnly = new Set<Tensor>();

  constructor(
    graph: Graph,
    readonly frameName: string,
    readonly parallelIterations: number,
    readonly backProp: boolean,
    private readonly makeEnter: (x: Tensor, frame: string, isConstant: boolean, parallelIterations: number) => Tensor,
  ) {
    super(graph);
  }

  override capture(t: Tensor): Tensor {
    // A gradient loop reads the forward loop's values as recomputed each iteration, not as constants.
    if (this.forward && isWithin(contextOf(t.op), this.forward)) return t;
    return super.capture(t);
  }

  protected makeEntry(t: Tensor): Tensor {
    const v = this.inOuter(() => this.makeEnter(t, this.frameName, true, this.parallelIterations));
    opContexts.set(v.op, this);
    this.invariants.push(v.op);
    return v;
  }
}
