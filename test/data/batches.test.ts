import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batches } from '../../src/data/index.js';
import { permutation, seededRandom } from '../../src/data/random.js';
import { NDArray } from '../../src/ndarray.js';

/** features [n, 3] float32 whose row i is (i, i + 0.5, -i); labels int32 [n] = i. */
function dataset(n: number): { x: NDArray; y: NDArray } {
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) x.set([i, i + 0.5, -i], i * 3);
  return {
    x: new NDArray(x, [n, 3], 'float32'),
    y: new NDArray(Int32Array.from({ length: n }, (_, i) => i), [n], 'int32'),
  };
}

/** The example ids of one epoch, checking along the way that features match labels. */
function epochIds(it: Iterable<[NDArray, NDArray]>): number[][] {
  const out: number[][] = [];
  for (const [bx, by] of it) {
    const ids = Array.from(by.data);
    ids.forEach((id, k) => expect(Array.from(bx.data.subarray(k * 3, k * 3 + 3))).toEqual([id, id + 0.5, -id]));
    out.push(ids);
  }
  return out;
}

const sizes = fc.record({ n: fc.integer({ min: 0, max: 200 }), batchSize: fc.integer({ min: 1, max: 64 }) });

describe('batches', () => {
  it('slices in order without shuffling; the last batch may be short', () => {
    fc.assert(
      fc.property(sizes, ({ n, batchSize }) => {
        const { x, y } = dataset(n);
        const b = batches(batchSize, x, y);
        const ids = epochIds(b);
        expect(ids.length).toBe(Math.ceil(n / batchSize));
        expect(b.length).toBe(ids.length);
        ids.forEach((batch, k) => {
          expect(batch.length).toBe(k < ids.length - 1 ? batchSize : n - batchSize * (ids.length - 1));
        });
        expect(ids.flat()).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the trailing shape and dtype of each array', () => {
    const x = new NDArray(new Float64Array(5 * 2 * 2).map((_, i) => i), [5, 2, 2], 'float64');
    const y = new NDArray(new Uint8Array([1, 0, 1, 1, 0]), [5], 'bool');
    const got = [...batches(2, x, y, { shuffle: true, seed: 3 })];
    expect(got.map(([bx]) => bx.shape)).toEqual([[2, 2, 2], [2, 2, 2], [1, 2, 2]]);
    expect(got.every(([bx, by]) => bx.dtype === 'float64' && by.dtype === 'bool')).toBe(true);
  });

  it('shuffled: every epoch is a permutation of all examples, in batches of the right sizes', () => {
    fc.assert(
      fc.property(sizes, fc.integer(), fc.integer({ min: 1, max: 4 }), ({ n, batchSize }, seed, epochs) => {
        const { x, y } = dataset(n);
        const b = batches(batchSize, x, y, { shuffle: true, seed });
        for (let e = 0; e < epochs; e++) {
          const ids = epochIds(b);
          expect(ids.map((a) => a.length)).toEqual(
            Array.from({ length: Math.ceil(n / batchSize) }, (_, k) => Math.min(batchSize, n - k * batchSize)),
          );
          expect(ids.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
        }
        expect(b.epoch).toBe(epochs);
      }),
      { numRuns: 60 },
    );
  });

  it('shuffled: the same seed gives the same sequence of epochs', () => {
    fc.assert(
      fc.property(sizes, fc.integer(), ({ n, batchSize }, seed) => {
        const { x, y } = dataset(n);
        const a = batches(batchSize, x, y, { shuffle: true, seed });
        const b = batches(batchSize, x, y, { shuffle: true, seed });
        for (let e = 0; e < 3; e++) expect(epochIds(a)).toEqual(epochIds(b));
      }),
      { numRuns: 40 },
    );
  });

  it('shuffled: successive epochs and different seeds give different orders', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 200 }), fc.integer(), (n, seed) => {
        const { x, y } = dataset(n);
        const b = batches(7, x, y, { shuffle: true, seed });
        const e0 = epochIds(b).flat();
        const e1 = epochIds(b).flat();
        const other = epochIds(batches(7, x, y, { shuffle: true, seed: seed + 1 })).flat();
        // With n ≥ 20 a repeat has probability 1/n!; an identity order would mean no shuffling.
        expect(e1).not.toEqual(e0);
        expect(other).not.toEqual(e0);
        expect(e0).not.toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 60 },
    );
  });

  it('claims the epoch when iteration starts, so interleaved iterators get distinct epochs', () => {
    const { x, y } = dataset(30);
    const b = batches(30, x, y, { shuffle: true, seed: 1 });
    const i0 = b[Symbol.iterator]();
    const i1 = b[Symbol.iterator]();
    expect(b.epoch).toBe(2);
    const first1 = Array.from(i1.next().value![1].data);
    const first0 = Array.from(i0.next().value![1].data);
    expect(first0).toEqual(Array.from(b.order(0)));
    expect(first1).toEqual(Array.from(b.order(1)));
  });

  it('returns copies, not views of the inputs', () => {
    const { x, y } = dataset(4);
    const [[bx, by]] = [...batches(4, x, y)];
    bx.data[0] = 99;
    by.data[0] = 99;
    expect(x.data[0]).toBe(0);
    expect(y.data[0]).toBe(0);
  });

  it('shuffles roughly uniformly (each position sees each example about equally)', () => {
    const n = 5;
    const trials = 20000;
    const counts = new Array<number>(n * n).fill(0);
    const rnd = seededRandom(123);
    for (let t = 0; t < trials; t++) permutation(n, rnd).forEach((v, pos) => counts[pos * n + v]!++);
    for (const c of counts) expect(Math.abs(c / trials - 1 / n)).toBeLessThan(0.02);
  });

  it('validates its arguments, saying what was expected and what arrived', () => {
    const { x, y } = dataset(6);
    expect(() => batches(0, x, y)).toThrow(/batchSize must be a positive integer, got number 0/);
    expect(() => batches(2.5, x, y)).toThrow(/positive integer, got number 2.5/);
    expect(() => batches('8' as never, x, y)).toThrow(/positive integer, got the string '8'/);
    expect(() => batches(2, x, dataset(5).y)).toThrow(
      /same first dimension.*got features \[6, 3\] and labels \[5\]/,
    );
    expect(() => batches(2, [1, 2] as never, y)).toThrow(/features must be an NDArray, got a plain array/);
    expect(() => batches(2, x, new NDArray(new Float32Array([1]), []))).toThrow(/labels must have at least one axis/);
    expect(() => batches(2, x, y, { shuffle: 'yes' as never })).toThrow(/shuffle must be true or false/);
    expect(() => batches(2, x, y, { shuffle: true, seed: 1.5 })).toThrow(/seed must be an integer, got number 1.5/);
    expect(() => batches(2, x, y, { shufle: true } as never)).toThrow(/unknown option 'shufle'/);
  });
});
