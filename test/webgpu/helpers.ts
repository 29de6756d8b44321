/**
 * Helpers for the WebGPU device tests: opening the device (or skipping loudly), building small
 * plans by hand, seeded data, and tolerant comparison against plain-JS references.
 */
import { afterAll, expect } from 'vitest';
import type { DType, DataArray } from '../../src/dtype.js';
import type { AnyStep, Plan, PlanBuffer } from '../../src/device/plan.js';
import type { PrimName, PrimParams } from '../../src/device/prims.js';
import { type WebGPUDevice, createWebGPUDevice, webgpuAvailable } from '../../src/device/webgpu/index.js';
import { isClose } from '../support/compare.js';
import { rng } from '../support/random.js';

export { rng };

/**
 * The device for one test file, or null (after a loud warning) when this machine has no
 * adapter. Set TSFLOW_REQUIRE_WEBGPU=1 to make a missing adapter an error instead.
 */
export async function openDevice(): Promise<WebGPUDevice | null> {
  if (!(await webgpuAvailable())) {
    const msg =
      'no WebGPU adapter found: the WebGPU device tests are SKIPPED. Without a GPU, install ' +
      "Mesa's lavapipe with `sudo bash scripts/install-vulkan.sh` (Debian 12).";
    if (process.env.TSFLOW_REQUIRE_WEBGPU === '1') throw new Error(msg);
    console.warn(`\n${'!'.repeat(100)}\n!!! ${msg}\n${'!'.repeat(100)}\n`);
    return null;
  }
  const dev = (await createWebGPUDevice()) as WebGPUDevice;
  afterAll(() => dev.dispose());
  return dev;
}

// ----- plans -----------------------------------------------------------------------------------

const ALIGN = 256;

/** Builds a plan by hand: every temp gets its own 256-aligned arena range (no reuse). */
export class PlanBuilder {
  readonly buffers: PlanBuffer[] = [];
  readonly steps: AnyStep[] = [];
  readonly feeds: number[] = [];
  readonly feedData: DataArray[] = [];
  readonly fetches: number[] = [];
  readonly commits: { from: number; to: number }[] = [];
  dynSlots = 0;
  private offset = 0;

  constructor(private readonly bytesPerElement: (d: DType) => number = () => 4) {}

  temp(dtype: DType, size: number): number {
    const id = this.buffers.length;
    this.buffers.push({ id, kind: 'temp', dtype, size, offset: this.offset });
    this.offset += Math.ceil(Math.max(size * this.bytesPerElement(dtype), 1) / ALIGN) * ALIGN;
    return id;
  }

  feed(dtype: DType, data: DataArray): number {
    const id = this.temp(dtype, data.length);
    this.feeds.push(id);
    this.feedData.push(data);
    return id;
  }

  constant(dtype: DType, data: DataArray): number {
    const id = this.buffers.length;
    this.buffers.push({ id, kind: 'const', dtype, size: data.length, data });
    return id;
  }

  variable(key: string, dtype: DType, size: number): number {
    const id = this.buffers.length;
    this.buffers.push({ id, kind: 'var', dtype, size, key });
    return id;
  }

  /** Adds a step writing a new temp of `outDtype`[`outSize`]; returns the output id. */
  step<K extends PrimName>(prim: K, params: PrimParams[K], inputs: number[], outDtype: DType, outSize: number, op = prim as string): number {
    const out = this.temp(outDtype, outSize);
    this.steps.push({ prim, params, inputs, outputs: [out], op } as AnyStep);
    return out;
  }

  fetch(...ids: number[]): this {
    this.fetches.push(...ids);
    return this;
  }

  plan(): Plan {
    return {
      buffers: this.buffers,
      steps: this.steps,
      arenaBytes: this.offset,
      feeds: this.feeds,
      fetches: this.fetches,
      commits: this.commits,
      dynSlots: this.dynSlots,
    };
  }
}

/** Compiles and runs the builder's plan once with its feed data. */
export async function runPlan(dev: WebGPUDevice, b: PlanBuilder, dyn = new Uint32Array(b.dynSlots)): Promise<DataArray[]> {
  const prog = await dev.compile(b.plan());
  try {
    return await prog.run(b.feedData, dyn);
  } finally {
    prog.dispose();
  }
}

// ----- data --------------------------------------------------------------------------------------

export function randF32(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

export function randI32(n: number, seed: number, lo = -10, hi = 10): Int32Array {
  const r = rng(seed);
  return Int32Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * r()));
}

export function randBool(n: number, seed: number): Uint8Array {
  const r = rng(seed);
  return Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
}

export function randOf(dtype: DType, n: number, seed: number): DataArray {
  return dtype === 'float32' ? randF32(n, seed) : dtype === 'int32' ? randI32(n, seed) : randBool(n, seed);
}

export const prod = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** Row-major strides of `shape`, with 0 on the axes where `shape` is 1 and `out` is not. */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const full = [...Array(out.length - shape.length).fill(1), ...shape];
  const st = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let d = out.length - 1; d >= 0; d--) {
    st[d] = full[d] === 1 && out[d] !== 1 ? 0 : s;
    s *= full[d]!;
  }
  return st;
}

/** Calls `f(offsets)` for each output index in row-major order with each operand's element offset. */
export function forStrided(shape: readonly number[], strides: readonly (readonly number[])[], base: readonly number[], f: (o: number, offs: number[]) => void): void {
  const n = prod(shape);
  for (let i = 0; i < n; i++) {
    let rem = i;
    const offs = [...base];
    for (let d = shape.length - 1; d >= 0; d--) {
      const q = rem % shape[d]!;
      rem = Math.floor(rem / shape[d]!);
      strides.forEach((s, k) => (offs[k]! += q * s[d]!));
    }
    f(i, offs);
  }
}

// ----- comparison -----------------------------------------------------------------------------------

export interface Tol {
  rtol?: number;
  atol?: number;
}

/** Element-wise comparison; NaN equals NaN, infinities must match exactly. */
export function expectClose(actual: DataArray, expected: ArrayLike<number>, tol: Tol = {}, label = ''): void {
  const rtol = tol.rtol ?? 1e-6;
  const atol = tol.atol ?? 1e-6;
  expect(actual.length, `${label} length`).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!isClose(a, e, rtol, atol) && bad.length < 8) bad.push(`[${i}] got ${a}, expected ${e}`);
  }
  expect(bad, `${label} mismatches`).toEqual([]);
}

export function expectExact(actual: DataArray, expected: ArrayLike<number>, label = ''): void {
  expect(Array.from(actual), label).toEqual(Array.from(expected));
}

export const f32 = (x: number): number => Math.fround(x);
