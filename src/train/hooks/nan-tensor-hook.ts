/** `tf.train.NanTensorHook` and `NanLossDuringTrainingError`: stop (or fail) when the loss is NaN. */
import { RuntimeError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook, type SessionRunValues } from '../session-run-hook.js';
import * as logging from '../tf-logging.js';
import { scalarOf } from './common.js';

export class NanLossDuringTrainingError extends RuntimeError {
  constructor() {
    super('NaN loss during training.');
    this.name = 'NanLossDuringTrainingError';
  }
}

export class NanTensorHook extends SessionRunHook {
  private readonly loss: Tensor;
  private readonly failOnNanLoss: boolean;
  /** `NanTensorHook(lossTensor, failOnNanLoss = true)`. */
  constructor(lossTensor: Tensor, failOnNanLoss: boolean | { failOnNanLoss?: boolean } = true) {
    super();
    this.loss = lossTensor;
    this.failOnNanLoss = typeof failOnNanLoss === 'object' ? failOnNanLoss.failOnNanLoss ?? true : failOnNanLoss;
  }
  override beforeRun(_ctx: SessionRunContext): SessionRunArgs {
    return new SessionRunArgs(this.loss);
  }
  override afterRun(ctx: SessionRunContext, values: SessionRunValues): void {
    if (Number.isNaN(scalarOf(values.results))) {
      const msg = 'Model diverged with loss = NaN.';
      if (this.failOnNanLoss) {
        logging.error(msg);
        throw new NanLossDuringTrainingError();
      }
      logging.warning(msg);
      ctx.requestStop();
    }
  }
}
