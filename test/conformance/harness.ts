/**
 * Shared test harness: the devices a suite runs on (from TSFLOW_TEST_DEVICES), their declared
 * capabilities, skipping with a printed reason, seeded random inputs, and float32-tolerance
 * comparison against the float64 reference.
 *
 *   TSFLOW_TEST_DEVICES="cpu,cpu-threads,webgpu" npx vitest run test/conformance
 */
import { afterAll, expect } from 'vitest';
import * as tf from 'tsflow';
import type { DType, NDArray, SessionOptions } from 'tsflow';
import { isClose } from '../support/compare.js';
import { type RefValue, fromNDArray, size } from './reference.js';

// ----- devices ---------------------------------------------------------------------------------

export interface DeviceCaps {
  /** float64 / int64 tensors can be computed (not only read from checkpoints). */
  float64: boolean;
  /** `Session.runSync` works. */
  runSync: boolean;
  /**
   * Multiplier on float32 tolerances: 1 where transcendental functions are correctly rounded
   * float64 math rounded to float32, larger where the device uses approximate intrinsics.
   */
  tolScale: number;
}

export interface TestDevice {
  name: string;
  options: SessionOptions;
  caps: DeviceCaps;
  /** null when usable here, else why not (printed when its tests are skipped). */
  unavailable(): Promise<string | null>;
}

const always = async (): Promise<string | null> => null;

export const KNOWN_DEVICES: Record<string, Omit<TestDevice, 'name'>> = {
  cpu: {
    options: { device: 'cpu', threads: 1 },
    caps: { float64: true, runSync: true, tolScale: 1 },
    unavailable: always,
  },
  'cpu-threads': {
    // parallelThreshold 0: every step fans out to the workers, however small.
    options: { device: 'cpu', threads: 2, parallelThreshold: 0 },
    caps: { float64: true, runSync: true, tolScale: 1 },
    unavailable: always,
  },
  webgpu: {
    options: { device: 'webgpu' },
    caps: { float64: false, runSync: false, tolScale: 8 },
    unavailable: async () => {
      if (await tf.webgpuAvailable()) return null;
      const msg = 'no WebGPU adapter on this machine';
      if (process.env.TSFLOW_REQUIRE_WEBGPU === '1') throw new Error(`${msg}, and TSFLOW_REQUIRE_WEBGPU=1`);
      console.warn(`\n!!! ${msg}: the WebGPU runs of this suite are SKIPPED (install a Vulkan driver, e.g. scripts/install-vulkan.sh)\n`);
      return msg;
    },
  },
};

/** Devices named in TSFLOW_TEST_DEVICES (comma-separated; default: all three). */
export function testDevices(): TestDevice[] {
  const all = Object.keys(KNOWN_DEVICES).join(',');
  const spec = (process.env.TSFLOW_TEST_DEVICES ?? all).trim() || all;
  return spec.split(',').map((s) => s.trim()).filter(Boolean).map((name) => {
    const d = KNOWN_DEVICES[name];
    if (!d) throw new Error(`TSFLOW_TEST_DEVICES: unknown device '${name}' (known: ${Object.keys(KNOWN_DEVICES).join(', ')})`);
    return { name, ...d };
  });
}

/** Each configured device with its availability resolved (top-level await in test files). */
export async function resolvedDevices(): Promise<(TestDevice & { skipReason: string | null })[]> {
  return Promise.all(testDevices().map(async (d) => ({ ...d, skipReason: await d.unavailable() })));
}

// ----- skipping with a printed reason ------------------------------------------------------------

const skipped = new Map<string, number>();

/**
 * Register (at collection time, once per file) the hook that prints every skip reason, with
 * counts, after the file's tests.
 */
export function registerSkipSummary(): void {
  afterAll(() => {
    for (const [r, n] of skipped) console.info(`skipped ${n} test${n === 1 ? '' : 's'}: ${r}`);
    skipped.clear();
  });
}

/** Skip the running test with `reason` (shown by the reporter and in the file's summary). */
export function skipTest(ctx: { skip: (note?: string) => never }, reason: string): never {
  skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  return ctx.skip(reason);
}

// ----- API presence --------------------------------------------------------------------------------

/** Look up a dotted path (`'nn.conv2d'`) in the public namespace. */
export function apiFn(path: string): ((...args: never[]) => unknown) | undefined {
  let cur: unknown = tf;
  for (const p of path.split('.')) {
    if (cur === null || (typeof cur !== 'object' && typeof cur !== 'function')) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return typeof cur === 'function' ? (cur as (...args: never[]) => unknown) : undefined;
}

// ----- seeded random inputs ------------------------------------------------------------------------

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hiInclusive: number): number {
    return lo + Math.floor(this.next() * (hiInclusive - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** A random shape of `rank` with dims in [lo, hi]. */
  shape(rank: number, lo = 1, hi = 4): number[] {
    return Array.from({ length: rank }, () => this.int(lo, hi));
  }
  /** A shape that broadcasts to `out`: a suffix of it with some dims set to 1. */
  broadcastable(out: readonly number[], p1 = 0.3): number[] {
    const drop = this.int(0, out.length);
    return out.slice(drop).map((d) => (this.bool(p1) ? 1 : d));
  }
}

/** An NDArray of `shape` whose elements come from `f`. */
export function arrayOf(shape: readonly number[], dtype: DType, f: () => number | boolean): NDArray {
  const n = size(shape);
  const data =
    dtype === 'float32' ? new Float32Array(n) : dtype === 'int32' ? new Int32Array(n) : dtype === 'bool' ? new Uint8Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Number(f());
  return new tf.NDArray(data, shape, dtype);
}

// ----- comparison ------------------------------------------------------------------------------------

export interface Tol {
  rtol: number;
  atol: number;
}

/** Differences as readable lines (empty when everything is within tolerance). */
export function mismatches(actual: NDArray, expected: RefValue, tol: Tol, max = 5): string[] {
  const out: string[] = [];
  if (actual.dtype !== expected.dtype) out.push(`dtype ${actual.dtype}, expected ${expected.dtype}`);
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    out.push(`shape [${actual.shape}], expected [${expected.shape}]`);
    return out;
  }
  let bad = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const a = Number(actual.data[i]);
    const e = expected.data[i]!;
    if (!isClose(a, e, tol.rtol, tol.atol) && bad++ < max) out.push(`[${i}] got ${a}, expected ${e} (diff ${Math.abs(a - e)}, allowed ${tol.atol + tol.rtol * Math.abs(e)})`);
  }
  if (bad > max) out.push(`… ${bad - max} more`);
  return out;
}

export function expectClose(actual: NDArray, expected: RefValue | NDArray, tol: Tol, what = ''): void {
  const exp = expected instanceof tf.NDArray ? fromNDArray(expected) : expected;
  const m = mismatches(actual, exp, tol);
  expect(m, `${what}\n${m.join('\n')}`).toEqual([]);
}

/** Compare nested JS numbers (fixture literals) with a tolerance; exact when `tol` is null. */
export function expectNestedClose(actual: unknown, expected: unknown, tol: Tol | null, path = '$'): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path}: expected an array, got ${JSON.stringify(actual)}`).toBe(true);
    const a = actual as unknown[];
    expect(a.length, `${path}: length`).toBe(expected.length);
    expected.forEach((e, i) => expectNestedClose(a[i], e, tol, `${path}[${i}]`));
    return;
  }
  if (typeof expected === 'number') {
    expect(typeof actual, `${path}: expected a number, got ${JSON.stringify(actual)}`).toBe('number');
    const a = actual as number;
    if (tol === null) expect(a, path).toBe(expected);
    else {
      const allowed = tol.atol + tol.rtol * Math.abs(expected);
      expect(Math.abs(a - expected) <= allowed, `${path}: got ${a}, expected ${expected} (allowed ±${allowed})`).toBe(true);
    }
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual === 'object' && actual !== null, `${path}: expected an object, got ${JSON.stringify(actual)}`).toBe(true);
    const a = actual as Record<string, unknown>;
    expect(Object.keys(a).sort(), `${path}: keys`).toEqual(Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) expectNestedClose(a[k], e, tol, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}
