/**
 * `tf.train.ProfilerHook`: every N steps or seconds, a fully traced run whose timeline is written
 * as Chrome trace JSON to `<outputDir>/timeline-<step>.json`, and whose RunMetadata goes to the
 * output directory's summary writer as `step_<step>`.
 */
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import { fs, path } from '../../platform/node-builtins.js';
import { RunOptions } from '../../session/run-trace.js';
import { Timeline } from '../../session/timeline.js';
import type { FileWriter } from '../../summary/file-writer.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook, type SessionRunValues } from '../session-run-hook.js';
import * as logging from '../tf-logging.js';
import { globalStepRead, scalarOf } from './common.js';
import { SummaryWriterCache } from './summary-writer-cache.js';
import { SecondOrStepTimer } from './timer.js';

export interface ProfilerHookOptions {
  saveSteps?: number | null;
  saveSecs?: number | null;
  outputDir?: string;
  showDataflow?: boolean;
  showMemory?: boolean;
}

export class ProfilerHook extends SessionRunHook {
  private readonly timer: SecondOrStepTimer;
  private readonly outputDir: string;
  private readonly showDataflow: boolean;
  private readonly showMemory: boolean;
  private writer: FileWriter | null = null;
  private step: Tensor | null = null;
  private nextStep: number | null = null;
  private requestSummary = false;

  /** `ProfilerHook(saveSteps?, saveSecs?, outputDir = '', showDataflow = true, showMemory = false)`: exactly one of saveSteps and saveSecs. */
  constructor(saveSteps?: number | null | ProfilerHookOptions, saveSecs?: number | null, outputDir?: string, showDataflow?: boolean, showMemory?: boolean) {
    super();
    const o: ProfilerHookOptions = typeof saveSteps === 'object' && saveSteps !== null ? saveSteps : { saveSteps, saveSecs, outputDir, showDataflow, showMemory };
    for (const k of Object.keys(o)) {
      if (!['saveSteps', 'saveSecs', 'outputDir', 'showDataflow', 'showMemory'].includes(k)) throw new TypeError(`ProfilerHook() got an unexpected keyword argument '${k}'`);
    }
    this.timer = new SecondOrStepTimer({ everySecs: o.saveSecs ?? null, everySteps: o.saveSteps ?? null });
    if (o.outputDir !== undefined && typeof o.outputDir !== 'string') throw new ValueError(`ProfilerHook: output_dir must be a string, got ${String(o.outputDir)}`);
    this.outputDir = o.outputDir ?? '';
    this.showDataflow = o.showDataflow ?? true;
    this.showMemory = o.showMemory ?? false;
  }

  override begin(): void {
    this.nextStep = null;
    this.step = globalStepRead('ProfilerHook');
    this.writer ??= SummaryWriterCache.get(this.outputDir || '.');
  }

  override beforeRun(_ctx: SessionRunContext): SessionRunArgs {
    this.requestSummary = this.nextStep !== null && this.timer.shouldTriggerForStep(this.nextStep);
    const opts = this.requestSummary ? new RunOptions({ traceLevel: RunOptions.FULL_TRACE }) : null;
    return new SessionRunArgs({ global_step: this.step }, null, opts);
  }

  override async afterRun(ctx: SessionRunContext, values: SessionRunValues): Promise<void> {
    const stale = scalarOf((values.results as { global_step: unknown }).global_step);
    // the first run only starts the timer: nothing is traced until N steps or seconds have passed
    if (this.nextStep === null) this.timer.updateLastTriggeredStep(stale);
    let globalStep = stale + 1;
    if (this.requestSummary && values.runMetadata) {
      globalStep = scalarOf(await ctx.session.run(this.step!));
      this.timer.updateLastTriggeredStep(globalStep);
      this.save(globalStep, path.join(this.outputDir, `timeline-${globalStep}.json`), values);
      this.writer!.addRunMetadata(values.runMetadata, `step_${globalStep}`);
    }
    this.nextStep = globalStep + 1;
  }

  private save(step: number, file: string, values: SessionRunValues): void {
    logging.info("Saving timeline for %d into '%s'.", step, file);
    const trace = new Timeline(values.runMetadata!.stepStats);
    if (this.outputDir) fs.mkdirSync(this.outputDir, { recursive: true });
    fs.writeFileSync(file, trace.generateChromeTraceFormat(this.showDataflow, this.showMemory));
  }
}
