/**
 * Keras configs of layers and models, as TF 1.15's `get_config` / `to_json` give them: a layer's
 * config is the arguments it was constructed with (activations by name, initializers,
 * regularizers and constraints as `{className, config}`, nested layers serialized, the constructor
 * extras as `batchInputShape`); a Sequential's is `{name, layers}`, a functional model's
 * `{name, layers: [{name, className, config, inboundNodes}], inputLayers, outputLayers}` with
 * Keras's `[layer name, node index, tensor index]` references. JSON is Keras's: snake_case keys,
 * `class_name`, `keras_version` and `backend`.
 *
 * Unlike TF's, a layer's config holds the arguments given rather than every default: rebuilt
 * here it is the same layer, and TF's full configs are read as they are.
 */
import { NotImplementedError, ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { constructorArgs, setLayerConfigSerializer } from '../layers/base.js';
import { serialize as serializeActivation } from './activations.js';
import { type KerasLayer, nodeOf, nodesOf, outputsOf } from './layer-utils.js';

export type Config = Record<string, unknown>;

const isLayer = (x: unknown): x is KerasLayer => x !== null && typeof x === 'object' && 'kerasClass' in x && 'weights' in x;

/** One argument value as a config holds it. */
function serializeValue(v: unknown, key: string, layerName: string): unknown {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v ?? null;
  if (Array.isArray(v)) return v.map((x) => serializeValue(x, key, layerName));
  if (isLayer(v)) return { className: v.kerasClass, config: configOf(v) };
  if ((typeof v === 'object' || typeof v === 'function') && typeof (v as { getConfig?: unknown }).getConfig === 'function') {
    const cls = (v as { kerasClassName?: string }).kerasClassName ?? (v as object).constructor.name;
    return { className: cls, config: (v as { getConfig(): Config }).getConfig() };
  }
  if (typeof v === 'function') {
    const name = /activation$/i.test(key) ? serializeActivation(v) : v.name;
    if (typeof name === 'string' && name !== '') return name;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v as Config).map(([k, x]) => [k, serializeValue(x, k, layerName)]));
  }
  throw new ValueError(`get_config of layer ${layerName}: its argument ${key} (${String(v)}) cannot be serialized`);
}

/** `layer.get_config()` of a Keras layer built from arguments. */
export function layerConfig(layer: object): Config {
  const args = constructorArgs(layer);
  const l = layer as { name?: string; kerasClass?: string; trainable?: boolean; dtype?: string | null };
  if (!args) throw new NotImplementedError(`Layer ${l.kerasClass ?? layer.constructor.name} has arguments in \`__init__\` and therefore must override \`get_config\`.`);
  const out: Config = { name: l.name, trainable: l.trainable ?? true, dtype: args.dtype ?? l.dtype ?? 'float32' };
  for (const [k, v] of Object.entries(args)) {
    if (k === 'name' || k === 'trainable' || k === 'dtype' || v === undefined) continue;
    out[k] = serializeValue(v, k, String(l.name));
  }
  return out;
}
setLayerConfigSerializer(layerConfig);

/** A layer's `getConfig()` (its own, or the one from its arguments). */
function configOf(l: KerasLayer): Config {
  const own = (l as { getConfig?: () => Config }).getConfig;
  return typeof own === 'function' ? own.call(l) : layerConfig(l);
}

/** What a model's config needs of it. */
export interface ConfigModel {
  name: string;
  inputs: Tensor[];
  outputs: Tensor[];
  readonly layers: KerasLayer[];
}

/** `model.get_config()`: a Sequential's `{name, layers}`, a functional model's graph of layer nodes. */
export function modelConfig(model: ConfigModel, sequential: boolean): Config {
  if (sequential) return { name: model.name, layers: model.layers.map((l) => ({ className: l.kerasClass, config: configOf(l) })) };
  // The nodes that belong to this model: those whose outputs it computes (a layer shared with
  // another model has nodes of its own there), numbered per layer as Keras numbers kept nodes.
  const inModel = new Set<Tensor>();
  const walk = (t: Tensor): void => {
    if (inModel.has(t)) return;
    inModel.add(t);
    if (model.inputs.includes(t)) return;
    for (const x of nodeOf(t)?.inputs ?? []) walk(x);
  };
  model.outputs.forEach(walk);
  const kept = new Map<KerasLayer, { inputs: Tensor[]; outputs: Tensor[] }[]>();
  for (const l of model.layers) kept.set(l, (nodesOf(l) ?? []).filter((n) => n.outputs.some((t) => inModel.has(t))));
  const ref = (t: Tensor): [string, number, number] => {
    const node = nodeOf(t)!;
    const nodes = kept.get(node.layer) ?? [];
    const k = nodes.findIndex((n) => n.outputs.includes(t));
    return [node.layer.name, Math.max(0, k), Math.max(0, (k >= 0 ? nodes[k]!.outputs : outputsOf(node.layer) ?? []).indexOf(t))];
  };
  const layers = model.layers.map((l) => ({
    name: l.name,
    className: l.kerasClass,
    config: configOf(l),
    inboundNodes: l.kerasClass === 'InputLayer' ? [] : (kept.get(l) ?? []).map((n) => n.inputs.map((t) => [...ref(t), {}])),
  }));
  return { name: model.name, layers, inputLayers: model.inputs.map(ref), outputLayers: model.outputs.map(ref) };
}

// ----- JSON: Keras's snake_case keys ---------------------------------------------------------

const toSnake = (k: string): string => (k === 'className' ? 'class_name' : k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
const toCamel = (k: string): string => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function mapKeys(v: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => mapKeys(x, f));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Config).map(([k, x]) => [f(k), mapKeys(x, f)]));
  return v;
}

/** `{className, config}` in Keras's JSON form (what `model.to_json()` writes). */
export function toKerasJson(className: string, config: Config, indent?: number): string {
  return JSON.stringify({ class_name: className, config: mapKeys(config, toSnake), keras_version: '2.2.4-tf', backend: 'tensorflow' }, null, indent);
}

/** A Keras JSON model config (snake_case, as TF writes it, or camelCase) as `{className, config}`. */
export function fromKerasJson(json: string): { className: string; config: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new ValueError(`model_from_json: the string is not JSON (${(e as Error).message})`);
  }
  const o = mapKeys(parsed, toCamel) as { className?: unknown; config?: unknown };
  if (o === null || typeof o !== 'object' || typeof o.className !== 'string' || !('config' in o)) throw new ValueError(`Improper config format: ${json.slice(0, 200)}`);
  return { className: o.className, config: o.config };
}
