/** `tf.train.SummarySaverHook`: writes the summary op's output every N steps or seconds. */
import { ValueError } from '../../errors.js';
import type { Tensor } from '../../graph/tensor.js';
import type { NDArray } from '../../ndarray.js';
import { type FileWriter, SessionLog } from '../../summary/file-writer.js';
import { SessionRunArgs, type SessionRunContext, SessionRunHook, type SessionRunValues } from '../session-run-hook.js';
import { globalStepRead, scalarOf } from './common.js';
import { SummaryWriterCache } from './summary-writer-cache.js';
import { SecondOrStepTimer } from './timer.js';

export interface SummarySaverHookOptions {
  saveSteps?: number | null;
  saveSecs?: number | null;
  outputDir?: string | null;
  summaryWriter?: FileWriter | null;
  scaffold?: { summaryOp: Tensor | Tensor[] | null } | null;
  summaryOp?: Tensor | Tensor[] | null;
}

export class SummarySaverHook extends SessionRunHook {
  private readonly summaryOp: Tensor | Tensor[] | null;
  private writer: FileWriter | null;
  private readonly outputDir: string | null;
  private readonly scaffold: { summaryOp: Tensor | Tensor[] | null } | null;
  private readonly timer: SecondOrStepTimer;
  private nextStep: number | null = null;
  private requestSummary = false;
  private step: Tensor | null = null;

  /** `SummarySaverHook(saveSteps?, saveSecs?, outputDir?, summaryWriter?, scaffold?, summaryOp?)`: exactly one of scaffold and summaryOp. */
  constructor(saveSteps?: number | null | SummarySaverHookOptions, saveSecs?: number | null, outputDir?: string | null, summaryWriter?: FileWriter | null, scaffold?: { summaryOp: Tensor | Tensor[] | null } | null, summaryOp?: Tensor | Tensor[] | null) {
    super();
    const o: SummarySaverHookOptions = typeof saveSteps === 'object' && saveSteps !== null ? saveSteps : { saveSteps, saveSecs, outputDir, summaryWriter, scaffold, summaryOp };
    if ((o.scaffold == null && o.summaryOp == null) || (o.scaffold != null && o.summaryOp != null)) throw new ValueError('Exactly one of scaffold or summary_op must be provided.');
    this.summaryOp = o.summaryOp ?? null;
    this.writer = o.summaryWriter ?? null;
    this.outputDir = o.outputDir ?? null;
    this.scaffold = o.scaffold ?? null;
    this.timer = new SecondOrStepTimer({ everySecs: o.saveSecs ?? null, everySteps: o.saveSteps ?? null });
  }

  override begin(): void {
    if (!this.writer && this.outputDir) this.writer = SummaryWriterCache.get(this.outputDir);
    this.nextStep = null;
    this.step = globalStepRead('SummarySaverHook');
  }

  private getSummaryOp(): Tensor[] | null {
    const op = this.summaryOp ?? this.scaffold?.summaryOp ?? null;
    if (op === null) return null;
    return Array.isArray(op) ? op : [op];
  }

  override beforeRun(_ctx: SessionRunContext): SessionRunArgs {
    this.requestSummary = this.nextStep === null || this.timer.shouldTriggerForStep(this.nextStep);
    const requests: Record<string, unknown> = { global_step: this.step };
    if (this.requestSummary) {
      const s = this.getSummaryOp();
      if (s !== null) requests.summary = s;
    }
    return new SessionRunArgs(requests);
  }

  override async afterRun(ctx: SessionRunContext, values: SessionRunValues): Promise<void> {
    if (!this.writer) return;
    const r = values.results as { global_step: NDArray; summary?: NDArray[] };
    let globalStep = scalarOf(r.global_step) + 1;
    if (this.nextStep === null || this.requestSummary) globalStep = scalarOf(await ctx.session.run(this.step!));
    if (this.nextStep === null) this.writer.addSessionLog(new SessionLog({ status: SessionLog.START }), globalStep);
    if (this.requestSummary) {
      this.timer.updateLastTriggeredStep(globalStep);
      for (const s of r.summary ?? []) this.writer.addSummary(s, globalStep);
    }
    this.nextStep = globalStep + 1;
  }

  override end(): void {
    if (this.writer) this.writer.flush();
  }
}
