/**
 * `tf.keras.models`: models rebuilt from their configs (`model_from_config`, `model_from_json`)
 * and `clone_model`, as TF 1.15's keras/models.py and network.py's `from_config`.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { Model, Sequential } from './engine.js';
import { type KerasLayer, nodeOf } from './layer-utils.js';
import { InputLayer } from './layers-core.js';
import { deserialize as deserializeLayer } from './layers-serialization.js';
import { type Config, fromKerasJson } from './models-config.js';

type CustomObjects = Record<string, unknown> | null | undefined;
type Ref = [string, number, number, ...unknown[]];

const asLayer = (cfg: unknown, customObjects: CustomObjects): KerasLayer => deserializeLayer(cfg, customObjects ?? null) as KerasLayer;

function sequentialFrom(config: unknown, customObjects: CustomObjects): Sequential {
  // TF 1.15 accepts a bare list of layer configs (older Keras) or {name, layers}
  const c = (Array.isArray(config) ? { layers: config } : config) as { name?: string; layers?: unknown[] };
  if (!Array.isArray(c.layers)) throw new ValueError(`Improper config format for a Sequential model: ${JSON.stringify(config).slice(0, 200)}`);
  const model = new Sequential(c.name ? { name: c.name } : {});
  for (const l of c.layers) {
    const lc = l as { className?: string; config?: Config };
    if (lc.className === 'InputLayer') {
      model.add(new InputLayer({ ...(lc.config ?? {}) }) as unknown as KerasLayer);
      continue;
    }
    model.add(asLayer(l, customObjects));
  }
  return model;
}

const key = (layer: string, node: number): string => `${layer}#${node}`;
interface PendingNode {
  layer: KerasLayer;
  name: string;
  node: number;
  inbound: Ref[];
}

/** Call each layer node once the nodes it takes inputs from have run; their outputs by `key(layer, node)`. */
function runNodes(pending: PendingNode[], outputs: Map<string, Tensor[]>): void {
  while (pending.length > 0) {
    const i = pending.findIndex((p) => p.inbound.every(([l, n]) => outputs.has(key(l, n))));
    if (i < 0) {
      const p = pending[0]!;
      throw new ValueError(`Layer ${p.name} has inbound nodes that no layer of the config makes: ${JSON.stringify(p.inbound.map((r) => r.slice(0, 3)))}`);
    }
    const p = pending.splice(i, 1)[0]!;
    const ins = p.inbound.map(([l, n, t]) => {
      const v = outputs.get(key(l, n))![t];
      if (!v) throw new ValueError(`Layer ${p.name}: the inbound node ${l}[${n}][${t}] has no such output`);
      return v;
    });
    const y = (p.layer as unknown as { apply(x: unknown): Tensor | Tensor[] }).apply(ins.length === 1 ? ins[0] : ins);
    outputs.set(key(p.name, p.node), Array.isArray(y) ? y : [y]);
  }
}

/** network.py's `from_config`: layers made, then called node by node once their inputs exist. */
function functionalFrom(config: Config, customObjects: CustomObjects): Model {
  const layersCfg = config.layers as { name: string; className: string; config: Config; inboundNodes?: Ref[][] }[] | undefined;
  if (!Array.isArray(layersCfg)) throw new ValueError(`Improper config format for a model: ${JSON.stringify(config).slice(0, 200)}`);
  const made = new Map<string, KerasLayer>();
  const outputs = new Map<string, Tensor[]>();
  const pending: PendingNode[] = [];
  for (const lc of layersCfg) {
    if (lc.className === 'InputLayer') {
      const l = new InputLayer({ ...lc.config, name: lc.config.name ?? lc.name });
      made.set(lc.name, l);
      outputs.set(key(lc.name, 0), [l.output]);
      continue;
    }
    const layer = asLayer({ className: lc.className, config: lc.config }, customObjects);
    made.set(lc.name, layer);
    (lc.inboundNodes ?? []).forEach((inbound, node) => pending.push({ layer, name: lc.name, node, inbound }));
  }
  runNodes(pending, outputs);
  const pick = (refs: unknown, what: string): Tensor[] =>
    ((refs as Ref[] | undefined) ?? []).map(([l, n, t]) => {
      const v = outputs.get(key(l, n))?.[t];
      if (!v) throw new ValueError(`The model's ${what} ${l}[${n}][${t}] is not made by its layers`);
      return v;
    });
  return new Model({ inputs: pick(config.inputLayers, 'input'), outputs: pick(config.outputLayers, 'output'), ...(config.name ? { name: config.name as string } : {}) });
}

/** `keras.models.model_from_config(config, custom_objects=None)`: `{className, config}` (camelCase or Keras's snake_case). */
export function modelFromConfig(config: unknown, customObjects: CustomObjects = null): Model {
  if (Array.isArray(config)) throw new TypeError('`model_from_config` expects a dictionary, not a list. Maybe you meant to use `Sequential.from_config(config)`?');
  const c = config as { className?: string; class_name?: string; config?: unknown };
  const cls = c?.className ?? c?.class_name;
  if (typeof cls !== 'string' || !('config' in c)) throw new ValueError(`Improper config format: ${JSON.stringify(config)?.slice(0, 200)}`);
  if (cls === 'Sequential') return sequentialFrom(c.config, customObjects);
  if (cls === 'Model' || cls === 'Functional') return functionalFrom(c.config as Config, customObjects);
  const custom = customObjects?.[cls] as { fromConfig?: (c: unknown, co: CustomObjects) => Model } | undefined;
  if (custom?.fromConfig) return custom.fromConfig(c.config, customObjects);
  throw new ValueError(`Unknown layer: ${cls}`);
}

/** `keras.models.model_from_json(json_string, custom_objects=None)`. */
export function modelFromJson(json: string, customObjects: CustomObjects = null): Model {
  return modelFromConfig(fromKerasJson(json), customObjects);
}

/**
 * `keras.models.clone_model(model, input_tensors=None, clone_function=None)`: the same layers
 * made anew from their configs (new weights, initialized afresh), called on new inputs (or
 * `inputTensors`).
 */
export function cloneModel(model: Model, inputTensors: Tensor | Tensor[] | null = null, cloneFunction: ((l: KerasLayer) => KerasLayer) | null = null): Model {
  if (!(model instanceof Model)) throw new ValueError(`Expected \`model\` argument to be a \`Model\` instance, got ${String(model)}`);
  const clone = cloneFunction ?? ((l: KerasLayer) => asLayer({ className: l.kerasClass, config: (l as unknown as { getConfig(): Config }).getConfig() }, null));
  const given = inputTensors === null ? null : Array.isArray(inputTensors) ? inputTensors : [inputTensors];
  if (model instanceof Sequential) {
    const layers = model.layers.map(clone);
    if (given) {
      if (given.length !== 1) throw new ValueError('To clone a `Sequential` model, we expect  at most one tensor as part of `input_tensors`.');
      const out = new Sequential({ name: model.name, layers: [] });
      out.add(new InputLayer({ inputTensor: given[0], name: `input_wrapper_for_${given[0]!.op.name}` }) as unknown as KerasLayer);
      for (const l of layers) out.add(l);
      return out;
    }
    const out = new Sequential({ name: model.name });
    if (model.built && !layers[0]?.batchInputShape) out.build([...(model.inputs[0]!.shape ?? [])]);
    for (const l of layers) out.add(l);
    return out;
  }
  // functional: new InputLayers (or the given tensors), each other layer cloned once and called per node
  const byOld = new Map<Tensor, Tensor>();
  model.inputs.forEach((t, i) => {
    const x = given?.[i] ?? new InputLayer({ batchInputShape: t.shape ? [...t.shape] : null, dtype: t.dtype, name: nodeOf(t)!.layer.name }).output;
    byOld.set(t, x);
  });
  const config = model.getConfig() as { layers: { name: string; className: string; inboundNodes: Ref[][] }[] };
  const rebuilt = functionalFromClones(model, config, byOld, clone);
  return new Model({ inputs: model.inputs.map((t) => byOld.get(t)!), outputs: rebuilt, name: model.name });
}

function functionalFromClones(model: Model, config: { layers: { name: string; className: string; inboundNodes: Ref[][] }[]; outputLayers?: unknown }, byOld: Map<Tensor, Tensor>, clone: (l: KerasLayer) => KerasLayer): Tensor[] {
  const old = new Map(model.layers.map((l) => [l.name, l]));
  const outputs = new Map<string, Tensor[]>();
  for (const lc of config.layers) {
    if (lc.className === 'InputLayer') {
      const l = old.get(lc.name) as unknown as { output: Tensor };
      outputs.set(key(lc.name, 0), [byOld.get(l.output) ?? l.output]);
    }
  }
  const pending = config.layers.filter((lc) => lc.className !== 'InputLayer').flatMap((lc) => {
    const layer = clone(old.get(lc.name)!);
    return lc.inboundNodes.map((inbound, node) => ({ layer, name: lc.name, node, inbound }));
  });
  runNodes(pending, outputs);
  return ((config as { outputLayers?: Ref[] }).outputLayers ?? []).map(([l, n, t]) => outputs.get(key(l, n))![t]!);
}
