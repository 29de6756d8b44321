/**
 * `tf.gfile` (TF1's CamelCase names) and `tf.io.gfile` (the snake-case names, camelCased) on
 * the local file system: TF1 scripts create log directories, list checkpoints and read label
 * files through them. Errors are TF's (NotFoundError "<path>; No such file or directory",
 * AlreadyExistsError "file already exists"). Where Node is absent each call fails with
 * NodeOnlyError naming the missing module.
 */
import { AlreadyExistsError, FailedPreconditionError, NotFoundError, PermissionDeniedError } from '../errors.js';
import { globFiles } from '../io/readers.js';
import { fs, path } from './node-builtins.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function ioError(p: string, e: unknown): Error {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return new NotFoundError(`${p}; No such file or directory`);
  if (code === 'EEXIST') return new AlreadyExistsError(`${p}; File exists`);
  if (code === 'EACCES' || code === 'EPERM') return new PermissionDeniedError(`${p}; Permission denied`);
  if (code === 'ENOTDIR') return new FailedPreconditionError(`${p}; Not a directory`);
  return e instanceof Error ? e : new Error(String(e));
}

function io<T>(p: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw ioError(p, e);
  }
}

const str = (x: unknown, what: string): string => {
  if (typeof x !== 'string') throw new TypeError(`${what} must be a string path, got ${String(x)}`);
  return x;
};

/** `gfile.exists(path)`: whether a file or directory exists there. */
export function exists(filename: string): boolean {
  return fs.existsSync(str(filename, 'filename'));
}

/** `gfile.isdir(path)`. */
export function isdir(dirname: string): boolean {
  try {
    return fs.statSync(str(dirname, 'dirname')).isDirectory();
  } catch {
    return false;
  }
}

/** `gfile.makedirs(path)`: the directory and its missing parents; an existing directory is fine. */
export function makedirs(dirname: string): void {
  const d = str(dirname, 'dirname');
  if (fs.existsSync(d) && !fs.statSync(d).isDirectory()) throw new FailedPreconditionError(`${d} exists and is not a directory`);
  io(d, () => fs.mkdirSync(d, { recursive: true }));
}

/** `gfile.mkdir(path)`: one directory; its parent must exist, and it must not. */
export function mkdir(dirname: string): void {
  const d = str(dirname, 'dirname');
  io(d, () => fs.mkdirSync(d));
}

/** `gfile.listdir(path)`: the entries' names (not paths), without `.` and `..`. */
export function listdir(dirname: string): string[] {
  const d = str(dirname, 'dirname');
  if (!isdir(d)) throw new NotFoundError('Could not find directory');
  return io(d, () => fs.readdirSync(d));
}

/** `gfile.glob(pattern)`: the paths matching the pattern (a list of patterns: their union). */
export function glob(filename: string | string[]): string[] {
  const pats = Array.isArray(filename) ? filename : [filename];
  return [...new Set(pats.flatMap((p) => globFiles(str(p, 'filename'))))];
}

/** `gfile.remove(path)`: deletes a file (NotFoundError when it is absent). */
export function remove(filename: string): void {
  const f = str(filename, 'filename');
  io(f, () => fs.unlinkSync(f));
}

/** `gfile.rmtree(path)`: deletes a directory and everything in it. */
export function rmtree(dirname: string): void {
  const d = str(dirname, 'dirname');
  if (!fs.existsSync(d)) throw new NotFoundError(`${d}; No such file or directory`);
  io(d, () => fs.rmSync(d, { recursive: true, force: true }));
}

/** `gfile.copy(oldpath, newpath, overwrite=False)`. */
export function copy(oldpath: string, newpath: string, overwrite: boolean | { overwrite?: boolean } = false): void {
  const o = typeof overwrite === 'object' ? overwrite.overwrite ?? false : overwrite;
  const a = str(oldpath, 'oldpath');
  const b = str(newpath, 'newpath');
  if (!o && fs.existsSync(b)) throw new AlreadyExistsError('file already exists');
  io(a, () => fs.copyFileSync(a, b));
}

/** `gfile.rename(oldname, newname, overwrite=False)`. */
export function rename(oldname: string, newname: string, overwrite: boolean | { overwrite?: boolean } = false): void {
  const o = typeof overwrite === 'object' ? overwrite.overwrite ?? false : overwrite;
  const a = str(oldname, 'oldname');
  const b = str(newname, 'newname');
  if (!o && fs.existsSync(b)) throw new AlreadyExistsError('file already exists');
  io(a, () => fs.renameSync(a, b));
}

/** `gfile.stat(path)`: TF's FileStatistics (`length`, `mtimeNsec`, `isDirectory`). */
export function stat(filename: string): { length: number; mtimeNsec: number; isDirectory: boolean } {
  const f = str(filename, 'filename');
  const s = io(f, () => fs.statSync(f));
  return { length: s.size, mtimeNsec: Math.round(s.mtimeMs * 1e6), isDirectory: s.isDirectory() };
}

/** `gfile.walk(top, topdown=True)`: `[dirpath, subdirs, files]` for each directory under top. */
export function walk(top: string, topdown: boolean | { topdown?: boolean } = true): [string, string[], string[]][] {
  const td = typeof topdown === 'object' ? topdown.topdown ?? true : topdown;
  const t = str(top, 'top');
  if (!isdir(t)) return [];
  const out: [string, string[], string[]][] = [];
  const visit = (d: string): void => {
    const names = fs.readdirSync(d).sort();
    const dirs = names.filter((n) => isdir(path.join(d, n)));
    const files = names.filter((n) => !dirs.includes(n));
    if (td) out.push([d, dirs, files]);
    for (const s of dirs) visit(path.join(d, s));
    if (!td) out.push([d, dirs, files]);
  };
  visit(t);
  return out;
}

/**
 * `gfile.GFile(name, mode='r')`: a file opened lazily on first use. Text modes read and write
 * strings, binary ones (`rb`, `wb`, `ab`) Uint8Arrays. Reading a file opened for writing (and
 * the reverse) is TF's PermissionDeniedError.
 */
export class GFile {
  readonly name: string;
  readonly mode: string;
  private fd: number | null = null;
  private pos = 0;
  private closed = false;

  constructor(name: string, mode: string | { mode?: string } = 'r') {
    this.name = str(name, 'name');
    const m = typeof mode === 'object' ? mode.mode ?? 'r' : mode;
    if (!['r', 'w', 'a', 'rb', 'wb', 'ab', 'r+', 'w+', 'a+', 'rb+', 'wb+', 'ab+'].includes(m)) {
      throw new TypeError(`GFile: mode must be one of r, w, a (with b and/or +), got '${m}'`);
    }
    this.mode = m;
  }

  private get binary(): boolean {
    return this.mode.includes('b');
  }
  private get readable(): boolean {
    return this.mode.startsWith('r') || this.mode.includes('+');
  }
  private get writable(): boolean {
    return !this.mode.startsWith('r') || this.mode.includes('+');
  }

  private open(): number {
    if (this.closed) throw new FailedPreconditionError('File is closed');
    if (this.fd === null) {
      const flag = this.mode.replace('b', '');
      this.fd = io(this.name, () => fs.openSync(this.name, flag));
      if (flag.startsWith('a')) this.pos = fs.fstatSync(this.fd).size;
    }
    return this.fd;
  }

  /** `size()`: the file's length in bytes. */
  size(): number {
    return io(this.name, () => fs.statSync(this.name).size);
  }

  /** `read(n=-1)`: up to n bytes from the current position (all the rest by default). */
  read(n = -1): string | Uint8Array {
    if (!this.readable) throw new PermissionDeniedError("File isn't open for reading");
    const fd = this.open();
    const left = Math.max(0, fs.fstatSync(fd).size - this.pos);
    const len = n < 0 ? left : Math.min(n, left);
    const buf = new Uint8Array(len);
    const got = len > 0 ? fs.readSync(fd, buf, 0, len, this.pos) : 0;
    this.pos += got;
    const bytes = buf.subarray(0, got);
    return this.binary ? bytes : dec.decode(bytes);
  }

  /** `readline()`: the next line with its `\n` ('' at the end). */
  readline(): string | Uint8Array {
    if (!this.readable) throw new PermissionDeniedError("File isn't open for reading");
    const fd = this.open();
    const size = fs.fstatSync(fd).size;
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (this.pos < size) {
      const buf = new Uint8Array(Math.min(4096, size - this.pos));
      const got = fs.readSync(fd, buf, 0, buf.length, this.pos);
      const nl = buf.subarray(0, got).indexOf(10);
      const take = nl >= 0 ? nl + 1 : got;
      chunks.push(buf.subarray(0, take));
      total += take;
      this.pos += take;
      if (nl >= 0) break;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return this.binary ? out : dec.decode(out);
  }

  /** `readlines()`: every remaining line. */
  readlines(): (string | Uint8Array)[] {
    const out: (string | Uint8Array)[] = [];
    for (let l = this.readline(); l.length > 0; l = this.readline()) out.push(l);
    return out;
  }

  *[Symbol.iterator](): Iterator<string | Uint8Array> {
    for (let l = this.readline(); l.length > 0; l = this.readline()) yield l;
  }

  /** `write(content)`: a string (UTF-8) or bytes at the current position. */
  write(content: string | Uint8Array): void {
    if (!this.writable) throw new PermissionDeniedError("File isn't open for writing");
    const fd = this.open();
    const bytes = typeof content === 'string' ? enc.encode(content) : content;
    fs.writeSync(fd, bytes, 0, bytes.length, this.pos);
    this.pos += bytes.length;
  }

  /** `seek(offset, whence=0)`: 0 from the start, 1 from the current position, 2 from the end. */
  seek(offset: number, whence = 0): number {
    const fd = this.open();
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : fs.fstatSync(fd).size;
    this.pos = Math.max(0, base + offset);
    return this.pos;
  }

  tell(): number {
    return this.pos;
  }

  flush(): void {
    if (this.fd !== null) fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
    this.closed = true;
  }
}
