/**
 * Event-loop responsiveness while tsflow trains: the 784-256-10 MLP step (batch 128, SGD, the
 * loss returned) repeated with `await sess.run` for `--seconds` (default 10), a 1 ms
 * setInterval measuring the gaps between its ticks. Reports the longest stall (longest gap
 * minus the 1 ms period), the 99th-percentile gap, and the median step time with the timer
 * running; then the median step time of the same plan through `runSync` (which never yields)
 * and of `await sess.run` without the timer, so the cost of yielding can be read off.
 *   --impl tsflow --threads N [--seconds S]
 */
import { args, median, randomData, report, timeIt } from '../lib/child.js';

const a = args();
const threads = Number(a.get('threads') ?? 2);
const seconds = Number(a.get('seconds') ?? 10);
const B = 128, IN = 784, H = 256, OUT = 10;
const labels = Int32Array.from({ length: B }, (_, i) => (i * 7) % OUT);

const { tf, mlpTrainStep, poolReady } = await import('../lib/tsflow.js');
const g = new tf.Graph();
const m = g.asDefault(() => {
  const x = tf.placeholder(tf.float32, [B, IN]);
  const y = tf.placeholder(tf.int32, [B]);
  return { x, y, ...mlpTrainStep(x, y, 0.01, H, OUT) };
});
const sess = new tf.Session({ graph: g, threads });
await sess.run(m.init);
const feeds = new Map<InstanceType<typeof tf.Tensor>, InstanceType<typeof tf.NDArray>>([
  [m.x, new tf.NDArray(randomData(B * IN, 3), [B, IN], 'float32')],
  [m.y, new tf.NDArray(labels, [B], 'int32')],
]);
const fetches = [m.loss, m.train];
for (let i = 0; i < 5; i++) await sess.run(fetches, feeds);
await poolReady(sess);
for (let i = 0; i < 20; i++) await sess.run(fetches, feeds);

// ----- training with a 1 ms timer ticking ----------------------------------------------
const gaps: number[] = [];
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  gaps.push(now - last);
  last = now;
}, 1);
const steps: number[] = [];
const until = performance.now() + seconds * 1000;
last = performance.now();
while (performance.now() < until) {
  const t0 = performance.now();
  await sess.run(fetches, feeds);
  steps.push(performance.now() - t0);
}
clearInterval(timer);
// the gap still open when training stopped counts too
gaps.push(performance.now() - last);
const sorted = [...gaps].sort((p, q) => p - q);
const longest = sorted[sorted.length - 1]!;

// ----- the same step without the timer: runSync (never yields) and await run ------------
const sync = await timeIt(() => sess.runSync(fetches, feeds), { warm: 5, minReps: 50, minMs: 1500 });
const asyncNoTimer = await timeIt(() => sess.run(fetches, feeds), { warm: 5, minReps: 50, minMs: 1500 });
await sess.close();

report({
  threads,
  seconds,
  steps: steps.length,
  ticks: gaps.length,
  stallMs: Math.max(0, longest - 1),
  p99GapMs: sorted[Math.floor(0.99 * (sorted.length - 1))]!,
  stepMs: median(steps),
  asyncStepMs: asyncNoTimer.median,
  syncStepMs: sync.median,
});
