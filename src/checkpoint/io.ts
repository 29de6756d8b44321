/**
 * File plumbing shared by the checkpoint readers and writers: file system errors mapped to TF's
 * error classes, reads and writes cut into bounded chunks (one `read`/`write` call takes at most
 * 2^31-1 bytes), and the single place where buffers sized by a file's claims are allocated.
 */
import { fs, fsp } from '../platform/node-builtins.js';
import {
  AbortedError,
  AlreadyExistsError,
  CancelledError,
  DeadlineExceededError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  OpError,
  OutOfRangeError,
  PermissionDeniedError,
  ResourceExhaustedError,
  UnavailableError,
  UnimplementedError,
  UnknownError,
} from '../errors.js';

type ErrorCtor = new (message: string) => OpError;

/** errno name → TF error class, as TF's `ErrnoToCode` (tensorflow/core/platform/error.cc). */
const ERRNO_CLASS: Record<string, ErrorCtor> = {};
const classes: [ErrorCtor, string][] = [
  [InvalidArgumentError, 'EINVAL ENAMETOOLONG E2BIG EDESTADDRREQ EDOM EFAULT EILSEQ ENOPROTOOPT ENOSTR ENOTSOCK ENOTTY EPROTOTYPE ESPIPE'],
  [DeadlineExceededError, 'ETIMEDOUT ETIME'],
  [NotFoundError, 'ENODEV ENOENT ENXIO ESRCH'],
  [AlreadyExistsError, 'EEXIST EADDRNOTAVAIL EALREADY'],
  [PermissionDeniedError, 'EPERM EACCES EROFS'],
  [FailedPreconditionError, 'ENOTEMPTY EISDIR ENOTDIR EADDRINUSE EBADF EBUSY ECHILD EISCONN ENOTBLK ENOTCONN EPIPE ESHUTDOWN ETXTBSY'],
  [ResourceExhaustedError, 'ENOSPC EDQUOT EMFILE EMLINK ENFILE ENOBUFS ENODATA ENOMEM ENOSR EUSERS'],
  [OutOfRangeError, 'EFBIG EOVERFLOW ERANGE'],
  [UnimplementedError, 'ENOSYS ENOTSUP EAFNOSUPPORT EPFNOSUPPORT EPROTONOSUPPORT ESOCKTNOSUPPORT EXDEV'],
  [UnavailableError, 'EAGAIN ECONNREFUSED ECONNABORTED ECONNRESET EINTR EHOSTDOWN EHOSTUNREACH ENETDOWN ENETRESET ENETUNREACH ENOLCK ENOLINK ENONET'],
  [AbortedError, 'EDEADLK ESTALE'],
  [CancelledError, 'ECANCELED'],
];
for (const [ctor, names] of classes) for (const n of names.split(' ')) ERRNO_CLASS[n] = ctor;

/** The system's text for an error (`No space left on device`), from Node's `ENOSPC: no space…, open '…'`. */
function strerror(err: NodeJS.ErrnoException): string {
  // libuv's text for EISDIR ("illegal operation on a directory") is not the C library's
  if (err.code === 'EISDIR') return 'Is a directory';
  const m = /^[A-Z0-9_]+: (.*?)(?:, \w+(?: '.*')?)?$/s.exec(err.message ?? '');
  if (m === null) return err.message ?? String(err);
  return m[1]!.charAt(0).toUpperCase() + m[1]!.slice(1);
}

/**
 * A Node fs error as TF's `IOError(context, errno)`: the class its errno maps to and the
 * message `<path>; <strerror>`. OpErrors pass through unchanged.
 */
export function ioError(e: unknown, path: string): Error {
  if (e instanceof OpError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code !== 'string') return e instanceof Error ? e : new UnknownError(`${path}; ${String(e)}`);
  const Ctor = ERRNO_CLASS[err.code] ?? UnknownError;
  const out = new Ctor(`${path}; ${strerror(err)}`);
  (out as { cause?: unknown }).cause = e;
  return out;
}

// ---------------------------------------------------------------- chunks

let ioChunkBytes = 1 << 28;

/** The most bytes one read or write call moves (256 MiB; Node takes at most 2^31-1). */
export function ioChunk(): number {
  return ioChunkBytes;
}

/** Lower the chunk bound (tests exercise the chunking with small tensors); returns the old one. */
export function setIoChunkBytes(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 0x7fffffff) throw new RangeError(`chunk size must be in [1, 2^31-1], got ${n}`);
  const old = ioChunkBytes;
  ioChunkBytes = n;
  return old;
}

/** Read `buf.length` bytes at `position`, in bounded chunks; returns the bytes read (short at end of file). */
export function readFullySync(fd: number, buf: Uint8Array, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const len = Math.min(buf.length - got, ioChunkBytes);
    const n = fs.readSync(fd, buf.subarray(got, got + len), 0, len, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** The size of an open file. */
export function fileSizeSync(fd: number): number {
  return fs.fstatSync(fd).size;
}

/** A whole file, read in bounded chunks (a file's own size bounds the allocation). */
export function readFileSync(path: string): Uint8Array {
  const fd = fs.openSync(path, 'r');
  try {
    const size = fileSizeSync(fd);
    const buf = allocate(size);
    const got = readFullySync(fd, buf, 0);
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------- allocation

let observer: ((bytes: number) => void) | null = null;

/**
 * A zeroed buffer of `bytes` whose size comes from a file's claims, after the caller checked it
 * against the file. Every such allocation of the readers goes through here.
 */
export function allocate(bytes: number): Uint8Array {
  observer?.(bytes);
  return new Uint8Array(bytes);
}

/** Observe the sizes passed to {@link allocate} (tests); returns a function that stops observing. */
export function observeAllocations(fn: (bytes: number) => void): () => void {
  const prev = observer;
  observer = fn;
  return () => {
    observer = prev;
  };
}

// ---------------------------------------------------------------- temporary files

/** Temporary files this process is writing now; stale-file cleanup leaves them alone. */
const activeTemps = new Set<string>();

/** Mark a temporary file as being written by this process. */
export function registerTemp(name: string): string {
  activeTemps.add(name);
  return name;
}

/** Forget a temporary name (renamed into place or removed). */
export function releaseTemp(name: string): void {
  activeTemps.delete(name);
}

/** Whether this process is writing `name` now. */
export function isActiveTemp(name: string): boolean {
  return activeTemps.has(name);
}

/**
 * Remove the files of `dir` whose names `matches` picks and maps to their full paths, except
 * those this process is writing now; files already gone are passed over. Returns the paths removed.
 */
export function removeTempFiles(dir: string, matches: (name: string) => string | null): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir === '' ? '.' : dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    const full = matches(n);
    if (full === null || isActiveTemp(full)) continue;
    try {
      fs.unlinkSync(full);
      removed.push(full);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Whether `p` exists. */
export async function pathExists(p: string): Promise<boolean> {
  try {
    await fsp.stat(p);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- fault injection

type StepHook = (step: string) => void | Promise<void>;
let stepHook: StepHook | null = null;

/**
 * Install a hook that every save awaits at each of its steps (`bundle:data-written`,
 * `save:state-written`, …), to inject failures or freeze a save part-way in tests; returns the
 * previous hook.
 */
export function setSaveStepHook(fn: StepHook | null): StepHook | null {
  const old = stepHook;
  stepHook = fn;
  return old;
}

/** Mark a step of a save (see {@link setSaveStepHook}). */
export async function saveStep(name: string): Promise<void> {
  if (stepHook !== null) await stepHook(name);
}
