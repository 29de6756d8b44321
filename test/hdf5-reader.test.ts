/**
 * The HDF5 reader against files h5py 3.7 / libhdf5 1.10 wrote (test/fixtures/hdf5/make-fixtures.py):
 * the values below restate that script's formulas (ramp: arange(n) * scale + offset), and
 * malformed files (truncated, corrupted, with B-tree cycles or huge sizes) are DataLossErrors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { H5File, H5Group, KeyNotFound, type H5Value } from '../src/io/hdf5/index.js';

const dir = join(__dirname, 'fixtures', 'hdf5');
const open = (n: string): H5File => H5File.open(join(dir, n));
const ramp = (n: number, scale: number, offset: number): number[] => Array.from({ length: n }, (_, i) => i * scale + offset);
const vals = (v: H5Value | undefined): unknown[] => Array.from(v!.data as ArrayLike<unknown>);

describe('HDF5 reader: h5py defaults (superblock 0, object header 1, symbol tables)', () => {
  const f = open('basic.h5');
  it('reads the superblock and the root attributes of every kind', () => {
    expect(f.superblockVersion).toBe(0);
    expect(f.keys()).toEqual(['a', 'many', 'numbers', 'strings']);
    const a = f.attrs;
    expect(a.get('title')).toEqual({ kind: 'string', shape: [], data: ['basic fixture'] });
    expect(a.get('version')).toMatchObject({ kind: 'number', type: 'int32', shape: [], data: Int32Array.from([7]) });
    expect(vals(a.get('ratio'))).toEqual([0.25]);
    expect(a.get('fixed')).toEqual({ kind: 'string', shape: [], data: ['fixed-len'] });
    expect(a.get('names')).toEqual({ kind: 'string', shape: [3], data: ['alpha', 'be', 'gamma!'] });
    expect(a.get('vnames')).toEqual({ kind: 'string', shape: [2], data: ['one', 'three'] });
    expect(a.get('floats')).toMatchObject({ type: 'float32', shape: [3], data: Float32Array.from([1.5, -2, 3.25]) });
    expect(a.get('empty')).toMatchObject({ type: 'float64', shape: [0] });
    expect(vals(a.get('empty'))).toEqual([]);
  });
  it('reads every integer and float type in both byte orders', () => {
    const types: Record<string, string> = { i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32', i8: 'int64', u8: 'uint64', f4: 'float32', f8: 'float64' };
    for (const [code, name] of Object.entries(types)) {
      for (const order of ['le', 'be']) {
        const d = f.root.dataset(`numbers/${order}_${code}`);
        expect(d.dtype).toBe(name);
        expect(d.shape).toEqual([2, 3]);
        const v = d.read();
        expect(v.shape).toEqual([2, 3]);
        expect(vals(v)).toEqual(ramp(6, 1, 'if'.includes(code[0]!) ? -2 : 0));
      }
    }
    // float16 bit patterns of 0.5, -1.0, 65504: 0x3800, 0xbc00, 0x7bff
    expect(vals(f.root.dataset('numbers/f2').read())).toEqual([0x3800, 0xbc00, 0x7bff]);
    expect(f.root.dataset('numbers/scalar').read()).toMatchObject({ shape: [], data: Float64Array.from([3.5]) });
    const big = f.root.dataset('/numbers/big');
    expect(vals(big.read())).toEqual(ramp(1000, 0.5, 0));
    expect(big.attrs.get('units')!.data).toEqual(['m/s']);
  });
  it('reads fixed- and variable-length string datasets, nested groups and many-node groups', () => {
    expect(f.root.dataset('strings/fixed').read()).toEqual({ kind: 'string', shape: [3], data: ['ab', 'cde', 'f'] });
    expect(f.root.dataset('strings/vlen').read()).toEqual({ kind: 'string', shape: [3], data: ['x', 'hello', 'ümlaut'] });
    expect(vals(f.get('a/b/c/leaf') instanceof H5Group ? undefined : (f.get('a/b/c/leaf') as { read(): H5Value }).read())).toEqual([1, 2, 3]);
    const many = f.root.group('many');
    expect(many.keys()).toEqual(ramp(40, 1, 0).map((i) => `d${String(i).padStart(2, '0')}`));
    for (let i = 0; i < 40; i++) expect(vals(many.dataset(`d${String(i).padStart(2, '0')}`).read())).toEqual([i]);
    expect(f.has('a/b')).toBe(true);
    expect(f.has('a/x')).toBe(false);
    expect(() => f.get('a/x')).toThrow(KeyNotFound);
    expect(() => f.root.dataset('a')).toThrow(/is a group, not a dataset/);
  });
});

describe('HDF5 reader: layouts and filters', () => {
  it('reads compact and zero-sized datasets', () => {
    const f = open('compact.h5');
    expect(vals(f.root.dataset('compact').read())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(f.root.dataset('empty').read()).toMatchObject({ shape: [0, 3], data: new Float32Array(0) });
  });
  it('reads chunked datasets with partial edge chunks, deflate and shuffle', () => {
    const f = open('chunked.h5');
    expect(f.root.dataset('plain').read()).toMatchObject({ type: 'int32', shape: [7, 5] });
    expect(vals(f.root.dataset('plain').read())).toEqual(ramp(35, 3, -10));
    expect(vals(f.root.dataset('gzip').read())).toEqual(ramp(260, 0.125, -1));
    expect(vals(f.root.dataset('shuffle_gzip').read())).toEqual(ramp(33, 1000, -5000));
    expect(vals(f.root.dataset('shuffle_only').read())).toEqual(ramp(24, 0.5, 1));
    expect(vals(f.root.dataset('many_chunks').read())).toEqual(ramp(300, 1, -150));
  });
});

describe('HDF5 reader: libver="latest" (superblock 3, object header 2, link messages)', () => {
  it('reads groups, datasets and attributes', () => {
    const f = open('latest.h5');
    expect(f.superblockVersion).toBe(3);
    expect(f.keys()).toEqual(['grp', 'top']);
    expect(f.attrs.get('kind')!.data).toEqual(['latest']);
    expect(vals(f.attrs.get('count'))).toEqual([3]);
    expect(f.root.group('grp').attrs.get('note')!.data).toEqual(['v2 header']);
    expect(vals(f.root.dataset('grp/x').read())).toEqual(ramp(12, 0.5, 0));
    expect(vals(f.root.dataset('grp/y').read())).toEqual([7, 8, 9]);
    expect(vals(f.root.dataset('top').read())).toEqual([1, 2]);
  });
});

/** Reads every object and attribute of a file (each object once: HDF5 allows hard links to an ancestor). */
function walk(f: H5File): void {
  const seen = new Set<number>();
  const visit = (g: H5Group): void => {
    if (seen.has(g.addr)) return;
    seen.add(g.addr);
    void g.attrs;
    for (const k of g.keys()) {
      const c = g.get(k);
      if (c instanceof H5Group) visit(c);
      else {
        void c.attrs;
        c.read();
      }
    }
  };
  visit(f.root);
}

/** Whether err is one of the errors a bad file may raise. */
function isFileError(e: unknown): boolean {
  return e instanceof tf.errors.DataLossError || e instanceof tf.errors.UnimplementedError || e instanceof KeyNotFound;
}

describe('HDF5 reader: malformed files', () => {
  const bytes = (n: string): Uint8Array => new Uint8Array(readFileSync(join(dir, n)));
  it('rejects a file without the signature, naming it', () => {
    expect(() => H5File.fromBytes(new TextEncoder().encode('not hdf5 at all'), 'x.h5')).toThrow(tf.errors.DataLossError);
    expect(() => H5File.fromBytes(new TextEncoder().encode('not hdf5 at all'), 'x.h5')).toThrow(/x\.h5: not an HDF5 file/);
  });
  it('a truncated file fails with a DataLossError naming the file', () => {
    for (const name of ['basic.h5', 'chunked.h5', 'latest.h5', 'keras-model.h5']) {
      const b = bytes(name);
      let failures = 0;
      for (let cut = 0; cut < b.length; cut += Math.max(1, Math.floor(b.length / 97))) {
        try {
          walk(H5File.fromBytes(b.subarray(0, cut), `cut-${name}`));
        } catch (e) {
          if (!(e instanceof tf.errors.DataLossError)) throw e;
          expect((e as Error).message).toContain(`cut-${name}`);
          failures++;
        }
      }
      expect(failures).toBeGreaterThan(90);
    }
  });
  it('corrupted bytes give file errors, never crashes', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const name of ['basic.h5', 'chunked.h5', 'latest.h5', 'compact.h5']) {
      const orig = bytes(name);
      for (let t = 0; t < 150; t++) {
        const b = orig.slice();
        for (let k = 0; k < 4; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
        try {
          walk(H5File.fromBytes(b, name));
        } catch (e) {
          if (!isFileError(e)) throw e;
        }
      }
    }
  });
  it('a B-tree whose node points at itself is a cycle, not a loop', () => {
    const b = bytes('basic.h5');
    const f = H5File.fromBytes(b, 'cyc.h5');
    // the 'many' group's symbol-table message: B-tree address first
    const many = f.root.group('many');
    const msg = (many as unknown as { messages: { type: number; off: number }[] }).messages.find((m) => m.type === 0x11)!;
    const dv = new DataView(b.buffer, b.byteOffset);
    const tree = Number(dv.getBigUint64(msg.off, true));
    expect(new TextDecoder().decode(b.subarray(tree, tree + 4))).toBe('TREE');
    b[tree + 5] = 1; // level 1: children are B-tree nodes
    dv.setBigUint64(tree + 8 + 16 + 8, BigInt(tree), true); // first child -> the node itself
    expect(() => H5File.fromBytes(b, 'cyc.h5').root.group('many').keys()).toThrow(/cyc\.h5: .*reached twice \(a cycle\)/);
  });
  it('a dataspace declaring a huge size fails before allocating', () => {
    const b = bytes('basic.h5');
    const f = H5File.fromBytes(b, 'huge.h5');
    const d = f.root.dataset('numbers/big');
    const msg = (d as unknown as { messages: { type: number; off: number }[] }).messages.find((m) => m.type === 0x01)!;
    const dv = new DataView(b.buffer, b.byteOffset);
    dv.setBigUint64(msg.off + 8, 1n << 40n, true);
    expect(() => H5File.fromBytes(b, 'huge.h5').root.dataset('numbers/big').read()).toThrow(/huge\.h5: .*(declares|too many)/);
    dv.setBigUint64(msg.off + 8, 1000n, true);
    expect(() => H5File.fromBytes(b, 'huge.h5').root.dataset('numbers/big').read()).toThrow(/huge\.h5: .*outside the file|holds/);
  });
  it('a missing file is a NotFoundError', () => {
    expect(() => H5File.open(join(dir, 'nope.h5'))).toThrow(tf.errors.NotFoundError);
  });
});
