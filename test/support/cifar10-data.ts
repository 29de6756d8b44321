/**
 * A small synthetic data set in CIFAR-10's binary format (cifar-10-batches-bin/data_batch_1..5.bin
 * and test_batch.bin: records of 1 label byte + 3072 image bytes, channel-major 32x32 planes).
 * Class c's image is a flat colour at angle 36°·c on the circle of colours around grey (what
 * survives per-image standardization: the channels' differences, up to scale) plus noise, so
 * the label is learnable from the pixels. Deterministic in `seed`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rng } from './grad-check.js';

const PIXELS = 32 * 32;

/** One record: label byte, then the R, G and B planes. */
function record(label: number, rand: () => number, noise: number): Uint8Array {
  const out = new Uint8Array(1 + 3 * PIXELS);
  out[0] = label;
  // u, v: an orthonormal basis of the plane orthogonal to grey (1, 1, 1)
  const u = [1 / Math.SQRT2, -1 / Math.SQRT2, 0];
  const v = [1 / Math.sqrt(6), 1 / Math.sqrt(6), -2 / Math.sqrt(6)];
  const a = (2 * Math.PI * label) / 10;
  for (let ch = 0; ch < 3; ch++) {
    const base = 128 + 70 * (Math.cos(a) * u[ch]! + Math.sin(a) * v[ch]!);
    for (let p = 0; p < PIXELS; p++) {
      const g = (rand() + rand() + rand() - 1.5) * 2 * noise; // about N(0, noise²)
      out[1 + ch * PIXELS + p] = Math.max(0, Math.min(255, Math.round(base + g)));
    }
  }
  return out;
}

/** Writes `perFile` records into each of data_batch_1..5.bin and `testCount` into test_batch.bin under dataDir/cifar-10-batches-bin. */
export function writeCifar10(dataDir: string, perFile: number, testCount: number, seed = 1, noise = 25): string {
  const dir = path.join(dataDir, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  const rand = rng(seed);
  const file = (name: string, n: number): void => {
    const buf = new Uint8Array(n * (1 + 3 * PIXELS));
    for (let i = 0; i < n; i++) buf.set(record(Math.floor(rand() * 10), rand, noise), i * (1 + 3 * PIXELS));
    writeFileSync(path.join(dir, name), buf);
  };
  for (let i = 1; i <= 5; i++) file(`data_batch_${i}.bin`, perFile);
  file('test_batch.bin', testCount);
  return dir;
}
