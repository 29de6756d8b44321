/**
 * Checks TF's importer makes of each NodeDef before building it (graph_constructor.cc's
 * IsValidNodeName, node_def_util.cc's attr kind check, DataType validity): a hostile GraphDef
 * with an empty name, a `type` attr holding a string or DataType 9999 fails here, naming the
 * node, instead of importing an op whose attrs say something the op does not do.
 */
import { dataTypeName } from '../checkpoint/proto.js';
import { ValueError } from '../errors.js';
import type { AttrValue, NodeDef } from '../proto/framework.js';
import { opDefOf } from './op-defs.js';

// TF's LETTER_DIGIT_DOT_UNDERSCORE then LETTER_DIGIT_DASH_DOT_SLASH_UNDERSCORE (internal ops allowed)
const NODE_NAME = /^[A-Za-z0-9._][A-Za-z0-9_.\-/]*$/;

const SCALAR_KINDS = new Set(['type', 'int', 'float', 'bool', 'string', 'shape', 'tensor', 'func']);

function kindOf(v: AttrValue): string {
  if (v.list !== undefined) return 'list';
  for (const [name, k] of Object.entries({ string: 's', int: 'i', float: 'f', bool: 'b', type: 'type', shape: 'shape', tensor: 'tensor', func: 'func', placeholder: 'placeholder' } as const)) {
    if (v[k] !== undefined) return name;
  }
  return 'unset';
}

const validType = (t: number): boolean => t !== 0 && dataTypeName(t).startsWith('DT_');

export function validateNodeDef(n: NodeDef): void {
  if (!NODE_NAME.test(n.name)) throw new ValueError(`Node '${n.name}': Node name contains invalid characters`);
  const def = opDefOf(n.op);
  if (!def) return;
  for (const a of def.attr) {
    const v = n.attr[a.name];
    if (v === undefined) continue;
    const list = /^list\((\w+)\)$/.exec(a.type);
    const want = list ? 'list' : SCALAR_KINDS.has(a.type) ? a.type : null;
    // a `placeholder` value is a function's attr reference, resolved when the function is instantiated
    const got = kindOf(v);
    if (want !== null && got !== want && got !== 'placeholder') {
      throw new ValueError(`Node '${n.name}': AttrValue had value with type '${got}' when '${a.type}' expected for attr '${a.name}'`);
    }
    const types = a.type === 'type' ? (v.type === undefined ? [] : [v.type]) : a.type === 'list(type)' ? (v.list?.type ?? []) : [];
    for (const t of types) if (!validType(t)) throw new ValueError(`Node '${n.name}': attr '${a.name}' holds DataType ${t}, which is not a valid DataType`);
  }
}
