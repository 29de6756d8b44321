// The toy task of seq2seq-reverse.ts and nmt-attention.ts: reverse a sequence of tokens.
// Tokens: 0 padding, 1 <s>, 2 </s>, 3..9 the symbols; sources of 3 to 6 symbols, drawn from a
// seeded generator so that runs repeat. Run on its own it prints one small batch:
// test-check: ^source \[[3-9](, [0-9]){5}\] -> decoder input \[1(, [0-9]){6}\], target \[[3-9](, [0-9]){6}\]$
//
//   npx tsx examples/tf1/reverse-data.ts
import { pathToFileURL } from 'node:url';
import * as tf from 'tsflow';

export const [PAD, GO, EOS] = [0, 1, 2];
export const VOCAB = 10;
export const MAX_LEN = 6;

/** `batch(n)` from a seeded generator: sources padded to MAX_LEN, decoder inputs <s> + reversed, targets reversed + </s>. */
export function reverseBatches(seed: number) {
  let s = seed >>> 0;
  const random = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return function batch(n: number) {
    const src: number[] = [];
    const srcLen: number[] = [];
    const decIn: number[] = [];
    const tgt: number[] = [];
    const tgtLen: number[] = [];
    const seqs: number[][] = [];
    for (let b = 0; b < n; b++) {
      const len = 3 + Math.floor(random() * (MAX_LEN - 2));
      const seq = Array.from({ length: len }, () => 3 + Math.floor(random() * (VOCAB - 3)));
      const rev = [...seq].reverse();
      const pad = (xs: number[], to: number): number[] => [...xs, ...new Array<number>(to - xs.length).fill(PAD)];
      src.push(...pad(seq, MAX_LEN));
      decIn.push(...pad([GO, ...rev], MAX_LEN + 1));
      tgt.push(...pad([...rev, EOS], MAX_LEN + 1));
      srcLen.push(len);
      tgtLen.push(len + 1);
      seqs.push(seq);
    }
    const i32 = (v: number[], shape: number[]) => new tf.NDArray(Int32Array.from(v), shape, 'int32');
    return { src: i32(src, [n, MAX_LEN]), srcLen: i32(srcLen, [n]), decIn: i32(decIn, [n, MAX_LEN + 1]), tgt: i32(tgt, [n, MAX_LEN + 1]), tgtLen: i32(tgtLen, [n]), seqs };
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const b = reverseBatches(1)(2);
  const row = (a: tf.NDArray, i: number) => `[${Array.from(a.data as Int32Array).slice(i * a.shape[1]!, (i + 1) * a.shape[1]!).join(', ')}]`;
  for (let i = 0; i < 2; i++) console.log(`source ${row(b.src, i)} -> decoder input ${row(b.decIn, i)}, target ${row(b.tgt, i)}`);
}
