/**
 * The HDF5 writer: files it writes read back through tsflow's reader and, where /usr/bin/python3
 * has h5py, through h5py (libhdf5) itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { H5File, H5WriteGroup, encodeHdf5, writeHdf5 } from '../src/io/hdf5/index.js';

const dir = mkdtempSync(join(tmpdir(), 'h5w-'));
const PY = '/usr/bin/python3';
const hasH5py = existsSync(PY) && spawnSync(PY, ['-c', 'import h5py'], { encoding: 'utf8' }).status === 0;

function sample(): H5WriteGroup {
  const root = new H5WriteGroup();
  root.attrs.set('keras_version', '2.2.4-tf');
  root.attrs.set('names', ['dense', 'dropout', 'dense_1', 'ü']);
  root.attrs.set('empty', []);
  root.attrs.set('ratio', 0.75);
  root.attrs.set('ints', { kind: 'number', type: 'int32', shape: [3], data: Int32Array.from([1, -2, 3]) });
  root.createGroup('nothing');
  const many = root.createGroup('many');
  for (let i = 0; i < 700; i++) many.createDataset(`x${i}`, { kind: 'number', type: 'float32', shape: [2], data: Float32Array.from([i, -i / 4]) });
  root.createDataset('w/dense/kernel:0', { kind: 'number', type: 'float32', shape: [2, 3], data: Float32Array.from([0.5, -1, 2, 3, 4.25, -5]) });
  root.createDataset('i64', { kind: 'number', type: 'int64', shape: [2, 2], data: Float64Array.from([1, 2, -3, 2 ** 40]) });
  root.createDataset('u8', { kind: 'number', type: 'uint8', shape: [3], data: Uint8Array.from([0, 128, 255]) });
  root.createDataset('f16', { kind: 'number', type: 'float16', shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) });
  root.createDataset('strs', { kind: 'string', shape: [2], data: ['xy', 'z'] });
  root.createDataset('none', { kind: 'number', type: 'float64', shape: [0, 4], data: new Float64Array(0) });
  root.createDataset('scalar', 2.5).attrs.set('unit', 'kg');
  return root;
}

describe('HDF5 writer', () => {
  it('writes what the reader reads back', () => {
    const f = H5File.fromBytes(encodeHdf5(sample()), 'mem.h5');
    expect(f.superblockVersion).toBe(0);
    expect(f.keys()).toEqual(['f16', 'i64', 'many', 'none', 'nothing', 'scalar', 'strs', 'u8', 'w']);
    expect(f.attrs.get('keras_version')).toEqual({ kind: 'string', shape: [], data: ['2.2.4-tf'] });
    expect(f.attrs.get('names')!.data).toEqual(['dense', 'dropout', 'dense_1', 'ü']);
    expect(f.attrs.get('empty')).toMatchObject({ type: 'float64', shape: [0] });
    expect(Array.from(f.attrs.get('ints')!.data as Int32Array)).toEqual([1, -2, 3]);
    expect(f.root.group('many').keys().length).toBe(700);
    for (const i of [0, 7, 8, 255, 256, 699]) expect(Array.from(f.root.dataset(`many/x${i}`).read().data as Float32Array)).toEqual([i, -i / 4]);
    expect(f.root.dataset('w/dense/kernel:0').read()).toMatchObject({ type: 'float32', shape: [2, 3], data: Float32Array.from([0.5, -1, 2, 3, 4.25, -5]) });
    expect(Array.from(f.root.dataset('i64').read().data as Float64Array)).toEqual([1, 2, -3, 2 ** 40]);
    expect(Array.from(f.root.dataset('u8').read().data as Uint8Array)).toEqual([0, 128, 255]);
    expect(f.root.dataset('strs').read().data).toEqual(['xy', 'z']);
    expect(f.root.dataset('none').read().shape).toEqual([0, 4]);
    expect(f.root.dataset('scalar').attrs.get('unit')!.data).toEqual(['kg']);
    expect(f.root.group('nothing').keys()).toEqual([]);
  });

  it('refuses names taken and attributes too large for an object header message', () => {
    const g = new H5WriteGroup();
    g.createDataset('a', 1);
    expect(() => g.createDataset('a', 2)).toThrow(/name already exists/);
    expect(() => g.createGroup('a/b')).toThrow(/"a" is a dataset/);
    g.attrs.set('big', Array.from({ length: 2000 }, () => 'x'.repeat(40)));
    expect(() => encodeHdf5(g)).toThrow(/attribute "big" of \/.*65535/);
  });

  it.skipIf(!hasH5py)('h5py reads the files back (skipped where /usr/bin/python3 lacks h5py)', () => {
    const p = join(dir, 'sample.h5');
    writeHdf5(p, sample());
    const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
def conv(v):
    if hasattr(v, 'tolist'): v = v.tolist()
    if isinstance(v, bytes): return v.decode('utf8')
    if isinstance(v, list): return [conv(x) for x in v]
    return v
out = {'keys': list(f.keys()), 'attrs': {k: conv(f.attrs[k]) for k in f.attrs},
       'dtypes': {k: str(f[k].dtype) for k in ['f16', 'i64', 'u8', 'strs', 'none', 'scalar']},
       'kernel': conv(f['w/dense/kernel:0'][()]), 'i64': conv(f['i64'][()]), 'u8': conv(f['u8'][()]),
       'f16': conv(f['f16'][()]), 'strs': conv(f['strs'][()]), 'none': list(f['none'].shape),
       'scalar': conv(f['scalar'][()]), 'unit': conv(f['scalar'].attrs['unit']), 'many': len(f['many']),
       'x699': conv(f['many/x699'][()]), 'nothing': list(f['nothing'].keys())}
print(json.dumps(out))
`;
    const r = spawnSync(PY, ['-c', script, p], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const o = JSON.parse(r.stdout);
    expect(o.keys).toEqual(['f16', 'i64', 'many', 'none', 'nothing', 'scalar', 'strs', 'u8', 'w']);
    expect(o.attrs).toEqual({ keras_version: '2.2.4-tf', names: ['dense', 'dropout', 'dense_1', 'ü'], empty: [], ratio: 0.75, ints: [1, -2, 3] });
    expect(o.dtypes).toEqual({ f16: 'float16', i64: 'int64', u8: 'uint8', strs: '|S2', none: 'float64', scalar: 'float64' });
    expect(o.kernel).toEqual([[0.5, -1, 2], [3, 4.25, -5]]);
    expect(o.i64).toEqual([[1, 2], [-3, 2 ** 40]]);
    expect(o.u8).toEqual([0, 128, 255]);
    expect(o.f16).toEqual([1, -2]);
    expect(o.strs).toEqual(['xy', 'z']);
    expect(o.none).toEqual([0, 4]);
    expect(o.scalar).toBe(2.5);
    expect(o.unit).toBe('kg');
    expect(o.many).toBe(700);
    expect(o.x699).toEqual([699, -699 / 4]);
    expect(o.nothing).toEqual([]);
  });
});
