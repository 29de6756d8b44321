/**
 * `tf.train.SyncReplicasOptimizer` (TF 1.15's sync_replicas_optimizer.py): synchronous
 * data-parallel training. Every replica's gradients go into a ConditionalAccumulator per
 * variable (on the variable's device, shared by name: `<var>:0/grad_accum`), stamped with the
 * replica's `sync_rep_local_step`; the chief's queue runner takes the mean of
 * `replicasToAggregate` gradients per variable, applies it with the wrapped optimizer (which
 * increments the global step) and puts `max(totalNumReplicas, replicasToAggregate)` tokens
 * holding the new global step into the `sync_token_q` queue. A replica's train op applies its
 * gradients, then waits for a token and takes its value as its local step: gradients computed
 * from an older step than the accumulators' are dropped as stale.
 */
import { ConditionalAccumulator, type ConditionalAccumulatorBase, SparseConditionalAccumulator } from '../data/conditional-accumulator.js';
import { FIFOQueue } from '../data/queue.js';
import { RuntimeError, ValueError } from '../errors.js';
import { GraphKeys } from '../graph/graph.js';
import { type Operation, Tensor } from '../graph/tensor.js';
import { fill } from '../ops/array.js';
import { group, noOp } from '../ops/core.js';
import { IndexedSlices } from '../ops/indexed-slices.js';
import { reportUninitializedVariables } from '../ops/variable-init.js';
import { Variable, assign, globalVariables } from '../ops/variables.js';
import type { Session } from '../session/session.js';
import type { Coordinator } from './coordinator.js';
import { type GradAndVar, Optimizer } from './optimizer.js';
import { QueueRunner } from './queue-runner.js';
import { SessionRunHook } from './session-run-hook.js';
import * as logging from './tf-logging.js';

export interface SyncReplicasOptions {
  totalNumReplicas?: number | null;
  /** An ExponentialMovingAverage-like object: its `apply(variablesToAverage)` runs after each aggregated step. */
  variableAverages?: { apply(vars?: Variable[] | null): Operation } | null;
  variablesToAverage?: Variable[] | null;
  useLocking?: boolean;
  name?: string;
}

export class SyncReplicasOptimizer extends Optimizer {
  private readonly opt: Optimizer;
  readonly replicasToAggregate: number;
  readonly totalNumReplicas: number;
  private readonly tokensPerStep: number;
  private readonly variableAverages: SyncReplicasOptions['variableAverages'];
  private readonly variablesToAverage: Variable[] | null;
  private gradientsApplied = false;
  private globalStep: Variable | null = null;
  private syncTokenQueue: FIFOQueue | null = null;
  private chiefQueueRunner: QueueRunner | null = null;
  private readonly accumulatorList: [ConditionalAccumulatorBase, string][] = [];
  private localStepVar: Variable | null = null;
  /** `local_step_init_op`: the replica's local step set to the global step. */
  localStepInitOp: Operation | null = null;
  /** `chief_init_op`: the chief's local step init and every accumulator's set_global_step. */
  chiefInitOp: Operation | null = null;
  /** `ready_for_local_init_op`: reportUninitializedVariables(globalVariables()). */
  readyForLocalInitOp: Tensor | null = null;

  /** `SyncReplicasOptimizer(opt, replicas_to_aggregate, total_num_replicas?, variable_averages?, variables_to_average?, use_locking = false, name = 'sync_replicas')`. */
  constructor(opt: Optimizer, replicasToAggregate: number, totalNumReplicas?: number | null | SyncReplicasOptions, variableAverages?: SyncReplicasOptions['variableAverages'], variablesToAverage?: Variable[] | null, useLocking?: boolean, name?: string) {
    const o: SyncReplicasOptions =
      typeof totalNumReplicas === 'object' && totalNumReplicas !== null
        ? totalNumReplicas
        : { totalNumReplicas: totalNumReplicas ?? null, variableAverages: variableAverages ?? null, variablesToAverage: variablesToAverage ?? null, useLocking: useLocking ?? false, name: name ?? 'sync_replicas' };
    super(o.useLocking ?? false, o.name ?? 'sync_replicas');
    if (!(opt instanceof Optimizer)) throw new TypeError(`SyncReplicasOptimizer wraps a tf.train.Optimizer, got ${String(opt)}`);
    const total = o.totalNumReplicas ?? replicasToAggregate;
    logging.info('SyncReplicasV2: replicas_to_aggregate=%s; total_num_replicas=%s', replicasToAggregate, total);
    this.opt = opt;
    this.replicasToAggregate = replicasToAggregate;
    this.totalNumReplicas = total;
    this.tokensPerStep = Math.max(total, replicasToAggregate);
    this.variableAverages = o.variableAverages ?? null;
    this.variablesToAverage = o.variablesToAverage ?? null;
  }

  /** The wrapped optimizer's gradients. */
  override computeGradients(...args: Parameters<Optimizer['computeGradients']>): GradAndVar[] {
    return this.opt.computeGradients(...args);
  }

  /**
   * `apply_gradients(grads_and_vars, global_step, name?)`: the replica's train op (its
   * gradients into the accumulators, then a token from the queue as its local step). Returns the
   * op of that assign (TF returns its tensor: the new local step).
   */
  override applyGradients(...args: Parameters<Optimizer['applyGradients']>): Operation {
    const [gradsAndVars, a1] = args as unknown as [GradAndVar[] | readonly [unknown, Variable][], unknown];
    const o = (typeof a1 === 'object' && a1 !== null && !(a1 instanceof Variable) ? a1 : { globalStep: a1, name: args[2] }) as { globalStep?: Variable | null; name?: string | null };
    if (!gradsAndVars || gradsAndVars.length === 0) throw new ValueError('Must supply at least one variable');
    const globalStep = o.globalStep ?? null;
    if (globalStep === null) throw new ValueError('Global step is required to check staleness');
    this.globalStep = globalStep;
    const g = globalStep.graph;
    const trainOps: Operation[] = [];
    const aggregated: (Tensor | IndexedSlices | null)[] = [];
    const varList: Variable[] = [];
    // the local anchor is placed on this replica's device; the local step lives beside it
    const localAnchor = noOp();
    const localStep = g.device(localAnchor.device, () =>
      new Variable(0, { trainable: false, collections: [GraphKeys.LOCAL_VARIABLES], dtype: globalStep.dtype, name: 'sync_rep_local_step' }));
    this.localStepVar = localStep;
    this.localStepInitOp = assign(localStep, globalStep).op;
    const chiefInitOps: Operation[] = [this.localStepInitOp];
    this.readyForLocalInitOp = reportUninitializedVariables(globalVariables());
    let trainOp!: Tensor;
    g.nameScope(this.name, () => {
      for (const [grad, v] of gradsAndVars as [Tensor | IndexedSlices | null, Variable][]) {
        varList.push(v);
        g.device(v.op.device, () => {
          if (grad === null || grad === undefined) {
            aggregated.push(null);
            return;
          }
          let accum: ConditionalAccumulatorBase;
          if (grad instanceof Tensor) {
            const acc = new ConditionalAccumulator(grad.dtype, v.shape, { sharedName: `${v.name}/grad_accum` });
            trainOps.push(acc.applyGrad(grad, localStep));
            aggregated.push(acc.takeGrad(this.replicasToAggregate));
            accum = acc;
          } else if (grad instanceof IndexedSlices) {
            const acc = new SparseConditionalAccumulator(grad.dtype, [], { sharedName: `${v.name}/grad_accum` });
            trainOps.push(acc.applyIndexedSlicesGrad(grad, localStep));
            aggregated.push(acc.takeIndexedSlicesGrad(this.replicasToAggregate));
            accum = acc;
          } else {
            throw new ValueError('Unknown grad type!');
          }
          this.accumulatorList.push([accum, v.op.device]);
        });
      }
      const onStep = <T>(fn: () => T): T => g.device(globalStep.op.device, () => g.nameScope(null, fn));
      // the aggregated update runs on the global step's device, outside this optimizer's scope
      const updateOp = onStep(() => this.opt.applyGradients(aggregated.map((gr, i) => [gr, varList[i]!]) as GradAndVar[], { globalStep }));
      const tokenQueue = onStep(() => new FIFOQueue(-1, [globalStep.dtype], [[]], { name: 'sync_token_q', sharedName: 'sync_token_q' }));
      this.syncTokenQueue = tokenQueue;
      // the chief's queue runner runs the sync op through a queue of its own (closing the token
      // queue on the ps would not reopen it)
      const dummyQueue = onStep(() => new FIFOQueue(1, ['int32'], [[]], { name: 'dummy_queue', sharedName: 'dummy_queue' }));
      onStep(() => {
        const token = g.controlDependencies(trainOps, () => tokenQueue.dequeue() as Tensor);
        trainOp = assign(localStep, token);
        let syncOp = g.controlDependencies([updateOp], () => {
          // a read made here, after the update: the tokens carry the new global step
          const tokens = fill([this.tokensPerStep], globalStep.readValue());
          return tokenQueue.enqueueMany([tokens]);
        });
        if (this.variableAverages) {
          const averages = this.variableAverages;
          syncOp = g.controlDependencies([syncOp], () => g.nameScope(null, () => averages.apply(this.variablesToAverage)));
        }
        this.chiefQueueRunner = new QueueRunner(dummyQueue, [syncOp]);
      });
      for (const [accum, dev] of this.accumulatorList) {
        g.device(dev, () => chiefInitOps.push(accum.setGlobalStep(globalStep.value(), 'SetGlobalStep')));
      }
      this.chiefInitOp = group(...chiefInitOps);
    });
    this.gradientsApplied = true;
    const ops = g.getCollectionRef<Operation>(GraphKeys.TRAIN_OP);
    if (!ops.includes(trainOp.op)) ops.push(trainOp.op);
    return trainOp.op;
  }

  /** The replica's local step variable (made by applyGradients). */
  get localStep(): Variable | null {
    return this.localStepVar;
  }

  /** `get_chief_queue_runner()`: the queue runner the chief starts to aggregate and hand out tokens. */
  getChiefQueueRunner(): QueueRunner {
    if (!this.gradientsApplied) throw new ValueError('Should be called after apply_gradients().');
    return this.chiefQueueRunner!;
  }

  /** `get_init_tokens_op(num_tokens = -1)`: the tokens that let the replicas finish their first step (default: replicasToAggregate). */
  getInitTokensOp(numTokens = -1): Operation {
    if (!this.gradientsApplied) throw new ValueError('get_init_tokens_op() should be called after apply_gradients().');
    const needed = this.replicasToAggregate - this.totalNumReplicas;
    if (numTokens === -1) numTokens = this.replicasToAggregate;
    else if (numTokens < needed) throw new ValueError(`Too few tokens to finish the first step: ${numTokens} (given) vs ${needed} (needed)`);
    const step = this.globalStep!;
    const g = step.graph;
    return g.device(step.op.device, () =>
      g.nameScope(null, () => (numTokens > 0 ? this.syncTokenQueue!.enqueueMany([fill([numTokens], step.value())]) : noOp('no_init_tokens'))),
    );
  }

  /** `make_session_run_hook(is_chief, num_tokens = -1)`: initializes the replica's session (the chief also its tokens and queue runner). */
  makeSessionRunHook(isChief: boolean, numTokens = -1): SessionRunHook {
    return new SyncReplicasOptimizerHook(this, isChief, numTokens);
  }

  override getSlot(v: Variable, name: string): Variable | null {
    return this.opt.getSlot(v, name);
  }
  override getSlotNames(): string[] {
    return this.opt.getSlotNames();
  }
  override variables(): Variable[] {
    return this.opt.variables();
  }

  protected override createSlots(): void {}
  protected override prepare(): void {}
  protected override applyDense(): never {
    throw new RuntimeError('SyncReplicasOptimizer applies its gradients through the optimizer it wraps');
  }
}

/** TF's _SyncReplicasOptimizerHook. */
class SyncReplicasOptimizerHook extends SessionRunHook {
  private localInitOp: Operation | null = null;
  private readyForLocalInitOp: Tensor | null = null;
  private queueRunner: QueueRunner | null = null;
  private initTokensOp: Operation | null = null;

  constructor(
    private readonly syncOptimizer: SyncReplicasOptimizer,
    private readonly isChief: boolean,
    private readonly numTokens: number,
  ) {
    super();
  }

  override begin(): void {
    const o = this.syncOptimizer;
    if (o.chiefInitOp === null) throw new ValueError('SyncReplicasOptimizer.apply_gradient should be called before using the hook.');
    this.readyForLocalInitOp = o.readyForLocalInitOp;
    if (this.isChief) {
      this.localInitOp = o.chiefInitOp;
      this.queueRunner = o.getChiefQueueRunner();
      this.initTokensOp = o.getInitTokensOp(this.numTokens);
    } else {
      this.localInitOp = o.localStepInitOp;
    }
  }

  override async afterCreateSession(session: Session, coord: Coordinator): Promise<void> {
    const left = await session.run(this.readyForLocalInitOp!);
    if (left.size > 0) {
      const msg = `Variables not initialized: ${(left.toArray() as string[]).join(', ')}`;
      throw new RuntimeError(`Init operations did not make model ready for SyncReplicasHook local_init. Init op: ${this.localInitOp!.name}, error: ${msg}`);
    }
    await session.run(this.localInitOp!);
    if (this.initTokensOp) await session.run(this.initTokensOp);
    if (this.queueRunner) this.queueRunner.createThreads(session, { coord, daemon: true, start: true });
  }
}


