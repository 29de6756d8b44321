// Basic Multi GPU computation example using TensorFlow library.
//
// This tutorial requires your machine to have 2 GPUs
// "/cpu:0": The CPU of your machine.
// "/gpu:0": The first GPU of your machine
// "/gpu:1": The second GPU of your machine
//
// Port of examples/6_MultiGPU/multigpu_basics.py from github.com/aymericdamien/TensorFlow-Examples
// (Author: Aymeric Damien, MIT License), line by line in tsflow's conventions. Two deviations,
// each marked below: the sessions allow soft placement, so that on a machine without two GPUs
// the ops pinned to '/gpu:0' and '/gpu:1' run on the CPU as TF1 places them with
// allow_soft_placement=True (without it TF1 and tsflow refuse the run: "Cannot assign a device
// for operation ..."); and the matrices' size is an option (10000 in the original), with A^n + B^n
// checked against a plain JS computation. The log of device placement shows where each op ran.
// The test runs 64x64 matrices (on a machine without a GPU, the ops of '/gpu:1' on the CPU):
// test-args: --size 64
// test-check: ^Single GPU result: A\^10 \+ B\^10 matches the host computation$
// test-check: ^Multi GPU result: A\^10 \+ B\^10 matches the host computation$
// test-check: ^Single GPU computation time: \d+:\d\d:\d\d\.\d{6}$
// test-check: ^MatMul_20: \(MatMul\): /job:localhost/replica:0/task:0/device:(CPU|GPU):0$
//
//   npx tsx examples/tf1/multigpu-basics.ts [--size 10000]
import { parseArgs } from 'node:util';
import * as tf from 'tsflow';

const { values: args } = parseArgs({ options: { size: { type: 'string', default: '10000' } } });
const size = Number(args.size);

// Processing Units logs
const logDevicePlacement = true;

// Num of multiplications to perform
const n = 10;

// Example: compute A^n + B^n on 2 GPUs
// Results on 8 cores with 2 GTX-980:
//  * Single GPU computation time: 0:00:11.277449
//  * Multi GPU computation time: 0:00:07.131701

// Create random large matrix
// (np.random.rand; scaled by 1/size here so that the 11th power stays finite in float32 for any size)
const rand = (): tf.NDArray => new tf.NDArray(Float32Array.from({ length: size * size }, () => Math.random() / size), [size, size]);
const A = rand();
const B = rand();

// Create a graph to store results
const c1: tf.Tensor[] = [];
const c2: tf.Tensor[] = [];

function matpow(M: tf.Tensor, n: number): tf.Tensor {
  if (n < 1) return M; // Abstract cases where n < 1
  return tf.matmul(M, matpow(M, n - 1));
}

// A^(n+1) + B^(n+1) on the host, in float64, to check the results (not in the original)
function hostMatpowSum(): Float64Array {
  const pow = (M: tf.NDArray): Float64Array => {
    const m = Float64Array.from(M.data as Float32Array);
    let r = Float64Array.from(m);
    for (let k = 0; k < n; k++) {
      const next = new Float64Array(size * size);
      for (let i = 0; i < size; i++) for (let l = 0; l < size; l++) {
        const a = m[i * size + l]!;
        for (let j = 0; j < size; j++) next[i * size + j]! += a * r[l * size + j]!;
      }
      r = next;
    }
    return r;
  };
  const a = pow(A);
  const b = pow(B);
  return a.map((v, i) => v + b[i]!);
}
const expected = size <= 256 ? hostMatpowSum() : null;
function check(label: string, got: tf.NDArray): void {
  if (!expected) return;
  const ok = (got.data as Float32Array).every((v, i) => Math.abs(v - expected[i]!) <= 1e-4 * Math.abs(expected[i]!) + 1e-30);
  console.log(`${label} result: A^${n} + B^${n} ${ok ? 'matches' : 'DOES NOT match'} the host computation`);
}

const fmt = (ms: number): string => {
  const s = ms / 1000;
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${(s % 60).toFixed(6).padStart(9, '0')}`;
};

// Single GPU computing
let sum!: tf.Tensor;
let a!: tf.Tensor;
let b!: tf.Tensor;
tf.device('/gpu:0', () => {
  a = tf.placeholder(tf.float32, [size, size]);
  b = tf.placeholder(tf.float32, [size, size]);
  // Compute A^n and B^n and store results in c1
  c1.push(matpow(a, n));
  c1.push(matpow(b, n));
});

tf.device('/cpu:0', () => {
  sum = tf.addN(c1); // Addition of all elements in c1, i.e. A^n + B^n
});

const t11 = performance.now();
{
  // (allowSoftPlacement is not in the original, see above)
  await using sess = new tf.Session({ config: new tf.ConfigProto({ logDevicePlacement, allowSoftPlacement: true }) });
  // Run the op.
  check('Single GPU', (await sess.run(sum, new Map([[a, A], [b, B]]))) as tf.NDArray);
}
const t21 = performance.now();

// Multi GPU computing
// GPU:0 computes A^n
tf.device('/gpu:0', () => {
  // Compute A^n and store result in c2
  a = tf.placeholder(tf.float32, [size, size]);
  c2.push(matpow(a, n));
});

// GPU:1 computes B^n
tf.device('/gpu:1', () => {
  // Compute B^n and store result in c2
  b = tf.placeholder(tf.float32, [size, size]);
  c2.push(matpow(b, n));
});

tf.device('/cpu:0', () => {
  sum = tf.addN(c2); // Addition of all elements in c2, i.e. A^n + B^n
});

const t12 = performance.now();
{
  // (allowSoftPlacement is not in the original, see above)
  await using sess = new tf.Session({ config: new tf.ConfigProto({ logDevicePlacement, allowSoftPlacement: true }) });
  // Run the op.
  check('Multi GPU', (await sess.run(sum, new Map([[a, A], [b, B]]))) as tf.NDArray);
}
const t22 = performance.now();

console.log('Single GPU computation time: ' + fmt(t21 - t11));
console.log('Multi GPU computation time: ' + fmt(t22 - t12));
