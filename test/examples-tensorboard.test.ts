/**
 * The TF1 ports that write TensorBoard logs (examples/tf1/tensorboard-basic.ts,
 * examples/tf1/tensorboard-advanced.ts), run bounded into a temporary log directory; their event
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
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file, '--logs_path', logdir, ...args], { cwd: root, timeout: 240_000 });
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
});
