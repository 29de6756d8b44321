// Loading the polarity data and batching it.
//
// Port of Denny Britz's cnn-text-classification-tf data_helpers.py (Apache License 2.0) line by
// line in tsflow's conventions (numpy's shuffles through a seeded permutation, np-random.ts).
import { readFileSync } from 'node:fs';
import * as np from '../np-random.js';

/**
 * Tokenization/string cleaning for all datasets except for SST.
 * Original taken from https://github.com/yoonkim/CNN_sentence/blob/master/process_data.py
 */
export function cleanStr(string: string): string {
  string = string.replace(/[^A-Za-z0-9(),!?'`]/g, ' ');
  string = string.replace(/'s/g, " 's");
  string = string.replace(/'ve/g, " 've");
  string = string.replace(/n't/g, " n't");
  string = string.replace(/'re/g, " 're");
  string = string.replace(/'d/g, " 'd");
  string = string.replace(/'ll/g, " 'll");
  string = string.replace(/,/g, ' , ');
  string = string.replace(/!/g, ' ! ');
  // (Python's re.sub keeps the backslash of the replacement's '\(' as the original does)
  string = string.replace(/\(/g, ' \\( ');
  string = string.replace(/\)/g, ' \\) ');
  string = string.replace(/\?/g, ' \\? ');
  string = string.replace(/\s{2,}/g, ' ');
  return string.trim().toLowerCase();
}

/** Loads polarity data from files, splits the data into words and generates labels. Returns split sentences and labels. */
export function loadDataAndLabels(positiveDataFile: string, negativeDataFile: string): [string[], number[][]] {
  // Load data from files (Python's readlines: a last line without '\n' counts, no line after a final '\n')
  const lines = (f: string): string[] => readFileSync(f, 'utf8').split(/(?<=\n)/).filter((l) => l.length > 0);
  let positiveExamples = lines(positiveDataFile);
  positiveExamples = positiveExamples.map((s) => s.trim());
  let negativeExamples = lines(negativeDataFile);
  negativeExamples = negativeExamples.map((s) => s.trim());
  // Split by words
  let xText = [...positiveExamples, ...negativeExamples];
  xText = xText.map((sent) => cleanStr(sent));
  // Generate labels
  const positiveLabels = positiveExamples.map(() => [0, 1]);
  const negativeLabels = negativeExamples.map(() => [1, 0]);
  const y = [...positiveLabels, ...negativeLabels];
  return [xText, y];
}

/** Generates a batch iterator for a dataset. */
export function* batchIter<T>(data: T[], batchSize: number, numEpochs: number, shuffle = true): Generator<T[]> {
  const dataSize = data.length;
  const numBatchesPerEpoch = Math.trunc((data.length - 1) / batchSize) + 1;
  for (let epoch = 0; epoch < numEpochs; epoch++) {
    // Shuffle the data at each epoch
    let shuffledData: T[];
    if (shuffle) {
      const shuffleIndices = np.permutation(dataSize);
      shuffledData = shuffleIndices.map((i) => data[i]!);
    } else {
      shuffledData = data;
    }
    for (let batchNum = 0; batchNum < numBatchesPerEpoch; batchNum++) {
      const startIndex = batchNum * batchSize;
      const endIndex = Math.min((batchNum + 1) * batchSize, dataSize);
      yield shuffledData.slice(startIndex, endIndex);
    }
  }
}
