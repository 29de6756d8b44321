/** `tf.train.StopAtStepHook`: requests a stop after `numSteps` steps or at `lastStep`. */
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import type { Session } from '../../session/session.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook, type SessionRunValues } from '../session-run-hook.js';
import { globalStepRead, scalarOf } from './common.js';

export class StopAtStepHook extends SessionRunHook {
  private readonly numSteps: number | null;
  private lastStep: number | null;
  private step: Tensor | null = null;
  /** `StopAtStepHook(numSteps?, lastStep?)`: exactly one of them. */
  constructor(numSteps?: number | null | { numSteps?: number | null; lastStep?: number | null }, lastStep?: number | null) {
    super();
    const o = typeof numSteps === 'object' && numSteps !== null ? numSteps : { numSteps, lastStep };
    if (o.numSteps == null && o.lastStep == null) throw new ValueError('One of num_steps or last_step must be specified.');
    if (o.numSteps != null && o.lastStep != null) throw new ValueError('Only one of num_steps or last_step can be specified.');
    this.numSteps = o.numSteps ?? null;
    this.lastStep = o.lastStep ?? null;
  }
  override begin(): void {
    this.step = globalStepRead('StopAtStepHook');
  }
  override async afterCreateSession(session: Session): Promise<void> {
    if (this.lastStep === null) this.lastStep = scalarOf(await session.run(this.step!)) + this.numSteps!;
  }
  override beforeRun(_ctx: SessionRunContext): SessionRunArgs {
    return new SessionRunArgs(this.step);
  }
  override async afterRun(ctx: SessionRunContext, values: SessionRunValues): Promise<void> {
    const globalStep = scalarOf(values.results) + 1;
    if (globalStep >= this.lastStep!) {
      // the stale read plus one may not be the step reached: read it
      const step = scalarOf(await ctx.session.run(this.step!));
      if (step >= this.lastStep!) ctx.requestStop();
    }
  }
}
