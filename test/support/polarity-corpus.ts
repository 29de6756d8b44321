/**
 * A small synthetic polarity corpus in rt-polaritydata's layout (one sentence a line,
 * rt-polarity.pos and rt-polarity.neg): sentences of neutral filler words with one to three
 * sentiment words of their class, so the class is learnable from the words. Deterministic in `seed`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rng } from './grad-check.js';

const POSITIVE = ['wonderful', 'moving', 'brilliant', 'delightful', 'superb', 'charming', 'funny', 'gripping', 'beautiful', 'masterful'];
const NEGATIVE = ['dull', 'boring', 'awful', 'tedious', 'clumsy', 'lifeless', 'bland', 'pointless', 'messy', 'forgettable'];
const FILLER = ['the', 'film', 'movie', 'a', 'story', 'is', 'and', 'its', 'cast', 'plot', 'director', 'of', 'with', 'this', 'feels', 'it', "isn't", 'script', 'ending', 'acting'];

/** Writes `perClass` sentences into dir/rt-polarity.pos and dir/rt-polarity.neg; returns their paths. */
export function writePolarityCorpus(dir: string, perClass: number, seed = 1): { pos: string; neg: string } {
  mkdirSync(dir, { recursive: true });
  const rand = rng(seed);
  const pick = (words: string[]): string => words[Math.floor(rand() * words.length)]!;
  const sentence = (sentiment: string[]): string => {
    const words = Array.from({ length: 6 + Math.floor(rand() * 10) }, () => pick(FILLER));
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) words.splice(Math.floor(rand() * (words.length + 1)), 0, pick(sentiment));
    return words.join(' ') + (rand() < 0.5 ? ' .' : ' !');
  };
  const pos = path.join(dir, 'rt-polarity.pos');
  const neg = path.join(dir, 'rt-polarity.neg');
  writeFileSync(pos, Array.from({ length: perClass }, () => sentence(POSITIVE)).join('\n') + '\n');
  writeFileSync(neg, Array.from({ length: perClass }, () => sentence(NEGATIVE)).join('\n') + '\n');
  return { pos, neg };
}
