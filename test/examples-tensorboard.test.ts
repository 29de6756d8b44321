/**
 * The TF1 ports that write TensorBoard logs (examples/tf1/tensorboard-basic.ts,
 * examples/tf1/tensorboard-advanced.ts, examples/tf1/mnist-with-summaries.ts), run bounded into a temporary log directory; their event
 * files are read back with tsflow's record reader and protobuf codec.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRecords } from '../src/io/records.js';
import { decode } from '../src/proto/codec.js';
import { type GraphDef, GraphDefT } from '../src/proto/framework.js';
import { type Event, EventT } from '../src/proto/summary.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(path.join(tmpdir(), 'tsflow-tf1-tensorboard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function runExample(file: string, logdir: string, ...args: string[]): Promise<string> {
  const flag = file.endsWith('mnist-with-summaries.ts') ? '--log_dir' : '--logs_path';
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, flag, logdir, ...args], { cwd: root, timeout: 240_000 });
  return stdout;
}

function readEvents(dir: string): Event[] {
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^events\.out\.tfevents\.\d+\./);
  return decodeRecords(readFileSync(path.join(dir, files[0]!))).map((r) => decode<Event>(EventT, r));
}

function graphOps(events: Event[]): Map<string, string> {
  const graphs = events.filter((e) => e.graphDef);
  expect(graphs).toHaveLength(1);
  return new Map(decode<GraphDef>(GraphDefT, graphs[0]!.graphDef!).node.map((n) => [n.name, n.op]));
}

const valuesOf = (events: Event[]) => events.flatMap((e) => (e.summary?.value ?? []).map((v) => ({ step: Number(e.step ?? 0), ...v })));

describe('examples/tf1 TensorBoard ports', () => {
  it('tensorboard-basic.ts: the graph in its name scopes, loss and accuracy at every step, the test accuracy printed', async () => {
    const dir = path.join(tmp, 'basic');
    const stdout = await runExample('examples/tf1/tensorboard-basic.ts', dir, '--epochs', '1');
    const accuracy = Number(/^Accuracy: (\d\.\d+)$/m.exec(stdout)![1]);
    expect(accuracy).toBeGreaterThan(0.7); // 0.7582 after one epoch of 90 steps (TF1's notebook: 0.9143 after 25 of 550)
    const events = readEvents(dir);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    const ops = graphOps(events);
    expect(ops.get('InputData')).toBe('Placeholder');
    expect(ops.get('Weights')).toBe('VariableV2');
    expect(ops.get('Model/Softmax')).toBe('Softmax');
    expect(ops.get('Loss/Mean')).toBe('Mean');
    // TF1's unique names ignore case: with the name scope 'Loss' taken, summary 'loss' is 'loss_1'
    // (its tag too, as TensorBoard shows for this example)
    expect(ops.get('loss_1')).toBe('ScalarSummary');
    expect(ops.get('accuracy_1')).toBe('ScalarSummary');
    expect(ops.get('Merge/MergeSummary')).toBe('MergeSummary');
    const values = valuesOf(events);
    const steps = 90; // 9,000 training digits in batches of 100
    for (const tag of ['loss_1', 'accuracy_1']) {
      expect(values.filter((v) => v.tag === tag).map((v) => v.step)).toEqual(Array.from({ length: steps }, (_, i) => i));
    }
    const loss = values.filter((v) => v.tag === 'loss_1').map((v) => v.simpleValue!);
    expect(loss[0]).toBeCloseTo(Math.log(10), 5); // zero weights: uniform softmax
    expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.75);
  }, 300_000);

  it('tensorboard-advanced.ts: scalars, weight, gradient and activation histograms with cleaned tags', async () => {
    const dir = path.join(tmp, 'advanced');
    const stdout = await runExample('examples/tf1/tensorboard-advanced.ts', dir, '--epochs', '2');
    const costs = [...stdout.matchAll(/^Epoch: \d{4} cost= (\S+)$/gm)].map((m) => Number(m[1]));
    expect(costs).toHaveLength(2);
    expect(costs[1]!).toBeLessThan(costs[0]!);
    const events = readEvents(dir);
    const ops = graphOps(events);
    expect(ops.get('W1')).toBe('VariableV2');
    expect(ops.get('Model/Relu')).toBe('Relu');
    expect(ops.get('SGD/gradients/Model/MatMul_grad/MatMul_1')).toBe('MatMul');
    const values = valuesOf(events);
    const tags = new Set(values.filter((v) => v.step === 0).map((v) => v.tag));
    // var.name 'W1:0' is not a legal summary name: TF1 replaces ':' with '_'
    for (const t of ['loss_1', 'accuracy_1', 'Model/relu1', 'Model/relu2', 'W1_0', 'b3_0', 'W1_0/gradient', 'b3_0/gradient']) expect(tags).toContain(t);
    const w1 = values.find((v) => v.tag === 'W1_0' && v.step === 0)!.histo!;
    expect(w1.num).toBe(784 * 256);
    expect(w1.bucket.reduce((a, b) => a + b, 0)).toBe(784 * 256);
    const relu = values.find((v) => v.tag === 'Model/relu1' && v.step === 0)!.histo!;
    expect(relu.num).toBe(100 * 256);
    expect(relu.min).toBe(0);
    expect(values.filter((v) => v.tag === 'loss_1')).toHaveLength(180);
  }, 300_000);

  it('mnist-with-summaries.ts: train/ and test/ logs, every dashboard, run metadata at step 99, test accuracy rising', async () => {
    const dir = path.join(tmp, 'mnist_with_summaries');
    const stdout = await runExample('examples/tf1/mnist-with-summaries.ts', dir, '--max_steps', '100', '--test_size', '500');
    const acc = [...stdout.matchAll(/^Accuracy at step (\d+): (\S+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(acc.map(([s]) => s)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(acc.at(-1)![1]!).toBeGreaterThan(0.8);
    expect(acc[0]![1]!).toBeLessThan(0.3);
    expect(stdout).toMatch(/^Adding run metadata for 99$/m);
    const train = readEvents(path.join(dir, 'train'));
    const test = readEvents(path.join(dir, 'test'));
    const ops = graphOps(train);
    expect(ops.get('input/x-input')).toBe('Placeholder');
    expect(ops.get('layer1/weights/Variable')).toBe('VariableV2');
    expect(ops.get('layer1/activation')).toBe('Relu');
    expect(ops.get('layer2/activation')).toBe('Identity');
    expect(test.filter((e) => e.graphDef)).toHaveLength(0);
    const trainValues = valuesOf(train);
    const tags = new Set(trainValues.map((v) => v.tag));
    // TF1's case-insensitive unique names: the Mean/Max ops and the stddev scope take mean, max, stddev
    // first, so those summaries are mean_1, max_1, stddev_1 (as TensorBoard shows for this tutorial)
    for (const t of ['input_reshape/input/image/0', 'layer1/weights/summaries/mean_1', 'layer1/weights/summaries/stddev_1', 'layer1/weights/summaries/max_1', 'layer1/weights/summaries/histogram',
      'layer1/Wx_plus_b/pre_activations', 'layer1/activations', 'dropout/dropout_keep_probability', 'cross_entropy_1', 'accuracy_1']) expect(tags).toContain(t);
    expect(trainValues.find((v) => v.tag === 'dropout/dropout_keep_probability')!.simpleValue).toBeCloseTo(0.9, 6);
    const image = trainValues.find((v) => v.tag === 'input_reshape/input/image/0')!.image!;
    expect([image.height, image.width, image.colorspace]).toEqual([28, 28, 1]);
    const testAcc = valuesOf(test).filter((v) => v.tag === 'accuracy_1');
    expect(testAcc.map((v) => v.step)).toEqual(acc.map(([s]) => s));
    expect(testAcc.at(-1)!.simpleValue!).toBeCloseTo(acc.at(-1)![1]!, 5);
    const meta = train.filter((e) => e.taggedRunMetadata);
    expect(meta.map((e) => e.taggedRunMetadata!.tag)).toEqual(['step099']);
  }, 300_000);
});
