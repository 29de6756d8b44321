import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { decode } from '../../src/proto/codec.js';
import { type Event, EventT, type Summary, SummaryT } from '../../src/proto/summary.js';
import { GraphDefT, type GraphDef } from '../../src/proto/framework.js';
import { decodeRecords } from '../../src/io/records.js';
import { defaultBucketLimits } from '../../src/summary/histogram.js';
import { value as crc32c, unmask } from '../../src/checkpoint/crc32c.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-summary-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function runIn<T>(build: () => T): Promise<{ g: tf.Graph; out: T; sess: tf.Session }> {
  const g = new tf.Graph();
  const out = g.asDefault(build);
  return { g, out, sess: new tf.Session({ graph: g }) };
}
const summaryOf = (a: tf.NDArray): Summary => decode<Summary>(SummaryT, (a.data as unknown as Uint8Array[])[0]!);

describe('summary ops', () => {
  it('scalar: TF1 op names, tags (scopes, families, cleaned names) and values', async () => {
    const { g, out, sess } = await runIn(() => {
      const x = tf.placeholder(tf.float32, [], 'x');
      const a = tf.summary.scalar('loss', x);
      const b = tf.summary.scalar('loss', tf.multiply(x, 2));
      const c = tf.nameScope('layer', () => tf.summary.scalar('acc:top 1', x, { family: 'eval' }));
      return { x, a, b, c };
    });
    expect(out.a.op.name).toBe('loss');
    expect(out.a.op.type).toBe('ScalarSummary');
    expect(out.b.op.name).toBe('loss_1');
    expect(g.getOperationByName('loss/tags').type).toBe('Const');
    expect(out.c.op.name).toBe('layer/eval/acc_top_1');
    expect(g.getCollection(tf.GraphKeys.SUMMARIES)).toHaveLength(3);
    const [a, b, c] = (await sess.run([out.a, out.b, out.c], new Map([[out.x, 1.5]]))) as tf.NDArray[];
    expect(a!.dtype).toBe('string');
    expect(summaryOf(a!).value).toMatchObject([{ tag: 'loss', simpleValue: 1.5 }]);
    expect(summaryOf(b!).value[0]).toMatchObject({ tag: 'loss_1', simpleValue: 3 });
    expect(summaryOf(c!).value[0]!.tag).toBe('eval/layer/eval/acc_top_1');
    await sess.close();
  });

  it('histogram: TF1 bucket limits and counts; NaN is an error with TF text', async () => {
    const limits = defaultBucketLimits();
    // 774 limits from 1e-12 growing by 10 % below 1e20, then DBL_MAX; mirrored; 0 between
    expect(limits.length).toBe(1551);
    expect(limits[775]).toBe(0);
    expect(limits[776]).toBe(1e-12);
    expect(limits[777]).toBeCloseTo(1.1e-12, 25);
    expect(limits[1549]).toBeLessThan(1e20);
    expect(limits[1549]! * 1.1).toBeGreaterThanOrEqual(1e20);
    expect(limits[1550]).toBe(Number.MAX_VALUE);
    expect(limits[0]).toBe(-Number.MAX_VALUE);
    const { out, sess } = await runIn(() => {
      const x = tf.placeholder(tf.float32, [null], 'x');
      return { x, h: tf.summary.histogram('weights', x) };
    });
    const vals = new tf.NDArray(Float32Array.from([0.5, 0.5, 1, -2, 0]), [5]);
    const s = summaryOf((await sess.run(out.h, new Map([[out.x, vals]]))) as tf.NDArray);
    const h = s.value[0]!.histo!;
    expect(s.value[0]!.tag).toBe('weights');
    expect([h.min, h.max, h.num, h.sum, h.sumSquares]).toEqual([-2, 1, 5, 0, 5.5]);
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(5);
    // buckets cover [previous limit, limit); empty ones are folded into the non-empty one before
    const countAt = (v: number) => h.bucket[h.bucketLimit.findIndex((l) => l > v)];
    expect([countAt(-2), countAt(0), countAt(0.5), countAt(1)]).toEqual([1, 1, 2, 1]);
    expect(h.bucketLimit.at(-1)).toBe(Number.MAX_VALUE);
    expect(h.bucketLimit[0]).toBe(0); // -2's bucket runs on through the empty ones up to 0
    await expect(sess.run(out.h, new Map([[out.x, new tf.NDArray(Float32Array.from([1, NaN]), [2])]]))).rejects.toThrow('Nan in summary histogram for: weights');
    await sess.close();
  });

  it('image: PNG-encoded, float scaling as TF, max outputs and tags', async () => {
    const { out, sess } = await runIn(() => {
      const x = tf.placeholder(tf.float32, [null, 2, 2, 1], 'img');
      return { x, s: tf.summary.image('pics', x, 2) };
    });
    const px = new tf.NDArray(Float32Array.from([0, 0.5, 1, 2, -1, 0, 1, 0.5, 9, 9, 9, 9]), [3, 2, 2, 1]);
    const s = summaryOf((await sess.run(out.s, new Map([[out.x, px]]))) as tf.NDArray);
    expect(s.value.map((v) => v.tag)).toEqual(['pics/image/0', 'pics/image/1']);
    const decodePng = (png: Uint8Array): number[] => {
      expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const idat = Buffer.from(png).indexOf('IDAT');
      const len = new DataView(png.buffer, png.byteOffset).getUint32(idat - 4);
      const raw = inflateSync(png.subarray(idat + 4, idat + 4 + len));
      return [raw[1]!, raw[2]!, raw[4]!, raw[5]!];
    };
    const im0 = s.value[0]!.image!;
    expect([im0.height, im0.width, im0.colorspace]).toEqual([2, 2, 1]);
    // nonnegative: scaled by 255 / max = 127.5 and truncated
    expect(decodePng(im0.encodedImageString)).toEqual([0, 63, 127, 255]);
    // with negatives: 127 / max|v| then + 128
    expect(decodePng(s.value[1]!.image!.encodedImageString)).toEqual([1, 128, 255, 191]);
    await sess.close();
  });

  it('audio (WAV), text (tensor plugin) and merge / mergeAll', async () => {
    const { out, sess } = await runIn(() => {
      const a = tf.summary.audio('sound', tf.constant([[0, 0.5, -1, 1]]), 8000, 1);
      const t = tf.summary.text('notes', tf.constant(tf.NDArray.fromStrings(['hello'], [])));
      const s = tf.summary.scalar('s', tf.constant(2));
      return { a, t, s, merged: tf.summary.mergeAll()!, dup: tf.summary.merge([s, s]) };
    });
    expect(out.merged.op.name).toBe('Merge/MergeSummary');
    const [a, t, m] = (await sess.run([out.a, out.t, out.merged])) as tf.NDArray[];
    const au = summaryOf(a!).value[0]!;
    expect(au.tag).toBe('sound/audio');
    expect(au.audio).toMatchObject({ sampleRate: 8000, numChannels: 1, lengthFrames: 4, contentType: 'audio/wav' });
    const wav = au.audio!.encodedAudioString;
    expect(Buffer.from(wav.subarray(0, 4)).toString()).toBe('RIFF');
    // TF's EncodeAudioAsS16LEWav: x·2^15 rounded, clamped to int16 (so -1 is -32768, 1 clamps to 32767).
    expect(Array.from(new Int16Array(wav.slice(44).buffer))).toEqual([0, 16384, -32768, 32767]);
    const tv = summaryOf(t!).value[0]!;
    expect(tv.metadata!.pluginData!.pluginName).toBe('text');
    expect(new TextDecoder().decode(tv.tensor!.stringVal[0]!)).toBe('hello');
    expect(summaryOf(m!).value.map((v) => v.tag)).toEqual(['sound/audio', 'notes', 's']);
    await expect(sess.run(out.dup)).rejects.toThrow('Duplicate tag s found in summary inputs');
    await sess.close();
  });
});

describe('FileWriter', () => {
  it('writes TF record files whose every record checks out and decodes', async () => {
    const { g, out, sess } = await runIn(() => {
      const x = tf.placeholder(tf.float32, [], 'x');
      const w = new tf.Variable(tf.constant([1, 2, 3]), { name: 'w' });
      tf.summary.scalar('loss', x);
      tf.summary.histogram('w', w.value());
      return { x, merged: tf.summary.mergeAll()!, init: tf.globalVariablesInitializer() };
    });
    const dir = path.join(root, 'logs');
    const writer = new tf.summary.FileWriter(dir, g, { maxQueue: 2 });
    expect(path.basename(writer.filename)).toMatch(new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname()}$`));
    await sess.run(out.init);
    for (let step = 1; step <= 3; step++) {
      writer.addSummary((await sess.run(out.merged, new Map([[out.x, step / 2]]))) as tf.NDArray, step);
    }
    writer.addSessionLog(new tf.SessionLog({ status: tf.SessionLog.START }), 3);
    writer.close();
    const bytes = new Uint8Array(fs.readFileSync(writer.filename));
    // check the framing by hand too: length, masked crc of it, data, masked crc of data
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    expect(unmask(dv.getUint32(8, true))).toBe(crc32c(bytes.subarray(0, 8)));
    const events = decodeRecords(bytes).map((r) => decode<Event>(EventT, r));
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    const gd = decode<GraphDef>(GraphDefT, events[1]!.graphDef!);
    expect(gd.node.map((n) => n.name)).toContain('w');
    const scalars = events.filter((e) => e.summary).map((e) => [e.step, e.summary!.value.find((v) => v.tag === 'loss')!.simpleValue]);
    expect(scalars).toEqual([[1, 0.5], [2, 1], [3, 1.5]]);
    expect(events.filter((e) => e.summary).every((e) => e.summary!.value.find((v) => v.tag === 'w_1')!.histo!.num === 3)).toBe(true);
    expect(events.at(-1)!.sessionLog!.status).toBe(1);
    const bad = bytes.slice();
    bad[20]! ^= 1;
    expect(() => decodeRecords(bad)).toThrow(/corrupted record at/);
    await sess.close();
  });
});
