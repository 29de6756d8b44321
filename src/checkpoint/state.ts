/**
 * The `checkpoint` state file that sits next to saved checkpoints: a text-format
 * CheckpointState proto, one `field: value` per line, strings C-escaped.
 *
 *   model_checkpoint_path: "model.ckpt-1000"
 *   all_model_checkpoint_paths: "model.ckpt-800"
 *   all_model_checkpoint_paths: "model.ckpt-1000"
 *
 * Paths that are relative are relative to the directory holding the file.
 */
import { crypto as nodeCrypto, fs, fsp, path } from '../platform/node-builtins.js';
import { RuntimeError, ValueError } from '../errors.js';
import { metaFilename } from './bundle.js';
import { ioError, pathExists, registerTemp, releaseTemp, removeTempFiles, saveStep } from './io.js';

export const DEFAULT_STATE_FILENAME = 'checkpoint';

export interface CheckpointState {
  /** The newest checkpoint's prefix. */
  modelCheckpointPath: string;
  /** Kept checkpoints, oldest first; the last one equals modelCheckpointPath. */
  allModelCheckpointPaths: string[];
  /** Seconds since the epoch, parallel to allModelCheckpointPaths (optional). */
  allModelCheckpointTimestamps: number[];
  /** Seconds since the epoch; 0 when not set. */
  lastPreservedTimestamp: number;
}

// ---------------------------------------------------------------- escaping

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

/** C-escape a string as protobuf's text format writes it (bytes ≥ 0x80 as octal). */
export function cEscape(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) {
    switch (b) {
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x27:
        out += "\\'";
        break;
      case 0x5c:
        out += '\\\\';
        break;
      default:
        out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`;
    }
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** Undo C escapes (the inside of a quoted string); the result's bytes are read as UTF-8. */
export function cUnescape(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\') {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...utf8.encode(String.fromCodePoint(cp)));
      continue;
    }
    const e = s[++i];
    if (e === undefined) throw new ValueError('String ends with an unfinished escape');
    if (e in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[e]!);
    } else if (e >= '0' && e <= '7') {
      let j = i;
      while (j < i + 3 && j < s.length && s[j]! >= '0' && s[j]! <= '7') j++;
      bytes.push(parseInt(s.slice(i, j), 8) & 0xff);
      i = j - 1;
    } else if (e === 'x' || e === 'X') {
      let j = i + 1;
      while (j < i + 3 && j < s.length && /[0-9a-fA-F]/.test(s[j]!)) j++;
      if (j === i + 1) throw new ValueError('Invalid \\x escape: no hex digits');
      bytes.push(parseInt(s.slice(i + 1, j), 16));
      i = j - 1;
    } else {
      throw new ValueError(`Invalid escape sequence \\${e}`);
    }
  }
  return utf8d.decode(Uint8Array.from(bytes));
}

// ---------------------------------------------------------------- text format

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; line: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (/\s/.test(ch)) {
      i++;
    } else if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\n') throw new ValueError(`${line}: String literal is not terminated`);
        j += text[j] === '\\' ? 2 : 1;
      }
      if (j >= text.length) throw new ValueError(`${line}: String literal is not terminated`);
      tokens.push({ kind: 'string', text: cUnescape(text.slice(i + 1, j)), line });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_.]/.test(text[j]!)) j++;
      tokens.push({ kind: 'ident', text: text.slice(i, j), line });
      i = j;
    } else if (/[-+0-9.]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_.+-]/.test(text[j]!)) j++;
      tokens.push({ kind: 'number', text: text.slice(i, j), line });
      i = j;
    } else if (ch === ':' || ch === ';' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, line });
      i++;
    } else {
      throw new ValueError(`${line}: Unexpected character '${ch}'`);
    }
  }
  return tokens;
}

function parseDouble(tok: Token): number {
  const t = tok.text.toLowerCase().replace(/f$/, '');
  const m = /^([-+]?)(inf|infinity|nan)$/.exec(tok.text.toLowerCase());
  if (m) return m[2] === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) {
    throw new ValueError(`${tok.line}: Couldn't parse float: ${tok.text}`);
  }
  return Number(t);
}

/** Parse the text of a `checkpoint` state file (paths are returned as written). */
export function parseCheckpointState(text: string): CheckpointState {
  const state: CheckpointState = {
    modelCheckpointPath: '',
    allModelCheckpointPaths: [],
    allModelCheckpointTimestamps: [],
    lastPreservedTimestamp: 0,
  };
  const toks = tokenize(text);
  let i = 0;
  const readString = (field: string): string => {
    const t = toks[i];
    if (t === undefined || t.kind !== 'string') {
      throw new ValueError(`${t?.line ?? 'end'}: Expected string for field "${field}"`);
    }
    let s = '';
    while (toks[i]?.kind === 'string') s += toks[i++]!.text; // adjacent literals concatenate
    return s;
  };
  const readNumber = (field: string): number => {
    const t = toks[i];
    if (t === undefined || (t.kind !== 'number' && t.kind !== 'ident')) {
      throw new ValueError(`${t?.line ?? 'end'}: Expected a number for field "${field}"`);
    }
    i++;
    return parseDouble(t);
  };
  while (i < toks.length) {
    const name = toks[i]!;
    if (name.kind !== 'ident') throw new ValueError(`${name.line}: Expected identifier, got ${name.text}`);
    i++;
    if (toks[i]?.text !== ':' || toks[i]?.kind !== 'punct') {
      throw new ValueError(`${name.line}: Expected ":" after field "${name.text}"`);
    }
    i++;
    switch (name.text) {
      case 'model_checkpoint_path':
        state.modelCheckpointPath = readString(name.text);
        break;
      case 'all_model_checkpoint_paths':
        state.allModelCheckpointPaths.push(readString(name.text));
        break;
      case 'all_model_checkpoint_timestamps':
        state.allModelCheckpointTimestamps.push(readNumber(name.text));
        break;
      case 'last_preserved_timestamp':
        state.lastPreservedTimestamp = readNumber(name.text);
        break;
      default:
        throw new ValueError(
          `${name.line}: Message type "tensorflow.CheckpointState" has no field named "${name.text}".`,
        );
    }
    if (toks[i]?.kind === 'punct' && (toks[i]!.text === ';' || toks[i]!.text === ',')) i++;
  }
  return state;
}

/** A double as Python's `str()` prints it (`1.0`, `1e-07`, `1.5e+16`). */
function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp >= -4 && exp < 16) {
    const s = String(v);
    if (!/e/.test(s)) return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, e] = v.toExponential().split('e') as [string, string];
  const sign = e.startsWith('-') ? '-' : '+';
  return `${mant}e${sign}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
}

/** The text of a `checkpoint` state file: one `field: value` line per value. */
export function formatCheckpointState(s: CheckpointState): string {
  let out = '';
  if (s.modelCheckpointPath !== '') out += `model_checkpoint_path: "${cEscape(s.modelCheckpointPath)}"\n`;
  for (const p of s.allModelCheckpointPaths) out += `all_model_checkpoint_paths: "${cEscape(p)}"\n`;
  for (const t of s.allModelCheckpointTimestamps) out += `all_model_checkpoint_timestamps: ${pyFloat(t)}\n`;
  if (s.lastPreservedTimestamp !== 0) out += `last_preserved_timestamp: ${pyFloat(s.lastPreservedTimestamp)}\n`;
  return out;
}

// ---------------------------------------------------------------- files

/** Python's os.path.join for two parts (no normalisation). */
export function pyJoin(dir: string, name: string): string {
  if (path.isAbsolute(name) || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** `<file>.tmp<32 hex digits>`, the temporary name of an atomic write (as TF's). */
export const ATOMIC_TEMP_PATTERN = /\.tmp[0-9a-f]{32}$/;

/**
 * Write `text` to `file` atomically: a temporary file in the same directory, synced, then a
 * rename. File system errors come back as TF's classes naming the file (ENOSPC:
 * ResourceExhaustedError, EACCES/EROFS: PermissionDeniedError, …).
 */
export async function atomicWriteFile(file: string, text: string | Uint8Array): Promise<void> {
  const tmp = registerTemp(`${file}.tmp${nodeCrypto.randomBytes(16).toString('hex')}`);
  let at = tmp;
  try {
    const fh = await fsp.open(tmp, 'wx');
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await saveStep('state:temp-written');
    at = file;
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.unlink(tmp).catch(() => undefined);
    throw ioError(e, at);
  } finally {
    releaseTemp(tmp);
  }
}

/**
 * Remove temporary files of `<dir>/<latestFilename>` that killed atomic writes left behind
 * (those this process is writing now stay). Returns the paths removed.
 */
export function removeStaleStateTemps(dir: string, latestFilename: string = DEFAULT_STATE_FILENAME): string[] {
  return removeTempFiles(dir, (n) =>
    n.startsWith(`${latestFilename}.tmp`) && n.length === latestFilename.length + 36 && ATOMIC_TEMP_PATTERN.test(n) ? pyJoin(dir, n) : null,
  );
}

/** The raw text of `<dir>/<latestFilename>`, or null when it cannot be read. */
export function readStateFileSync(dir: string, latestFilename: string = DEFAULT_STATE_FILENAME): string | null {
  try {
    return fs.readFileSync(pyJoin(dir, latestFilename), 'utf8');
  } catch {
    return null;
  }
}

/** A state file's text parsed, its paths joined onto `dir`; null when malformed. */
function resolveState(dir: string, text: string | null): CheckpointState | null {
  if (text === null) return null;
  let state: CheckpointState;
  try {
    state = parseCheckpointState(text);
  } catch {
    return null;
  }
  if (state.modelCheckpointPath === '') throw new ValueError(`Invalid checkpoint state loaded from ${dir}`);
  state.modelCheckpointPath = pyJoin(dir, state.modelCheckpointPath);
  state.allModelCheckpointPaths = state.allModelCheckpointPaths.map((p) => pyJoin(dir, p));
  return state;
}

/**
 * `tf.train.get_checkpoint_state`: read `<dir>/<latestFilename>`. Relative paths in it are
 * joined onto `dir`. Returns null when the file is missing, unreadable or malformed; an empty
 * `model_checkpoint_path` is a ValueError `Invalid checkpoint state loaded from <dir>`.
 */
export function getCheckpointState(dir: string, latestFilename: string = DEFAULT_STATE_FILENAME): CheckpointState | null {
  return resolveState(dir, readStateFileSync(dir, latestFilename));
}

/** Asynchronous {@link getCheckpointState}. */
export async function getCheckpointStateAsync(
  dir: string,
  latestFilename: string = DEFAULT_STATE_FILENAME,
): Promise<CheckpointState | null> {
  let text: string | null;
  try {
    text = await fsp.readFile(pyJoin(dir, latestFilename), 'utf8');
  } catch {
    text = null;
  }
  return resolveState(dir, text);
}

function existsSync(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}


/**
 * `tf.train.latest_checkpoint`: the newest checkpoint prefix listed in `<dir>/checkpoint`, or
 * null when there is no state file or its checkpoint's files are gone.
 */
export function latestCheckpoint(dir: string, latestFilename: string = DEFAULT_STATE_FILENAME): string | null {
  const state = getCheckpointState(dir, latestFilename);
  if (state === null || state.modelCheckpointPath === '') return null;
  const p = state.modelCheckpointPath;
  return existsSync(metaFilename(p)) || existsSync(p) ? p : null;
}

/** Asynchronous {@link latestCheckpoint}. */
export async function latestCheckpointAsync(
  dir: string,
  latestFilename: string = DEFAULT_STATE_FILENAME,
): Promise<string | null> {
  const state = await getCheckpointStateAsync(dir, latestFilename);
  if (state === null || state.modelCheckpointPath === '') return null;
  const p = state.modelCheckpointPath;
  return (await pathExists(metaFilename(p))) || (await pathExists(p)) ? p : null;
}

/**
 * TF's rule for the paths of a checkpoint state: with a relative `saveDir`, the relative paths
 * (the model's and the list's) are rewritten relative to it; absolute ones stay.
 */
export function relativeToSaveDir(saveDir: string, model: string, all: readonly string[]): { model: string; all: string[] } {
  if (path.isAbsolute(saveDir)) return { model, all: [...all] };
  const rel = (p: string): string => (path.isAbsolute(p) ? p : path.relative(saveDir, p) || '.');
  return { model: rel(model), all: all.map(rel) };
}

export interface UpdateCheckpointStateOptions {
  /** Name of the state file in `saveDir` (default `checkpoint`). */
  latestFilename?: string;
  /** Store paths relative to `saveDir` even when given absolute. */
  saveRelativePaths?: boolean;
  allModelCheckpointTimestamps?: number[];
  lastPreservedTimestamp?: number;
}

/**
 * Write `<saveDir>/checkpoint` atomically. `modelCheckpointPath` is appended to
 * `allModelCheckpointPaths` when it is not already its last element. With a relative
 * `saveDir`, relative paths are rewritten relative to it.
 */
export async function updateCheckpointState(
  saveDir: string,
  modelCheckpointPath: string,
  allModelCheckpointPaths: readonly string[] = [],
  options: UpdateCheckpointStateOptions = {},
): Promise<CheckpointState> {
  const stateFile = pyJoin(saveDir, options.latestFilename ?? DEFAULT_STATE_FILENAME);
  const rel = (p: string): string => path.relative(saveDir, p) || '.';
  let model = modelCheckpointPath;
  let all = [...allModelCheckpointPaths];
  if (options.saveRelativePaths) {
    if (path.isAbsolute(model)) model = rel(model);
    all = all.map((p) => (path.isAbsolute(p) ? rel(p) : p));
  }
  if (all.length === 0 || all[all.length - 1] !== model) all.push(model);
  const timestamps = options.allModelCheckpointTimestamps ?? [];
  if (timestamps.length > 0 && timestamps.length !== all.length) {
    throw new ValueError(
      `Checkpoint timestamps, if provided, must match checkpoint paths (${timestamps.length} vs ${all.length})`,
    );
  }
  ({ model, all } = relativeToSaveDir(saveDir, model, all));
  if (stateFile === model) {
    throw new RuntimeError(
      `Save path '${modelCheckpointPath}' conflicts with path used for checkpoint state.  Please use a different save path.`,
    );
  }
  const state: CheckpointState = {
    modelCheckpointPath: model,
    allModelCheckpointPaths: all,
    allModelCheckpointTimestamps: [...timestamps],
    lastPreservedTimestamp: options.lastPreservedTimestamp ?? 0,
  };
  await atomicWriteFile(stateFile, formatCheckpointState(state));
  return state;
}

/** `tf.train.checkpoint_exists`: whether a V2 checkpoint (its `.index`) exists at `prefix`. */
export function checkpointExists(prefix: string): boolean {
  return existsSync(metaFilename(prefix));
}

/** Asynchronous {@link checkpointExists}. */
export async function checkpointExistsAsync(prefix: string): Promise<boolean> {
  return pathExists(metaFilename(prefix));
}

/**
 * Delete the files of the checkpoint at `prefix`: `.index`, every `.data-NNNNN-of-NNNNN` shard,
 * and `<prefix>.<metaGraphSuffix>` unless the suffix is null. Missing files are skipped.
 * Returns the paths removed.
 */
export async function removeCheckpoint(prefix: string, metaGraphSuffix: string | null = 'meta'): Promise<string[]> {
  const dir = path.dirname(prefix);
  const base = path.basename(prefix);
  const targets = [metaFilename(prefix)];
  if (metaGraphSuffix !== null) targets.push(`${prefix}.${metaGraphSuffix}`);
  let names: string[] = [];
  try {
    names = await fsp.readdir(dir);
  } catch {
    names = [];
  }
  const shard = /^\.data-\d{5}-of-\d{5}$/;
  for (const n of names) {
    if (n.startsWith(base) && shard.test(n.slice(base.length))) targets.push(path.join(dir, n));
  }
  const removed: string[] = [];
  for (const t of targets) {
    try {
      await fsp.unlink(t);
      removed.push(t);
    } catch {
      // already gone
    }
  }
  return removed;
}
