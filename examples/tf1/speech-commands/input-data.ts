// Model definitions for simple speech recognition: loading and preprocessing the audio.
//
// Port of tensorflow/examples/speech_commands/input_data.py (TensorFlow 1.15, Apache License
// 2.0), line by line in tsflow's conventions, for the 'mfcc' preprocessing: which_set's SHA-1
// split, prepare_words_list, the data index with silence and unknown words, background noise, and
// prepare_processing_graph — read_file → decode_wav → volume → time-shift pad and slice →
// background mix → clip → audio_spectrogram → mfcc, all graph ops run per clip as TF does.
// The Speech Commands download is replaced by generateSyntheticSpeech(): short synthetic "words"
// (tone patterns with random pitch, timing and loudness) written as 16-bit WAV files with
// tf.audio.encodeWav, in the dataset's layout (<word>/<speaker>_nohash_<n>.wav,
// _background_noise_/white_noise.wav).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from 'tsflow';
import type { ModelSettings } from './models.js';

const MAX_NUM_WAVS_PER_CLASS = 2 ** 27 - 1; // ~134M
export const SILENCE_LABEL = '_silence_';
const SILENCE_INDEX = 0;
export const UNKNOWN_WORD_LABEL = '_unknown_';
const UNKNOWN_WORD_INDEX = 1;
const BACKGROUND_NOISE_DIR_NAME = '_background_noise_';
const RANDOM_SEED = 59185;

/** A small seeded generator standing in for Python's `random` module. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prepends common tokens to the custom word list. */
export function prepareWordsList(wantedWords: string[]): string[] {
  return [SILENCE_LABEL, UNKNOWN_WORD_LABEL, ...wantedWords];
}

/** Determines which data partition the file should belong to (stable across runs and machines). */
export function whichSet(filename: string, validationPercentage: number, testingPercentage: number): 'training' | 'validation' | 'testing' {
  const hashName = basename(filename).replace(/_nohash_.*$/, '');
  const hashed = BigInt(`0x${createHash('sha1').update(hashName).digest('hex')}`);
  const percentageHash = Number(hashed % BigInt(MAX_NUM_WAVS_PER_CLASS + 1)) * (100.0 / MAX_NUM_WAVS_PER_CLASS);
  if (percentageHash < validationPercentage) return 'validation';
  if (percentageHash < testingPercentage + validationPercentage) return 'testing';
  return 'training';
}

/** The synthetic words: each a pattern of tones (start and end pitch in Hz per segment). */
const WORDS: Record<string, [number, number][]> = {
  yes: [[500, 900]], no: [[1400, 1400]], up: [[400, 400], [1800, 1800]], down: [[2400, 1100]],
  left: [[900, 900], [500, 500]], right: [[700, 1900]],
};

/** Writes `perWord` clips of each synthetic word and a background-noise file under `dir`. */
export async function generateSyntheticSpeech(dir: string, words: string[], perWord: number, sampleRate: number, seed: number): Promise<void> {
  const r = rng(seed);
  const g = new tf.Graph();
  const { audioPh, filePh, write } = g.asDefault(() => {
    const audioPh = tf.placeholder(tf.float32, [null, 1]);
    const filePh = tf.placeholder(tf.string, []);
    return { audioPh, filePh, write: tf.writeFile(filePh, tf.audio.encodeWav(audioPh, sampleRate)) };
  });
  const sess = new tf.Session({ graph: g });
  const save = async (file: string, samples: Float32Array) =>
    sess.run(write, new Map<tf.Tensor, tf.FeedValue>([[audioPh, new tf.NDArray(samples, [samples.length, 1], 'float32')], [filePh, file]]));
  for (const word of words) {
    mkdirSync(join(dir, word), { recursive: true });
    for (let i = 0; i < perWord; i++) {
      // A clip of up to one second: the word lasts 0.3-0.5 s at a random start, pitch and loudness.
      const n = Math.floor(sampleRate * (0.6 + 0.4 * r()));
      const x = new Float32Array(n);
      const dur = Math.floor(sampleRate * (0.3 + 0.2 * r()));
      const start = Math.floor(r() * Math.max(1, n - dur));
      const pitch = 0.85 + 0.3 * r();
      const amp = 0.3 + 0.5 * r();
      const segs = WORDS[word]!;
      let phase = 0;
      for (let t = 0; t < dur; t++) {
        const s = Math.min(segs.length - 1, Math.floor((t / dur) * segs.length));
        const u = (t / dur) * segs.length - s;
        const f = pitch * (segs[s]![0] + (segs[s]![1] - segs[s]![0]) * u);
        phase += (2 * Math.PI * f) / sampleRate;
        x[start + t] = amp * Math.sin(phase) * Math.sin((Math.PI * t) / dur);
      }
      for (let t = 0; t < n; t++) x[t] = x[t]! + 0.02 * (r() * 2 - 1);
      await save(join(dir, word, `${Math.floor(r() * 0xffffffff).toString(16).padStart(8, '0')}_nohash_${i}.wav`), x);
    }
  }
  mkdirSync(join(dir, BACKGROUND_NOISE_DIR_NAME), { recursive: true });
  await save(join(dir, BACKGROUND_NOISE_DIR_NAME, 'white_noise.wav'), Float32Array.from({ length: sampleRate * 4 }, () => r() * 2 - 1));
  await sess.close();
}

interface Entry { label: string; file: string }

/** Handles loading, partitioning, and preparing audio training data. */
export class AudioProcessor {
  dataIndex: Record<string, Entry[]> = { validation: [], testing: [], training: [] };
  wordsList: string[] = [];
  wordToIndex: Record<string, number> = {};
  backgroundData: Float32Array[] = [];
  private readonly random: () => number;
  private graph!: tf.Graph;
  private sess!: tf.Session;
  private ph!: Record<string, tf.Tensor>;
  private outputFeatures!: tf.Tensor;

  constructor(readonly dataDir: string, silencePercentage: number, unknownPercentage: number, wantedWords: string[], validationPercentage: number, testingPercentage: number, readonly modelSettings: ModelSettings) {
    this.random = rng(RANDOM_SEED);
    this.prepareDataIndex(silencePercentage, unknownPercentage, wantedWords, validationPercentage, testingPercentage);
  }

  async init(): Promise<void> {
    await this.prepareBackgroundData();
    this.prepareProcessingGraph(this.modelSettings);
  }

  /** Prepares a list of the samples organized by set and label. */
  prepareDataIndex(silencePercentage: number, unknownPercentage: number, wantedWords: string[], validationPercentage: number, testingPercentage: number): void {
    const wanted: Record<string, number> = {};
    wantedWords.forEach((w, i) => (wanted[w] = i + 2));
    const unknownIndex: Record<string, Entry[]> = { validation: [], testing: [], training: [] };
    const allWords = new Set<string>();
    for (const word of readdirSync(this.dataDir).sort()) {
      if (word === BACKGROUND_NOISE_DIR_NAME) continue;
      for (const f of readdirSync(join(this.dataDir, word)).filter((n) => n.endsWith('.wav')).sort()) {
        allWords.add(word);
        const file = join(this.dataDir, word, f);
        const set = whichSet(file, validationPercentage, testingPercentage);
        // If it's a known class, store its detail, otherwise add it to the list we'll use to train the unknown label.
        (word in wanted ? this.dataIndex[set]! : unknownIndex[set]!).push({ label: word, file });
      }
    }
    for (const w of wantedWords) if (!allWords.has(w)) throw new Error(`Expected to find ${w} in labels but only found ${[...allWords].join(', ')}`);
    // We need an arbitrary file to load as the input for the silence samples. It's multiplied by zero later, so the content doesn't matter.
    const silenceWavPath = this.dataIndex.training![0]!.file;
    for (const set of ['validation', 'testing', 'training']) {
      const size = this.dataIndex[set]!.length;
      const silenceSize = Math.ceil((size * silencePercentage) / 100);
      for (let i = 0; i < silenceSize; i++) this.dataIndex[set]!.push({ label: SILENCE_LABEL, file: silenceWavPath });
      // Pick some unknowns to add to each partition of the data set.
      shuffle(unknownIndex[set]!, this.random);
      const unknownSize = Math.ceil((size * unknownPercentage) / 100);
      this.dataIndex[set]!.push(...unknownIndex[set]!.slice(0, unknownSize));
      // Make sure the ordering is random.
      shuffle(this.dataIndex[set]!, this.random);
    }
    // Prepare the rest of the result data structure.
    this.wordsList = prepareWordsList(wantedWords);
    for (const word of allWords) this.wordToIndex[word] = word in wanted ? wanted[word]! : UNKNOWN_WORD_INDEX;
    this.wordToIndex[SILENCE_LABEL] = SILENCE_INDEX;
  }

  /** Searches a folder for background noise audio, and loads it into memory. */
  async prepareBackgroundData(): Promise<void> {
    const dir = join(this.dataDir, BACKGROUND_NOISE_DIR_NAME);
    const g = new tf.Graph();
    const { filePh, decoded } = g.asDefault(() => {
      const filePh = tf.placeholder(tf.string, []);
      return { filePh, decoded: tf.audio.decodeWav(tf.readFile(filePh), 1).audio };
    });
    const sess = new tf.Session({ graph: g });
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.wav')).sort()) {
      const wav = (await sess.run(decoded, new Map([[filePh, join(dir, f)]]))) as tf.NDArray;
      this.backgroundData.push(wav.data as Float32Array);
    }
    await sess.close();
    if (this.backgroundData.length === 0) throw new Error(`No background wav files were found in ${dir}`);
  }

  /** Builds a TensorFlow graph to apply the input distortions. */
  prepareProcessingGraph(modelSettings: ModelSettings): void {
    this.graph = new tf.Graph();
    this.graph.asDefault(() => {
      const desiredSamples = modelSettings.desiredSamples;
      const wavFilenamePlaceholder = tf.placeholder(tf.string, [], 'wav_filename');
      const wavLoader = tf.readFile(wavFilenamePlaceholder);
      const wavDecoder = tf.audio.decodeWav(wavLoader, { desiredChannels: 1, desiredSamples });
      // Allow the audio sample's volume to be adjusted.
      const foregroundVolumePlaceholder = tf.placeholder(tf.float32, [], 'foreground_volume');
      const scaledForeground = tf.multiply(wavDecoder.audio, foregroundVolumePlaceholder);
      // Shift the sample's start position, and pad any gaps with zeros.
      const timeShiftPaddingPlaceholder = tf.placeholder(tf.int32, [2, 2], 'time_shift_padding');
      const timeShiftOffsetPlaceholder = tf.placeholder(tf.int32, [2], 'time_shift_offset');
      const paddedForeground = tf.pad(scaledForeground, timeShiftPaddingPlaceholder, 'CONSTANT');
      const slicedForeground = tf.slice(paddedForeground, timeShiftOffsetPlaceholder, [desiredSamples, -1]);
      // Mix in background noise.
      const backgroundDataPlaceholder = tf.placeholder(tf.float32, [desiredSamples, 1], 'background_data');
      const backgroundVolumePlaceholder = tf.placeholder(tf.float32, [], 'background_volume');
      const backgroundMul = tf.multiply(backgroundDataPlaceholder, backgroundVolumePlaceholder);
      const backgroundAdd = tf.add(backgroundMul, slicedForeground);
      const backgroundClamp = tf.clipByValue(backgroundAdd, -1.0, 1.0);
      // Run the spectrogram and MFCC ops to get a 2D 'fingerprint' of the audio.
      const spectrogram = tf.contrib.framework.audioOps.audioSpectrogram(backgroundClamp, {
        windowSize: modelSettings.windowSizeSamples, stride: modelSettings.windowStrideSamples, magnitudeSquared: true,
      });
      this.outputFeatures = tf.contrib.framework.audioOps.mfcc(spectrogram, wavDecoder.sampleRate, { dctCoefficientCount: modelSettings.fingerprintWidth });
      this.ph = {
        wavFilename: wavFilenamePlaceholder, foregroundVolume: foregroundVolumePlaceholder, timeShiftPadding: timeShiftPaddingPlaceholder,
        timeShiftOffset: timeShiftOffsetPlaceholder, backgroundData: backgroundDataPlaceholder, backgroundVolume: backgroundVolumePlaceholder,
      };
    });
    this.sess = new tf.Session({ graph: this.graph });
  }

  /** Calculates the number of samples in the dataset partition. */
  setSize(mode: string): number {
    return this.dataIndex[mode]!.length;
  }

  /**
   * Gather samples from the data set, applying transformations as needed. howMany -1 takes the
   * whole partition from offset 0; otherwise samples are picked at random (training) or in order.
   */
  async getData(howMany: number, offset: number, modelSettings: ModelSettings, backgroundFrequency: number, backgroundVolumeRange: number, timeShift: number, mode: string): Promise<[Float32Array, Int32Array]> {
    const candidates = this.dataIndex[mode]!;
    const sampleCount = howMany === -1 ? candidates.length : Math.max(0, Math.min(howMany, candidates.length - offset));
    const data = new Float32Array(sampleCount * modelSettings.fingerprintSize);
    const labels = new Int32Array(sampleCount);
    const desiredSamples = modelSettings.desiredSamples;
    const useBackground = this.backgroundData.length > 0 && mode === 'training';
    const pickDeterministically = mode !== 'training';
    for (let i = offset; i < offset + sampleCount; i++) {
      const sampleIndex = howMany === -1 || pickDeterministically ? i : Math.floor(this.random() * candidates.length);
      const sample = candidates[sampleIndex]!;
      // If we're time shifting, set up the offset for this sample.
      const timeShiftAmount = timeShift > 0 ? Math.floor(this.random() * (2 * timeShift + 1)) - timeShift : 0;
      const [timeShiftPadding, timeShiftOffset] = timeShiftAmount > 0 ? [[[timeShiftAmount, 0], [0, 0]], [0, 0]] : [[[0, -timeShiftAmount], [0, 0]], [-timeShiftAmount, 0]];
      // Choose a section of background noise to mix in.
      let backgroundReshaped = new Float32Array(desiredSamples);
      let backgroundVolume = 0;
      if (useBackground || sample.label === SILENCE_LABEL) {
        const noise = this.backgroundData[Math.floor(this.random() * this.backgroundData.length)]!;
        const backgroundOffset = Math.floor(this.random() * (noise.length - desiredSamples + 1));
        backgroundReshaped = noise.slice(backgroundOffset, backgroundOffset + desiredSamples);
        if (sample.label === SILENCE_LABEL) backgroundVolume = this.random();
        else if (this.random() < backgroundFrequency) backgroundVolume = this.random() * backgroundVolumeRange;
      }
      // If we want silence, mute out the main sample but leave the background.
      const feed = new Map<tf.Tensor, tf.FeedValue>([
        [this.ph.wavFilename!, sample.file],
        [this.ph.timeShiftPadding!, new tf.NDArray(Int32Array.from(timeShiftPadding.flat()), [2, 2], 'int32')],
        [this.ph.timeShiftOffset!, new tf.NDArray(Int32Array.from(timeShiftOffset), [2], 'int32')],
        [this.ph.backgroundData!, new tf.NDArray(backgroundReshaped, [desiredSamples, 1], 'float32')],
        [this.ph.backgroundVolume!, backgroundVolume],
        [this.ph.foregroundVolume!, sample.label === SILENCE_LABEL ? 0 : 1],
      ]);
      // Run the graph to produce the output audio.
      const features = (await this.sess.run(this.outputFeatures, feed)) as tf.NDArray;
      data.set(features.data as Float32Array, (i - offset) * modelSettings.fingerprintSize);
      labels[i - offset] = this.wordToIndex[sample.label]!;
    }
    return [data, labels];
  }

  async close(): Promise<void> {
    await this.sess.close();
  }
}

function shuffle<T>(xs: T[], r: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
}
