/**
 * TF-style checkpoint reading: `tf.train.NewCheckpointReader`, `load_checkpoint`,
 * `list_variables` and `load_variable`.
 */
import { fs, fsp } from '../platform/node-builtins.js';
import { InvalidArgumentError, ValueError } from '../errors.js';
import type { NDArray } from '../ndarray.js';
import { type BundleDType, type BundleEntry, type TensorValue, BundleReader, keyNotFound } from './bundle.js';
import { latestCheckpoint, latestCheckpointAsync } from './state.js';
import { StringTensor } from './strings.js';

/**
 * Read access to one checkpoint (a V2 bundle). The index is read when the reader is created;
 * each `getTensor` reads that tensor's bytes from the data file and verifies its checksum.
 */
export class CheckpointReader {
  constructor(readonly bundle: BundleReader) {}

  /** Open the checkpoint at `prefix` (the path without `.index`). */
  static async open(prefix: string): Promise<CheckpointReader> {
    return new CheckpointReader(await BundleReader.open(prefix));
  }

  /** Synchronous {@link open}. */
  static openSync(prefix: string): CheckpointReader {
    return new CheckpointReader(BundleReader.openSync(prefix));
  }

  get prefix(): string {
    return this.bundle.prefix;
  }

  /** Entries in key order. */
  get entries(): readonly BundleEntry[] {
    return this.bundle.entries;
  }

  hasTensor(name: string): boolean {
    return this.bundle.has(name);
  }

  /** Any tensor: an NDArray, or a StringTensor for DT_STRING. */
  getValue(name: string): TensorValue {
    if (!this.bundle.has(name)) throw keyNotFound(name);
    return this.bundle.readSync(name);
  }

  /** Asynchronous {@link getValue}. */
  async readTensor(name: string): Promise<TensorValue> {
    if (!this.bundle.has(name)) throw keyNotFound(name);
    return this.bundle.read(name);
  }

  /** A numeric tensor. Missing key: NotFoundError `Key <name> not found in checkpoint`. */
  getTensor(name: string): NDArray {
    const v = this.getValue(name);
    if (v instanceof StringTensor) {
      throw new InvalidArgumentError(`Key ${name} holds a string tensor; read it with getStringTensor`);
    }
    return v;
  }

  /** A string tensor. */
  getStringTensor(name: string): StringTensor {
    const v = this.getValue(name);
    if (!(v instanceof StringTensor)) {
      throw new InvalidArgumentError(`Key ${name} holds a ${v.dtype} tensor, not a string tensor`);
    }
    return v;
  }

  /** key → shape, in key order. */
  getVariableToShapeMap(): Map<string, number[]> {
    return new Map(this.bundle.entries.map((e) => [e.name, [...e.shape]]));
  }

  /** key → dtype, in key order. */
  getVariableToDtypeMap(): Map<string, BundleDType> {
    return new Map(this.bundle.entries.map((e) => [e.name, e.dtype]));
  }

  /** `key (DT_FLOAT) [2,3]` lines. */
  debugString(): string {
    return this.bundle.debugString();
  }
}

function isDirectorySync(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function noCheckpointIn(dir: string): ValueError {
  return new ValueError(`Couldn't find 'checkpoint' file or checkpoints in given directory ${dir}`);
}

/**
 * A checkpoint prefix from a prefix or a directory (resolved through its `checkpoint` state
 * file); ValueError when a directory has no usable state file.
 */
export function resolveCheckpoint(prefixOrDir: string): string {
  if (!isDirectorySync(prefixOrDir)) return prefixOrDir;
  const latest = latestCheckpoint(prefixOrDir);
  if (latest === null) throw noCheckpointIn(prefixOrDir);
  return latest;
}

/** Asynchronous {@link resolveCheckpoint}. */
export async function resolveCheckpointAsync(prefixOrDir: string): Promise<string> {
  if (!(await isDirectory(prefixOrDir))) return prefixOrDir;
  const latest = await latestCheckpointAsync(prefixOrDir);
  if (latest === null) throw noCheckpointIn(prefixOrDir);
  return latest;
}

/** `tf.train.NewCheckpointReader(prefix)`: a reader for exactly this prefix (the index is read now). */
export function newCheckpointReader(prefix: string): CheckpointReader {
  return CheckpointReader.openSync(prefix);
}

/** Asynchronous {@link newCheckpointReader}. */
export function newCheckpointReaderAsync(prefix: string): Promise<CheckpointReader> {
  return CheckpointReader.open(prefix);
}

/** `tf.train.load_checkpoint(ckpt_dir_or_file)`: a reader; `getTensor(name)` reads one tensor. */
export function loadCheckpoint(prefixOrDir: string): CheckpointReader {
  return CheckpointReader.openSync(resolveCheckpoint(prefixOrDir));
}

/** Asynchronous {@link loadCheckpoint} (its reader's `readTensor` reads asynchronously). */
export async function loadCheckpointAsync(prefixOrDir: string): Promise<CheckpointReader> {
  return CheckpointReader.open(await resolveCheckpointAsync(prefixOrDir));
}

/** `tf.train.list_variables`: `[name, shape]` pairs sorted by key. */
export function listVariables(prefixOrDir: string): [string, number[]][] {
  return [...loadCheckpoint(prefixOrDir).getVariableToShapeMap()];
}

/** Asynchronous {@link listVariables}. */
export async function listVariablesAsync(prefixOrDir: string): Promise<[string, number[]][]> {
  return [...(await loadCheckpointAsync(prefixOrDir)).getVariableToShapeMap()];
}

function stripOutput(name: string): string {
  return name.endsWith(':0') ? name.slice(0, -2) : name;
}

/** `tf.train.load_variable`: one tensor's value; a trailing `:0` on the name is ignored. */
export function loadVariable(prefixOrDir: string, name: string): TensorValue {
  return loadCheckpoint(prefixOrDir).getValue(stripOutput(name));
}

/** Asynchronous {@link loadVariable}. */
export async function loadVariableAsync(prefixOrDir: string, name: string): Promise<TensorValue> {
  return (await loadCheckpointAsync(prefixOrDir)).readTensor(stripOutput(name));
}
