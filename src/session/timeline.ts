/**
 * `tf.timeline.Timeline(stepStats).generateChromeTraceFormat()` (TF's
 * tensorflow/python/client/timeline.py): the step stats of a traced run as Chrome trace-event
 * JSON, which chrome://tracing and Perfetto open — one process per device, one complete ('X')
 * event per executed op.
 */
import type { StepStats } from './run-trace.js';

interface TraceEvent {
  name: string;
  ph: 'X' | 'M';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args: Record<string, unknown>;
}

export class Timeline {
  constructor(readonly stepStats: StepStats) {
    if (!stepStats || !Array.isArray(stepStats.devStats)) throw new TypeError('Timeline needs StepStats (a tf.RunMetadata\'s stepStats)');
  }

  /** The trace as a JSON string (`showMemory` and `showDataflow` are accepted; tsflow writes op events only). */
  generateChromeTraceFormat(_showDataflow = true, _showMemory = false): string {
    const events: TraceEvent[] = [];
    this.stepStats.devStats.forEach((dev, pid) => {
      events.push({ name: 'process_name', ph: 'M', pid, args: { name: `${dev.device} Compute` } });
      events.push({ name: 'process_sort_index', ph: 'M', pid, args: { sort_index: pid } });
      for (const n of dev.nodeStats) {
        const m = /^(.*?) = (\w+)\((.*)\)$/.exec(n.timelineLabel);
        const op = m ? m[2]! : n.nodeName;
        const args: Record<string, unknown> = { name: n.nodeName, op };
        (m?.[3] ? m[3].split(', ') : []).forEach((x, i) => (args[`input${i}`] = x));
        events.push({ name: op, ph: 'X', cat: 'Op', pid, tid: n.threadId, ts: n.allStartMicros, dur: n.allEndRelMicros, args });
      }
    });
    return JSON.stringify({ traceEvents: events });
  }
}
