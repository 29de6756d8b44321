/**
 * `keras.layers.serialize(layer)` / `keras.layers.deserialize(config, custom_objects=None)` as
 * TF 1.15's keras/layers/serialization.py: `{className, config}` from a layer's `getConfig()`,
 * and the layer rebuilt from it (its class looked up among `tf.keras.layers`, then in
 * `customObjects`).
 */
import { ValueError } from '../errors.js';
import { deserializeKerasObject, serializeKerasObject } from './generic-utils.js';
import * as layers from './layers-namespace.js';

/** `layers.serialize(layer)`: `{className, config}` for a layer with `getConfig`. */
export function serialize(layer: unknown): { className: string; config: Record<string, unknown> } {
  if (layer === null || typeof layer !== 'object' || typeof (layer as { getConfig?: unknown }).getConfig !== 'function') {
    const cls = (layer as { kerasClass?: string } | null)?.kerasClass;
    throw new ValueError(`serialize: the layer ${cls ?? String(layer)} has no get_config; only layers with a config can be serialized`);
  }
  const cls = (layer as { kerasClass?: string }).kerasClass ?? (layer as object).constructor.name;
  const r = serializeKerasObject(layer) as { className: string; config: Record<string, unknown> };
  return { className: cls, config: r.config };
}

/** `layers.deserialize(config, custom_objects=None)`: a `{className, config}` (or `{class_name, config}`) built into its layer. */
export function deserialize(config: unknown, customObjects: Record<string, unknown> | null = null): unknown {
  const module: Record<string, unknown> = { ...layers };
  // a wrapper's `layer`, an RNN's `cell`/`cells`: nested layer configs are built first (as Keras's from_config does)
  const nested = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(nested);
    const c = v as { className?: unknown; config?: unknown } | null;
    if (c && typeof c === 'object' && typeof c.className === 'string' && 'config' in c && (Object.prototype.hasOwnProperty.call(module, c.className) || customObjects?.[c.className])) {
      return deserialize(c, customObjects);
    }
    return v;
  };
  const c = config as { className?: string; class_name?: string; config?: Record<string, unknown> } | null;
  if (c && typeof c === 'object' && c.config && typeof c.config === 'object') {
    config = { ...c, config: Object.fromEntries(Object.entries(c.config).map(([k, v]) => [k, nested(v)])) };
  }
  return deserializeKerasObject(config, module, customObjects, 'layer');
}
