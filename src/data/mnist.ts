/**
 * MNIST-format datasets (MNIST, Fashion-MNIST, …) from a directory of IDX files, raw or gzipped.
 */
import { fs as nodeFs, path as nodePath, url as nodeUrl } from '../platform/node-builtins.js';
import { NDArray } from '../ndarray.js';
import { DatasetError } from './errors.js';
import { readIdxFile } from './idx.js';

export { oneHot } from './one-hot.js';

/** Magic numbers: unsigned bytes (0x08), rank 3 for images and rank 1 for labels. */
export const IMAGES_MAGIC = 0x00000803;
export const LABELS_MAGIC = 0x00000801;

export interface MnistSplit {
  /** float32 [N, rows*cols] (784 for MNIST), pixel bytes divided by 255 so values lie in [0, 1]. */
  images: NDArray;
  /** int32 [N]. */
  labels: NDArray;
}

export interface MnistData {
  train?: MnistSplit;
  test?: MnistSplit;
}

export const SPLITS = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/** The names tried for one file, in order: raw, gzipped, and the dotted variant some mirrors use. */
export function candidateNames(stem: string): string[] {
  const dotted = stem.replace(/-(idx\d-ubyte)$/, '.$1');
  return [stem, `${stem}.gz`, dotted, `${dotted}.gz`];
}

function findFile(dir: string, stem: string): string | null {
  for (const name of candidateNames(stem)) {
    const p = nodePath.join(dir, name);
    if (nodeFs.existsSync(p)) return p;
  }
  return null;
}

/** A byte 0..255 → its float32 value in [0, 1]. */
const SCALE = new Float32Array(256).map((_, i) => i / 255);

export function toFloatImages(bytes: Uint8Array, n: number, pixels: number): NDArray {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = SCALE[bytes[i]!]!;
  return new NDArray(out, [n, pixels], 'float32');
}

function loadSplit(imagesFile: string, labelsFile: string): MnistSplit {
  const img = readIdxFile(imagesFile, IMAGES_MAGIC);
  const lab = readIdxFile(labelsFile, LABELS_MAGIC);
  const [n, rows, cols] = img.shape as [number, number, number];
  const m = lab.shape[0]!;
  if (n !== m) {
    throw new DatasetError(
      `image/label count mismatch: ${nodePath.basename(imagesFile)} holds ${n} images but ` +
        `${nodePath.basename(labelsFile)} holds ${m} labels (${imagesFile}, ${labelsFile})`,
      imagesFile,
    );
  }
  return {
    images: toFloatImages(img.data as Uint8Array, n, rows * cols),
    labels: new NDArray(Int32Array.from(lab.data as Uint8Array), [m], 'int32'),
  };
}

/**
 * Read the train and/or test split from `dir`. A split is loaded when its images or labels file
 * is present (then both must be); at least one split must be present.
 */
export function load(dir: string | URL): MnistData {
  const root = dir instanceof URL ? nodeUrl.fileURLToPath(dir) : dir;
  if (!nodeFs.existsSync(root) || !nodeFs.statSync(root).isDirectory()) {
    throw new DatasetError(`MNIST directory not found: ${root}`, root);
  }
  const out: MnistData = {};
  const lookedFor: string[] = [];
  for (const split of ['train', 'test'] as const) {
    const { images, labels } = SPLITS[split];
    const imagesFile = findFile(root, images);
    const labelsFile = findFile(root, labels);
    if (imagesFile === null && labelsFile === null) {
      lookedFor.push(...candidateNames(images), ...candidateNames(labels));
      continue;
    }
    if (imagesFile === null || labelsFile === null) {
      const [missingStem, present] =
        imagesFile === null ? [images, labelsFile!] : [labels, imagesFile];
      throw new DatasetError(
        `MNIST ${split} split is incomplete: found ${nodePath.basename(present)} but not its partner ` +
          `in ${root} (looked for ${candidateNames(missingStem).join(', ')})`,
        nodePath.join(root, missingStem),
      );
    }
    out[split] = loadSplit(imagesFile, labelsFile);
  }
  if (out.train === undefined && out.test === undefined) {
    throw new DatasetError(
      `no MNIST files found in ${root}: looked for ${lookedFor.join(', ')}`,
      root,
    );
  }
  return out;
}
