/**
 * Keras's HDF5 formats: weight and model files laid out as TF 1.15's hdf5_format.py lays them
 * out (fixtures written with h5py by test/fixtures/hdf5/make-fixtures.py), loaded by layer order
 * or by name, with TF's ValueError texts; files tsflow saves read back here and, where
 * /usr/bin/python3 has h5py, by h5py.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';
import { H5File } from '../src/io/hdf5/index.js';

const fx = join(__dirname, 'fixtures', 'hdf5');
const dir = mkdtempSync(join(tmpdir(), 'h5k-'));
const PY = '/usr/bin/python3';
const hasH5py = existsSync(PY) && spawnSync(PY, ['-c', 'import h5py'], { encoding: 'utf8' }).status === 0;
const ramp = (n: number, scale: number, offset: number): number[] => Array.from({ length: n }, (_, i) => Math.fround(i * scale + offset));
// the fixture's weights (make-fixtures.py: K1, B1, K2, B2), as float32
const K1 = ramp(12, 0.1, -0.5);
const B1 = [0.01, 0.02, 0.03].map(Math.fround);
const K2 = ramp(6, -0.25, 0.75);
const B2 = [-1, 1];

function makeModel(units1 = 3): tf.keras.Sequential {
  tf.keras.backend.clearSession();
  return new tf.keras.Sequential([
    new tf.keras.layers.Dense(units1, { activation: 'relu', inputShape: [4] }),
    new tf.keras.layers.Dropout(0.5),
    new tf.keras.layers.Dense(2),
  ]);
}
const flat = (a: { data: ArrayLike<number> }): number[] => Array.from(a.data);
const close = (a: number[], b: number[]): void => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 5));
};
/** The fixture model's output for x (numpy's relu(x K1 + B1) K2 + B2, by hand). */
function expected(x: number[][]): number[] {
  const out: number[] = [];
  for (const row of x) {
    const h = [0, 1, 2].map((j) => Math.max(0, row.reduce((s, v, i) => s + v * K1[i * 3 + j]!, B1[j]!)));
    for (const j of [0, 1]) out.push(h.reduce((s, v, i) => s + v * K2[i * 2 + j]!, B2[j]!));
  }
  return out;
}

describe('keras HDF5 weights', () => {
  for (const name of ['keras-weights.h5', 'keras-weights-fixed.h5', 'keras-model.h5']) {
    it(`loads ${name} by layer order (the dropout without weights skipped)`, async () => {
      const m = makeModel();
      await m.loadWeights(join(fx, name));
      const w = await m.getWeights();
      expect(w.map((a) => a.shape)).toEqual([[4, 3], [3], [3, 2], [2]]);
      close(flat(w[0]!), K1);
      close(flat(w[1]!), B1);
      close(flat(w[2]!), K2);
      close(flat(w[3]!), B2);
      const x = [[1, 2, 3, 4], [-1, 0.5, 2, -3]];
      close(flat(await m.predict(new tf.NDArray(Float32Array.from(x.flat()), [2, 4], 'float32')) as never), expected(x));
    });
  }

  it('reports TF\'s ValueErrors for layer-count and shape mismatches', async () => {
    tf.keras.backend.clearSession();
    const one = new tf.keras.Sequential([new tf.keras.layers.Dense(3, { inputShape: [4] })]);
    await expect(one.loadWeights(join(fx, 'keras-weights.h5'))).rejects.toThrow('You are trying to load a weight file containing 2 layers into a model with 1 layers.');
    const wide = makeModel(5);
    await expect(wide.loadWeights(join(fx, 'keras-weights.h5'))).rejects.toThrow(/Shapes \(4, 5\) and \(4, 3\) are incompatible/);
    await expect(wide.loadWeights(join(fx, 'keras-weights.h5'), { byName: true })).rejects.toThrow(
      'Layer #0 (named "dense"), weight dense/kernel:0 has shape (4, 5), but the saved weight has shape (4, 3).',
    );
    tf.keras.backend.clearSession();
    const noBias = new tf.keras.Sequential([new tf.keras.layers.Dense(3, { inputShape: [4], useBias: false }), new tf.keras.layers.Dense(2)]);
    await expect(noBias.loadWeights(join(fx, 'keras-weights.h5'))).rejects.toThrow(
      'Layer #0 (named "dense" in the current model) was found to correspond to layer dense in the save file. However the new layer dense expects 1 weights, but the saved weights have 2 elements.',
    );
  });

  it('byName loads matching names only; skipMismatch skips mismatched layers', async () => {
    tf.keras.backend.clearSession();
    const m = new tf.keras.Sequential([new tf.keras.layers.Dense(3, { inputShape: [4], name: 'other' }), new tf.keras.layers.Dense(2, { name: 'dense_1' })]);
    const before = await m.getWeights();
    await m.loadWeights(join(fx, 'keras-weights.h5'), { byName: true });
    const w = await m.getWeights();
    expect(flat(w[0]!)).toEqual(flat(before[0]!));
    close(flat(w[2]!), K2);
    close(flat(w[3]!), B2);
    const wide = makeModel(5);
    const b2 = await wide.getWeights();
    await wide.loadWeights(join(fx, 'keras-weights.h5'), { byName: true, skipMismatch: true });
    const w2 = await wide.getWeights();
    expect(flat(w2[0]!)).toEqual(flat(b2[0]!)); // kernel (4,5) vs (4,3): skipped
    expect(flat(w2[1]!)).toEqual(flat(b2[1]!)); // bias (5,) vs (3,): skipped
    expect(flat(w2[2]!)).toEqual(flat(b2[2]!)); // dense_1 kernel (5, 2) vs (3, 2): skipped
    close(flat(w2[3]!), B2); // dense_1 bias (2,): loaded
  });

  it('saveWeights to .h5 writes the Keras layout and loads back', async () => {
    const m = makeModel();
    await m.loadWeights(join(fx, 'keras-model.h5'));
    const p = join(dir, 'w.h5');
    await m.saveWeights(p);
    const f = H5File.open(p);
    expect(f.attrs.get('layer_names')!.data).toEqual(['dense', 'dropout', 'dense_1']);
    expect(f.attrs.get('keras_version')!.data).toEqual(['2.2.4-tf']);
    expect(f.attrs.get('backend')!.data).toEqual(['tensorflow']);
    expect(f.root.group('dense').attrs.get('weight_names')!.data).toEqual(['dense/kernel:0', 'dense/bias:0']);
    expect(f.root.group('dropout').attrs.get('weight_names')!.shape).toEqual([0]);
    close(flat(f.root.dataset('dense_1/dense_1/kernel:0').read() as never), K2);
    const m2 = makeModel();
    await m2.loadWeights(p);
    close(flat((await m2.getWeights())[0]!), K1);
  });
});

describe('keras HDF5 models', () => {
  it('loadModel rebuilds the fixture model, its weights and its compile()', async () => {
    tf.keras.backend.clearSession();
    const m = await tf.keras.models.loadModel(join(fx, 'keras-model.h5'));
    expect(m.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'dense_1']);
    const x = [[0.5, -1, 2, 1]];
    close(flat(await m.predict(new tf.NDArray(Float32Array.from(x.flat()), [1, 4], 'float32')) as never), expected(x));
    const opt = m.optimizer as { getConfig(): Record<string, unknown> };
    expect(opt.getConfig()).toMatchObject({ name: 'SGD', learningRate: 0.05, momentum: 0.9, nesterov: false });
    const ev = await m.evaluate(new tf.NDArray(Float32Array.from(x.flat()), [1, 4], 'float32'), new tf.NDArray(Float32Array.from([0, 0]), [1, 2], 'float32'), { verbose: 0 });
    const y = expected(x);
    expect(Number(Array.isArray(ev) ? ev[0] : ev)).toBeCloseTo((y[0]! ** 2 + y[1]! ** 2) / 2, 5);
  });

  it('model.save / loadModel round trip, with and without the optimizer', async () => {
    const m = makeModel();
    m.compile({ optimizer: new tf.keras.optimizers.Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
    await m.loadWeights(join(fx, 'keras-weights.h5'));
    const p = join(dir, 'm.h5');
    await m.save(p);
    const f = H5File.open(p);
    expect(JSON.parse(f.attrs.get('model_config')!.data[0] as string).class_name).toBe('Sequential');
    const tc = JSON.parse(f.attrs.get('training_config')!.data[0] as string);
    expect(tc).toMatchObject({ loss: 'mse', metrics: ['mae'], optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.01 } } });
    const back = await tf.keras.models.loadModel(p);
    close(flat((await back.getWeights())[2]!), K2);
    expect((back.optimizer as { getConfig(): Record<string, unknown> }).getConfig()).toMatchObject({ name: 'Adam', learningRate: 0.01 });
    const p2 = join(dir, 'm2.h5');
    await tf.keras.models.saveModel(m, p2, { includeOptimizer: false });
    expect(H5File.open(p2).attrs.has('training_config')).toBe(false);
    const uncompiled = await tf.keras.models.loadModel(p2, { compile: false });
    expect(uncompiled.optimizer).toBe(null);
    await expect(tf.keras.models.saveModel(m, p2, { saveFormat: 'tf' })).rejects.toThrow(/not supported/);
  });

  it.skipIf(!hasH5py)('h5py reads the files tsflow saves in the Keras layout (skipped where /usr/bin/python3 lacks h5py)', async () => {
    const m = makeModel();
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await m.loadWeights(join(fx, 'keras-weights.h5'));
    const p = join(dir, 'py.h5');
    await m.save(p);
    const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
w = f['model_weights']
names = [n.decode('utf8') for n in w.attrs['layer_names']]
out = {'names': names, 'cfg': json.loads(f.attrs['model_config'].decode('utf8'))['class_name'],
       'weights': {n: [x.decode('utf8') for x in w[n].attrs['weight_names']] for n in names},
       'k2': w['dense_1']['dense_1/kernel:0'][()].astype(float).ravel().tolist(), 'kv': f.attrs['keras_version'].decode('utf8')}
print(json.dumps(out))
`;
    const r = spawnSync(PY, ['-c', script, p], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const o = JSON.parse(r.stdout);
    expect(o.names).toEqual(['dense', 'dropout', 'dense_1']);
    expect(o.cfg).toBe('Sequential');
    expect(o.kv).toBe('2.2.4-tf');
    expect(o.weights).toEqual({ dense: ['dense/kernel:0', 'dense/bias:0'], dropout: [], dense_1: ['dense_1/kernel:0', 'dense_1/bias:0'] });
    close(o.k2, K2);
  });

  it('splits long name lists over layer_names0, layer_names1, ... and reads them back', async () => {
    const { saveAttributesToHdf5Group, loadAttributesFromHdf5Group } = await import('../src/keras/hdf5-format.js');
    const { H5WriteGroup, encodeHdf5 } = await import('../src/io/hdf5/index.js');
    const g = new H5WriteGroup();
    const names = Array.from({ length: 400 }, (_, i) => `layer_${String(i).padStart(4, '0')}_${'x'.repeat(180)}`);
    saveAttributesToHdf5Group(g, 'layer_names', names);
    // 400 names of 191 bytes = 76400 > 64512: np.array_split into 2 chunks of 200
    expect([...g.attrs.keys()]).toEqual(['layer_names0', 'layer_names1']);
    const f = H5File.fromBytes(encodeHdf5(g), 'names.h5');
    expect(loadAttributesFromHdf5Group(f.root, 'layer_names')).toEqual(names);
    expect(() => saveAttributesToHdf5Group(g, 'x', ['y'.repeat(70000)])).toThrow(/larger than 64512 bytes/);
  });
});
