/**
 * Port of python/01_basics.py from github.com/pkmital/tensorflow_tutorials (Parag K. Mital,
 * Apache License 2.0), line by line in tsflow's conventions.
 *
 * Changes: matplotlib's plots are replaced by checks of the plotted values against numpy-style
 * formulas computed here in plain JS; skimage's `data.astronaut()` (a 512x512x3 photo) is replaced
 * by a seeded synthetic 24x20x3 image, and the convolution the program computes on it is checked
 * against a direct JS 'SAME' convolution. `x.eval()` returns a Promise in tsflow, so it is awaited.
 */
import { describe, expect, it } from 'vitest';
import * as tf from 'tsflow';

function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

describe('pkmital/tensorflow_tutorials 01_basics', () => {
  it('runs and computes the gaussian, the gabor patch and its convolution', async () => {
    tf.resetDefaultGraph();
    // %% First a tf.Tensor
    const n_values = 32;
    let x = tf.linspace(-3.0, 3.0, n_values);

    // %% Construct a tf.Session to execute the graph.
    let sess: tf.Session = new tf.Session();
    const result = (await sess.run(x)) as tf.NDArray;
    // TF's LinSpace kernel works in float32: start + step * i with step = (stop - start) / (num - 1),
    // the last value exactly stop
    const f = Math.fround;
    const step = f(6 / 31);
    expect(Array.from(result.data)).toEqual([...Array.from({ length: 31 }, (_, i) => f(-3 + f(step * i))), 3]);

    // %% Alternatively pass a session to the eval fn:
    await x.eval(undefined, sess);
    // x.eval() does not work, as it requires a session!
    await expect(x.eval()).rejects.toThrow(/session/i);

    // %% We can setup an interactive session
    await sess.close();
    sess = new tf.InteractiveSession();

    // %% Now this will work!
    await x.eval();

    // %% Now a tf.Operation: a gaussian over [-3, 3]
    const sigma = 1.0;
    const mean = 0.0;
    let z = tf.multiply(
      tf.exp(tf.negative(tf.divide(tf.pow(tf.subtract(x, mean), 2.0), tf.multiply(2.0, tf.pow(sigma, 2.0))))),
      tf.divide(1.0, tf.multiply(sigma, tf.sqrt(tf.multiply(2.0, 3.1415)))),
    );

    // %% By default, new operations are added to the default Graph
    expect(z.graph).toBe(tf.getDefaultGraph());

    const gauss = linspace(-3, 3, 32).map((v) => Math.exp(-((v - mean) ** 2) / (2 * sigma ** 2)) * (1 / (sigma * Math.sqrt(2 * 3.1415))));
    const zv = (await z.eval()) as tf.NDArray;
    zv.data.forEach((v, i) => expect(v).toBeCloseTo(gauss[i]!, 6));

    // %% shapes
    expect(String(z.getShape())).toBe('(32,)');
    expect(z.getShape().asList()).toEqual([32]);
    expect(Array.from(((await tf.shape(z).eval()) as tf.NDArray).data)).toEqual([32]);

    // %% We can combine tensors like so:
    const stacked = (await tf.stack([tf.shape(z), tf.shape(z), [3], [4]]).eval()) as tf.NDArray;
    expect(stacked.toArray()).toEqual([[32], [32], [3], [4]]);

    // %% Let's multiply the two to get a 2d gaussian
    const z_2d = tf.matmul(tf.reshape(z, [n_values, 1]), tf.reshape(z, [1, n_values]));
    const z2v = (await z_2d.eval()) as tf.NDArray;
    expect(z2v.shape).toEqual([32, 32]);
    expect(z2v.get(3, 17)).toBeCloseTo(gauss[3]! * gauss[17]!, 7);

    // %% For fun let's create a gabor patch:
    x = tf.reshape(tf.sin(tf.linspace(-3.0, 3.0, n_values)), [n_values, 1]);
    const y = tf.reshape(tf.onesLike(x), [1, n_values]);
    z = tf.multiply(tf.matmul(x, y), z_2d);
    const gv = (await z.eval()) as tf.NDArray;
    const xs = linspace(-3, 3, 32);
    expect(gv.get(5, 20)).toBeCloseTo(Math.sin(xs[5]!) * gauss[5]! * gauss[20]!, 7);

    // %% We can also list all the operations of a graph:
    const ops = tf.getDefaultGraph().getOperations();
    const names = ops.map((op) => op.name);
    expect(names.filter((n) => n.startsWith('LinSpace'))).toEqual(['LinSpace', 'LinSpace_1']);
    expect(ops.length).toBeGreaterThan(20);
    expect(names).toContain('LinSpace');
    expect(names).toContain('MatMul');
    expect(new Set(names).size).toBe(names.length);

    // %% Lets try creating a generic function for computing the same thing:
    function gabor(n_values = 32, sigma = 1.0, mean = 0.0): tf.Tensor {
      let x = tf.linspace(-3.0, 3.0, n_values);
      const z = tf.multiply(
        tf.exp(tf.negative(tf.divide(tf.pow(tf.subtract(x, mean), 2.0), tf.multiply(2.0, tf.pow(sigma, 2.0))))),
        tf.divide(1.0, tf.multiply(sigma, tf.sqrt(tf.multiply(2.0, 3.1415)))),
      );
      const gauss_kernel = tf.matmul(tf.reshape(z, [n_values, 1]), tf.reshape(z, [1, n_values]));
      x = tf.reshape(tf.sin(tf.linspace(-3.0, 3.0, n_values)), [n_values, 1]);
      const y = tf.reshape(tf.onesLike(x), [1, n_values]);
      const gabor_kernel = tf.multiply(tf.matmul(x, y), gauss_kernel);
      return gabor_kernel;
    }

    // %% Confirm this does something:
    const g1 = (await gabor().eval()) as tf.NDArray;
    expect(Array.from(g1.data)).toEqual(Array.from(gv.data));

    // %% And another function which can convolve
    function convolve(img: tf.Tensor, W: tf.Tensor): tf.Tensor {
      // The W matrix is only 2D, conv2d needs height x width x n_input x n_output
      if (W.getShape().length === 2) {
        const dims = [...W.getShape().asList(), 1, 1];
        W = tf.reshape(W, dims as number[]);
      }
      if (img.getShape().length === 2) {
        const dims = [1, ...img.getShape().asList(), 1];
        img = tf.reshape(img, dims as number[]);
      } else if (img.getShape().length === 3) {
        const dims = [1, ...img.getShape().asList()];
        img = tf.reshape(img, dims as number[]);
        // 3 channels: the kernel is repeated for each input channel
        W = tf.concat({ axis: 2, values: [W, W, W] });
      }
      const convolved = tf.nn.conv2d(img, W, { strides: [1, 1, 1, 1], padding: 'SAME' });
      return convolved;
    }

    // %% "Load up an image": a seeded synthetic one instead of skimage's astronaut
    const [H, Wd, C] = [24, 20, 3];
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const imgData = new Float32Array(H * Wd * C).map(() => Math.floor(rnd() * 256));
    const img = new tf.NDArray(imgData, [H, Wd, C], 'float32');

    // %% Now create a placeholder for our graph which can store any input:
    const xi = tf.placeholder(tf.float32, { shape: img.shape });

    // %% And a graph which can convolve our image with a gabor
    const out = convolve(xi, gabor());

    // %% Now send the image into the graph and compute the result
    const res = (await tf.squeeze(out).eval([[xi, img]])) as tf.NDArray;
    expect(res.shape).toEqual([H, Wd]);
    // direct 'SAME' convolution (32x32 kernel: pad 15 before, 16 after), summed over channels
    const K = g1;
    const check = (r: number, c: number): number => {
      let s = 0;
      for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) {
        const rr = r + i - 15, cc = c + j - 15;
        if (rr < 0 || rr >= H || cc < 0 || cc >= Wd) continue;
        for (let ch = 0; ch < C; ch++) s += imgData[(rr * Wd + cc) * C + ch]! * (K.get(i, j) as number);
      }
      return s;
    };
    for (const [r, c] of [[0, 0], [11, 9], [23, 19], [5, 14]] as const) {
      expect(res.get(r, c)).toBeCloseTo(check(r, c), 1);
    }
    await sess.close();
  });
});
