/**
 * Facts about the machine that Node reads from `node:os` and browsers from `navigator`, with
 * the same meaning on both.
 */
import { tryNodeBuiltin } from './node-builtins.js';

const os = tryNodeBuiltin('node:os');

/** Threads the platform can run at once (Node: os.availableParallelism; browsers: hardwareConcurrency). */
export function availableParallelism(): number {
  try {
    if (os) return os.availableParallelism();
    const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    return typeof n === 'number' && n >= 1 ? Math.floor(n) : 1;
  } catch {
    return 1;
  }
}

/** The host's name as TF's error texts print it ('localhost' where the platform has none). */
export function hostname(): string {
  return os ? os.hostname() : 'localhost';
}

/** The byte order typed arrays use on this machine (what os.endianness() reports under Node). */
export function endianness(): 'LE' | 'BE' {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'LE' : 'BE';
}

/** Report a one-time warning: process.emitWarning under Node, console.warn elsewhere. */
export function emitWarning(message: string): void {
  const p = (globalThis as { process?: { emitWarning?: (m: string) => void } }).process;
  if (typeof p?.emitWarning === 'function') p.emitWarning(message);
  else console.warn(message);
}

/** The last part of a file path (node:path's basename where Node is; '/'-separated elsewhere). */
export function basename(file: string): string {
  const p = tryNodeBuiltin('node:path');
  if (p) return p.basename(file);
  const parts = file.split('/').filter((s) => s !== '');
  return parts[parts.length - 1] ?? '';
}
