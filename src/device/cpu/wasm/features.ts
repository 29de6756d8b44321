/** Feature detection for WebAssembly SIMD128 and relaxed SIMD, by validating tiny modules. */
import { ModuleBuilder } from './emitter.js';

function validates(build: (m: ModuleBuilder) => void): boolean {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return false;
  const m = new ModuleBuilder();
  build(m);
  try {
    return WebAssembly.validate(m.toBytes());
  } catch {
    return false;
  }
}

/** Whether the engine accepts fixed-width SIMD (v128, f32x4 arithmetic). */
export function simdSupported(): boolean {
  return validates((m) => {
    const f = m.func('f', ['v128', 'v128'], ['v128']);
    f.get(f.params[0]!).get(f.params[1]!).f32x4Add();
  });
}

/**
 * Whether the engine accepts relaxed SIMD (`f32x4.relaxed_madd`). Not cached: on Node 20 the
 * answer changes once the V8 flag `--experimental-wasm-relaxed-simd` is set.
 */
export function relaxedSimdSupported(): boolean {
  return validates((m) => {
    const f = m.func('f', ['v128', 'v128', 'v128'], ['v128']);
    f.get(f.params[0]!).get(f.params[1]!).get(f.params[2]!).f32x4RelaxedMadd();
  });
}

/** Whether shared WebAssembly memories can be created here (needs SharedArrayBuffer). */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return mem.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}
