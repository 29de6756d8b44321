/** random on the WebGPU device: the same Philox4x32-10 stream as the host reference in src/device/philox.ts. */
import { describe, expect, it } from 'vitest';
import { philox, sampleNormal, sampleTruncatedNormal, sampleUniform } from '../../src/device/philox.js';
import type { PrimParams } from '../../src/device/prims.js';
import { PlanBuilder, expectClose, openDevice } from './helpers.js';

const dev = await openDevice();

type Dist = PrimParams['random']['dist'];
const SAMPLERS = { uniform: sampleUniform, normal: sampleNormal, truncatedNormal: sampleTruncatedNormal };

async function draw(dist: Dist, n: number, seed: [number, number], runs: number[], scale = 1, shift = 0): Promise<Float32Array[]> {
  const b = new PlanBuilder();
  b.dynSlots = 2;
  b.fetch(b.step('random', { n, dist, seed, dynSlot: 1, scale, shift }, [], 'float32', n));
  const prog = await dev!.compile(b.plan());
  try {
    const outs: Float32Array[] = [];
    for (const r of runs) outs.push((await prog.run([], Uint32Array.of(99, r)))[0] as Float32Array);
    return outs;
  } finally {
    prog.dispose();
  }
}

describe('Philox4x32-10 host reference', () => {
  it('matches the Random123 known-answer vectors', () => {
    const out = new Uint32Array(4);
    philox(0, 0, 0, 0, 0, 0, out);
    expect(Array.from(out)).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    philox(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect(Array.from(out)).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    philox(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    expect(Array.from(out)).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });
});

describe.skipIf(!dev)('random', () => {
  const TOL: Record<Dist, { rtol: number; atol: number }> = {
    uniform: { rtol: 1e-6, atol: 1e-7 },
    normal: { rtol: 2e-5, atol: 2e-5 },
    truncatedNormal: { rtol: 2e-5, atol: 2e-5 },
  };
  for (const dist of ['uniform', 'normal', 'truncatedNormal'] as Dist[]) {
    it(`${dist} follows the shared stream, run after run`, async () => {
      for (const n of [1, 7, 1001]) {
        const seed: [number, number] = [87654321, 0xdeadbeef];
        const runs = [0, 1, 5];
        const outs = await draw(dist, n, seed, runs, 2.5, -1);
        runs.forEach((r, k) => {
          const expected = new Float64Array(n);
          SAMPLERS[dist](expected, n, seed, r, 2.5, -1);
          expectClose(outs[k]!, expected, TOL[dist], `${dist} n=${n} run=${r}`);
        });
        if (n > 1) expect(Array.from(outs[0]!)).not.toEqual(Array.from(outs[1]!));
      }
    });
  }

  it('the same run number repeats the numbers; the seed changes them', async () => {
    const [a, b] = await draw('normal', 64, [1, 2], [3, 3]);
    const [c] = await draw('normal', 64, [1, 3], [3]);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(Array.from(a!)).not.toEqual(Array.from(c!));
  });

  it('has plausible moments (uniform in [0,1), truncated normal within 2σ)', async () => {
    const n = 20000;
    const [u] = await draw('uniform', n, [5, 6], [0]);
    const [t] = await draw('truncatedNormal', n, [5, 6], [0]);
    const mean = (x: Float32Array): number => x.reduce((p, v) => p + v, 0) / x.length;
    expect(Math.min(...u!)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u!)).toBeLessThan(1);
    expect(Math.abs(mean(u!) - 0.5)).toBeLessThan(0.01);
    expect(Math.max(...t!.map(Math.abs))).toBeLessThanOrEqual(2);
    expect(Math.abs(mean(t!))).toBeLessThan(0.03);
  });
});
