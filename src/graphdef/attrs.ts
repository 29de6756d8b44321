/** Typed reads of a NodeDef's attrs, with TF's texts for a missing or mistyped attr. */
import type { DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import type { PartialShape } from '../shape.js';
import type { AttrValue, NodeDef } from '../proto/framework.js';
import { dtypeFromEnum, shapeFromProto, tensorFromProto } from './tensor-proto.js';

const dec = new TextDecoder();

export class NodeAttrs {
  constructor(readonly node: NodeDef) {}

  private get(name: string, kind: string): AttrValue {
    const v = this.node.attr[name];
    if (v === undefined) {
      throw new InvalidArgumentError(`NodeDef missing attr '${name}' from Op<name=${this.node.op}>; NodeDef: {{node ${this.node.name}}}`, this.node.name);
    }
    void kind;
    return v;
  }

  private wrong(name: string, want: string): InvalidArgumentError {
    return new InvalidArgumentError(`AttrValue had value with type '${describe(this.node.attr[name]!)}' when '${want}' expected (attr '${name}' of node '${this.node.name}')`, this.node.name);
  }

  has(name: string): boolean {
    return this.node.attr[name] !== undefined;
  }

  type(name: string, dflt?: DType): DType {
    if (dflt !== undefined && !this.has(name)) return dflt;
    const v = this.get(name, 'type');
    if (v.type === undefined) throw this.wrong(name, 'type');
    return dtypeFromEnum(v.type, `attr '${name}' of node '${this.node.name}'`);
  }

  int(name: string, dflt?: number): number {
    if (dflt !== undefined && !this.has(name)) return dflt;
    const v = this.get(name, 'int');
    if (v.i === undefined) throw this.wrong(name, 'int');
    return v.i;
  }

  float(name: string, dflt?: number): number {
    if (dflt !== undefined && !this.has(name)) return dflt;
    const v = this.get(name, 'float');
    if (v.f === undefined) throw this.wrong(name, 'float');
    return v.f;
  }

  bool(name: string, dflt?: boolean): boolean {
    if (dflt !== undefined && !this.has(name)) return dflt;
    const v = this.get(name, 'bool');
    if (v.b === undefined) throw this.wrong(name, 'bool');
    return v.b;
  }

  string(name: string, dflt?: string): string {
    if (dflt !== undefined && !this.has(name)) return dflt;
    const v = this.get(name, 'string');
    if (v.s === undefined) throw this.wrong(name, 'string');
    return dec.decode(v.s);
  }

  ints(name: string, dflt?: number[]): number[] {
    if (dflt !== undefined && !this.has(name)) return dflt;
    const v = this.get(name, 'list(int)');
    if (v.list === undefined) throw this.wrong(name, 'list(int)');
    return [...v.list.i];
  }

  types(name: string): DType[] {
    const v = this.get(name, 'list(type)');
    if (v.list === undefined) throw this.wrong(name, 'list(type)');
    return v.list.type.map((t) => dtypeFromEnum(t, `attr '${name}' of node '${this.node.name}'`));
  }

  /** A `shape` attr; absent (when allowed) is an unknown shape. */
  shape(name: string, optional = false): PartialShape {
    if (optional && !this.has(name)) return null;
    const v = this.get(name, 'shape');
    if (v.shape === undefined) throw this.wrong(name, 'shape');
    return shapeFromProto(v.shape);
  }

  tensor(name: string): NDArray {
    const v = this.get(name, 'tensor');
    if (v.tensor === undefined) throw this.wrong(name, 'tensor');
    return tensorFromProto(v.tensor, `attr '${name}' of node '${this.node.name}'`);
  }
}

function describe(v: AttrValue): string {
  if (v.list !== undefined) return 'list';
  for (const k of ['s', 'i', 'f', 'b', 'type', 'shape', 'tensor', 'func', 'placeholder'] as const) {
    if (v[k] !== undefined) return k === 's' ? 'string' : k === 'i' ? 'int' : k === 'f' ? 'float' : k === 'b' ? 'bool' : k;
  }
  return 'unset';
}
