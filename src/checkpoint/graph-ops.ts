/**
 * TF's checkpoint ops — SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename — as host-stage
 * ops (session/host-stage.ts): they read and write V2 bundles on the calling thread while the
 * variables' values come from and go to the device plan. So the `save/…` subgraph of a
 * TF-written MetaGraph runs as TF1 runs it — `sess.run('save/restore_all', {'save/Const:0':
 * prefix})`, `sess.run('save/control_dependency:0', …)` — and the SaverDef that tsflow's own
 * Saver writes names tensors TF's `import_meta_graph` can use.
 */
import { type DType, tfName } from '../dtype.js';
import { InvalidArgumentError, NotFoundError, UnimplementedError } from '../errors.js';
import type { Operation } from '../graph/tensor.js';
import { NDArray } from '../ndarray.js';
import { defineOp, registerGradient } from '../ops/registry.js';
import { registerHostOp, wait } from '../session/host-stage.js';
import { StringArray } from '../string-array.js';
import { type BundleTensor, type TensorValue, readBundle, writeBundle } from './bundle.js';
import { fsp, path } from '../platform/node-builtins.js';
import { dataFilename, metaFilename } from './bundle.js';
import { StringTensor } from './strings.js';
import { parseShapeAndSlice } from './tensor-slice.js';

const dec = new TextDecoder();
const strings = (a: NDArray): string[] => Array.from(a.data as unknown as Uint8Array[], (b) => dec.decode(b));
const hostOnly = (type: string) => (): never => {
  throw new Error(`${type} runs on the host before the plan; it cannot be lowered`);
};
/**
 * SaveV2 and MergeV2Checkpoints have no outputs: a plan holding one (as the control input of
 * `save/control_dependency`) runs after the host stage has run it, so nothing is left to do.
 */
const ranOnHost = (): [] => [];

function stringInput(op: Operation, a: NDArray | undefined, what: string, rank: 0 | 1): string[] {
  if (!a || a.dtype !== 'string') throw new InvalidArgumentError(`${what} must be a string tensor`, op.name);
  if (a.shape.length !== rank) {
    throw new InvalidArgumentError(rank === 0 ? `${what} must be a scalar, got shape [${a.shape.join(',')}]` : `Input ${what} should be a 1-D tensor, got shape [${a.shape.join(',')}]`, op.name);
  }
  return strings(a);
}

type ShapeAndSlice = ReturnType<typeof parseShapeAndSlice>;

/**
 * SaveV2's and RestoreV2's first three operands — the prefix and one name and one slice spec per
 * tensor, `n` of each — checked. A non-empty spec (`"10 4 0,5:0,4"`) names a slice of a
 * partitioned variable.
 */
function bundleArgs(op: Operation, ins: NDArray[], n: number): { prefix: string; names: string[]; slices: (ShapeAndSlice | null)[]; specs: string[] } {
  const [prefix] = stringInput(op, ins[0], 'prefix', 0);
  const names = stringInput(op, ins[1], 'tensor_names', 1);
  const specs = stringInput(op, ins[2], 'shape_and_slices', 1);
  if (names.length !== n || specs.length !== n) {
    throw new InvalidArgumentError(`${op.type} got ${names.length} tensor names and ${specs.length} shape_and_slices for ${n} tensors`, op.name);
  }
  const slices = specs.map((s) => {
    if (s === '') return null;
    try {
      return parseShapeAndSlice(s);
    } catch (e) {
      throw e instanceof InvalidArgumentError ? new InvalidArgumentError(e.message, op.name) : e;
    }
  });
  return { prefix: prefix!, names, slices, specs };
}

// ----- SaveV2(prefix, tensor_names, shape_and_slices, tensors...) --------------------------------
defineOp<{ dtypes: DType[] }>({
  type: 'SaveV2',
  infer: () => [],
  lower: ranOnHost,
  stateful: true,
});
registerGradient('SaveV2', null);
registerHostOp('SaveV2', function* (op, ins) {
  const values = ins.slice(3);
  const { prefix, names, slices, specs } = bundleArgs(op, ins, values.length);
  const tensors: BundleTensor[] = names.map((name, i) => {
    const v = values[i]!;
    const array = v.dtype === 'string' ? new StringTensor([...(v.data as unknown as Uint8Array[])], v.shape) : v;
    const sl = slices[i];
    if (!sl) return { name, array };
    if (sl.shape.length !== v.shape.length || sl.shape.some((d, k) => d !== v.shape[k])) {
      throw new InvalidArgumentError(
        `Slice in shape_and_slice specification does not match the shape of the tensor to  save: ${specs[i]}, tensor: [${v.shape.join(',')}]`,
        op.name,
      );
    }
    return { name, array, slice: { fullShape: sl.fullShape, extents: sl.slice } };
  });
  // As TF's BundleWriter, the prefix's directory is created.
  yield* wait(fsp.mkdir(path.dirname(prefix), { recursive: true }));
  yield* wait(writeBundle(prefix, tensors));
  return [];
});

// ----- RestoreV2(prefix, tensor_names, shape_and_slices) → tensors -------------------------------
defineOp<{ dtypes: DType[] }>({
  type: 'RestoreV2',
  infer: (_ins, a) => a.dtypes.map((dtype) => ({ dtype, shape: null })),
  lower: hostOnly('RestoreV2'),
  stateful: true,
});
registerGradient('RestoreV2', null);
registerHostOp('RestoreV2', function* (op, ins) {
  const dtypes = (op.attrs as { dtypes: DType[] }).dtypes;
  const { prefix, names, slices } = bundleArgs(op, ins, dtypes.length);
  const reader = yield* wait(readBundle(prefix));
  // As TF: every key is looked up before any is read.
  for (const name of names) if (!reader.has(name)) throw new NotFoundError(`Key ${name} not found in checkpoint`, op.name);
  const out: NDArray[] = [];
  for (let i = 0; i < names.length; i++) {
    const sl = slices[i];
    if (sl) {
      const stored = reader.entry(names[i]!).shape;
      if (stored.length !== sl.fullShape.length || stored.some((d, k) => d !== sl.fullShape[k])) {
        throw new InvalidArgumentError(
          `tensor_name = ${names[i]}; shape in shape_and_slice spec [${sl.fullShape.join(',')}] does not match the shape stored in checkpoint: [${stored.join(',')}]`,
          op.name,
        );
      }
    }
    let v: TensorValue;
    try {
      v = yield* wait(sl ? reader.readSlice(names[i]!, sl.slice) : reader.read(names[i]!));
    } catch (e) {
      throw e instanceof InvalidArgumentError && e.op === null ? new InvalidArgumentError(e.message, op.name) : e;
    }
    if (v.dtype !== dtypes[i]) {
      throw new InvalidArgumentError(`tensor_name = ${names[i]}; expected dtype ${tfName(dtypes[i]!)} does not equal original dtype ${tfName(v.dtype)}`, op.name);
    }
    if (v instanceof StringTensor) {
      const arr = new StringArray(v.bytes.length);
      arr.set(v.bytes);
      out.push(new NDArray<'string'>(arr, v.shape, 'string'));
    } else out.push(v);
  }
  return out;
});

// ----- ShardedFilename(basename, shard, num_shards) ----------------------------------------------
defineOp({
  type: 'ShardedFilename',
  infer: () => [{ dtype: 'string', shape: [] }],
  lower: hostOnly('ShardedFilename'),
});
registerGradient('ShardedFilename', null);
registerHostOp('ShardedFilename', function* (op, [base, shard, num]) {
  const [b] = stringInput(op, base, 'basename', 0);
  const pad = (n: number): string => String(n).padStart(5, '0');
  return [NDArray.fromStrings([`${b}-${pad(Number(shard!.data[0]))}-of-${pad(Number(num!.data[0]))}`], [])];
});

// ----- MergeV2Checkpoints(checkpoint_prefixes, destination_prefix) -------------------------------
defineOp<{ deleteOldDirs: boolean }>({
  type: 'MergeV2Checkpoints',
  infer: () => [],
  lower: ranOnHost,
  stateful: true,
});
registerGradient('MergeV2Checkpoints', null);
registerHostOp('MergeV2Checkpoints', function* (op, [prefixes, dest]) {
  const parts = stringInput(op, prefixes, 'checkpoint_prefixes', 1);
  const [to] = stringInput(op, dest, 'destination_prefix', 0);
  // Read every shard's tensors, write them as one bundle at the destination (data then index,
  // atomically), then remove the shards and, as TF's delete_old_dirs, their directories.
  const tensors: BundleTensor[] = [];
  for (const p of parts) {
    const r = yield* wait(readBundle(p));
    for (const name of r.names) tensors.push({ name, array: yield* wait(r.read(name)) });
  }
  tensors.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  yield* wait(writeBundle(to!, tensors));
  yield* wait(removeBundles(parts, (op.attrs as { deleteOldDirs: boolean }).deleteOldDirs));
  return [];
});

async function removeBundles(prefixes: string[], deleteOldDirs: boolean): Promise<void> {
  for (const p of prefixes) {
    const r = await readBundle(p);
    const files = [metaFilename(p), ...Array.from({ length: r.numShards }, (_, i) => dataFilename(p, i, r.numShards))];
    for (const f of files) await fsp.rm(f, { force: true });
    // TF removes the shard's directory when it is left empty (its `_temp_<id>` directory).
    if (deleteOldDirs) await fsp.rmdir(path.dirname(p)).catch(() => undefined);
  }
}
