/** `tf.train.GlobalStepWaiterHook`: a worker's first run waits until the global step reaches a value. */
import { RuntimeError } from '../../errors.js';
import { getDefaultGraph } from '../../graph/context.js';
import type { Tensor } from '../../graph/tensor.js';
import { getGlobalStep } from '../global-step.js';
import { type SessionRunContext, SessionRunHook } from '../session-run-hook.js';
import * as logging from '../tf-logging.js';
import { scalarOf } from './common.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class GlobalStepWaiterHook extends SessionRunHook {
  private started = false;
  private step: Tensor | null = null;
  readonly waitUntilStep: number;
  /** How long to wait between reads of the global step (TF: 0.5 s). */
  pollSecs = 0.5;

  /** `GlobalStepWaiterHook(waitUntilStep)`: the first run starts once the global step is at least waitUntilStep. */
  constructor(waitUntilStep: number | { waitUntilStep: number }) {
    super();
    const n = typeof waitUntilStep === 'object' && waitUntilStep !== null ? waitUntilStep.waitUntilStep : waitUntilStep;
    if (typeof n !== 'number' || Number.isNaN(n)) throw new TypeError(`GlobalStepWaiterHook: wait_until_step must be a number, got ${String(n)}`);
    this.waitUntilStep = n;
  }

  override begin(): void {
    this.started = false;
    const step = getGlobalStep(getDefaultGraph());
    if (!step) throw new RuntimeError('Global step should be created to use _GlobalStepWaiterHook.');
    this.step = step.value();
  }

  override async beforeRun(ctx: SessionRunContext): Promise<null> {
    if (this.started) return null;
    if (this.waitUntilStep <= 0) {
      this.started = true;
      return null;
    }
    logging.info('Waiting for global step %d before starting training.', this.waitUntilStep);
    let lastLogged = 0;
    for (;;) {
      const current = scalarOf(await ctx.session.run(this.step!));
      if (current >= this.waitUntilStep) {
        this.started = true;
        return null;
      }
      if (current - lastLogged > 1000) {
        logging.info('Waiting for global step %d before starting training. Current step is %d.', this.waitUntilStep, current);
        lastLogged = current;
      }
      await sleep(this.pollSecs * 1000);
    }
  }
}
