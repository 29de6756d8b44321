/**
 * `tf.summary.FileWriter`: Event protos appended to `<logdir>/events.out.tfevents.<time>.<host>`
 * in TF's record format, first a `brain.Event:2` version record. Events wait in a queue of at
 * most `maxQueue`, written when it fills, every `flushSecs`, on `flush()` and `close()`; once
 * `flush` or `close` returns, every event added before is on disk (fsynced).
 */
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { hostname } from '../platform/system.js';
import { Graph } from '../graph/graph.js';
import { NDArray } from '../ndarray.js';
import { decode, encode } from '../proto/codec.js';
import type { GraphDef } from '../proto/framework.js';
import { type Event, EventT, type Summary, SummaryT } from '../proto/summary.js';
import { serializeGraphDef } from '../graphdef/write-graph.js';
import { encodeRecord } from '../io/records.js';
import { isOptionsObject, kwargs } from '../args.js';
import { Message } from '../proto/message-class.js';
import { ValueError } from '../errors.js';

export interface FileWriterOptions {
  /** Events queued before a write (default 10). */
  maxQueue?: number;
  /** Seconds between periodic writes (default 120). */
  flushSecs?: number;
  /** Appended to the event file's name. */
  filenameSuffix?: string;
  /** A GraphDef to write (TF1's `graph_def`), when no graph is given. */
  graphDef?: GraphDef;
}

/** TF1's `tf.SessionLog` message. */
export class SessionLog {
  static readonly STATUS_UNSPECIFIED = 0;
  static readonly START = 1;
  static readonly STOP = 2;
  static readonly CHECKPOINT = 3;
  status: number;
  checkpointPath: string;
  msg: string;
  constructor(opts: { status?: number; checkpointPath?: string; msg?: string } = {}) {
    this.status = opts.status ?? 0;
    this.checkpointPath = opts.checkpointPath ?? '';
    this.msg = opts.msg ?? '';
  }
}

/** Anything `addRunMetadata` takes: serialized bytes or an object that serializes itself. */
export type RunMetadataLike = Uint8Array | { serialize(): Uint8Array };

/** TF1's `global_step=` keyword of the add_* methods. */
export interface StepOptions {
  globalStep?: number | null;
}

/** A `global_step` given positionally or as `{globalStep}` (TF1's keyword); 0 when absent. */
function stepArg(where: string, arg: unknown, extra: readonly string[] = []): number {
  let step = arg;
  if (isOptionsObject(arg)) {
    for (const k of Object.keys(arg)) if (k !== 'globalStep' && !extra.includes(k)) throw new TypeError(`${where}() got an unexpected keyword argument '${k}'`);
    step = (arg as StepOptions).globalStep;
  }
  if (step === undefined || step === null) return 0;
  if (typeof step === 'bigint') step = Number(step);
  if (step instanceof NDArray && step.size === 1) step = Number(step.data[0]);
  if (typeof step !== 'number' || !Number.isInteger(step)) throw new TypeError(`${where}(): global_step must be an integer, got ${String(step)}`);
  return step;
}

export class FileWriter {
  private readonly logdir: string;
  private readonly path: string;
  private fd: number | null;
  private queue: Uint8Array[] = [];
  private readonly maxQueue: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly flushSecs: number;
  private readonly seenTags = new Set<string>();

  /**
   * `tf.summary.FileWriter(logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
   * filename_suffix=None, session=None)`.
   */
  constructor(logdir: string, graph?: Graph | GraphDef | null, opts?: FileWriterOptions);
  constructor(
    logdir: string, graph?: Graph | GraphDef | null, maxQueue?: number | null, flushSecs?: number | null, graphDef?: GraphDef | null,
    filenameSuffix?: string | null, session?: null,
  );
  constructor(logdir: string, opts: FileWriterOptions & { graph?: Graph | GraphDef | null });
  constructor(opts: FileWriterOptions & { logdir: string; graph?: Graph | GraphDef | null });
  constructor(...args: unknown[]) {
    // A GraphDef is a plain object too: one in the graph's place is the graph, not options.
    const last = args[args.length - 1];
    if (args.length === 2 && isOptionsObject(last) && ('node' in last || 'versions' in last || 'library' in last)) args = [...args, {}];
    const a = kwargs(args, ['logdir', 'graph', 'maxQueue', 'flushSecs', 'graphDef', 'filenameSuffix', 'session'], 'FileWriter', 1);
    if (a.session !== undefined && a.session !== null) throw new ValueError('FileWriter(): session (a summary writer resource) is not supported; give a logdir');
    const logdir = a.logdir as string;
    const graph = a.graph as Graph | GraphDef | null | undefined;
    const opts: FileWriterOptions = {};
    for (const k of ['maxQueue', 'flushSecs', 'graphDef', 'filenameSuffix'] as const) {
      if (a[k] !== undefined && a[k] !== null) (opts as Record<string, unknown>)[k] = a[k];
    }
    if (typeof logdir !== 'string' || logdir === '') throw new TypeError('FileWriter needs a logdir');
    this.logdir = logdir;
    this.maxQueue = opts.maxQueue ?? 10;
    this.flushSecs = opts.flushSecs ?? 120;
    if (!(this.maxQueue >= 1)) throw new RangeError(`maxQueue must be at least 1, got ${opts.maxQueue}`);
    nodeFs.mkdirSync(logdir, { recursive: true });
    const time = Math.floor(Date.now() / 1000);
    this.path = nodePath.join(logdir, `events.out.tfevents.${String(time).padStart(10, '0')}.${hostname()}${opts.filenameSuffix ?? ''}`);
    this.fd = nodeFs.openSync(this.path, 'a');
    this.write([encodeRecord(encode(EventT, { wallTime: Date.now() / 1000, step: 0, fileVersion: 'brain.Event:2' }))]);
    this.startTimer();
    const g = graph ?? opts.graphDef;
    if (g) this.addGraph(g);
  }

  private startTimer(): void {
    this.timer = setInterval(() => this.flush(), this.flushSecs * 1000);
    this.timer.unref?.();
  }

  /** The event file this writer appends to. */
  get filename(): string {
    return this.path;
  }

  getLogdir(): string {
    return this.logdir;
  }

  private write(records: Uint8Array[]): void {
    if (this.fd === null) return;
    for (const r of records) {
      let off = 0;
      while (off < r.length) off += nodeFs.writeSync(this.fd, r, off, r.length - off);
    }
  }

  /**
   * Queue one Event: a `tf.Event` (written as it is, as in TF1) or its fields (`wallTime`
   * defaults to now). Dropped after `close()`, as in TF1.
   */
  addEvent(event: Partial<Event> | Message): void {
    if (this.fd === null) return;
    const e = event instanceof Message ? event.toObject() : { wallTime: Date.now() / 1000, step: 0, ...event };
    this.queue.push(encodeRecord(encode(EventT, e as never)));
    if (this.queue.length >= this.maxQueue) this.flush();
  }

  /**
   * `add_summary(summary, global_step)`: a serialized Summary (bytes, or the string scalar a
   * summary op returns), a `tf.Summary` or a Summary object. Plugin metadata is kept on a tag's
   * first value only.
   */
  addSummary(summary: Uint8Array | NDArray | Summary | Message, globalStep?: number | NDArray | StepOptions | null): void {
    const step = stepArg('add_summary', globalStep);
    let s: Summary;
    if (summary instanceof Message) {
      if (summary.descriptor !== SummaryT) throw new TypeError(`addSummary needs a Summary, got a ${summary.descriptor.name}`);
      s = summary.toObject() as unknown as Summary;
    } else if (summary instanceof NDArray) {
      if (summary.dtype !== 'string' || summary.size !== 1) throw new TypeError('addSummary needs a string scalar (the output of a summary op)');
      s = decode<Summary>(SummaryT, (summary.data as unknown as Uint8Array[])[0]!);
    } else if (summary instanceof Uint8Array) {
      s = decode<Summary>(SummaryT, summary);
    } else {
      s = summary;
    }
    const value = s.value.map((v) => {
      if (!v.metadata) return v;
      if (this.seenTags.has(v.tag)) return { ...v, metadata: undefined };
      this.seenTags.add(v.tag);
      return v;
    });
    this.addEvent({ summary: { value }, step });
  }

  /** `add_graph(graph, global_step)`: the GraphDef (with `_output_shapes`) as an event. */
  addGraph(graph: Graph | GraphDef | Message | null, globalStep?: number | NDArray | (StepOptions & { graphDef?: GraphDef | Message | null }) | null): void {
    const kw = isOptionsObject(globalStep) ? (globalStep as StepOptions & { graphDef?: GraphDef | Message | null }) : null;
    const step = stepArg('add_graph', globalStep, ['graphDef']);
    if (kw?.graphDef !== undefined && kw.graphDef !== null) {
      if (graph !== null && graph !== undefined) throw new ValueError('Please pass only graph, or graph_def (deprecated), but not both.');
      graph = kw.graphDef;
    }
    if (graph === null || graph === undefined) throw new ValueError('Please pass only graph, or graph_def (deprecated), but not both.');
    const gd = graph instanceof Graph ? graph.asGraphDef({ addShapes: true }) : graph instanceof Message ? (graph.toObject() as unknown as GraphDef) : graph;
    this.addEvent({ graphDef: serializeGraphDef(gd), step });
  }

  /** `add_meta_graph(meta_graph_def, global_step)`: serialized MetaGraphDef bytes. */
  addMetaGraph(metaGraphDef: Uint8Array, globalStep?: number | NDArray | StepOptions | null): void {
    this.addEvent({ metaGraphDef, step: stepArg('add_meta_graph', globalStep) });
  }

  addSessionLog(sessionLog: SessionLog, globalStep?: number | NDArray | StepOptions | null): void {
    this.addEvent({ sessionLog: { status: sessionLog.status, checkpointPath: sessionLog.checkpointPath, msg: sessionLog.msg }, step: stepArg('add_session_log', globalStep) });
  }

  /** `add_run_metadata(run_metadata, tag, global_step)`. */
  addRunMetadata(runMetadata: RunMetadataLike, tag: string, globalStep?: number | NDArray | StepOptions | null): void {
    const bytes = runMetadata instanceof Uint8Array ? runMetadata : runMetadata.serialize();
    this.addEvent({ taggedRunMetadata: { tag, runMetadata: bytes }, step: stepArg('add_run_metadata', globalStep) });
  }

  /** Write every queued event and fsync the file. */
  flush(): void {
    if (this.fd === null) return;
    const q = this.queue;
    this.queue = [];
    this.write(q);
    nodeFs.fsyncSync(this.fd);
  }

  /** Flush, then close the file; later events are dropped until `reopen()`. */
  close(): void {
    if (this.fd === null) return;
    this.flush();
    nodeFs.closeSync(this.fd);
    this.fd = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Open the event file again after `close()`, appending to it. */
  reopen(): void {
    if (this.fd !== null) return;
    this.fd = nodeFs.openSync(this.path, 'a');
    this.startTimer();
  }
}
