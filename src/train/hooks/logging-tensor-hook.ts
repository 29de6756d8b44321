/** `tf.train.LoggingTensorHook`: logs tensors every N local steps, every N seconds, or at the end. */
import { ValueError } from '../../errors.js';
import type { Operation, Tensor } from '../../graph/tensor.js';
import type { Session } from '../../session/session.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook, type SessionRunValues } from '../session-run-hook.js';
import * as logging from '../tf-logging.js';
import { asGraphElement } from './common.js';
import { NeverTriggerTimer, SecondOrStepTimer } from './timer.js';

export interface LoggingTensorHookOptions {
  tensors?: Record<string, unknown> | readonly unknown[];
  everyNIter?: number | null;
  everyNSecs?: number | null;
  atEnd?: boolean;
  /** Takes `{tag: value}` and returns the line to log. */
  formatter?: ((values: Record<string, any>) => string) | null;
}

export class LoggingTensorHook extends SessionRunHook {
  private readonly tagOrder: string[];
  private readonly tensors: Record<string, unknown>;
  private readonly formatter: ((values: Record<string, any>) => string) | null;
  private readonly timer: SecondOrStepTimer | NeverTriggerTimer;
  private readonly logAtEnd: boolean;
  private iterCount = 0;
  private shouldTrigger = false;
  private current: Record<string, Tensor | Operation> = {};

  /** `LoggingTensorHook(tensors, everyNIter?, everyNSecs?, atEnd = false, formatter?)`: a dict of tag → tensor (or name), or a list of tensors/names. */
  constructor(tensors: Record<string, unknown> | readonly unknown[] | LoggingTensorHookOptions, everyNIter?: number | null | LoggingTensorHookOptions, everyNSecs?: number | null, atEnd?: boolean, formatter?: ((values: Record<string, any>) => string) | null) {
    super();
    let o: LoggingTensorHookOptions;
    if (typeof everyNIter === 'object' && everyNIter !== null) o = { tensors: tensors as never, ...everyNIter };
    else if (!Array.isArray(tensors) && typeof tensors === 'object' && tensors !== null && 'tensors' in tensors && everyNIter === undefined) o = tensors as LoggingTensorHookOptions;
    else o = { tensors: tensors as never, everyNIter: everyNIter ?? null, everyNSecs: everyNSecs ?? null, atEnd: atEnd ?? false, formatter: formatter ?? null };
    const iter = o.everyNIter ?? null;
    const secs = o.everyNSecs ?? null;
    const onlyAtEnd = !!o.atEnd && iter === null && secs === null;
    if (!onlyAtEnd && (iter === null) === (secs === null)) throw new ValueError('either at_end and/or exactly one of every_n_iter and every_n_secs must be provided.');
    if (iter !== null && iter <= 0) throw new ValueError(`invalid every_n_iter=${iter}.`);
    const t = o.tensors ?? {};
    if (Array.isArray(t)) {
      const tags = t.map((x) => (typeof x === 'string' ? x : (x as { name: string }).name));
      this.tagOrder = tags;
      this.tensors = Object.fromEntries(tags.map((k, i) => [k, t[i]]));
    } else {
      this.tagOrder = Object.keys(t).sort();
      this.tensors = t as Record<string, unknown>;
    }
    this.formatter = o.formatter ?? null;
    this.timer = onlyAtEnd ? new NeverTriggerTimer() : new SecondOrStepTimer({ everySecs: secs, everySteps: iter });
    this.logAtEnd = !!o.atEnd;
  }

  override begin(): void {
    this.timer.reset();
    this.iterCount = 0;
    this.current = Object.fromEntries(Object.entries(this.tensors).map(([k, v]) => [k, asGraphElement(v)]));
  }

  override beforeRun(_ctx: SessionRunContext): SessionRunArgs | null {
    this.shouldTrigger = this.timer.shouldTriggerForStep(this.iterCount);
    return this.shouldTrigger ? new SessionRunArgs(this.current) : null;
  }

  private logTensors(values: Record<string, any>): void {
    const [elapsed] = this.timer.updateLastTriggeredStep(this.iterCount);
    if (this.formatter) {
      logging.info(this.formatter(values));
      return;
    }
    const stats = this.tagOrder.map((tag) => `${tag} = ${String(values[tag])}`);
    if (elapsed !== null) logging.info('%s (%.3f sec)', stats.join(', '), elapsed);
    else logging.info('%s', stats.join(', '));
  }

  override afterRun(_ctx: SessionRunContext, values: SessionRunValues): void {
    if (this.shouldTrigger) this.logTensors(values.results as Record<string, any>);
    this.iterCount++;
  }

  override async end(session: Session): Promise<void> {
    if (this.logAtEnd) this.logTensors((await session.run(this.current)) as Record<string, any>);
  }
}
