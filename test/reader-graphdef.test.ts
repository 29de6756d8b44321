/**
 * Readers in a GraphDef: the reader ops carry TF's attrs (FixedLengthRecordReaderV2's byte counts
 * and encoding, TextLineReaderV2's skip_header_lines, TFRecordReaderV2's compression_type) and
 * their users (ReaderReadV2 & co.) none, so a graph with a reader is written by a FileWriter
 * (as MonitoredTrainingSession's summary hook does) and by tf.train.writeGraph.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

const dir = mkdtempSync(join(tmpdir(), 'tsflow-reader-graphdef-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reader ops in a GraphDef', () => {
  it("carry TF's attrs; the graph is written by a FileWriter and writeGraph", () => {
    const g = new tf.Graph();
    g.asDefault(() => {
      const q = tf.train.stringInputProducer(['a.bin']);
      const fixed = new tf.FixedLengthRecordReader({ recordBytes: 3073, headerBytes: 2, footerBytes: 1, hopBytes: 0, name: 'fixed' });
      fixed.read(q, 'read_fixed');
      fixed.readUpTo(q, 4, 'read_up_to');
      fixed.numRecordsProduced('produced');
      fixed.reset('reset');
      new tf.TextLineReader({ skipHeaderLines: 1, name: 'lines' }).read(q, 'read_lines');
      new tf.TFRecordReader({ name: 'records', options: new tf.io.TFRecordOptions('GZIP') }).read(q, 'read_records');
      new tf.WholeFileReader({ name: 'whole' }).read(q, 'read_whole');
    });
    const gd = g.asGraphDef();
    const node = (name: string) => gd.node.find((n) => n.name === name)!;
    const fixed = node('fixed');
    expect(fixed.op).toBe('FixedLengthRecordReaderV2');
    expect([fixed.attr.record_bytes!.i, fixed.attr.header_bytes!.i, fixed.attr.footer_bytes!.i, fixed.attr.hop_bytes!.i].map(Number)).toEqual([3073, 2, 1, 0]);
    expect(new TextDecoder().decode(fixed.attr.encoding!.s)).toBe('');
    expect(Object.keys(fixed.attr).sort()).toEqual(['container', 'encoding', 'footer_bytes', 'header_bytes', 'hop_bytes', 'record_bytes', 'shared_name']);
    expect(Number(node('lines').attr.skip_header_lines!.i)).toBe(1);
    expect(new TextDecoder().decode(node('records').attr.compression_type!.s)).toBe('GZIP');
    expect(Object.keys(node('whole').attr).sort()).toEqual(['container', 'shared_name']);
    for (const [name, op] of [['read_fixed', 'ReaderReadV2'], ['read_up_to', 'ReaderReadUpToV2'], ['produced', 'ReaderNumRecordsProducedV2'], ['reset', 'ReaderResetV2'], ['read_lines', 'ReaderReadV2']]) {
      expect(node(name!).op).toBe(op);
      expect(Object.keys(node(name!).attr).filter((k) => !k.startsWith('_'))).toEqual([]);
      expect(node(name!).input[0]).toBe(name!.startsWith('read_lines') ? 'lines' : 'fixed');
    }
    const w = new tf.summary.FileWriter(join(dir, 'logs'), g);
    w.close();
    expect(readdirSync(join(dir, 'logs')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    tf.train.writeGraph(g, dir, 'graph.pbtxt');
    expect(readdirSync(dir)).toContain('graph.pbtxt');
  });
});
