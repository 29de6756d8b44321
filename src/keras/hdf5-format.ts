/**
 * Keras's HDF5 formats (TF 1.15 tensorflow/python/keras/saving/hdf5_format.py): weight files of
 * `model.save_weights('w.h5')` and whole-model files of `model.save('m.h5')`.
 *
 * Layout: the root (or a model file's `model_weights` group) holds the attributes `layer_names`,
 * `backend` and `keras_version`; each layer has a group with the attribute `weight_names` and a
 * dataset at `<layer>/<weight name>` (`dense/dense/kernel:0`). Name lists larger than an object
 * header message holds are split over `layer_names0`, `layer_names1`, ... A model file adds the
 * root attributes `model_config` (the model's JSON) and, with the optimizer, `training_config`.
 *
 * Gap: the optimizer's slot values (TF's `optimizer_weights` group) are neither written nor read:
 * a model loaded with its training config is compiled afresh, its optimizer's state starting anew.
 */
import { ValueError } from '../errors.js';
import { H5Dataset, H5File, H5Group, H5WriteGroup, encodeHdf5, type H5NumberType, type H5Value } from '../io/hdf5/index.js';
import { NDArray } from '../ndarray.js';
import { fs } from '../platform/node-builtins.js';
import type { Variable } from '../ops/variables.js';
import type { DType } from '../dtype.js';
import { getSession, initializeVariables } from './backend.js';
import { conform } from './data-utils.js';
import type { KerasLayer } from './layer-utils.js';
import type { Model } from './engine.js';
import { modelFromJson } from './models.js';
import { KerasOptimizer, deserialize as deserializeOptimizer } from './optimizers.js';

/** Keras's limit on one attribute's bytes (HDF5_OBJECT_HEADER_LIMIT). */
export const HDF5_OBJECT_HEADER_LIMIT = 64512;
const KERAS_VERSION = '2.2.4-tf';

/** Whether Keras picks HDF5 for `filepath` (`.h5`, `.hdf5`, `.keras`). */
export function isHdf5Path(filepath: string): boolean {
  return /\.(h5|hdf5|keras)$/.test(filepath);
}

const utf8Len = (s: string): number => new TextEncoder().encode(s).length;

/** `save_attributes_to_hdf5_group`: `data` under `name`, or split over `name0`, `name1`, ... */
export function saveAttributesToHdf5Group(group: H5WriteGroup, name: string, data: string[]): void {
  const bad = data.filter((x) => utf8Len(x) > HDF5_OBJECT_HEADER_LIMIT);
  if (bad.length) {
    throw new ValueError(`The following attributes cannot be saved to HDF5 file because they are larger than ${HDF5_OBJECT_HEADER_LIMIT} bytes: ${bad.join(', ')}`);
  }
  // numpy's array of bytes: every element as long as the longest; np.array_split's chunks
  const itemsize = Math.max(1, ...data.map(utf8Len));
  let numChunks = 1;
  const split = (n: number): string[][] => {
    const out: string[][] = [];
    const base = Math.floor(data.length / n);
    const extra = data.length % n;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const len = base + (i < extra ? 1 : 0);
      out.push(data.slice(at, at + len));
      at += len;
    }
    return out;
  };
  let chunks = split(1);
  while (chunks.some((c) => c.length * itemsize > HDF5_OBJECT_HEADER_LIMIT)) chunks = split(++numChunks);
  if (numChunks > 1) chunks.forEach((c, i) => group.attrs.set(`${name}${i}`, c));
  else group.attrs.set(name, data);
}

function stringList(v: H5Value, name: string, file: string): string[] {
  if (v.kind === 'string') return [...v.data];
  if (v.data.length === 0) return []; // numpy's asarray([]): float64 of shape (0,)
  throw new ValueError(`${file}: attribute "${name}" holds numbers, not names`);
}

/** `load_attributes_from_hdf5_group`: the names under `name`, or gathered from `name0`, `name1`, ... */
export function loadAttributesFromHdf5Group(group: H5Group, name: string): string[] {
  const a = group.attrs;
  const v = a.get(name);
  if (v) return stringList(v, name, group.filename);
  const data: string[] = [];
  for (let i = 0; a.has(`${name}${i}`); i++) data.push(...stringList(a.get(`${name}${i}`)!, `${name}${i}`, group.filename));
  return data;
}

const H5_OF_DTYPE: Partial<Record<DType, H5NumberType>> = {
  float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', int8: 'int8', uint8: 'uint8',
  int16: 'int16', uint16: 'uint16', float16: 'float16', bool: 'uint8',
};

function toH5(a: NDArray, what: string): H5Value {
  const type = H5_OF_DTYPE[a.dtype];
  if (!type) throw new ValueError(`Cannot save ${what} of dtype ${a.dtype} to HDF5`);
  return { kind: 'number', type, shape: [...a.shape], data: a.data as Float32Array };
}

const DTYPE_OF_H5: Record<H5NumberType, DType> = {
  float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', int8: 'int8', uint8: 'uint8', int16: 'int16',
  uint16: 'uint16', float16: 'float16', uint32: 'int64', uint64: 'int64',
};

function toNDArray(v: H5Value, what: string): NDArray {
  if (v.kind !== 'number') throw new ValueError(`${what} holds strings, not a weight`);
  const dtype = DTYPE_OF_H5[v.type];
  const data = v.type === 'uint32' ? Float64Array.from(v.data) : v.data;
  return new NDArray(data as Float32Array, v.shape, dtype);
}

/** The session of the model's graph (Keras's K.get_session()). */
function sessionOf(model: Model): ReturnType<typeof getSession> {
  return (model as unknown as { graph: { asDefault<T>(f: () => T): T } }).graph.asDefault(() => getSession());
}

/** TF's `_legacy_weights`: trainable weights, then the others. */
function legacyWeights(layer: KerasLayer): Variable[] {
  return [...layer.trainableWeights, ...layer.nonTrainableWeights];
}

/** `save_weights_to_hdf5_group(f, layers)`. */
export async function saveWeightsToHdf5Group(f: H5WriteGroup, model: Model): Promise<void> {
  const layers = model.layers;
  saveAttributesToHdf5Group(f, 'layer_names', layers.map((l) => l.name));
  f.attrs.set('backend', 'tensorflow');
  f.attrs.set('keras_version', KERAS_VERSION);
  const sess = sessionOf(model);
  await initializeVariables(sess);
  for (const layer of layers) {
    const g = f.createGroup(layer.name);
    const weights = legacyWeights(layer);
    const values = await Promise.all(weights.map((w) => sess.readVariable(w)));
    saveAttributesToHdf5Group(g, 'weight_names', weights.map((w) => w.name));
    weights.forEach((w, i) => g.createDataset(w.name, toH5(values[i]!, `weight ${w.name}`)));
  }
}

const shapeStr = (s: readonly (number | null)[]): string => (s.length === 1 ? `(${s[0] ?? 'None'},)` : `(${s.map((d) => d ?? 'None').join(', ')})`);

function weightValues(g: H5Group): NDArray[] {
  return loadAttributesFromHdf5Group(g, 'weight_names').map((n) => {
    const d = g.get(n);
    if (!(d instanceof H5Dataset)) throw new ValueError(`${g.filename}: ${d.name} is a group, not a weight`);
    return toNDArray(d.read(), `${g.filename}: ${d.name}`);
  });
}

async function assign(model: Model, pairs: [Variable, NDArray][]): Promise<void> {
  const sess = sessionOf(model);
  await initializeVariables(sess);
  await sess.writeVariables(pairs.map(([v, a]) => [v, conform(a, v.dtype, null, 'weights', v.name)] as [Variable, NDArray]));
}

function checkShape(v: Variable, a: NDArray, message: () => string): void {
  const s = v.shape;
  if (s.length !== a.shape.length || s.some((d, k) => d !== null && d !== a.shape[k])) throw new ValueError(message());
}

/** `load_weights_from_hdf5_group(f, layers)`: layers with weights matched in order. */
export async function loadWeightsFromHdf5Group(f: H5Group, model: Model): Promise<void> {
  const filtered = model.layers.filter((l) => legacyWeights(l).length > 0);
  const layerNames = loadAttributesFromHdf5Group(f, 'layer_names').filter((n) => loadAttributesFromHdf5Group(f.group(n), 'weight_names').length > 0);
  if (layerNames.length !== filtered.length) {
    throw new ValueError(`You are trying to load a weight file containing ${layerNames.length} layers into a model with ${filtered.length} layers.`);
  }
  const pairs: [Variable, NDArray][] = [];
  layerNames.forEach((name, k) => {
    const values = weightValues(f.group(name));
    const layer = filtered[k]!;
    const symbolic = legacyWeights(layer);
    if (values.length !== symbolic.length) {
      throw new ValueError(`Layer #${k} (named "${layer.name}" in the current model) was found to correspond to layer ${name} in the save file. However the new layer ${layer.name} expects ${symbolic.length} weights, but the saved weights have ${values.length} elements.`);
    }
    symbolic.forEach((v, i) => {
      // K.batch_set_value's assign: the shapes must be compatible
      checkShape(v, values[i]!, () => `Shapes ${shapeStr(v.shape)} and ${shapeStr(values[i]!.shape)} are incompatible (layer #${k} "${layer.name}", weight ${v.name}, from layer ${name} in the save file)`);
      pairs.push([v, values[i]!]);
    });
  });
  await assign(model, pairs);
}

/** `load_weights_from_hdf5_group_by_name(f, layers, skip_mismatch)`: layers matched by name. */
export async function loadWeightsFromHdf5GroupByName(f: H5Group, model: Model, skipMismatch = false): Promise<void> {
  const index = new Map<string, KerasLayer[]>();
  for (const l of model.layers) if (l.name) index.set(l.name, [...(index.get(l.name) ?? []), l]);
  const layerNames = loadAttributesFromHdf5Group(f, 'layer_names');
  const pairs: [Variable, NDArray][] = [];
  layerNames.forEach((name, k) => {
    const values = weightValues(f.group(name));
    for (const layer of index.get(name) ?? []) {
      const symbolic = legacyWeights(layer);
      if (values.length !== symbolic.length) {
        if (skipMismatch) {
          console.warn(`Skipping loading of weights for layer ${layer.name} due to mismatch in number of weights (${symbolic.length} vs ${values.length}).`);
          continue;
        }
        throw new ValueError(`Layer #${k} (named "${layer.name}") expects ${symbolic.length} weight(s), but the saved weights have ${values.length} element(s).`);
      }
      symbolic.forEach((v, i) => {
        const a = values[i]!;
        const s = v.shape;
        const same = s.length === a.shape.length && s.every((d, q) => d === a.shape[q]);
        if (!same) {
          if (skipMismatch) {
            console.warn(`Skipping loading of weights for layer ${layer.name} due to mismatch in shape (${shapeStr(s)} vs ${shapeStr(a.shape)}).`);
            return;
          }
          throw new ValueError(`Layer #${k} (named "${layer.name}"), weight ${v.name} has shape ${shapeStr(s)}, but the saved weight has shape ${shapeStr(a.shape)}.`);
        }
        pairs.push([v, a]);
      });
    }
  });
  await assign(model, pairs);
}

function openH5(filepath: string): H5File {
  return H5File.open(filepath);
}

/** `model.save_weights(filepath, overwrite=True)` for an HDF5 path. */
export async function saveWeightsToHdf5(model: Model, filepath: string, opts: { overwrite?: boolean } = {}): Promise<void> {
  // TF asks on the terminal before replacing a file when overwrite=False; here that answer is "no"
  if (opts.overwrite === false && fs.existsSync(filepath)) return;
  const root = new H5WriteGroup();
  await saveWeightsToHdf5Group(root, model);
  fs.writeFileSync(filepath, encodeHdf5(root));
}

/** `model.load_weights(filepath, by_name=False, skip_mismatch=False)` for an HDF5 path. */
export async function loadWeightsFromHdf5(model: Model, filepath: string, opts: { byName?: boolean; skipMismatch?: boolean } = {}): Promise<void> {
  if (opts.skipMismatch && !opts.byName) throw new ValueError('When calling model.load_weights, skip_mismatch can only be set to True when by_name is True.');
  const file = openH5(filepath);
  let f = file.root;
  if (!f.attrs.has('layer_names') && !f.attrs.has('layer_names0') && f.has('model_weights')) f = f.group('model_weights');
  if (opts.byName) await loadWeightsFromHdf5GroupByName(f, model, opts.skipMismatch ?? false);
  else await loadWeightsFromHdf5Group(f, model);
}

function pyName(fn: unknown): unknown {
  if (typeof fn === 'function') return (fn as { name?: string }).name ?? null;
  if (Array.isArray(fn)) return fn.map(pyName);
  if (fn !== null && typeof fn === 'object') return Object.fromEntries(Object.entries(fn as Record<string, unknown>).map(([k, v]) => [k, pyName(v)]));
  return fn ?? null;
}

const toSnake = (k: string): string => k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const toCamel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
function mapKeys(v: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => mapKeys(x, f));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [f(k), mapKeys(x, f)]));
  return v;
}

/** `save_model_to_hdf5(model, filepath, overwrite=True, include_optimizer=True)`. */
export async function saveModelToHdf5(model: Model, filepath: string, opts: { overwrite?: boolean; includeOptimizer?: boolean } = {}): Promise<void> {
  if (opts.overwrite === false && fs.existsSync(filepath)) return;
  const root = new H5WriteGroup();
  root.attrs.set('keras_version', KERAS_VERSION);
  root.attrs.set('backend', 'tensorflow');
  const json = JSON.parse(model.toJson()) as Record<string, unknown>;
  root.attrs.set('model_config', JSON.stringify({ class_name: json.class_name, config: json.config }));
  await saveWeightsToHdf5Group(root.createGroup('model_weights'), model);
  const optimizer = model.optimizer;
  const compiled = (model as unknown as { pendingCompile: { loss?: unknown; metrics?: unknown; lossWeights?: unknown } | null }).pendingCompile;
  if ((opts.includeOptimizer ?? true) && optimizer instanceof KerasOptimizer && compiled) {
    const cls = (optimizer.constructor as { name: string }).name;
    root.attrs.set('training_config', JSON.stringify({
      optimizer_config: { class_name: cls, config: mapKeys(optimizer.getConfig(), toSnake) },
      loss: pyName(compiled.loss),
      metrics: pyName(compiled.metrics ?? []),
      weighted_metrics: null,
      sample_weight_mode: null,
      loss_weights: compiled.lossWeights ?? null,
    }));
  } else if ((opts.includeOptimizer ?? true) && optimizer && !(optimizer instanceof KerasOptimizer)) {
    console.warn('TensorFlow optimizers do not make it possible to access optimizer attributes or optimizer state after instantiation. As a result, we cannot save the optimizer as part of the model save file. You will have to compile your model again after loading it. Prefer using a Keras optimizer instead (see keras.io/optimizers).');
  }
  fs.writeFileSync(filepath, encodeHdf5(root));
}

/** `load_model_from_hdf5(filepath, custom_objects=None, compile=True)`. */
export async function loadModelFromHdf5(filepath: string, opts: { customObjects?: Record<string, unknown> | null; compile?: boolean } = {}): Promise<Model> {
  const f = openH5(filepath);
  const cfg = f.attrs.get('model_config');
  if (!cfg) throw new ValueError('No model found in config file.');
  if (cfg.kind !== 'string') throw new ValueError(`${filepath}: model_config is not a string`);
  const model = modelFromJson(cfg.data[0]!, opts.customObjects ?? null);
  await loadWeightsFromHdf5Group(f.root.group('model_weights'), model);
  if (opts.compile ?? true) {
    const tc = f.attrs.get('training_config');
    if (!tc) {
      console.warn('No training configuration found in save file: the model was *not* compiled. Compile it manually.');
      return model;
    }
    if (tc.kind !== 'string') throw new ValueError(`${filepath}: training_config is not a string`);
    const t = JSON.parse(tc.data[0]!) as { optimizer_config: { class_name: string; config: Record<string, unknown> }; loss: unknown; metrics?: unknown; loss_weights?: unknown };
    const optimizer = deserializeOptimizer({ className: t.optimizer_config.class_name, config: mapKeys(t.optimizer_config.config, toCamel) }, opts.customObjects ?? null);
    model.compile({ optimizer, loss: t.loss as string, metrics: (t.metrics ?? null) as string[] | null, lossWeights: (t.loss_weights ?? null) as number[] | null });
  }
  return model;
}

type SaveOpts = { overwrite?: boolean; includeOptimizer?: boolean; saveFormat?: 'h5' | 'tf' | null };

/** TF1's (overwrite, include_optimizer, save_format) positionally, then a trailing keyword object. */
function saveArgs(args: unknown[]): SaveOpts {
  const names = ['overwrite', 'includeOptimizer', 'saveFormat'] as const;
  const o: Record<string, unknown> = {};
  args.forEach((a, i) => {
    if (i === args.length - 1 && a !== null && typeof a === 'object') Object.assign(o, a);
    else if (i < names.length) o[names[i]!] = a;
    else throw new TypeError(`save: too many positional arguments`);
  });
  for (const k of Object.keys(o)) if (!(names as readonly string[]).includes(k)) throw new TypeError(`save: unexpected keyword argument '${k}'`);
  return o as SaveOpts;
}

/**
 * `tf.keras.models.save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None)`:
 * TF 1.15 writes HDF5 unless save_format='tf' (the SavedModel form, not available here).
 */
export async function saveModel(model: Model, filepath: string, ...args: unknown[]): Promise<void> {
  const o = saveArgs(args);
  if (o.saveFormat !== undefined && o.saveFormat !== null && o.saveFormat !== 'h5') {
    if (o.saveFormat === 'tf') throw new ValueError('save_format="tf" (SavedModel) is not supported here; save in HDF5 (save_format="h5" or a .h5 path)');
    throw new ValueError(`Unknown format "${String(o.saveFormat)}". Was expecting one of {"tf", "h5"}.`);
  }
  await saveModelToHdf5(model, filepath, o);
}

/** `tf.keras.models.load_model(filepath, custom_objects=None, compile=True)` of an HDF5 file. */
export async function loadModel(filepath: string, ...args: unknown[]): Promise<Model> {
  const names = ['customObjects', 'compile'] as const;
  const o: Record<string, unknown> = {};
  args.forEach((a, i) => {
    if (i === args.length - 1 && a !== null && typeof a === 'object' && !(i === 0 && !('customObjects' in (a as object)) && !('compile' in (a as object)))) Object.assign(o, a);
    else o[names[i]!] = a;
  });
  if (fs.existsSync(filepath) && fs.statSync(filepath).isDirectory()) {
    throw new ValueError(`${filepath} is a directory (a SavedModel); only HDF5 model files can be loaded here`);
  }
  return loadModelFromHdf5(filepath, o as { customObjects?: Record<string, unknown> | null; compile?: boolean });
}

/** Whether the file at `filepath` starts with HDF5's signature. */
export function isHdf5File(filepath: string): boolean {
  try {
    const fd = fs.openSync(filepath, 'r');
    try {
      const b = new Uint8Array(8);
      fs.readSync(fd, b, 0, 8, 0);
      return b.every((v, i) => v === [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a][i]);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}
