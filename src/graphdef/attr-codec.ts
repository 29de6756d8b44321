/**
 * AttrValues of tsflow's own op types (gradient helpers such as FillLike or SumToShapeOf, which
 * TF has no NodeDef for): each attr is stored under its tsflow name by its JS type, so
 * `asGraphDef` → `importGraphDef` gives the same op back.
 */
import { DTYPES, type DType } from '../dtype.js';
import { NDArray } from '../ndarray.js';
import type { AttrValue, NodeDef } from '../proto/framework.js';
import { dtypeFromEnum, dtypeToEnum, shapeFromProto, shapeToProto, tensorFromProto, tensorToProto } from './tensor-proto.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Lists the attrs whose value is null / a JSON value. */
const NULLS = '_tsflow_null';
const JSONS = '_tsflow_json';

const emptyList = () => ({ s: [], i: [], f: [], b: [], type: [], shape: [], tensor: [], func: [] });

export function encodeTsflowAttrs(attrs: Readonly<Record<string, unknown>>): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  const nulls: string[] = [];
  const jsons: string[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    if (v === null) nulls.push(k);
    else if (typeof v === 'boolean') out[k] = { b: v };
    else if (typeof v === 'number') out[k] = Number.isInteger(v) ? { i: v } : { f: v };
    else if (typeof v === 'string') out[k] = (DTYPES as readonly string[]).includes(v) ? { type: dtypeToEnum(v as DType) } : { s: enc.encode(v) };
    else if (v instanceof NDArray) out[k] = { tensor: tensorToProto(v) };
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null)) {
      if (v.some((x) => x === null)) out[k] = { shape: shapeToProto(v as (number | null)[]) };
      else if (v.every((x) => Number.isInteger(x))) out[k] = { list: { ...emptyList(), i: v as number[] } };
      else out[k] = { list: { ...emptyList(), f: v as number[] } };
    } else {
      out[k] = { s: enc.encode(JSON.stringify(v)) };
      jsons.push(k);
    }
  }
  if (nulls.length) out[NULLS] = { list: { ...emptyList(), s: nulls.map((s) => enc.encode(s)) } };
  if (jsons.length) out[JSONS] = { list: { ...emptyList(), s: jsons.map((s) => enc.encode(s)) } };
  return out;
}

export function decodeTsflowAttrs(node: NodeDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = (k: string) => new Set((node.attr[k]?.list?.s ?? []).map((b) => dec.decode(b)));
  const jsons = names(JSONS);
  for (const k of names(NULLS)) out[k] = null;
  for (const [k, v] of Object.entries(node.attr)) {
    if (k === NULLS || k === JSONS || k.startsWith('_')) continue;
    if (v.b !== undefined) out[k] = v.b;
    else if (v.i !== undefined) out[k] = v.i;
    else if (v.f !== undefined) out[k] = v.f;
    else if (v.type !== undefined) out[k] = dtypeFromEnum(v.type);
    else if (v.s !== undefined) out[k] = jsons.has(k) ? JSON.parse(dec.decode(v.s)) : dec.decode(v.s);
    else if (v.tensor !== undefined) out[k] = tensorFromProto(v.tensor);
    else if (v.shape !== undefined) out[k] = shapeFromProto(v.shape);
    else if (v.list !== undefined) out[k] = v.list.f.length ? [...v.list.f] : [...v.list.i];
  }
  return out;
}
