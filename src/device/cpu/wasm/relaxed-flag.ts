/**
 * Under Node: turn on relaxed SIMD in engines that still keep it behind a V8 flag (Node 20's
 * V8 11.3 needs `--experimental-wasm-relaxed-simd`). V8 flags are process-wide, so worker
 * threads started afterwards see it too. Returns whether relaxed SIMD now validates.
 *
 * Setting V8 flags after start-up is not formally supported by Node; this flag only gates
 * which opcodes the wasm decoder accepts, and it is only ever turned on here, never off.
 */
import { tryNodeBuiltin } from '../../../platform/node-builtins.js';
import { relaxedSimdSupported } from './features.js';

export function enableRelaxedSimd(): boolean {
  if (relaxedSimdSupported()) return true;
  const v8 = tryNodeBuiltin('node:v8');
  if (!v8) return false; // browsers: relaxed SIMD is on wherever the engine ships it
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return relaxedSimdSupported();
}
