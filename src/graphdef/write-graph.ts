/** `tf.train.write_graph`: a GraphDef to `<logdir>/<name>`, binary or in the text format. */
import { fs as nodeFs, path as nodePath } from '../platform/node-builtins.js';
import { Graph } from '../graph/graph.js';
import { encode, fromText, toText } from '../proto/codec.js';
import { type GraphDef, GraphDefT } from '../proto/framework.js';

/** Serialize a GraphDef (TF's `SerializeToString`). */
export function serializeGraphDef(gd: GraphDef): Uint8Array {
  return encode(GraphDefT, gd as unknown as Record<string, unknown>);
}

/** The text format of a GraphDef (a `.pbtxt`). */
export function graphDefToText(gd: GraphDef): string {
  return toText(GraphDefT, gd as unknown as Record<string, unknown>);
}

/** Parse a `.pbtxt` GraphDef. */
export function graphDefFromText(text: string): GraphDef {
  return fromText<GraphDef>(GraphDefT, text);
}

/**
 * `write_graph(graph_or_graph_def, logdir, name, as_text=True)`: creates `logdir` if needed,
 * writes the graph there and returns the file's path.
 */
export function writeGraph(graphOrGraphDef: Graph | GraphDef, logdir: string, name: string, asText = true): string {
  const gd = graphOrGraphDef instanceof Graph ? graphOrGraphDef.asGraphDef() : graphOrGraphDef;
  if (!Array.isArray(gd?.node)) throw new TypeError('graph_or_graph_def must be a tf.Graph or a GraphDef');
  nodeFs.mkdirSync(logdir, { recursive: true });
  const path = nodePath.join(logdir, name);
  nodeFs.writeFileSync(path, asText ? graphDefToText(gd) : serializeGraphDef(gd));
  return path;
}
