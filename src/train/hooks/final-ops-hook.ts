/** `tf.train.FinalOpsHook` (tensors evaluated at the end of a session) and `tf.train.FeedFnHook` (feeds from a function before each run). */
import { OutOfRangeError } from '../../errors.js';
import type { Session } from '../../session/session.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook } from '../session-run-hook.js';
import * as logging from '../tf-logging.js';
import { StopIteration } from './stop-iteration.js';

export class FinalOpsHook extends SessionRunHook {
  private readonly finalOps: unknown;
  private readonly feedDict: unknown;
  private values: unknown = null;
  /** `FinalOpsHook(finalOps, finalOpsFeedDict?)`: a tensor, a list or a dict of them. */
  constructor(finalOps: unknown, finalOpsFeedDict?: unknown) {
    super();
    this.finalOps = finalOps;
    this.feedDict = finalOpsFeedDict ?? null;
  }
  /** The values of the final ops, once the session has ended. */
  get finalOpsValues(): any {
    return this.values;
  }
  override async end(session: Session): Promise<void> {
    if (this.finalOps === null || this.finalOps === undefined) return;
    try {
      this.values = await session.run(this.finalOps, (this.feedDict ?? undefined) as never);
    } catch (e) {
      if (e instanceof OutOfRangeError || e instanceof StopIteration) {
        logging.warning('An OutOfRangeError or StopIteration exception is raised by the code in FinalOpsHook. This typically means the Ops running by the FinalOpsHook have a dependency back to some input source, which should not happen. For example, for metrics in tf.estimator.Estimator, all metrics functions return two Ops: `value_op` and  `update_op`. Estimator.evaluate calls the `update_op` for each batch of the data in input source and, once it is exhausted, it call the `value_op` to get the metric values. The `value_op` here should have dependency back to variables reading only, rather than reading another batch from input. Otherwise, the `value_op`, executed by `FinalOpsHook`, triggers another data reading, which ends OutOfRangeError/StopIteration. Please fix that.');
      }
      throw e;
    }
  }
}

export class FeedFnHook extends SessionRunHook {
  /** `FeedFnHook(feedFn)`: `feedFn()` returns the feed dict of the next run. */
  constructor(readonly feedFn: () => unknown) {
    super();
  }
  override beforeRun(_ctx: SessionRunContext): SessionRunArgs {
    return new SessionRunArgs(null, this.feedFn());
  }
}
