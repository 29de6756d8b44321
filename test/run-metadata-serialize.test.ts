/** tf.RunMetadata serializes as TF's RunMetadata proto, so FileWriter.addRunMetadata takes it. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { decodeRecords } from '../src/io/records.js';
import { decode } from '../src/proto/codec.js';
import { type Event, EventT, RunMetadataT, type StepStats } from '../src/proto/summary.js';

describe('RunMetadata.serialize', () => {
  it("a traced run's step stats reach the event file through FileWriter.addRunMetadata", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsflow-runmeta-'));
    try {
      const g = new tf.Graph();
      const { x, y } = g.asDefault(() => {
        const x = tf.placeholder(tf.float32, [2, 2], 'x');
        return { x, y: tf.matmul(x, x, { name: 'square' }) };
      });
      const sess = new tf.Session({ graph: g });
      const md = new tf.RunMetadata();
      await sess.run(y, new Map([[x, [[1, 2], [3, 4]]]]), new tf.RunOptions({ traceLevel: tf.RunOptions.FULL_TRACE }), md);
      await sess.close();
      const w = new tf.summary.FileWriter(dir);
      w.addRunMetadata(md, 'step001', 7);
      w.close();
      const events = decodeRecords(readFileSync(path.join(dir, readdirSync(dir)[0]!))).map((r) => decode<Event>(EventT, r));
      const tagged = events.find((e) => e.taggedRunMetadata)!;
      expect(tagged.taggedRunMetadata!.tag).toBe('step001');
      expect(Number(tagged.step)).toBe(7);
      const back = decode<{ stepStats: StepStats }>(RunMetadataT, tagged.taggedRunMetadata!.runMetadata);
      const nodes = back.stepStats.devStats.flatMap((d) => d.nodeStats.map((n) => n.nodeName));
      expect(nodes).toContain('square');
      expect(back.stepStats.devStats[0]!.device).toMatch(/device:CPU:0$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
