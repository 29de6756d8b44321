/**
 * `tf.train.ClusterSpec`: the jobs of a cluster and each task's network address, from
 * `{job: ['host:port', …]}` (task index = position) or `{job: {index: 'host:port'}}` (sparse),
 * with TF1's accessors and error texts.
 */
import { ValueError } from '../errors.js';

export type ClusterInput = Record<string, readonly string[] | Record<number | string, string>>;

/** TF's ClusterDef: jobs in name order, each with its tasks by index. */
export interface ClusterDef {
  job: { name: string; tasks: Record<number, string> }[];
}

const py = (s: unknown): string => (typeof s === 'string' ? `'${s}'` : String(s));

export class ClusterSpec {
  private readonly spec = new Map<string, Map<number, string>>();

  constructor(cluster: ClusterInput | ClusterSpec | ClusterDef | Record<string, never>) {
    if (cluster instanceof ClusterSpec) {
      for (const [job, tasks] of cluster.spec) this.spec.set(job, new Map(tasks));
      return;
    }
    if (typeof cluster !== 'object' || cluster === null || Array.isArray(cluster)) {
      throw new TypeError(
        '`cluster` must be a dictionary mapping one or more job names to lists of network addresses, or a `ClusterDef` protocol buffer',
      );
    }
    if (isClusterDef(cluster)) {
      for (const j of cluster.job) this.addJob(j.name, j.tasks);
      return;
    }
    for (const job of Object.keys(cluster).sort()) this.addJob(job, (cluster as ClusterInput)[job]!);
  }

  private addJob(job: string, tasks: unknown): void {
    if (typeof job !== 'string' || job === '') throw new TypeError(`Job name ${py(job)} must be bytes or unicode`);
    const m = new Map<number, string>();
    let entries: [number, unknown][];
    if (Array.isArray(tasks)) entries = tasks.map((a, i) => [i, a]);
    else if (typeof tasks === 'object' && tasks !== null) {
      entries = Object.entries(tasks).map(([k, a]) => {
        if (!/^\d+$/.test(k)) throw new TypeError(`The tasks for job ${py(job)} must be a list or a dictionary from integers to strings.`);
        return [Number(k), a];
      });
    } else {
      throw new TypeError(`The tasks for job ${py(job)} must be a list or a dictionary from integers to strings.`);
    }
    for (const [i, a] of entries.sort((x, y) => x[0] - y[0])) {
      if (typeof a !== 'string') throw new TypeError(`Task address ${py(a)} must be bytes or unicode`);
      m.set(i, a);
    }
    this.spec.set(job, m);
  }

  /** Whether any job is defined. */
  get nonEmpty(): boolean {
    return this.spec.size > 0;
  }

  /** The job names, sorted. */
  get jobs(): string[] {
    return [...this.spec.keys()];
  }

  private tasksOf(jobName: string): Map<number, string> {
    const t = this.spec.get(jobName);
    if (!t) throw new ValueError(`No such job in cluster: ${py(jobName)}`);
    return t;
  }

  /** The number of tasks defined in `jobName`. */
  numTasks(jobName: string): number {
    return this.tasksOf(jobName).size;
  }

  /** The task indices defined in `jobName`, ascending. */
  taskIndices(jobName: string): number[] {
    return [...this.tasksOf(jobName).keys()];
  }

  /** The address of task `taskIndex` of `jobName`. */
  taskAddress(jobName: string, taskIndex: number): string {
    const a = this.tasksOf(jobName).get(taskIndex);
    if (a === undefined) throw new ValueError(`No task with index ${taskIndex} in job ${py(jobName)}`);
    return a;
  }

  /** The addresses of `jobName`'s tasks, by index up to the largest; null where an index is missing. */
  jobTasks(jobName: string): (string | null)[] {
    const t = this.tasksOf(jobName);
    const n = t.size === 0 ? 0 : Math.max(...t.keys()) + 1;
    return Array.from({ length: n }, (_, i) => t.get(i) ?? null);
  }

  /** `{job: [addresses]}`, or `{job: {index: address}}` for a job whose indices are not 0..n-1. */
  asDict(): Record<string, string[] | Record<number, string>> {
    const out: Record<string, string[] | Record<number, string>> = {};
    for (const [job, tasks] of this.spec) {
      const idx = [...tasks.keys()];
      const dense = idx.every((k, i) => k === i);
      out[job] = dense ? [...tasks.values()] : Object.fromEntries(tasks);
    }
    return out;
  }

  asClusterDef(): ClusterDef {
    return { job: [...this.spec].map(([name, tasks]) => ({ name, tasks: Object.fromEntries(tasks) })) };
  }

  /** Every task, as `[job, index, address]`. */
  tasks(): [string, number, string][] {
    return [...this.spec].flatMap(([job, t]) => [...t].map(([i, a]) => [job, i, a] as [string, number, string]));
  }

  equals(other: ClusterSpec): boolean {
    return JSON.stringify(this.asClusterDef()) === JSON.stringify(other.asClusterDef());
  }

  toString(): string {
    return `ClusterSpec(${JSON.stringify(this.asDict())})`;
  }
}

function isClusterDef(x: object): x is ClusterDef {
  const j = (x as { job?: unknown }).job;
  return Object.keys(x).length === 1 && Array.isArray(j) && j.every((e) => typeof e === 'object' && e !== null && 'name' in e && 'tasks' in e);
}
