/** The hash table ops in GraphDefs: TF's attrs on export, tsflow's table resources on import. */
import type { DType } from '../../dtype.js';
import { RULES, make } from '../../graphdef/import-rules.js';
import { InvalidArgumentError } from '../../errors.js';
import { TableResource } from './table-ops.js';

RULES.set('HashTableV2', (c) => {
  const keyDtype = c.attrs.type('key_dtype') as DType;
  const valueDtype = c.attrs.type('value_dtype') as DType;
  const shared = c.attrs.string('shared_name', '');
  const useNode = c.attrs.bool('use_node_name_sharing', false);
  const resource = new TableResource(keyDtype, valueDtype, shared || (useNode ? c.name : ''), c.name);
  return make(c, 'HashTableV2', [], { resource, keyDtype, valueDtype, sharedName: shared, container: c.attrs.string('container', ''), useNodeNameSharing: useNode });
});
for (const type of ['InitializeTableV2', 'LookupTableFindV2', 'LookupTableSizeV2']) {
  RULES.set(type, (c) => {
    const r = c.inputs[0] && (c.inputs[0].op.attrs as { resource?: unknown }).resource;
    if (!(r instanceof TableResource)) {
      throw new InvalidArgumentError(`Node '${c.node.name}' (${c.node.op}) takes a table handle, but its first input is ${c.inputs[0] ? `${c.inputs[0].op.type} '${c.inputs[0].op.name}'` : 'missing'}`, c.node.name);
    }
    return make(c, type, c.inputs, { resource: r });
  });
}
