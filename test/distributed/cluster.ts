/**
 * Test support: a cluster of real `tsflow-server` processes (the CLI run from source under tsx)
 * on 127.0.0.1 with free ports, and client scripts run the same way.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = 'src/distributed/cli.ts';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Run a TypeScript file under tsx from the repository root. */
export function tsxProcess(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves with the process's stdout once `line` appears in it; rejects if it exits first. */
export function waitFor(p: ChildProcess, pattern: RegExp, what: string, ms = 45_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no ${pattern} within ${ms} ms\n${out}\n${err}`)), ms);
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before ${pattern}\n${out}\n${err}`));
    });
  });
}

/** Resolves with the process's whole stdout when it exits 0. */
export function finished(p: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${what} exited with ${code}\n${out}\n${err}`))));
  });
}

export class TestCluster {
  readonly procs = new Map<string, ChildProcess>();
  constructor(readonly spec: Record<string, string[]>) {}

  static async create(jobs: Record<string, number>): Promise<TestCluster> {
    const spec: Record<string, string[]> = {};
    for (const [job, n] of Object.entries(jobs)) {
      spec[job] = [];
      for (let i = 0; i < n; i++) spec[job].push(`127.0.0.1:${await freePort()}`);
    }
    const c = new TestCluster(spec);
    await Promise.all(Object.entries(jobs).flatMap(([job, n]) => Array.from({ length: n }, (_, i) => c.start(job, i))));
    return c;
  }

  get json(): string {
    return JSON.stringify(this.spec);
  }

  target(job: string, task: number): string {
    return `grpc://${this.spec[job]![task]}`;
  }

  /** Start (or restart) one task's server process; resolves once it listens. */
  async start(job: string, task: number): Promise<void> {
    const p = tsxProcess(CLI, ['--cluster', this.json, '--job', job, '--task', String(task), '--threads', '1']);
    this.procs.set(`${job}/${task}`, p);
    await waitFor(p, /Started server with target: grpc:\/\//, `${job}:${task}`);
  }

  /** SIGKILL a task (it dies as a crashed machine would). */
  async kill(job: string, task: number): Promise<void> {
    const p = this.procs.get(`${job}/${task}`);
    this.procs.delete(`${job}/${task}`);
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((r) => {
      p.on('exit', () => r());
      p.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((k) => {
      const [job, task] = k.split('/');
      return this.kill(job!, Number(task));
    }));
  }
}
