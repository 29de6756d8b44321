// The demo page's script: the MNIST MLP of examples/mnist-mlp.ts (784-256-10, ReLU, dropout 0.5,
// softmax cross-entropy plus L2 weight decay, Adam with a per-epoch exponentially decaying
// learning rate) trained in the browser, with a live loss/accuracy chart (uPlot), a device switch,
// a progress bar, the test accuracy, and checkpoint save/load in TF's format (Saver.toBytes as
// Blob downloads; file inputs into Saver.restoreFromBytes). Every step is `await sess.run`, so
// the page stays responsive: with cross-origin isolation the CPU device computes on Web Workers.
//
//   npm run demo:browser      (builds into dist/demo and serves it with COOP/COEP)
//
// URL parameters: ?epochs=N&batch=N&device=cpu|webgpu&autorun=1 (the browser test uses them).
import uPlot from 'uplot';
import type * as TF from '../../src/index.js';

const bundle = './tsflow.js';
const tf = (await import(bundle)) as typeof TF;

const params = new URLSearchParams(location.search);
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const deviceSel = $<HTMLSelectElement>('device');
const epochsIn = $<HTMLInputElement>('epochs');
const trainBtn = $<HTMLButtonElement>('train');
const saveBtn = $<HTMLButtonElement>('save');
const loadIn = $<HTMLInputElement>('load');
const progress = $<HTMLProgressElement>('progress');
const status = $('status');
if (params.get('device')) deviceSel.value = params.get('device')!;
if (params.get('epochs')) epochsIn.value = params.get('epochs')!;
const batchSize = Number(params.get('batch') ?? 64);
const learningRate = 0.003;
const decayRate = 0.85;
const seed = 1;

// ---- data: the IDX files served next to the page -------------------------------------------
const data = await tf.data.mnist.fetch(new URL('./data/', location.href));
const train = data.train!;
const test = data.test!;
status.textContent = `data: ${train.labels.size} train, ${test.labels.size} test digits`;

// ---- model (built in a synchronous asDefault: browsers have no async context across awaits) -
const stepsPerEpoch = Math.ceil(train.labels.size / batchSize);
const graph = new tf.Graph();
const m = graph.asDefault(() => {
  tf.setRandomSeed(seed);
  const x = tf.placeholder(tf.float32, [null, 784], 'x');
  const labels = tf.placeholder(tf.int32, [null], 'labels');
  const keepProb = tf.placeholderWithDefault(tf.constant(1.0), [], 'keep_prob');
  const dense = (input: TF.Tensor, units: number, name: string) =>
    tf.nameScope(name, () => {
      const inputs = input.shape![1]!;
      const weights = new tf.Variable(tf.truncatedNormal([inputs, units], { stddev: Math.sqrt(2 / inputs) }), { name: 'weights' });
      const biases = new tf.Variable(tf.zeros([units]), { name: 'biases' });
      return { out: tf.nn.biasAdd(tf.matmul(input, weights), biases), weights };
    });
  const hidden = dense(x, 256, 'hidden');
  const output = dense(tf.nn.dropout(tf.nn.relu(hidden.out), keepProb), 10, 'output');
  const logits = output.out;
  const xent = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogitsV2({ labels: tf.oneHot(labels, 10), logits }), null, false, 'xent');
  const l2 = tf.multiply(1e-4, tf.addN([tf.nn.l2Loss(hidden.weights), tf.nn.l2Loss(output.weights)]), 'l2');
  const loss = tf.add(xent, l2, 'loss');
  const correct = tf.equal(tf.cast(tf.argmax(logits, 1), tf.int32), labels);
  const accuracy = tf.reduceMean(tf.cast(correct, tf.float32), null, false, 'accuracy');
  const globalStep = tf.train.getOrCreateGlobalStep();
  const lr = tf.train.exponentialDecay(learningRate, globalStep, stepsPerEpoch, decayRate, true);
  const trainOp = new tf.train.AdamOptimizer(lr).minimize(loss, { globalStep });
  const init = tf.globalVariablesInitializer();
  const saver = new tf.train.Saver();
  return { x, labels, keepProb, logits, loss, accuracy, trainOp, init, saver, globalStep };
});

// ---- chart --------------------------------------------------------------------------------
const series: [number[], number[], number[]] = [[], [], []];
const chart = new uPlot(
  {
    width: 800,
    height: 300,
    title: 'training loss / batch accuracy',
    scales: { x: { time: false }, loss: { auto: true }, acc: { range: [0, 1] } },
    series: [{ label: 'step' }, { label: 'loss', stroke: '#d62728', scale: 'loss', width: 2 }, { label: 'accuracy', stroke: '#1f77b4', scale: 'acc', width: 2 }],
    axes: [{}, { scale: 'loss', label: 'loss' }, { scale: 'acc', side: 1, label: 'accuracy', grid: { show: false } }],
  },
  series,
  $('chart'),
);

// ---- session ------------------------------------------------------------------------------
let sess: TF.Session | null = null;
let sessDevice = '';
interface CpuLike {
  workerPool: { threads: number; platform: string; ready: number } | null;
  singleThreadReason?: string | null;
}
const cpuOf = (s: TF.Session): CpuLike | null =>
  (s as unknown as { runners?: Map<string, { device: CpuLike }> }).runners?.get('cpu')?.device ?? null;

const state = {
  running: false,
  done: false,
  steps: 0,
  testAccuracy: null as number | null,
  device: '',
  threads: 1,
  platform: null as string | null,
  isolated: crossOriginIsolated,
  error: null as string | null,
};

async function session(): Promise<TF.Session> {
  const device = deviceSel.value;
  if (sess && sessDevice === device) return sess;
  if (sess) await sess.close();
  sess = new tf.Session({ graph, device: device as 'cpu' | 'webgpu', threads: Math.max(2, Math.min(4, navigator.hardwareConcurrency || 2)) });
  sessDevice = device;
  await sess.run(m.init);
  const devs = sess.listDevices();
  const cpu = cpuOf(sess);
  state.device = devs.map((d) => d.name).join(', ');
  state.threads = cpu?.workerPool?.threads ?? 1;
  state.platform = cpu?.workerPool?.platform ?? null;
  $('devinfo').textContent = `${state.device}; CPU threads ${state.threads}${state.platform ? ` (${state.platform})` : ''}; crossOriginIsolated ${crossOriginIsolated}` +
    (cpu?.singleThreadReason ? ` — inline: ${cpu.singleThreadReason}` : '');
  return sess;
}

async function evaluate(s: TF.Session): Promise<number> {
  let right = 0;
  for (const [bx, by] of tf.data.batches(1000, test.images, test.labels)) {
    const acc = (await s.run(m.accuracy, new Map([[m.x, bx], [m.labels, by]]))) as TF.NDArray;
    right += (acc.data[0] as number) * by.size;
  }
  return right / test.labels.size;
}

function showTest(acc: number): void {
  state.testAccuracy = acc;
  $('testacc').textContent = `${(100 * acc).toFixed(2)}%`;
}

async function trainRun(epochs: number, maxSteps = Infinity, evaluateAfter = true): Promise<void> {
  state.running = true;
  state.done = false;
  trainBtn.disabled = true;
  try {
    const s = await session();
    const batches = tf.data.batches(batchSize, train.images, train.labels, { shuffle: true, seed });
    const total = Math.min(epochs * batches.length, maxSteps);
    progress.max = total;
    let step = 0;
    outer: for (let epoch = 1; epoch <= epochs; epoch++) {
      for (const [bx, by] of batches) {
        if (step >= total) break outer;
        const feeds = new Map<TF.Tensor, TF.NDArray | number>([[m.x, bx], [m.labels, by], [m.keepProb, 0.5]]);
        const [, l, a] = (await s.run([m.trainOp, m.loss, m.accuracy], feeds)) as TF.NDArray[];
        step++;
        state.steps++;
        series[0].push(state.steps);
        series[1].push(l!.data[0] as number);
        series[2].push(a!.data[0] as number);
        progress.value = step;
        if (step % 10 === 0 || step === total) {
          chart.setData(series);
          status.textContent = `epoch ${epoch}/${epochs} step ${step}/${total} loss ${(l!.data[0] as number).toFixed(4)}`;
        }
      }
      if (evaluateAfter && step % batches.length === 0) showTest(await evaluate(s));
    }
    if (evaluateAfter && step % batches.length !== 0) showTest(await evaluate(s));
    status.textContent = `done: ${step} steps on ${sessDevice}`;
    saveBtn.disabled = false;
    loadIn.disabled = false;
    state.done = true;
  } catch (e) {
    state.error = `${(e as Error).name}: ${(e as Error).message}`;
    status.textContent = state.error;
    throw e;
  } finally {
    state.running = false;
    trainBtn.disabled = false;
  }
}

/** The checkpoint's bytes: TF's `.index` and `.data-00000-of-00001` files. */
async function saveBytes(): Promise<{ index: Uint8Array; data: Uint8Array }> {
  return m.saver.toBytes(await session());
}

async function loadBytes(bytes: { index: Uint8Array | ArrayBuffer; data: Uint8Array | ArrayBuffer }): Promise<number> {
  const s = await session();
  await m.saver.restoreFromBytes(s, bytes);
  const acc = await evaluate(s);
  showTest(acc);
  status.textContent = 'checkpoint loaded';
  return acc;
}

/** Logits of the first `n` test digits (the browser test compares them across save → load). */
async function testLogits(n = 16): Promise<number[]> {
  const s = await session();
  const bx = new tf.NDArray((test.images.data as Float32Array).slice(0, n * 784), [n, 784]);
  return Array.from(((await s.run(m.logits, new Map([[m.x, bx]]))) as TF.NDArray).data as Float32Array);
}

/** Reset the weights (re-run the initializer), e.g. before a load. */
async function reinit(): Promise<void> {
  await (await session()).run(m.init);
}

function download(name: string, bytes: Uint8Array): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

trainBtn.onclick = () => void trainRun(Number(epochsIn.value));
deviceSel.onchange = () => void session();
saveBtn.onclick = async () => {
  const { index, data: d } = await saveBytes();
  download('model.ckpt.index', index);
  download('model.ckpt.data-00000-of-00001', d);
};
loadIn.onchange = async () => {
  const files = Array.from(loadIn.files ?? []);
  const index = files.find((f) => f.name.endsWith('.index'));
  const d = files.find((f) => /\.data-\d+-of-\d+$/.test(f.name));
  if (!index || !d) {
    status.textContent = 'choose both the .index and the .data-00000-of-00001 file';
    return;
  }
  await loadBytes({ index: await index.arrayBuffer(), data: await d.arrayBuffer() });
};

Object.assign(window, { demo: { state, losses: series[1], train: trainRun, saveBytes, loadBytes, testLogits, reinit, session } });
await session();
(window as unknown as { demoReady: boolean }).demoReady = true;
if (params.get('autorun') === '1') void trainRun(Number(epochsIn.value));
