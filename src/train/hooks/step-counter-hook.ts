/** `tf.train.StepCounterHook`: logs (and writes as a summary) global steps per second. */
import { ValueError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import type { Tensor } from '../../graph/tensor.js';
import type { FileWriter } from '../../summary/file-writer.js';
import { getGlobalStep } from '../global-step.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook, type SessionRunValues } from '../session-run-hook.js';
import * as logging from '../tf-logging.js';
import { globalStepRead, scalarOf } from './common.js';
import { SummaryWriterCache } from './summary-writer-cache.js';
import { SecondOrStepTimer } from './timer.js';

export interface StepCounterHookOptions {
  everyNSteps?: number | null;
  everyNSecs?: number | null;
  outputDir?: string | null;
  summaryWriter?: FileWriter | null;
}

export class StepCounterHook extends SessionRunHook {
  private readonly timer: SecondOrStepTimer;
  private writer: FileWriter | null;
  private readonly outputDir: string | null;
  private lastGlobalStep: number | null = null;
  private step: Tensor | null = null;
  private tag = '';
  private readonly stepsPerRun = 1;

  /** `StepCounterHook(everyNSteps = 100, everyNSecs?, outputDir?, summaryWriter?)`. */
  constructor(everyNSteps?: number | null | StepCounterHookOptions, everyNSecs?: number | null, outputDir?: string | null, summaryWriter?: FileWriter | null) {
    super();
    const o: StepCounterHookOptions = typeof everyNSteps === 'object' && everyNSteps !== null ? everyNSteps : { everyNSteps, everyNSecs, outputDir, summaryWriter };
    const steps = o.everyNSteps === undefined ? 100 : o.everyNSteps;
    const secs = o.everyNSecs ?? null;
    if ((steps === null) === (secs === null)) throw new ValueError('exactly one of every_n_steps and every_n_secs should be provided.');
    this.timer = new SecondOrStepTimer({ everySteps: steps, everySecs: secs });
    this.writer = o.summaryWriter ?? null;
    this.outputDir = o.outputDir ?? null;
  }

  override begin(): void {
    if (!this.writer && this.outputDir) this.writer = SummaryWriterCache.get(this.outputDir);
    this.step = globalStepRead('StepCounterHook');
    this.tag = `${getGlobalStep(getDefaultGraph())!.op.name}/sec`;
  }

  override beforeRun(_ctx: SessionRunContext): SessionRunArgs {
    return new SessionRunArgs(this.step);
  }

  override async afterRun(ctx: SessionRunContext, values: SessionRunValues): Promise<void> {
    const stale = scalarOf(values.results);
    if (this.timer.shouldTriggerForStep(stale + this.stepsPerRun)) {
      const globalStep = scalarOf(await ctx.session.run(this.step!));
      if (this.timer.shouldTriggerForStep(globalStep)) {
        const [secs, steps] = this.timer.updateLastTriggeredStep(globalStep);
        if (secs !== null) {
          const perSec = steps! / secs;
          if (this.writer) this.writer.addSummary({ value: [{ tag: this.tag, simpleValue: perSec }] }, globalStep);
          logging.info('%s: %g', this.tag, perSec);
        }
      }
    }
    if (stale === this.lastGlobalStep) {
      logging.logFirstN(logging.WARN, 'It seems that global step (tf.train.get_global_step) has not been increased. Current value (could be stable): %s vs previous value: %s. You could increase the global step by passing tf.train.get_global_step() to Optimizer.apply_gradients or Optimizer.minimize.', 5, stale, this.lastGlobalStep);
    }
    this.lastGlobalStep = stale;
  }
}
