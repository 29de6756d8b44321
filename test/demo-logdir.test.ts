/**
 * `npm run demo -- --logdir DIR` writes TensorBoard event files. They are read back here with an
 * independent protobuf library (protobufjs, from message definitions written from TF's
 * event.proto / summary.proto / graph.proto), not with tsflow's own codec.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'tsflow-demo-logdir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROTO = `
syntax = "proto3";
package tensorflow;
message HistogramProto {
  double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
  repeated double bucket_limit = 6 [packed = true];
  repeated double bucket = 7 [packed = true];
}
message Summary {
  message Value {
    string node_name = 7;
    string tag = 1;
    oneof value { float simple_value = 2; bytes obsolete_old_style_histogram = 3; HistogramProto histo = 5; }
  }
  repeated Value value = 1;
}
message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what { string file_version = 3; bytes graph_def = 4; Summary summary = 5; }
}
message NodeDef { string name = 1; string op = 2; repeated string input = 3; string device = 4; }
message GraphDef { repeated NodeDef node = 1; }
`;

/** TF's record framing: uint64 length, masked crc of the length, data, masked crc of the data. */
function records(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < buf.length; ) {
    const len = Number(buf.readBigUInt64LE(off));
    out.push(buf.subarray(off + 12, off + 12 + len));
    off += 12 + len + 4;
  }
  return out;
}

describe('the MNIST demo with --logdir', () => {
  it('writes the graph, per-step loss and accuracy, weight histograms and the test accuracy', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/mnist-mlp.ts', '--epochs', '1', '--batch-size', '250', '--logdir', dir],
      { cwd: root, timeout: 240_000 },
    );
    const printed = Number(/test accuracy (\d+\.\d+)%/.exec(stdout)![1]) / 100;
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.\d+\./);

    const types = protobuf.parse(PROTO).root;
    const Event = types.lookupType('tensorflow.Event');
    const events = records(readFileSync(path.join(dir, files[0]!))).map((r) => Event.toObject(Event.decode(r), { longs: Number, bytes: Buffer }) as {
      step?: number; fileVersion?: string; graphDef?: Buffer;
      summary?: { value: { tag: string; simpleValue?: number; histo?: { num: number; min: number; max: number; bucket: number[]; bucketLimit: number[] } }[] };
    });
    expect(events[0]!.fileVersion).toBe('brain.Event:2');

    const graphs = events.filter((e) => e.graphDef);
    expect(graphs).toHaveLength(1);
    const graph = types.lookupType('tensorflow.GraphDef').decode(graphs[0]!.graphDef!) as unknown as { node: { name: string; op: string }[] };
    const ops = new Map(graph.node.map((n) => [n.name, n.op]));
    expect(ops.get('x')).toBe('Placeholder');
    expect(ops.get('hidden/weights')).toBe('VariableV2');
    expect(ops.get('loss')).toBe('Add');

    const values = events.flatMap((e) => (e.summary?.value ?? []).map((v) => ({ step: e.step ?? 0, ...v })));
    const steps = Math.ceil(10000 / 250);
    for (const tag of ['train/loss', 'train/accuracy']) {
      const series = values.filter((v) => v.tag === tag);
      // logged with the global step read in the same run as the train op (before its increment)
      expect(series.map((v) => v.step)).toEqual(Array.from({ length: steps }, (_, i) => i));
      expect(series.every((v) => Number.isFinite(v.simpleValue))).toBe(true);
    }
    const loss = values.filter((v) => v.tag === 'train/loss').map((v) => v.simpleValue!);
    expect(loss[steps - 1]!).toBeLessThan(loss[0]! / 2);

    const histo = values.find((v) => v.tag === 'weights/hidden')!;
    expect(histo.step).toBe(steps);
    expect(histo.histo!.num).toBe(784 * 256);
    expect(histo.histo!.bucket.reduce((a, b) => a + b, 0)).toBe(784 * 256);
    expect(histo.histo!.bucket.length).toBe(histo.histo!.bucketLimit.length);
    expect(histo.histo!.min).toBeLessThan(0);
    expect(values.find((v) => v.tag === 'weights/output')!.histo!.num).toBe(2560);

    const test = values.find((v) => v.tag === 'test/accuracy')!;
    expect(test.simpleValue!).toBeCloseTo(printed, 4);
  }, 300_000);
});
