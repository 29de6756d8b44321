// Child-process fixture for the CPU pool tests. Imports tsflow from the path in argv[2] (the
// TypeScript sources under tsx, or a compiled build under plain node), runs a matmul chain on
// `threads` threads with every step fanned out, prints a JSON summary and — unless told to
// close — leaves the session open: the process must still exit by itself.
//   node run-graph.mjs <module> <threads> <close|forget>
const [modulePath, threadsArg, closeArg] = process.argv.slice(2);
const tf = await import(new URL(modulePath, `file://${process.cwd()}/`).href);
const threads = Number(threadsArg);
const n = 200;
const x = tf.placeholder(tf.float32, [n, n]);
let y = x;
for (let i = 0; i < 4; i++) y = tf.tanh(tf.matmul(y, x));
const data = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i) * 0.2);
const feeds = new Map([[x, new tf.NDArray(data, [n, n], 'float32')]]);
const sess = new tf.Session({ threads, parallelThreshold: 0 });
let r = await sess.run(y, feeds);
const device = sess.runners?.get('cpu')?.device ?? sess.device;
const pool = () => device.workerPool;
if (device.threads > 1) {
  const until = Date.now() + 60_000;
  while (!(pool() && pool().ready === threads - 1) && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
  for (let i = 0; i < 50 && pool().workerChunks === 0; i++) r = await sess.run(y, feeds);
}
let hash = 0;
for (const v of new Int32Array(r.data.buffer, r.data.byteOffset, r.data.length)) hash = (Math.imul(hash, 31) + v) | 0;
console.log(JSON.stringify({
  hash,
  threads: device.threads,
  shared: typeof SharedArrayBuffer === 'function',
  workerChunks: pool()?.workerChunks ?? 0,
  ready: pool()?.ready ?? 0,
}));
if (closeArg === 'close') await sess.close();
