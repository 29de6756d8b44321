/**
 * `npm run bench [-- --quick] [--rounds N] [--threads 1,2] [--cases matmul,mlp,lstm,small,conv,lenet,event-loop,sparse,data,browser,distributed] [--json file]`
 * `npm run bench -- --device webgpu [--sizes 256,512,1024]`: the WebGPU measurements instead
 * (bench/webgpu-matmul.ts, then @tensorflow/tfjs-backend-webgpu where it is installed).
 *
 * Every implementation of every case runs in its own child process (bench/cases/*.ts), the
 * implementations alternating in a rotated order each round; the table shows the median over
 * rounds of each child's median, with the range, and ratios against tsflow on the most
 * threads. Then the targets, met or not.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { args, median } from './lib/child.js';

const opt = args();
const quick = opt.has('quick');
const rounds = Number(opt.get('rounds') ?? (quick ? 1 : 3));
const threadCounts = (opt.get('threads') ?? '1,2').split(',').map(Number);
const maxThreads = Math.max(...threadCounts);
const only = opt.get('cases')?.split(',');
const root = fileURLToPath(new URL('..', import.meta.url));
const built = !import.meta.url.endsWith('.ts');

if (opt.get('device') === 'webgpu') {
  // Each script in its own process, its output passed straight through.
  const runScript = (name: string, extra: string[]): Promise<number | null> =>
    new Promise((resolve) => {
      const script = built ? fileURLToPath(new URL(`./${name}.mjs`, import.meta.url)) : `bench/${name}.ts`;
      const child = spawn(process.execPath, [...(built ? [] : ['--import', 'tsx']), script, ...extra], { cwd: root, stdio: 'inherit' });
      child.on('close', resolve);
    });
  const sizeArgs = opt.get('sizes')?.split(',') ?? [];
  console.log('tsflow on WebGPU');
  await runScript('webgpu-matmul', sizeArgs);
  console.log('\n@tensorflow/tfjs-backend-webgpu on the same adapter');
  await runScript('tfjs-webgpu-matmul', sizeArgs.length > 0 ? sizeArgs : quick ? ['256', '512'] : ['256', '512', '1024']);
  process.exit(0);
}

interface Impl {
  name: string;
  args: string[];
  tsflowThreads?: number;
}
interface Case {
  id: string;
  title: string;
  script: string;
  unit: string;
  higherIsBetter: boolean;
  impls: Impl[];
  /** Metric name → value, from one child's result. */
  metrics: (r: Record<string, any>) => Record<string, number | null>;
  extraArgs: string[];
}

const tsflowImpls = (extra: string[] = []): Impl[] =>
  threadCounts.map((t) => ({ name: `tsflow ${t} thread${t > 1 ? 's' : ''}`, args: ['--impl', 'tsflow', '--threads', String(t), ...extra], tsflowThreads: t }));
const tfjs: Impl[] = [
  { name: 'tfjs-backend-cpu', args: ['--impl', 'tfjs-cpu'] },
  { name: 'tfjs-backend-wasm', args: ['--impl', 'tfjs-wasm'] },
];
const sizes = quick ? '256,1024' : '256,512,1024,2048';

const CASES: Case[] = ([
  {
    id: 'matmul',
    title: 'float32 matmul n×n·n×n',
    script: 'matmul.ts',
    unit: 'GFLOP/s',
    higherIsBetter: true,
    impls: [...tsflowImpls(), ...tfjs, { name: `onnxruntime-node ${maxThreads} thread${maxThreads > 1 ? 's' : ''}`, args: ['--impl', 'ort', '--threads', String(maxThreads)] }],
    metrics: (r) => r.gflops,
    extraArgs: ['--sizes', sizes, '--min-ms', quick ? '300' : '1000'],
  },
  {
    id: 'mlp',
    title: 'MLP 784-256-10 training step, batch 128',
    script: 'mlp.ts',
    unit: 'ms',
    higherIsBetter: false,
    impls: [...tsflowImpls(), ...tfjs],
    metrics: (r) => ({ step: r.ms }),
    extraArgs: ['--min-ms', quick ? '500' : '1500'],
  },
  {
    id: 'lstm',
    title: 'LSTM MNIST row classifier training step (28 steps × 28 inputs, 128 hidden, batch 128)',
    script: 'lstm.ts',
    unit: 'ms',
    higherIsBetter: false,
    impls: [
      ...threadCounts.flatMap((t) => (['static', 'dynamic'] as const).map((f) => ({ name: `tsflow ${f}Rnn ${t} thread${t > 1 ? 's' : ''}`, args: ['--impl', 'tsflow', '--rnn', f, '--threads', String(t)], tsflowThreads: t }))),
      ...(['static', 'dynamic'] as const).map((f) => ({ name: `tsflow ${f}Rnn WebGPU`, args: ['--impl', 'tsflow', '--rnn', f, '--device', 'webgpu'] })),
      { name: 'tfjs-layers LSTM, tfjs-backend-wasm', args: ['--impl', 'tfjs-wasm'] },
    ],
    metrics: (r) => ({ step: r.ms, 'ms per loop iteration': r.perIterationMs ?? null }),
    extraArgs: ['--min-ms', quick ? '1000' : '3000'],
  },
  {
    id: 'small',
    title: '10-op graph on [8, 8] tensors, session.run round trip',
    script: 'small-graph.ts',
    unit: 'µs',
    higherIsBetter: false,
    impls: [...tsflowImpls(), ...tfjs],
    metrics: (r) => ({ run: r.us }),
    extraArgs: ['--min-ms', quick ? '300' : '1000', '--mem-runs', '10000'],
  },
  {
    id: 'conv',
    title: 'conv2d layer forward + backward, x [32,28,28,8] ⊛ [3,3,8,16]',
    script: 'conv.ts',
    unit: 'ms',
    higherIsBetter: false,
    impls: [...tsflowImpls(), ...tfjs],
    metrics: (r) => ({ step: r.ms }),
    extraArgs: ['--min-ms', quick ? '500' : '1500'],
  },
  {
    id: 'lenet',
    title: "TF's mnist_deep CNN training step (conv 5×5×32, 5×5×64, fc 1024, Adam), batch 50",
    script: 'lenet.ts',
    unit: 'ms',
    higherIsBetter: false,
    impls: tsflowImpls(),
    metrics: (r) => ({ step: r.ms }),
    extraArgs: ['--min-ms', quick ? '1000' : '3000'],
  },
  {
    id: 'event-loop',
    title: 'MLP training with await sess.run: longest event-loop stall (1 ms timer) and step time',
    script: 'event-loop.ts',
    unit: 'ms',
    higherIsBetter: false,
    impls: tsflowImpls(),
    // step time with the timer, and through runSync (never yields) for the cost of yielding
    metrics: (r) => ({ stall: r.stallMs, step: r.stepMs, 'runSync step': r.syncStepMs }),
    extraArgs: ['--seconds', quick ? '3' : '10'],
  },
  {
    id: 'data',
    title: 'MLP 784-256-10 SGD step, batch 128: hand-fed arrays vs a tf.data pipeline (shuffle + batch + prefetch(1), and prefetch(0))',
    script: 'data-pipeline.ts',
    unit: 'ms',
    higherIsBetter: false,
    impls: tsflowImpls(),
    metrics: (r) => ({ fed: r.fed, pipeline: r.pipeline, 'pipeline / fed': r.ratio, 'no prefetch / fed': r.ratioNoPrefetch }),
    extraArgs: ['--min-ms', quick ? '500' : '1500'],
  },
  {
    id: 'sparse',
    title: 'word2vec step (embedding lookup + nceLoss, 64 sampled, SGD), batch 128 × dim 128, by vocabulary',
    script: 'sparse-embedding.ts',
    unit: 'ms',
    higherIsBetter: false,
    impls: tsflowImpls(),
    metrics: (r) => ({ 'vocab 5000': r.ms5k, 'vocab 50000': r.ms50k }),
    extraArgs: ['--min-ms', quick ? '600' : '1500'],
  },
  {
    id: 'browser',
    title: 'MLP 784-256-10 SGD step, batch 128, in headless Chromium: step time, longest main-thread stall (1 ms timer), threads used',
    script: 'browser.ts',
    unit: 'ms',
    higherIsBetter: false,
    impls: [
      ...tsflowImpls(),
      { name: 'tsflow, page not isolated', args: ['--impl', 'tsflow', '--threads', String(maxThreads), '--no-isolation'] },
      { name: 'tfjs-backend-wasm (page)', args: ['--impl', 'tfjs-wasm', '--threads', String(maxThreads)] },
    ],
    metrics: (r) => ({ step: r.ms, stall: r.stallMs, threads: r.threads }),
    extraArgs: ['--min-ms', quick ? '800' : '2000'],
  },
  {
    id: 'distributed',
    title: 'MLP 784-256-10 SGD step on tsflow-server processes over loopback gRPC (ps + workers, 1 thread each)',
    script: 'distributed.ts',
    unit: 'ms / steps per s / KB per step',
    higherIsBetter: false,
    impls: [
      { name: 'in-process session', args: ['--impl', 'local'], tsflowThreads: maxThreads },
      { name: 'ps + 1 worker', args: ['--impl', 'remote', '--workers', '1'] },
      { name: 'ps + 2 workers', args: ['--impl', 'remote', '--workers', '2'] },
    ],
    metrics: (r) => ({ 'ms per step': r.ms, 'steps/s': r.stepsPerS, 'KB/step': r.kbPerStep, 'scalar run ms': r.rttMs ?? null }),
    extraArgs: ['--min-ms', quick ? '1000' : '3000'],
  },
] as Case[]).filter((c) => !only || only.includes(c.id));

interface ChildResult {
  ok: boolean;
  result?: Record<string, any>;
  error?: string;
}

function runChild(c: Case, impl: Impl): Promise<ChildResult> {
  return new Promise((resolve) => {
    // the case scripts beside this one: TypeScript through tsx, or (a bundled bench) built .mjs
    const script = built ? fileURLToPath(new URL(`./cases/${c.script.replace(/\.ts$/, '.mjs')}`, import.meta.url)) : `bench/cases/${c.script}`;
    const argv = ['--expose-gc', ...(built ? [] : ['--import', 'tsx']), script, ...impl.args, ...c.extraArgs];
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (line) resolve({ ok: true, result: JSON.parse(line.slice(7)) });
      else {
        const msg = (err.match(/^\w*Error[^\n]*/m)?.[0] ?? err.trim().split('\n').pop() ?? `exit ${code}`).slice(0, 160);
        resolve({ ok: false, error: msg });
      }
    });
  });
}

const results = new Map<string, Map<string, ChildResult[]>>();
const t0 = Date.now();
console.log(`tsflow benchmarks — ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} hardware threads, Node ${process.version}`);
console.log(`${rounds} round(s), implementations alternated; each child reports its own median.\n`);
for (let r = 0; r < rounds; r++) {
  for (const c of CASES) {
    const byImpl = results.get(c.id) ?? new Map<string, ChildResult[]>();
    results.set(c.id, byImpl);
    const order = c.impls.map((_, i) => c.impls[(i + r) % c.impls.length]!);
    for (const impl of order) {
      const res = await runChild(c, impl);
      byImpl.set(impl.name, [...(byImpl.get(impl.name) ?? []), res]);
      process.stdout.write(res.ok ? '.' : 'x');
    }
  }
}
console.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const summary: Record<string, any> = {};

for (const c of CASES) {
  const byImpl = results.get(c.id)!;
  const metricNames = [...new Set([...byImpl.values()].flat().filter((x) => x.ok).flatMap((x) => Object.keys(c.metrics(x.result!))))];
  const med = (impl: string, m: string): { med: number; lo: number; hi: number } | null => {
    const vals = (byImpl.get(impl) ?? []).filter((x) => x.ok).map((x) => c.metrics(x.result!)[m]).filter((v): v is number => typeof v === 'number');
    return vals.length ? { med: median(vals), lo: Math.min(...vals), hi: Math.max(...vals) } : null;
  };
  const base = c.impls.find((i) => i.tsflowThreads === maxThreads)!.name;
  console.log(`${c.title} (${c.unit}, ${c.higherIsBetter ? 'higher' : 'lower'} is better; ×: how many times faster ${base} is)`);
  const head = ['implementation'.padEnd(26), ...metricNames.map((m) => `${c.id === 'matmul' ? `n=${m}` : m}`.padStart(27))];
  console.log(head.join(''));
  summary[c.id] = {};
  for (const impl of c.impls) {
    const cells = metricNames.map((m) => {
      const s = med(impl.name, m);
      const b = med(base, m);
      if (!s) {
        const err = (byImpl.get(impl.name) ?? []).find((x) => !x.ok)?.error;
        return (err ? 'failed' : 'skipped').padStart(27);
      }
      const ratio = b ? (c.higherIsBetter ? b.med / s.med : s.med / b.med) : NaN;
      return `${fmt(s.med)} [${fmt(s.lo)}–${fmt(s.hi)}] ×${ratio.toFixed(2)}`.padStart(27);
    });
    console.log([impl.name.padEnd(26), ...cells].join(''));
    summary[c.id][impl.name] = Object.fromEntries(metricNames.map((m) => [m, med(impl.name, m)]));
    const errs = (byImpl.get(impl.name) ?? []).filter((x) => !x.ok);
    if (errs.length) console.log(`${''.padEnd(26)}${errs.length} run(s) failed: ${errs[0]!.error}`);
  }
  console.log();
}

// ----- targets ------------------------------------------------------------------------------
const get = (caseId: string, impl: string, m: string): number | null => summary[caseId]?.[impl]?.[m]?.med ?? null;
const t1 = 'tsflow 1 thread';
const t2 = `tsflow 2 threads`;
const targets: [string, boolean | null, string][] = [];
const check = (name: string, value: number | null, ok: (v: number) => boolean, show: (v: number) => string) =>
  targets.push([name, value === null ? null : ok(value), value === null ? 'not measured' : show(value)]);
check('matmul 1024³ on 2 threads ≥ 60 GFLOP/s', get('matmul', t2, '1024'), (v) => v >= 60, (v) => `${fmt(v)} GFLOP/s`);
const mlp2 = get('mlp', t2, 'step');
const mlpW = get('mlp', 'tfjs-backend-wasm', 'step');
check('MLP step ≥ 3× faster than tfjs-wasm (2 threads)', mlp2 && mlpW ? mlpW / mlp2 : null, (v) => v >= 3, (v) => `${v.toFixed(2)}×`);
const br = get('browser', t2, 'step');
const brW = get('browser', 'tfjs-backend-wasm (page)', 'step');
check('browser MLP step ≥ 5× faster than tfjs-wasm in the same browser (2 workers)', br && brW ? brW / br : null, (v) => v >= 5, (v) => `${v.toFixed(2)}×`);
check('10-op run < 50 µs median (2 threads)', get('small', t2, 'run'), (v) => v < 50, (v) => `${fmt(v)} µs`);
const mm1 = get('matmul', t1, '1024');
const mm2 = get('matmul', t2, '1024');
check('2 threads ≥ 1.7× 1 thread, matmul 1024³', mm1 && mm2 ? mm2 / mm1 : null, (v) => v >= 1.7, (v) => `${v.toFixed(2)}×`);
const dataRatio = get('data', t2, 'pipeline / fed');
check('MLP step from shuffle + batch + prefetch within 10 % of hand-fed (2 threads)', dataRatio, (v) => v <= 1.1, (v) => `${v.toFixed(2)}×`);
const mlp1 = get('mlp', t1, 'step');
check('2 threads ≥ 1.7× 1 thread, MLP step', mlp1 && mlp2 ? mlp1 / mlp2 : null, (v) => v >= 1.7, (v) => `${v.toFixed(2)}×`);
const lstmS = get('lstm', 'tsflow staticRnn 2 threads', 'step');
const lstmD = get('lstm', 'tsflow dynamicRnn 2 threads', 'step');
const lstmW = get('lstm', 'tfjs-layers LSTM, tfjs-backend-wasm', 'step');
check('LSTM step, dynamicRnn within 1.5× of staticRnn (2 threads)', lstmS && lstmD ? lstmD / lstmS : null, (v) => v <= 1.5, (v) => `${v.toFixed(2)}×`);
check('LSTM step, staticRnn ≥ 5× faster than tfjs-layers on wasm (2 threads)', lstmS && lstmW ? lstmW / lstmS : null, (v) => v >= 5, (v) => `${v.toFixed(2)}×`);
check('LSTM step, dynamicRnn ≥ 5× faster than tfjs-layers on wasm (2 threads)', lstmD && lstmW ? lstmW / lstmD : null, (v) => v >= 5, (v) => `${v.toFixed(2)}×`);
const sp5 = get('sparse', t1, 'vocab 5000');
const sp50 = get('sparse', t1, 'vocab 50000');
check('sparse step, vocab 50,000 within 1.5× of vocab 5,000 (1 thread)', sp5 && sp50 ? sp50 / sp5 : null, (v) => v <= 1.5, (v) => `${v.toFixed(2)}×`);
const arena = (results.get('mlp')?.get(t2) ?? results.get('mlp')?.get(t1) ?? []).find((x) => x.ok)?.result?.arena;
check('MLP training plan arena ≤ 1.5× peak live bytes', arena ? arena.ratio : null, (v) => v <= 1.5, (v) => `${v.toFixed(2)}× (${arena.arenaBytes} / ${arena.peakLiveBytes} bytes)`);
const mem = (results.get('small')?.get(t2) ?? results.get('small')?.get(t1) ?? []).find((x) => x.ok)?.result?.memory;
if (mem) {
  const dHeap = mem.after.heapUsed - mem.before.heapUsed;
  const dBuf = mem.after.arrayBuffers - mem.before.arrayBuffers;
  const dDev = mem.after.deviceHeap - mem.before.deviceHeap;
  targets.push([
    `memory flat over ${mem.runs} runs`,
    dHeap < 512 * 1024 && dBuf === 0 && dDev === 0,
    `JS heap ${dHeap >= 0 ? '+' : ''}${(dHeap / 1024).toFixed(0)} KiB, array buffers ${dBuf >= 0 ? '+' : ''}${dBuf} B, device heap ${dDev >= 0 ? '+' : ''}${dDev} B`,
  ]);
} else targets.push(['memory flat over 10,000 runs', null, 'not measured']);
console.log('Targets');
for (const [name, ok, detail] of targets) console.log(`  ${ok === null ? '  ?  ' : ok ? ' met ' : ' MISS'}  ${name}: ${detail}`);

if (opt.has('json')) writeFileSync(opt.get('json')!, JSON.stringify({ machine: { cpu: os.cpus()[0]?.model, threads: os.availableParallelism(), node: process.version }, summary, targets }, null, 2));
