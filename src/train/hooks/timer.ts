/** `tf.train.SecondOrStepTimer`: when a hook acts, every N seconds or every N steps. */
import { ValueError } from '../../errors.js';

export class SecondOrStepTimer {
  private lastStep: number | null = null;
  private lastTime: number | null = null;
  private readonly everySecs: number | null;
  private readonly everySteps: number | null;
  /** `SecondOrStepTimer(everySecs?, everySteps?)`: exactly one of them. */
  constructor(everySecs?: number | null | { everySecs?: number | null; everySteps?: number | null }, everySteps?: number | null) {
    const o = typeof everySecs === 'object' && everySecs !== null ? everySecs : { everySecs, everySteps };
    this.everySecs = o.everySecs ?? null;
    this.everySteps = o.everySteps ?? null;
    if (this.everySecs === null && this.everySteps === null) throw new ValueError('Either every_secs or every_steps should be provided.');
    if (this.everySecs !== null && this.everySteps !== null) throw new ValueError('Can not provide both every_secs and every_steps.');
  }
  reset(): void {
    this.lastStep = null;
    this.lastTime = null;
  }
  /** True the first time, then once `everySecs` have passed or `everySteps` steps were made since the last trigger. */
  shouldTriggerForStep(step: number): boolean {
    if (this.lastStep === null) return true;
    if (this.lastStep === step) return false;
    if (this.everySecs !== null && Date.now() / 1000 >= this.lastTime! + this.everySecs) return true;
    if (this.everySteps !== null && step >= this.lastStep + this.everySteps) return true;
    return false;
  }
  /** Record a trigger at `step`: `[elapsedSecs, elapsedSteps]` since the last one (nulls the first time). */
  updateLastTriggeredStep(step: number): [number | null, number | null] {
    const now = Date.now() / 1000;
    const out: [number | null, number | null] = this.lastTime === null ? [null, null] : [now - this.lastTime, step - this.lastStep!];
    this.lastTime = now;
    this.lastStep = step;
    return out;
  }
  lastTriggeredStep(): number | null {
    return this.lastStep;
  }
}

/** A timer that never triggers (a hook that only acts at the end). */
export class NeverTriggerTimer {
  reset(): void {}
  shouldTriggerForStep(_step: number): boolean {
    return false;
  }
  updateLastTriggeredStep(_step: number): [null, null] {
    return [null, null];
  }
  lastTriggeredStep(): null {
    return null;
  }
}
